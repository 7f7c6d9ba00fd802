package demo_test

import (
	"context"
	"testing"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/scan"
)

// The demo is the catalogue's showcase: every rule must fail at least once,
// and nothing may be UNKNOWN (the demo collects every input).
func TestDemoFailsEveryRule(t *testing.T) {
	out, err := scan.Run(context.Background(), demo.Snapshot(), scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Errors) > 0 {
		t.Fatalf("rule errors: %v", out.Errors)
	}
	fails := map[string]int{}
	for _, r := range out.Results.Slice() {
		if r.Status == rules.Fail {
			fails[r.RuleID]++
		}
		if r.Status == rules.Unknown {
			t.Errorf("%s is UNKNOWN on %s: %s", r.RuleID, r.ResourceName, r.Message)
		}
	}
	for _, r := range rules.Catalog() {
		if fails[r.ID] == 0 {
			t.Errorf("the demo does not make %s fail", r.ID)
		}
	}
}

// The member account's story: one IAM user, no Identity Center assignment.
func TestDemoMemberAccount(t *testing.T) {
	out, err := scan.Run(context.Background(), demo.Snapshot(), scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]rules.Status{
		"identity-center-not-enabled":      rules.Fail,
		"federation-not-configured":        rules.Fail,
		"password-policy-missing":          rules.Fail,
		"org-iam-users-in-member-accounts": rules.Fail,
		"root-mfa-disabled":                rules.Pass,
		// its root MFA is an authenticator app; the management account's
		// root has no MFA at all, which is root-mfa-disabled's finding only
		"root-no-hardware-mfa": rules.Fail,
	}
	for _, r := range out.Results.Slice() {
		if w, ok := want[r.RuleID]; ok && r.AccountID == demo.MemberAccountID && r.Status != w {
			t.Errorf("%s on the member account: %s, want %s (%s)", r.RuleID, r.Status, w, r.Message)
		}
	}
}
