package policy

import (
	"reflect"
	"slices"
	"testing"
)

// A prepared set decides every action of its table exactly as Evaluate
// does: the same decision and the same matches in the same order, for
// every decision case (identity, boundary, SCP levels, resource policies,
// conditions, NotAction, NotResource, principals), on the case's resource
// and on "some resource", for the case's action and for others.
func TestPreparedSetDecidesAsEvaluate(t *testing.T) {
	cases := allEvalCases()
	var actions []string
	for _, c := range cases {
		if c.req.Action != "" && !slices.Contains(actions, c.req.Action) {
			actions = append(actions, c.req.Action)
		}
	}
	actions = append(actions, "ec2:RunInstances", "IAM:PassRole", "sts:AssumeRole", "lambda:CreateFunction", "s3:getobject")
	table := NewActionTable(actions)
	if table.Len() != len(actions) {
		t.Fatalf("table of %d actions has %d", len(actions), table.Len())
	}
	compared, allowed := 0, 0
	for _, c := range cases {
		s := buildSet(t, c)
		for _, resource := range []string{c.req.Resource, ""} {
			req := c.req
			req.Resource = resource
			prepared := req.Prepare()
			p := s.Prepare(&prepared, table)
			for i, action := range actions {
				ask := req
				ask.Action = action
				want, got := s.Evaluate(&ask), p.Evaluate(i)
				if !reflect.DeepEqual(want, got) {
					t.Fatalf("%s, %s on %q: Evaluate %s (%+v), prepared %s (%+v)", c.name, action, resource, want.Explain(), want, got.Explain(), got)
				}
				compared++
				if want.Decision == Allowed || want.Decision == ConditionallyAllowed {
					allowed++
				}
			}
		}
	}
	// The comparison must cover both outcomes, not only denials.
	if allowed < 200 || compared-allowed < 200 {
		t.Errorf("compared %d evaluations, %d allowed: too few of one kind", compared, allowed)
	}
}
