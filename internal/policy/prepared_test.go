package policy

import (
	"reflect"
	"slices"
	"testing"
)

// A prepared set decides every action of its table exactly as Evaluate
// does: the same decision and the same matches in the same order, for
// every decision case (identity, boundary, SCP levels, resource policies,
// conditions, NotAction, NotResource, principals, policy variables), on
// the case's resource, on "*" and on "some resource", for the case's
// action and for others. EvaluateWith, given the resource policies
// separately (as the escalation analysis gives each role's trust policy),
// decides as the set that holds them.
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
	// Acceptors of conditional matches for AllowedIf: every one, none, and
	// one that takes some and not others.
	accept := []func(Match) bool{
		func(Match) bool { return true },
		func(Match) bool { return false },
		func(m Match) bool { return len(m.Unknown)%2 == 1 },
	}
	compared, allowed, with := 0, 0, 0
	for _, c := range cases {
		s := buildSet(t, c)
		req := c.req.Prepare()
		p := s.Prepare(&req, table)
		// The same set without its resource policies, for EvaluateWith.
		bare := &Set{Identity: s.Identity, Boundary: s.Boundary, SCPs: s.SCPs}
		pb := bare.Prepare(&req, table)
		for _, resource := range []string{c.req.Resource, "*", ""} {
			for i, action := range actions {
				ask := req
				ask.Action, ask.Resource = action, resource
				want, got := s.Evaluate(&ask), p.Evaluate(i, resource)
				if !reflect.DeepEqual(want, got) {
					t.Fatalf("%s, %s on %q: Evaluate %s (%+v), prepared %s (%+v)", c.name, action, resource, want.Explain(), want, got.Explain(), got)
				}
				for n, ok := range accept {
					if got, want := p.AllowedIf(i, resource, ok), allowedIf(want, ok); got != want {
						t.Fatalf("%s, %s on %q: AllowedIf (acceptor %d) %v, Evaluate then check %v", c.name, action, resource, n, got, want)
					}
				}
				compared++
				if want.Decision == Allowed || want.Decision == ConditionallyAllowed {
					allowed++
				}
				if s.Resource == nil {
					continue
				}
				for _, required := range []bool{s.ResourceRequired, !s.ResourceRequired} {
					full := &Set{Identity: s.Identity, Boundary: s.Boundary, SCPs: s.SCPs, Resource: s.Resource, ResourceRequired: required}
					want, got := full.Evaluate(&ask), pb.EvaluateWith(i, resource, s.Resource, required)
					if !reflect.DeepEqual(want, got) {
						t.Fatalf("%s, %s on %q with resource policies (required %v): Evaluate %s, prepared %s", c.name, action, resource, required, want.Explain(), got.Explain())
					}
					with++
				}
			}
		}
	}
	// The comparison must cover both outcomes, not only denials, and the
	// resource policies given apart.
	if allowed < 200 || compared-allowed < 200 || with < 100 {
		t.Errorf("compared %d evaluations (%d allowed), %d with resource policies given apart: too few", compared, allowed, with)
	}
}
