package wording

import (
	"slices"
	"testing"
)

func TestListsAsProse(t *testing.T) {
	for _, tc := range []struct {
		in       []string
		or, and_ string
	}{
		{nil, "", ""},
		{[]string{"table"}, "table", "table"},
		{[]string{"table", "json"}, "table or json", "table and json"},
		{[]string{"table", "json", "sarif", "csv"}, "table, json, sarif or csv", "table, json, sarif and csv"},
	} {
		if got := Or(tc.in); got != tc.or {
			t.Errorf("Or(%q) = %q, want %q", tc.in, got, tc.or)
		}
		if got := And(tc.in); got != tc.and_ {
			t.Errorf("And(%q) = %q, want %q", tc.in, got, tc.and_)
		}
	}
	if got := Capped([]string{"a", "b", "c", "d"}, 2); got != "a, b and 2 more" {
		t.Errorf("Capped = %q", got)
	}
	if got := Capped([]string{"a", "b"}, 2); got != "a and b" {
		t.Errorf("Capped = %q", got)
	}
}

func TestClosest(t *testing.T) {
	regions := []string{"us-east-1", "us-east-2", "us-west-1", "eu-west-1", "ap-south-1"}
	if got := Closest("us-est-1", regions, 2); !slices.Equal(got, []string{"us-east-1", "us-west-1"}) {
		t.Errorf("Closest(us-est-1) = %q", got)
	}
	if got := Closest("mars-north-9", regions, 3); len(got) != 0 {
		t.Errorf("Closest(mars-north-9) = %q, want none", got)
	}
	if d := Distance("kitten", "sitting"); d != 3 {
		t.Errorf("Distance = %d, want 3", d)
	}
}
