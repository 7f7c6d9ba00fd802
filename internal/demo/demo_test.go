package demo_test

import (
	"context"
	"testing"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/scan"
)

// The demo exists to show the credential rules at work: each of the first
// seven rules must fail on the resources the demo story describes.
func TestDemoFailsTheCredentialRulesWhereTheStorySaysSo(t *testing.T) {
	out, err := scan.Run(context.Background(), demo.Snapshot(), scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	failing := map[string]map[string]bool{}
	for _, r := range out.Results.Slice() {
		if r.Status == rules.Fail {
			if failing[r.RuleID] == nil {
				failing[r.RuleID] = map[string]bool{}
			}
			failing[r.RuleID][r.ResourceName] = true
		}
	}
	want := map[string][]string{
		"iam-user-unnecessary":              {"alice.martin", "bob.chen", "carol.ops", "ci-deploy", "legacy-backup", "dave.contractor", "codecommit-mirror", "erin.intern", "sandbox-admin"},
		"iam-user-password-and-access-keys": {"alice.martin", "dave.contractor", "erin.intern"},
		"iam-user-console-without-mfa":      {"bob.chen", "dave.contractor", "sandbox-admin"},
		"iam-access-key-not-rotated":        {"alice.martin", "ci-deploy", "legacy-backup"},
		"iam-access-key-unused":             {"legacy-backup"},
		"root-access-keys":                  {"<root_account>"},
		"root-mfa-disabled":                 {"<root_account>"},
	}
	for rule, names := range want {
		for _, n := range names {
			if !failing[rule][n] {
				t.Errorf("%s does not fail %s", rule, n)
			}
		}
		if len(failing[rule]) != len(names) {
			t.Errorf("%s fails %v, want exactly %v", rule, failing[rule], names)
		}
	}
	if len(out.Errors) > 0 {
		t.Errorf("rule errors: %v", out.Errors)
	}
}

func TestDemoIsFreshEachCall(t *testing.T) {
	a := demo.Snapshot()
	a.Accounts[0].Users = nil
	if len(demo.Snapshot().Accounts[0].Users) == 0 {
		t.Fatal("demo snapshot shares state between calls")
	}
}
