package access

import (
	"reflect"
	"slices"
	"testing"
)

// TestEmpowermentSummaryMatchesList holds EmpowermentSummary to what the
// full Empowerments list says, on a generated account of issue 16's shape:
// actions in order first met, counts, the first empowerments of each
// action, and the first distinct empowered principals in order with their
// total. Groups' outsiders and widely attached policies go through the
// shared bitsets, groups of few members are walked; the principals are cut
// at several sizes.
func TestEmpowermentSummaryMatchesList(t *testing.T) {
	s := genScale(scaleShape{users: 200, roles: 60, policies: 100, groups: 30, seed: 6})
	an := Analyze(Build(s, s.Accounts[0], nil), now)
	if ix := an.empowerIndex(); len(ix.sets) == 0 || !slices.ContainsFunc(ix.cands["group"], func(t empowerTarget) bool { return t.empowerSet < 0 && len(t.empowers) > 1 }) {
		t.Fatal("no target has a bitset, or none a walked list: the account no longer exercises both")
	}
	for _, max := range []int{1 << 30, 100, 7, 1} {
		checkSummaries(t, an, max)
	}
	// principals allowed a change on every target of a kind are summarised
	// from bulk passes, the others from records: the account has both
	// (and the passes' principals are counted through the kinds' unions,
	// or walked when they leave out more than they keep: both happen)
	bulk, recs, unions := 0, 0, 0
	for _, p := range an.Model.Principals {
		ew := an.empowerRecs(p, true)
		bulk += len(ew.bulk)
		recs += len(ew.recs)
		for i := range ew.bulk {
			if an.unionBulk(an.newEmpowerUnion(1), &ew.bulk[i]) {
				unions++
			}
		}
		ew.release()
	}
	if bulk == 0 || recs == 0 || unions == 0 {
		t.Fatalf("%d bulk passes (%d counted through a union) and %d records: the account no longer exercises them all", bulk, unions, recs)
	}
	// few users: groups of one member, whose outsiders are not the member
	s = genScale(scaleShape{users: 40, roles: 120, policies: 100, groups: 60, seed: 6})
	checkSummaries(t, Analyze(Build(s, s.Accounts[0], nil), now), 1<<30)
}

func checkSummaries(t *testing.T, an *Analysis, max int) {
	t.Helper()
	const first = 3
	checked, cut := 0, 0
	for _, p := range an.Model.Principals {
		es := an.Empowerments(p)
		sum := an.EmpowermentSummary(p, first, max)
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
		want.EmpowersTotal = len(want.Empowers)
		if len(want.Empowers) > max {
			want.Empowers = want.Empowers[:max]
			cut++
		}
		if !reflect.DeepEqual(sum, want) {
			t.Fatalf("%s (at most %d): summary\n%+v\nwant\n%+v", p.ARN, max, sum, want)
		}
	}
	if max < 100 && cut == 0 {
		t.Fatalf("no list cut at %d", max)
	}
	if checked < 10 {
		t.Fatalf("only %d principals with empowerments: the account no longer exercises the summary", checked)
	}
}
