package githuboidc

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/iamspect/iamspect/internal/remediate/plan"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/scan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// trustRules are iamspect's role-trust-* rules.
func trustRules() []*rules.Rule {
	var out []*rules.Rule
	for _, r := range rules.Catalog() {
		if strings.HasPrefix(r.ID, "role-trust-") {
			out = append(out, r)
		}
	}
	return out
}

// selfCheck runs the role-trust-* rules on a copy of the account holding
// the generated role (and the GitHub provider) and returns their failures
// for it.
func selfCheck(a *snapshot.Account, role *Role) []string {
	b := snapshot.NewBuilder(a.ID, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)).With(snapshot.InputOIDCProviders)
	acct := b.Account()
	acct.Partition = a.Partition
	acct.OIDCProviders = []snapshot.OIDCProvider{{ARN: providerARN(a), URL: "https://" + Issuer, ClientIDs: []string{Audience}}}
	r := b.Role(role.Name, role.Trust)
	r.ARN = role.ARN
	out, err := scan.Run(context.Background(), b.Build(), scan.Options{Rules: trustRules()})
	if err != nil {
		return []string{err.Error()}
	}
	var fails []string
	for _, res := range out.Results.All() {
		if res.Status == rules.Fail && res.ResourceARN == role.ARN {
			fails = append(fails, res.RuleID+": "+res.Message)
		}
		if res.Status == rules.Unknown && res.ResourceARN == role.ARN {
			fails = append(fails, res.RuleID+" could not judge the trust policy: "+res.Message)
		}
	}
	return fails
}

// broadTrust finds workflows already on OIDC whose role's trust the
// role-trust-oidc-* rules fail.
func broadTrust(s *snapshot.Snapshot, uses []OIDCUse) []BroadTrust {
	if len(uses) == 0 {
		return nil
	}
	var rs []*rules.Rule
	for _, r := range rules.Catalog() {
		if strings.HasPrefix(r.ID, "role-trust-oidc-") {
			rs = append(rs, r)
		}
	}
	out, err := scan.Run(context.Background(), s, scan.Options{Rules: rs})
	if err != nil {
		return nil
	}
	var bt []BroadTrust
	for _, u := range uses {
		var fs []plan.Unplanned
		for _, res := range out.Results.All() {
			if res.Status == rules.Fail && res.ResourceARN == u.Role {
				fs = append(fs, plan.Unplanned{RuleID: res.RuleID, Fingerprint: res.Fingerprint, AccountID: res.AccountID, Resource: res.ResourceARN,
					Reason: fmt.Sprintf("%s line %d (%s, job %s) assumes this role through OIDC, and its trust is too broad: %s; iamspect fix plan proposes the narrowed trust", u.File, u.Line, u.Repo, u.Job, res.Message)})
			}
		}
		if len(fs) > 0 {
			bt = append(bt, BroadTrust{Use: u, Finding: fs})
		}
	}
	return bt
}
