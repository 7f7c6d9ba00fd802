// Package fixplan turns a scan's failing findings and the snapshot they came
// from into a remediation plan (internal/remediate/plan): the exact AWS calls
// that resolve each finding, ordered into stages, each with the state it
// expects and its inverse. It reads only the snapshot and the report; it
// never calls AWS.
package fixplan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/remediate/plan"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// Options shape a fix plan.
type Options struct {
	// Config holds the thresholds in use (unused-credential days, password
	// policy values); zero fields take their defaults.
	Config rules.Config
	// AsOf, when set, is the time ages are measured against (as in scan).
	AsOf time.Time
	// Case forces the choice for iam-user-password-and-access-keys: "a"
	// (remove the keys), "b" (remove the password) or "" (from evidence).
	Case string
	// TrustPins supplies what trust-policy fixes pin, by role name.
	TrustPins map[string]TrustPin
	// MemberRole is the role the scan assumed into member accounts.
	MemberRole string
	// Now stamps created_at; zero means the report's generation time.
	Now time.Time
	// Version is the tool version written into the plan.
	Version string
}

// TrustPin is what a person supplies for one role's new trust policy.
type TrustPin struct {
	// Subject pins an OIDC token's sub ("repo:OWNER/REPO:ref:refs/heads/main").
	Subject string
	// Audience pins an OIDC token's aud (default for GitHub: sts.amazonaws.com).
	Audience string
	// ExternalID is required of cross-account callers (sts:ExternalId).
	ExternalID string
	// Account replaces a "*" principal with this account's root.
	Account string
}

// Build makes the plan.
func Build(s *snapshot.Snapshot, rep *report.Report, o Options) (*plan.Plan, error) {
	if o.Case != "" && o.Case != "a" && o.Case != "b" {
		return nil, fmt.Errorf("--case %q: want a or b", o.Case)
	}
	o.Config = o.Config.WithDefaults()
	b := &builder{s: s, o: o, byRes: map[string][]finding.Result{}, done: map[string]bool{}}
	created := o.Now
	if created.IsZero() {
		created = rep.GeneratedAt
	}
	b.p = &plan.Plan{SchemaVersion: plan.SchemaVersion, CreatedAt: created.UTC(),
		Tool: plan.Tool{Name: "iamspect", Version: o.Version}, Kind: plan.KindFix,
		Source: plan.Source{Type: s.Source.Kind, Description: s.Source.Caller, MemberRole: o.MemberRole}}
	if s.Organization != nil {
		b.p.Source.ManagementAccountID = s.Organization.ManagementAccount
	}
	var fails []finding.Result
	for _, r := range rep.Results.All() {
		if r.Status != finding.Fail {
			continue
		}
		fails = append(fails, r)
		b.byRes[r.AccountID+"|"+r.ResourceARN] = append(b.byRes[r.AccountID+"|"+r.ResourceARN], r)
	}
	sort.SliceStable(fails, func(i, j int) bool {
		if fails[i].AccountID != fails[j].AccountID {
			return fails[i].AccountID < fails[j].AccountID
		}
		return ruleOrder(fails[i].RuleID) < ruleOrder(fails[j].RuleID)
	})
	for _, r := range fails {
		a := s.Account(r.AccountID)
		if a == nil {
			b.unplanned(r, "the finding's account is not in the snapshot")
			continue
		}
		b.plan(a, r)
	}
	b.finish()
	return b.p, b.p.Validate()
}

// ruleOrder plans user deletions before per-credential fixes, so that a
// user that is deleted is not also given separate key actions.
func ruleOrder(id string) int {
	switch id {
	case "iam-user-inactive":
		return 0
	case "iam-user-unnecessary":
		return 1
	case "iam-user-password-and-access-keys":
		return 2
	case "role-unused", "iam-group-unused":
		return 3
	}
	return 10
}

type builder struct {
	s     *snapshot.Snapshot
	o     Options
	p     *plan.Plan
	byRes map[string][]finding.Result
	// done marks fingerprints already resolved by a planned action, and
	// "user:ACCOUNT:NAME" for users planned for deletion.
	done     map[string]bool
	accounts []string
	// admins lists, per account, the principals principal-admin-access
	// fails on (isLastAdmin).
	admins map[string][]string
	// index finds an action by ID (before the final sort).
	index map[string]int
}

func (b *builder) now(a *snapshot.Account) time.Time {
	if !b.o.AsOf.IsZero() {
		return b.o.AsOf
	}
	return b.s.ReferenceTime(a)
}

func (b *builder) unplanned(r finding.Result, why string) {
	b.p.Unplanned = append(b.p.Unplanned, plan.Unplanned{RuleID: r.RuleID, Fingerprint: r.Fingerprint,
		AccountID: r.AccountID, Resource: r.ResourceARN, Reason: why})
}

func ref(r finding.Result) plan.FindingRef {
	return plan.FindingRef{RuleID: r.RuleID, Fingerprint: r.Fingerprint}
}

// add appends an action (filling its ID) and returns its ID.
func (b *builder) add(a plan.Action) string {
	if !slices.Contains(b.accounts, a.AccountID) {
		b.accounts = append(b.accounts, a.AccountID)
	}
	a.ID = plan.ActionID(&a)
	if i, ok := b.index[a.ID]; ok { // the same change planned for two findings
		x := &b.p.Actions[i]
		for _, r := range a.Resolves {
			if !slices.Contains(x.Resolves, r) {
				x.Resolves = append(x.Resolves, r)
			}
			b.done[r.Fingerprint] = true
		}
		return a.ID
	}
	for _, r := range a.Resolves {
		b.done[r.Fingerprint] = true
	}
	if b.index == nil {
		b.index = map[string]int{}
	}
	b.index[a.ID] = len(b.p.Actions)
	b.p.Actions = append(b.p.Actions, a)
	return a.ID
}

func (b *builder) finish() {
	sort.Strings(b.accounts)
	for _, id := range b.accounts {
		acct := plan.Account{ID: id}
		if a := b.s.Account(id); a != nil {
			acct.Alias = a.Alias
		}
		if b.s.Organization != nil && b.s.Organization.ManagementAccount == id {
			acct.Management = true
		}
		b.p.Accounts = append(b.p.Accounts, acct)
	}
	// Apply order: stage first, then the order planned (dependencies come
	// before what depends on them within a stage).
	sort.SliceStable(b.p.Actions, func(i, j int) bool {
		return plan.StageIndex(b.p.Actions[i].Stage) < plan.StageIndex(b.p.Actions[j].Stage)
	})
	for i := range b.p.Unplanned {
		u := &b.p.Unplanned[i]
		if b.done[u.Fingerprint] {
			u.Reason = ""
		}
	}
	b.p.Unplanned = slices.DeleteFunc(b.p.Unplanned, func(u plan.Unplanned) bool { return u.Reason == "" })
	b.p.Notes = append(b.p.Notes, fmt.Sprintf("thresholds in use: a credential unused for %d days is unused (unused_credential_days), users unused for %d days are inactive; password policy: length %d, reuse %d, expiry %d days",
		b.o.Config.UnusedCredentialDays, b.o.Config.InactiveUserDays, b.o.Config.MinPasswordLength, b.o.Config.PasswordReusePrevention, b.o.Config.MaxPasswordAgeDays))
	ids := 0
	for _, a := range b.p.Actions {
		if strings.Contains(a.NeedsInput, "IDs of user") || strings.Contains(a.NeedsInput, "serial numbers") {
			ids++
		}
	}
	if ids > 0 {
		b.p.Warnings = append(b.p.Warnings, fmt.Sprintf("%d actions need exact identifiers (access key IDs, certificate IDs, MFA serials) the input lacks: plan live, or from a snapshot of 'iamspect collect --credential-ids', which read them", ids))
	}
	if b.p.Accounts == nil {
		b.p.Accounts = []plan.Account{}
	}
	if b.p.Actions == nil {
		b.p.Actions = []plan.Action{}
	}
}

func (b *builder) plan(a *snapshot.Account, r finding.Result) {
	if b.done[r.Fingerprint] {
		return
	}
	switch r.RuleID {
	case "iam-user-inactive", "iam-user-unnecessary":
		b.planUserDeletion(a, r)
	case "iam-user-password-and-access-keys":
		b.planPasswordAndKeys(a, r)
	case "iam-access-key-unused", "iam-access-key-created-at-setup", "iam-access-key-not-rotated", "iam-user-multiple-active-keys":
		b.planKeys(a, r)
	case "iam-console-password-unused":
		if u := b.userOf(a, r); u != nil {
			b.removePassword(a, u, []plan.FindingRef{ref(r)}, "the console password has not been used within "+days(b.o.Config.UnusedCredentialDays))
		}
	case "iam-user-signing-certificate-active":
		b.planSigningCerts(a, r)
	case "password-policy-missing", "password-policy-min-length", "password-policy-reuse", "password-policy-expiry", "password-policy-complexity":
		b.planPasswordPolicy(a)
	case "iam-group-unused":
		b.planGroupDeletion(a, r)
	case "role-unused":
		b.planRoleDeletion(a, r)
	case "oidc-provider-unused":
		b.planOIDCDeletion(a, r)
	case "server-certificate-expired":
		b.planServerCertDeletion(a, r)
	case "policy-admin-attached":
		b.planAdminDetach(a, r)
	case "policy-cloudshell-full-access":
		b.planCloudShellDetach(a, r)
	case "root-access-keys", "root-mfa-disabled", "root-no-hardware-mfa", "root-signing-certificates", "root-recently-used":
		b.planRoot(a, r)
	case "role-trust-oidc-unscoped", "role-trust-oidc-missing-audience", "role-trust-cross-account-no-external-id", "role-trust-any-principal":
		b.planTrust(a, r)
	default:
		b.unplanned(r, "no remediation action is catalogued for this rule; see the rule's remediation text")
	}
}

func days(n int) string { return fmt.Sprintf("%d days", n) }

func (b *builder) userOf(a *snapshot.Account, r finding.Result) *snapshot.User {
	for _, u := range a.Users {
		if u.ARN == r.ResourceARN {
			return u
		}
	}
	b.unplanned(r, "the user is not in the snapshot")
	return nil
}

// usedWithin reports whether t is within n days before now.
func usedWithin(t *time.Time, now time.Time, n int) bool {
	return t != nil && now.Sub(*t) < time.Duration(n)*24*time.Hour
}

func dateOrNever(t *time.Time) string {
	if t == nil {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}

// resolvesAll returns refs to every failing finding on a resource (the
// deletion of a resource resolves them all).
func (b *builder) resolvesAll(accountID, arn string) []plan.FindingRef {
	var out []plan.FindingRef
	for _, r := range b.byRes[accountID+"|"+arn] {
		out = append(out, ref(r))
	}
	return out
}

func canonicalSHA(doc []byte) string {
	var v any
	if len(doc) == 0 || json.Unmarshal(doc, &v) != nil {
		return "absent"
	}
	c, _ := json.Marshal(v)
	sum := sha256.Sum256(c)
	return hex.EncodeToString(sum[:])
}

// CanonicalSHA256 is the hash a trust-policy or password-policy
// precondition expects: of the document re-encoded with sorted keys.
func CanonicalSHA256(doc []byte) string { return canonicalSHA(doc) }
