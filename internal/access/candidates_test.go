package access

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/policy"
)

// The shortcuts of the scale work must give the answers of the plain
// definitions they replace, on an account of issue 16's shape.

func smallScale(t *testing.T) *Analysis {
	t.Helper()
	s := genScale(scaleShape{users: 80, roles: 120, policies: 120, groups: 40, seed: 11})
	return Analyze(Build(s, s.Accounts[0], nil), now)
}

// groupRaises against its definition: the joined set's power exceeds the
// user's (or the joined set is administrator).
func TestGroupRaisesMatchesDefinition(t *testing.T) {
	a := smallScale(t)
	raised, same := 0, 0
	for _, u := range a.users {
		if a.IsAdmin(u) {
			continue
		}
		s := a.state(u)
		for _, g := range a.sortedGroups() {
			joined := &policy.Set{Identity: append(slices.Clip(u.Set.Identity), g.Set.Identity...), Boundary: u.Set.Boundary, SCPs: u.Set.SCPs}
			want := (&policy.Set{Identity: joined.Identity, Boundary: joined.Boundary}).IsAdmin() ||
				exceeds(a.computePower(s, joined), a.powerOf(s))
			if got := a.groupRaises(s, g); got != want {
				t.Fatalf("groupRaises(%s, %s) = %v, definition says %v", u.Name, g.Name, got, want)
			}
			if want {
				raised++
			} else {
				same++
			}
		}
	}
	if raised == 0 || same == 0 {
		t.Fatalf("the account should have groups that raise users and groups that do not: %d raise, %d do not", raised, same)
	}
}

// eachAssumableIn visits exactly the roles of eachAssumable that are in
// keep, in the same order.
func TestEachAssumableInKeepsOrder(t *testing.T) {
	a := smallScale(t)
	checked := 0
	for _, p := range a.Model.Principals {
		if p.Kind == KindGroup {
			continue
		}
		var all []*Principal
		a.eachAssumable(p, func(as Assumption) bool { all = append(all, as.Role); return true })
		keep := map[*Principal]bool{}
		for i, r := range a.roles {
			if i%3 != 0 {
				keep[r] = true
			}
		}
		var want, got []*Principal
		for _, r := range all {
			if keep[r] {
				want = append(want, r)
			}
		}
		a.eachAssumableIn(p, keep, func(as Assumption) bool { got = append(got, as.Role); return true })
		if !slices.Equal(got, want) {
			t.Fatalf("%s: eachAssumableIn visits %d roles, eachAssumable filtered %d", p.Name, len(got), len(want))
		}
		checked += len(want)
	}
	if checked == 0 {
		t.Fatal("no principal could assume any role")
	}
}

// inListOrder keeps the list's order and only keep's members (or returns
// the list itself when keep holds a good part of it: callers still skip
// what keep lacks).
func TestInListOrder(t *testing.T) {
	a := smallScale(t)
	list := a.adminFirst(a.users)
	keep := map[*Principal]bool{list[len(list)-1]: true, list[3]: true, list[10]: true}
	// A prefix of the list is a list of its own (the positions kept for
	// it must not stand for the whole list's).
	if got := a.inListOrder(list[:20], keep); !slices.Equal(got, []*Principal{list[3], list[10]}) {
		t.Fatalf("prefix: inListOrder = %v", names(got))
	}
	got := a.inListOrder(list, keep)
	want := []*Principal{list[3], list[10], list[len(list)-1]}
	if !slices.Equal(got, want) {
		t.Fatalf("inListOrder = %v, want %v", names(got), names(want))
	}
	if got := a.inListOrder(list, nil); len(got) != len(list) {
		t.Fatalf("no filter: %d of %d", len(got), len(list))
	}
}

func names(ps []*Principal) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}

// A PassRole statement limited to another service does not name roles
// for this one; one without a condition, or with a variable, does.
func TestPassedToFalse(t *testing.T) {
	st := func(cond string) *policy.Statement {
		d, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"` + cond + `}]}`))
		if err != nil {
			t.Fatal(err)
		}
		return d.Statements[0]
	}
	for _, c := range []struct {
		cond string
		want bool
	}{
		{``, false},
		{`,"Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}`, true},
		{`,"Condition":{"StringEquals":{"iam:PassedToService":["lambda.amazonaws.com","ecs-tasks.amazonaws.com"]}}`, false},
		{`,"Condition":{"StringLike":{"iam:passedtoservice":"ecs*"}}`, false},
		{`,"Condition":{"StringLike":{"iam:PassedToService":"ec2.*"}}`, true},
		{`,"Condition":{"StringEquals":{"iam:PassedToService":"${aws:PrincipalTag/svc}"}}`, false},
		{`,"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`, false},
	} {
		if got := passedToFalseFor(st(c.cond), "ecs-tasks.amazonaws.com"); got != c.want {
			t.Errorf("passedToFalseFor(%s) = %v, want %v", c.cond, got, c.want)
		}
	}
}

// assumes agrees with Assumable for every principal and role, on the mixed
// shape and on shapes where every role trusts anyone or the account root
// (the roles then come through shared classes, answered by membership
// bits); a role of another model at the same position is not mistaken for
// the class's.
func TestAssumesMatchesAssumable(t *testing.T) {
	for _, tr := range []int{trustMixed, trustAll, trustRootOf} {
		s := genScale(scaleShape{users: 80, roles: 120, policies: 120, groups: 40, trust: tr, seed: 11})
		checkAssumes(t, Analyze(Build(s, s.Accounts[0], nil), now))
	}
	s := genScale(scaleShape{users: 80, roles: 120, policies: 120, groups: 40, trust: trustAll, seed: 11})
	a, other := Analyze(Build(s, s.Accounts[0], nil), now), Build(s, s.Accounts[0], nil)
	for _, p := range a.Model.Principals {
		sp := a.split(p)
		for _, r := range other.Principals {
			if r.Kind != KindRole {
				continue
			}
			if _, ok := sp.lookup(a.Model.Principals, r); ok {
				t.Fatalf("%s: role %s of another model found among its assumable roles", p.Name, r.Name)
			}
		}
	}
}

func checkAssumes(t *testing.T, a *Analysis) {
	t.Helper()
	yes := 0
	for _, p := range a.Model.Principals {
		in := map[*Principal]bool{}
		for _, as := range a.Assumable(p) {
			in[as.Role] = true
		}
		for _, r := range a.roles {
			if got := a.assumes(p, r); got != in[r] {
				t.Fatalf("assumes(%s, %s) = %v, Assumable says %v", p.Name, r.Name, got, in[r])
			}
		}
		yes += len(in)
	}
	if yes == 0 {
		t.Fatal("no principal can assume any role")
	}
}

// empowerFilter never leaves out a target the principal is allowed to
// change: every candidate the full evaluation allows is among those the
// filter visits, for every principal, kind and action (policies included).
func TestEmpowerFilterKeepsEveryAllowedTarget(t *testing.T) {
	a := smallScale(t)
	narrowed, allowed := 0, 0
	for _, p := range a.Model.Principals {
		if p.Kind == KindGroup {
			continue
		}
		s := a.state(p)
		for kind, acts := range empowerActions {
			for _, act := range acts {
				visit := a.empowerFilter(p, kind, act)
				if visit == nil {
					continue
				}
				narrowed++
				for i, c := range a.empowerCandidates(kind) {
					if !a.allowed(a.eval(s, p.Set, act, c.arn, "")) {
						continue
					}
					allowed++
					if !slices.Contains(visit, int32(i)) {
						t.Fatalf("%s may %s on %s, but the filter leaves it out", p.ARN, act, c.arn)
					}
				}
			}
		}
	}
	if narrowed == 0 || allowed == 0 {
		t.Fatalf("the account should narrow some principal's targets and allow some: %d narrowed, %d allowed", narrowed, allowed)
	}
}

// compareJoined orders like comparing the joined strings.
func TestCompareJoined(t *testing.T) {
	parts := []string{"", "a", "ab", "abc", "b", "arn:aws:iam::1:role/x", "arn:aws:iam::1:role/xy", "y"}
	for _, x1 := range parts {
		for _, x2 := range parts {
			for _, y1 := range parts {
				for _, y2 := range parts {
					if got, want := compareJoined(x1, x2, y1, y2), strings.Compare(x1+x2, y1+y2); got != want {
						t.Fatalf("compareJoined(%q, %q, %q, %q) = %d, want %d", x1, x2, y1, y2, got, want)
					}
				}
			}
		}
	}
}

// onceMap computes each key once, however many goroutines ask at once, and
// gives every caller that one value.
func TestOnceMapComputesOnce(t *testing.T) {
	var m onceMap[int, *int]
	var calls [4]atomic.Int32
	var wg sync.WaitGroup
	got := make([]*int, 64)
	for g := range 64 {
		wg.Go(func() {
			k := g % 4
			got[g] = m.get(k, func() *int {
				calls[k].Add(1)
				time.Sleep(time.Millisecond) // let the others arrive meanwhile
				v := k
				return &v
			})
		})
	}
	wg.Wait()
	for k := range calls {
		if n := calls[k].Load(); n != 1 {
			t.Errorf("key %d computed %d times", k, n)
		}
	}
	for g, v := range got {
		if v != got[g%4] {
			t.Fatalf("caller %d got another value than the first caller of key %d", g, g%4)
		}
	}
}

// eachCandidate yields, in list order, exactly the members that outrank
// the principal by Outranks' definition: through the bitsets kept per
// list and power class (lists of 64 or more), and member by member when
// keep narrows the list.
func TestEachCandidateOutranks(t *testing.T) {
	a := smallScale(t)
	lists := map[string][]*Principal{"users": a.adminFirst(a.users), "roles": a.adminFirst(a.roles)}
	outranked, top := 0, 0
	for _, p := range a.Model.Principals {
		if p.Kind == KindGroup {
			continue
		}
		s := a.state(p)
		for name, list := range lists {
			if len(list) < outrankFrom {
				t.Fatalf("%s: %d members, too few for the bitset path", name, len(list))
			}
			var want []*Principal
			for _, c := range list {
				if a.Outranks(c, p) {
					want = append(want, c)
				}
			}
			keep := map[*Principal]bool{list[0]: true, list[len(list)/2]: true, list[len(list)-1]: true}
			for _, k := range []map[*Principal]bool{nil, keep} {
				var got []*Principal
				eachCandidate(a, s, list, k, true, self, a.inListOrder, func(c *Principal) bool {
					got = append(got, c)
					return true
				})
				w := want
				if k != nil {
					w = slices.DeleteFunc(slices.Clone(want), func(c *Principal) bool { return !k[c] })
				}
				if !slices.Equal(got, w) {
					t.Fatalf("%s, %s (keep %d): candidates %v, Outranks says %v", p.Name, name, len(k), names(got), names(w))
				}
			}
			if len(want) > 0 {
				outranked++
			} else {
				top++
			}
		}
		s.searching = searching{}
	}
	if outranked == 0 || top == 0 {
		t.Fatalf("the account should have principals others outrank and principals none outrank: %d and %d", outranked, top)
	}
}

// A principal's power, computed through its prepared set, is the
// definition's: each power action evaluated on some resource.
func TestPowerMatchesDefinition(t *testing.T) {
	a := smallScale(t)
	some, none := 0, 0
	for _, p := range a.Model.Principals {
		if p.Kind == KindGroup || a.IsAdmin(p) {
			continue
		}
		s := a.state(p)
		got := a.powerOf(s)
		for i, act := range powerActions {
			want := a.allowed(a.eval(s, p.Set, act, "", ""))
			if have := got[i/64]&(1<<(i%64)) != 0; have != want {
				t.Fatalf("%s, %s: power says %v, evaluation %v", p.Name, act, have, want)
			}
			if want {
				some++
			} else {
				none++
			}
		}
	}
	if some == 0 || none == 0 {
		t.Fatalf("want both allowed and denied power actions: %d and %d", some, none)
	}
}
