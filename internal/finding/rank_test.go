package finding

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestRankBySeverityThenBlastRadius(t *testing.T) {
	anyone := &Evidence{Principals: []string{"*"}}
	admin := &Evidence{Actions: []string{"*"}}
	three := &Evidence{Principals: []string{"a", "b", "c"}}
	rs := []Result{
		{RuleID: "a-low", Status: Fail, Severity: Low, Evidence: anyone},
		{RuleID: "b-high-plain", Status: Fail, Severity: High},
		{RuleID: "c-high-three", Status: Fail, Severity: High, Evidence: three},
		{RuleID: "d-high-admin", Status: Fail, Severity: High, Evidence: admin},
		{RuleID: "e-high-root", Status: Fail, Severity: High, ResourceType: TypeRoot},
		{RuleID: "f-high-anyone", Status: Fail, Severity: High, Evidence: anyone},
		{RuleID: "g-critical", Status: Fail, Severity: Critical},
		{RuleID: "h-pass", Status: Pass, Severity: Critical, Evidence: anyone},
		{RuleID: "a-high-plain", Status: Fail, Severity: High},
	}
	Rank(rs)
	var got []string
	for _, r := range rs {
		got = append(got, r.RuleID)
	}
	want := "g-critical f-high-anyone d-high-admin e-high-root c-high-three a-high-plain b-high-plain a-low h-pass"
	if strings.Join(got, " ") != want {
		t.Fatalf("rank\n got %s\nwant %s", strings.Join(got, " "), want)
	}
}

func TestReachAndBreadth(t *testing.T) {
	cases := []struct {
		r       Result
		reach   Reach
		breadth int
	}{
		{Result{}, ReachResource, 0},
		{Result{ResourceType: TypeRoot}, ReachAdmin, 0},
		{Result{Evidence: &Evidence{Actions: []string{"iam:PassRole"}}}, ReachResource, 0},
		{Result{Evidence: &Evidence{Actions: []string{"*"}, Principals: []string{"x"}}}, ReachAdmin, 1},
		{Result{Evidence: &Evidence{Principals: []string{"*", "x", "y"}}}, ReachAnyone, 2},
	}
	for i, c := range cases {
		if c.r.Reach() != c.reach || c.r.Breadth() != c.breadth {
			t.Errorf("case %d: reach %d breadth %d, want %d %d", i, c.r.Reach(), c.r.Breadth(), c.reach, c.breadth)
		}
	}
}

// A long principal list is cut to MaxEvidencePrincipals with its count
// kept, and ranking still counts every principal.
func TestCapPrincipals(t *testing.T) {
	var many []string
	for i := range MaxEvidencePrincipals + 50 {
		many = append(many, fmt.Sprintf("arn:aws:iam::111122223333:user/u%03d", i))
	}
	long := Result{Evidence: &Evidence{Principals: slices.Clone(many)}}
	long.Evidence.CapPrincipals()
	if got := len(long.Evidence.Principals); got != MaxEvidencePrincipals {
		t.Fatalf("kept %d principals, want %d", got, MaxEvidencePrincipals)
	}
	if long.Evidence.PrincipalsTotal != len(many) || long.Evidence.Principals[0] != many[0] {
		t.Fatalf("total %d first %q", long.Evidence.PrincipalsTotal, long.Evidence.Principals[0])
	}
	if long.Breadth() != len(many) {
		t.Errorf("breadth %d, want %d", long.Breadth(), len(many))
	}
	short := &Evidence{Principals: many[:3]}
	short.CapPrincipals()
	if len(short.Principals) != 3 || short.PrincipalsTotal != 0 {
		t.Errorf("a short list changed: %d, total %d", len(short.Principals), short.PrincipalsTotal)
	}
	var none *Evidence
	none.CapPrincipals() // no evidence: nothing to do, no panic
}
