package collect

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/sandbox"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// orgRules are the organisation-wide rules issue 9 (items 4, 6, 7) is about.
var orgRules = []string{"org-iam-users-in-member-accounts", "org-no-iam-user-guardrail", "org-root-credentials-not-centralized"}

// keepAccounts returns the demo with only the given accounts.
func keepAccounts(s *snapshot.Snapshot, ids ...string) *snapshot.Snapshot {
	s = clone(s)
	s.Accounts = slices.DeleteFunc(s.Accounts, func(a *snapshot.Account) bool { return !slices.Contains(ids, a.ID) })
	return s
}

func withoutInput(s *snapshot.Snapshot, in snapshot.Input) *snapshot.Snapshot {
	s = clone(s)
	for _, a := range s.Accounts {
		a.Collected = slices.DeleteFunc(a.Collected, func(x snapshot.Input) bool { return x == in })
	}
	return s
}

// orgStatuses returns rule -> statuses of the organisation rules.
func orgStatuses(rs []rules.Result) map[string][]rules.Status {
	out := map[string][]rules.Status{}
	for _, r := range rs {
		if slices.Contains(orgRules, r.RuleID) {
			out[r.RuleID] = append(out[r.RuleID], r.Status)
		}
	}
	return out
}

// Scanning a snapshot and scanning it live through the sandbox give the same
// results (rule, account, resource and status), with and without
// Organizations data; and the organisation rules never PASS over an
// organisation whose members nobody scanned (issue 9, items 4 and 6).
func TestSandboxScanEqualsSnapshotScan(t *testing.T) {
	full := consistent(demo.Snapshot())
	mgmtOnly := keepAccounts(full, demo.AccountID)

	noOrgData := withoutInput(mgmtOnly, snapshot.InputOrganization)
	noOrgData.Organization = nil

	standalone := clone(noOrgData)
	standalone.Accounts[0].MarkCollected(snapshot.InputOrganization)

	// A member account scanned on its own: DescribeOrganization answered,
	// the listing was denied.
	member := withoutInput(keepAccounts(full, demo.MemberAccountID), snapshot.InputOrganization)
	o := member.Organization
	member.Organization = &snapshot.Organization{ID: o.ID, ARN: o.ARN, ManagementAccount: o.ManagementAccount, FeatureSet: o.FeatureSet}
	member.Gaps = append(member.Gaps, snapshot.Gap{AccountID: demo.MemberAccountID, Input: snapshot.InputOrganization,
		API: "organizations:ListRoots", ErrorCode: "AccessDeniedException", Reason: "AccessDeniedException: You don't have permissions to access this resource."})

	cases := []struct {
		name   string
		served *snapshot.Snapshot
		org    bool
		want   map[string]rules.Status // every result of the rule has this status
	}{
		{"organisation --org", full, true, map[string]rules.Status{"org-no-iam-user-guardrail": rules.Fail}},
		{"management account alone", mgmtOnly, false, map[string]rules.Status{
			"org-iam-users-in-member-accounts": rules.Unknown, "org-no-iam-user-guardrail": rules.Fail}},
		{"no Organizations data", noOrgData, false, map[string]rules.Status{
			"org-iam-users-in-member-accounts": rules.Unknown, "org-no-iam-user-guardrail": rules.Unknown, "org-root-credentials-not-centralized": rules.Unknown}},
		{"standalone account", standalone, false, map[string]rules.Status{
			"org-iam-users-in-member-accounts": rules.Pass, "org-no-iam-user-guardrail": rules.Pass}},
		{"member account alone", member, false, map[string]rules.Status{
			"org-iam-users-in-member-accounts": rules.Unknown, "org-no-iam-user-guardrail": rules.Unknown, "org-root-credentials-not-centralized": rules.Unknown}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, _, _ := collectSandbox(t, tc.served, sandbox.Options{}, func(o *Options) { o.Org = tc.org })
			want, have := scanResults(t, tc.served), scanResults(t, got)
			if w, g := statusKeys(want), statusKeys(have); !slices.Equal(w, g) {
				t.Fatalf("scan of the snapshot and scan through the sandbox differ:\n%s", diffLines(w, g))
			}
			for rule, st := range tc.want {
				sts := orgStatuses(have)[rule]
				if len(sts) == 0 {
					t.Errorf("%s: no result", rule)
				}
				for _, s := range sts {
					if s != st {
						t.Errorf("%s: %s, want %s", rule, s, st)
					}
				}
			}
			if tc.served.Organization == nil && !tc.served.Accounts[0].Has(snapshot.InputOrganization) {
				g := got.GapsFor(got.Accounts[0].ID, snapshot.InputOrganization)
				if len(g) != 1 || g[0].ErrorCode != "AccessDeniedException" {
					t.Errorf("organisation gaps = %+v, want one AccessDeniedException (not AWSOrganizationsNotInUseException)", g)
				}
			}
		})
	}
}

func diffLines(want, got []string) string {
	var b strings.Builder
	for _, w := range want {
		if !slices.Contains(got, w) {
			fmt.Fprintf(&b, "- %s\n", w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			fmt.Fprintf(&b, "+ %s\n", g)
		}
	}
	return b.String()
}

// scan --org when the organisation cannot be listed (denied, or throttled
// past the retries): a gap with the AWS error code, only the caller's
// account, and the organisation rules UNKNOWN — never PASS (issue 9, item 7).
func TestOrgListingFails(t *testing.T) {
	served := consistent(demo.Snapshot())
	for _, tc := range []struct {
		name, code string
		opts       sandbox.Options
	}{
		{"ListRoots denied", "AccessDeniedException", sandbox.Options{Deny: []string{"organizations:ListRoots"}}},
		{"ListAccounts throttled", "TooManyRequestsException", sandbox.Options{Throttle: []string{"organizations:ListAccounts"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _, _ := collectSandbox(t, served, tc.opts, func(o *Options) { o.Org = true; o.Config.RetryMaxAttempts = 3 })
			if len(got.Accounts) != 1 || got.Accounts[0].ID != demo.AccountID {
				t.Fatalf("accounts = %d, want only the caller's", len(got.Accounts))
			}
			g := got.GapsFor(demo.AccountID, snapshot.InputOrganization)
			if len(g) != 1 || g[0].ErrorCode != tc.code || !strings.HasPrefix(g[0].API, "organizations:List") {
				t.Fatalf("organisation gaps = %+v, want one %s on an organizations:List call", g, tc.code)
			}
			if got.OrganizationListed() {
				t.Error("organisation reported as listed")
			}
			sts := orgStatuses(scanResults(t, got))
			for _, rule := range orgRules {
				if len(sts[rule]) == 0 {
					t.Errorf("%s: no result", rule)
				}
				for _, s := range sts[rule] {
					if s != rules.Unknown {
						t.Errorf("%s: %s, want UNKNOWN", rule, s)
					}
				}
			}
		})
	}
}
