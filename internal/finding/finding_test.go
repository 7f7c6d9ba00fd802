package finding_test

import (
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/finding"
)

func TestFingerprintStableAndDistinct(t *testing.T) {
	a := finding.Fingerprint("r", "1", "arn:x")
	if a != finding.Fingerprint("r", "1", "arn:x") {
		t.Fatal("not stable")
	}
	for _, other := range []string{finding.Fingerprint("r", "2", "arn:x"), finding.Fingerprint("r2", "1", "arn:x"), finding.Fingerprint("r", "1", "arn:y"),
		finding.Fingerprint("r", "1a", "rn:x")} {
		if other == a {
			t.Fatal("collision")
		}
	}
}

func TestSortPutsWorstFirst(t *testing.T) {
	rs := []finding.Result{
		{RuleID: "a", Status: finding.Pass, Severity: finding.Critical},
		{RuleID: "b", Status: finding.Fail, Severity: finding.Low},
		{RuleID: "c", Status: finding.Fail, Severity: finding.Critical},
		{RuleID: "d", Status: finding.Unknown, Severity: finding.High},
	}
	finding.Sort(rs)
	var got []string
	for _, r := range rs {
		got = append(got, r.RuleID)
	}
	if strings.Join(got, "") != "cbda" {
		t.Fatalf("order %v", got)
	}
}
