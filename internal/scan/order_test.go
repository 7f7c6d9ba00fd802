package scan

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// ruleByRule is the scan as it ran before accounts were judged one at a
// time: every rule over every account, one permission model per account
// kept for the whole scan.
func ruleByRule(s *snapshot.Snapshot) []finding.Result {
	rc := rules.Context{Ctx: context.Background()}
	rc.Config = rc.Config.WithDefaults()
	var out []finding.Result
	for _, r := range rules.Catalog() {
		switch {
		case r.Check != nil:
			out = append(out, r.Check(r, &rc, s)...)
		case r.CheckAccount != nil:
			for _, a := range s.Accounts {
				if u, ok := unknownFor(r, s, a); ok {
					out = append(out, u)
					continue
				}
				out = append(out, enforceCoverage(r, s, a, r.CheckAccount(r, &rc, s, a))...)
			}
		}
	}
	for i := range out {
		out[i].Finish()
	}
	finding.Sort(out)
	return out
}

// Judging the accounts one at a time, and forgetting each account's
// permission model after it, gives exactly the results (order included) of
// the rule-by-rule scan, on an organisation of 30 accounts whose rules read
// across accounts (guardrails, Identity Center, organisation analyzers).
func TestAccountAtATimeEqualsRuleByRule(t *testing.T) {
	s := demo.OrganizationSized(30, demo.MemberSize{Users: 4, Roles: 6})
	want, err := json.Marshal(ruleByRule(s))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Run(context.Background(), s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Errors) > 0 {
		t.Fatalf("rule errors: %+v", out.Errors)
	}
	got, _ := json.Marshal(out.Results)
	if string(got) != string(want) {
		t.Fatalf("results differ from the rule-by-rule scan (%d results, want %d)", out.Results.Len(), len(ruleByRule(s)))
	}
	if out.Results.Len() < 30*50 {
		t.Fatalf("only %d results for 30 accounts", out.Results.Len())
	}
}
