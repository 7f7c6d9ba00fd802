package policy

import (
	"fmt"
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
	var scratch Scratch
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
				// One scratch for every case: each result is read before the next.
				if transient := p.EvaluateTransient(i, resource, &scratch); !reflect.DeepEqual(want, transient) {
					t.Fatalf("%s, %s on %q: Evaluate %s (%+v), transient %s (%+v)", c.name, action, resource, want.Explain(), want, transient.Explain(), transient)
				}
				for n, ok := range accept {
					if got, want := p.AllowedIf(i, resource, ok), allowedIf(want, ok); got != want {
						t.Fatalf("%s, %s on %q: AllowedIf (acceptor %d) %v, Evaluate then check %v", c.name, action, resource, n, got, want)
					}
					if resource != "" {
						continue
					}
					some := p.AllowedOnSome(ok)
					if got, want := some[i/64]&(1<<(i%64)) != 0, allowedIf(want, ok); got != want {
						t.Fatalf("%s, %s on some resource: AllowedOnSome (acceptor %d) %v, Evaluate then check %v", c.name, action, n, got, want)
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
					if transient := pb.EvaluateWithTransient(i, resource, s.Resource, required, &scratch); !reflect.DeepEqual(want, transient) {
						t.Fatalf("%s, %s on %q with resource policies (required %v): Evaluate %s, transient %s", c.name, action, resource, required, want.Explain(), transient.Explain())
					}
					for n, ok := range accept {
						allowed, conditional := pb.VerdictWith(i, resource, s.Resource, required, ok)
						if allowed != allowedIf(want, ok) || conditional != (want.Decision == ConditionallyAllowed) {
							t.Fatalf("%s, %s on %q with resource policies (required %v, acceptor %d): VerdictWith %v %v, Evaluate %s", c.name, action, resource, required, n, allowed, conditional, want.Explain())
						}
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

// TestVerdictWithDecidesAsEvaluate holds VerdictWith to Evaluate on role
// assumptions built to reach every combination VerdictWith reduces:
// identity and trust statements that apply outright or under one or two
// unknown conditions, trusts naming the account (ViaAccount) or the caller,
// conditional Denies, a boundary, callers of the role's account and of
// another, with the resource policy required or not.
func TestVerdictWithDecidesAsEvaluate(t *testing.T) {
	const (
		mfa     = `"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`
		twoKeys = `"Condition":{"StringEquals":{"aws:SourceVpc":"vpc-1","aws:RequestedRegion":"eu-west-1"}}`
		caller  = "arn:aws:iam::111111111111:user/alice"
		other   = "arn:aws:iam::222222222222:user/bob"
	)
	stmt := func(effect, extra string) string {
		return `{"Effect":"` + effect + `","Action":"sts:AssumeRole","Resource":"*"` + extra + `}`
	}
	trust := func(effect, principal, extra string) string {
		return `{"Effect":"` + effect + `","Principal":{"AWS":"` + principal + `"},"Action":"sts:AssumeRole"` + extra + `}`
	}
	identities := [][]string{nil, {stmt("Allow", "")}, {stmt("Allow", ","+mfa)}, {stmt("Allow", ","+twoKeys)},
		{stmt("Allow", ","+mfa), stmt("Allow", ","+twoKeys)}, {stmt("Allow", ""), stmt("Deny", ","+mfa)}, {stmt("Allow", ""), stmt("Deny", "")}}
	trusts := [][]string{nil,
		{trust("Allow", "arn:aws:iam::111111111111:root", "")},
		{trust("Allow", caller, "")},
		{trust("Allow", "arn:aws:iam::111111111111:root", ","+mfa)},
		{trust("Allow", caller, ","+twoKeys)},
		{trust("Allow", caller, ","+mfa), trust("Allow", "arn:aws:iam::111111111111:root", ","+twoKeys)},
		{trust("Allow", "*", ","+twoKeys), trust("Deny", "*", ","+mfa)},
		{trust("Allow", other, "")},
		{trust("Allow", caller, ""), trust("Deny", "*", "")},
	}
	boundaries := [][]string{nil, {stmt("Allow", ","+mfa)}}
	parse := func(docs []string) []*Policy {
		var out []*Policy
		for _, d := range docs {
			doc, err := ParseString(`{"Version":"2012-10-17","Statement":[` + d + `]}`)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, Compile(doc))
		}
		return out
	}
	accept := []func(Match) bool{
		func(Match) bool { return true },
		func(Match) bool { return false },
		func(m Match) bool { return len(m.Unknown)%2 == 1 },
	}
	table := NewActionTable([]string{"sts:AssumeRole"})
	outcomes := map[string]int{}
	for _, id := range identities {
		for _, bound := range boundaries {
			set := &Set{Identity: parse(id)}
			if bound != nil {
				set.Boundary = parse(bound)
			}
			for _, principal := range []string{caller, other} {
				req := (&Request{Principal: principal}).Prepare()
				prepared := set.Prepare(&req, table)
				for _, tr := range trusts {
					rp := parse(tr)
					for _, required := range []bool{true, false} {
						full := &Set{Identity: set.Identity, Boundary: set.Boundary, Resource: rp, ResourceRequired: required}
						ask := req
						ask.Action, ask.Resource = "sts:AssumeRole", "arn:aws:iam::111111111111:role/r"
						want := full.Evaluate(&ask)
						for n, ok := range accept {
							allowed, conditional := prepared.VerdictWith(0, ask.Resource, rp, required, ok)
							wantAllowed := allowedIf(want, ok)
							if allowed != wantAllowed || conditional != (want.Decision == ConditionallyAllowed) {
								t.Fatalf("identity %v, boundary %v, caller %s, trust %v, required %v, acceptor %d: VerdictWith %v %v, Evaluate %s", id, bound, principal, tr, required, n, allowed, conditional, want.Explain())
							}
							outcomes[fmt.Sprintf("%s/%v", want.Decision, wantAllowed)]++
						}
					}
				}
			}
		}
	}
	// Every outcome must occur, conditional ones both accepted and not.
	for _, k := range []string{"Allowed/true", "ImplicitDeny/false", "ExplicitDeny/false", "ConditionallyAllowed/true", "ConditionallyAllowed/false"} {
		if outcomes[k] == 0 {
			t.Errorf("no case decided %s: %v", k, outcomes)
		}
	}
}
