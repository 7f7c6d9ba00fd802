package rules_test

import (
	"context"
	"testing"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/scan"
)

// The rules that record evidence fill in what their message states, so a
// machine reader need not parse prose: checked on every failing result of
// the demo for those rules.
func TestEvidenceMatchesTheMessage(t *testing.T) {
	want := map[string]func(*finding.Evidence) bool{
		"iam-access-key-not-rotated":      aged,
		"iam-access-key-unused":           aged,
		"iam-console-password-unused":     aged,
		"iam-user-inactive":               aged,
		"role-unused":                     aged,
		"policy-admin-attached":           func(e *finding.Evidence) bool { return e.Policy != "" && e.Statement != "" },
		"privilege-escalation":            func(e *finding.Evidence) bool { return len(e.Actions) > 0 && len(e.Path) >= 3 },
		"role-trust-any-principal":        func(e *finding.Evidence) bool { return len(e.Principals) == 1 && e.Principals[0] == "*" },
		"principal-admin-access":          func(e *finding.Evidence) bool { return len(e.Actions) == 1 && e.Actions[0] == "*" },
		"principal-can-grant-permissions": func(e *finding.Evidence) bool { return len(e.Actions) > 0 && len(e.Principals) > 0 },
	}
	out, err := scan.Run(context.Background(), demo.Snapshot(), scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, r := range out.Results.Slice() {
		ok, checked := want[r.RuleID]
		if !checked || r.Status != finding.Fail {
			continue
		}
		seen[r.RuleID]++
		if r.Evidence == nil || !ok(r.Evidence) {
			t.Errorf("%s on %s: evidence %+v does not back %q", r.RuleID, r.ResourceName, r.Evidence, r.Message)
		}
	}
	for id := range want {
		if seen[id] == 0 {
			t.Errorf("%s: the demo has no failing result to check", id)
		}
		if rules.ByID(id) == nil {
			t.Errorf("%s: not in the catalogue", id)
		}
	}
}

func aged(e *finding.Evidence) bool {
	return e.Date != nil && e.AgeDays != nil && e.Threshold != nil && *e.AgeDays >= *e.Threshold-1
}
