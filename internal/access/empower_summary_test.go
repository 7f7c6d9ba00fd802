package access

import (
	"reflect"
	"slices"
	"testing"
)

// TestEmpowermentSummaryMatchesList holds EmpowermentSummary to what the
// full Empowerments list says, on a generated account of issue 16's shape:
// actions in order first met, counts, the first empowerments of each
// action, and the distinct empowered principals in order.
func TestEmpowermentSummaryMatchesList(t *testing.T) {
	s := genScale(scaleShape{users: 60, roles: 60, policies: 100, groups: 30, seed: 6})
	an := Analyze(Build(s, s.Accounts[0], nil), now)
	const first = 3
	checked := 0
	for _, p := range an.Model.Principals {
		es := an.Empowerments(p)
		sum := an.EmpowermentSummary(p, first)
		if len(es) == 0 {
			if sum != nil {
				t.Fatalf("%s: summary %+v for no empowerment", p.ARN, sum)
			}
			continue
		}
		checked++
		want := &EmpowerSummary{Admin: es[0].Admin}
		for _, e := range es {
			k := slices.IndexFunc(want.Actions, func(x EmpowerAction) bool { return x.Action == e.Action })
			if k < 0 {
				want.Actions = append(want.Actions, EmpowerAction{Action: e.Action})
				k = len(want.Actions) - 1
			}
			if want.Actions[k].Count++; len(want.Actions[k].First) < first {
				want.Actions[k].First = append(want.Actions[k].First, e)
			}
			for _, arn := range e.Empowers {
				if !slices.Contains(want.Empowers, arn) {
					want.Empowers = append(want.Empowers, arn)
				}
			}
		}
		if !reflect.DeepEqual(sum, want) {
			t.Fatalf("%s: summary\n%+v\nwant\n%+v", p.ARN, sum, want)
		}
	}
	if checked < 10 {
		t.Fatalf("only %d principals with empowerments: the account no longer exercises the summary", checked)
	}
}
