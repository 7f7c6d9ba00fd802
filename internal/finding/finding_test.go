package finding_test

import (
	"crypto/sha256"
	"encoding/hex"
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

// The fingerprint is the first half of the SHA-256 of the three fields
// joined by NUL bytes, in hex: stored histories and baselines depend on
// it, whatever the fields' lengths.
func TestFingerprintFormula(t *testing.T) {
	long := strings.Repeat("arn:aws:iam::123456789012:role/very-long-path/", 10)
	for _, f := range [][3]string{{"", "", ""}, {"r", "1", "arn:x"}, {"iam-user-unused", "123456789012", long}, {long, long, long}} {
		sum := sha256.Sum256([]byte(f[0] + "\x00" + f[1] + "\x00" + f[2]))
		if got, want := finding.Fingerprint(f[0], f[1], f[2]), hex.EncodeToString(sum[:16]); got != want {
			t.Errorf("Fingerprint(%q, %q, %.20q…) = %s, want %s", f[0], f[1], f[2], got, want)
		}
	}
	// Computed outside Go (Python's hashlib), as reports hold it.
	if got := finding.Fingerprint("iam-user-unused", "123456789012", "arn:aws:iam::123456789012:user/alice"); got != "6c81fd6b149542cb13e885cc8461287e" {
		t.Errorf("fingerprint of a known result: %s", got)
	}
}
