package policy

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestMatchWildcard(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"", "a", false},
		{"*", "", true},
		{"*", "anything:at/all", true},
		{"?", "", false},
		{"?", "a", true},
		{"?", "ab", false},
		{"a*", "abc", true},
		{"*c", "abc", true},
		{"a*c", "ac", true},
		{"a*c", "abxc", true},
		{"a*c", "abxcd", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"*a*b", "xaxxb", true},
		{"*a*b", "xaxxbc", false},
		{"a**b", "ab", true},
		{"ABC", "abc", false}, // case-sensitive
		{"repo:org/*", "repo:org/app:ref:refs/heads/main", true},
		{"repo:org*", "repo:organisation-other/x", true},
		{"é?", "éü", true}, // '?' is one character, not one byte
		{"?", "ü", true},
		{"*ü", "aü", true},
		{"a*a*a*a*b", strings.Repeat("a", 100), false},
	}
	for _, c := range cases {
		if got := MatchWildcard(c.pattern, c.s); got != c.want {
			t.Errorf("MatchWildcard(%q, %q) = %v, want %v", c.pattern, c.s, got, c.want)
		}
	}
	if !MatchWildcardFold("IAM:Pass*", "iam:passrole") || MatchWildcardFold("iam:pass*", "iam:getrole") {
		t.Error("MatchWildcardFold is wrong")
	}
}

func TestGlobLiteralMarks(t *testing.T) {
	// ${*} yields a literal star: "a*" with the star literal matches only "a*".
	g := newGlobLit("a*", []bool{false, true})
	if !g.match("a*") || g.match("abc") {
		t.Error("literal '*' treated as a wildcard")
	}
	g = newGlobLit("a?*", []bool{false, true, false})
	if !g.match("a?xyz") || g.match("abxyz") {
		t.Error("mixed literal and wildcard marks are wrong")
	}
}

func TestMatchARN(t *testing.T) {
	cases := []struct {
		pattern, arn string
		want         bool
	}{
		{"*", "arn:aws:s3:::bucket", true},
		{"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b:c", true},
		{"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", false},
		{"arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:role/x", true},
		{"arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:user/x", false},
		// A '*' in one segment does not swallow the colons of the next.
		{"arn:aws:s3*:::x", "arn:aws:s3:eu:::x", false},
		// A pattern that is not six segments is matched as a whole.
		{"arn:aws:*:role/x", "arn:aws:iam::123456789012:role/x", true},
		{"arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:eu-west-1:123456789012:instance/i-1", true},
		{"arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:eu-west-1:123456789012:volume/v-1", false},
		{"arn:aws:iam::123456789012:role/x", "arn:aws:iam::123456789012:role/x", true},
		{"arn:aws:iam::123456789012:role/x", "arn:aws:iam::123456789012:role/X", false},
		{"arn:aws:iam::123456789012:role/?", "arn:aws:iam::123456789012:role/x", true},
		{"arn:aws:s3:::*", "not-an-arn", false},
		{"arn:aws:s3:::b", "arn:aws:s3:::b:extra", false},
		{"arn:aws:s3:::b*", "arn:aws:s3:::b:extra", true},
	}
	for _, c := range cases {
		if got := MatchARN(c.pattern, c.arn); got != c.want {
			t.Errorf("MatchARN(%q, %q) = %v, want %v", c.pattern, c.arn, got, c.want)
		}
	}
}

// TestMatchPathological checks the matcher stays polynomial on patterns that
// make naive backtracking exponential. The bound is generous for slow CI.
func TestMatchPathological(t *testing.T) {
	pattern := strings.Repeat("*a", 50) + "*b"
	s := strings.Repeat("a", 5000)
	start := time.Now()
	for range 10 {
		if MatchWildcard(pattern, s) {
			t.Fatal("matched")
		}
		if MatchARN("arn:aws:s3:::"+pattern, "arn:aws:s3:::"+s) {
			t.Fatal("ARN matched")
		}
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("pathological match took %v", d)
	}
}

func TestARNMatcherAgreesWithMatchARN(t *testing.T) {
	patterns := []string{"*", "arn:aws:iam::123456789012:role/*", "arn:aws:iam::*:role/app-?", "arn:aws:s3:::bucket/*", "not-an-arn*", "arn:aws:iam::1:role/a:b*"}
	arns := []string{"arn:aws:iam::123456789012:role/app-1", "arn:aws:iam::123456789012:role/x", "arn:aws:iam::999:role/app-2",
		"arn:aws:s3:::bucket/key:with:colons", "not-an-arn-at-all", "arn:aws:iam::1:role/a:bc", "arn:aws:iam"}
	for _, p := range patterns {
		m := NewARNMatcher(p)
		for _, a := range arns {
			if m.Match(a) != MatchARN(p, a) {
				t.Errorf("%q vs %q: matcher %v, MatchARN %v", p, a, m.Match(a), MatchARN(p, a))
			}
		}
	}
}

func TestMatchWildcardFoldActions(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{
		{"iam:*", "iam:PassRole", true}, {"IAM:passrole", "iam:PassRole", true}, {"iam:Pass*", "iam:PassRole", true},
		{"iam:?assRole", "iam:PassRole", true}, {"*", "s3:GetObject", true}, {"s3:*Object", "s3:GetObject", true},
		{"iam:Put*Policy", "iam:PutUserPolicy", true}, {"iam:Put*Policy", "iam:PutUserPermissionsBoundary", false},
		{"iam:PassRole", "iam:PassRoles", false}, {"sts:*", "iam:PassRole", false}, {"", "", true}, {"*a*b", "xaxb", true},
	} {
		if got := MatchWildcardFold(c.p, c.s); got != c.want {
			t.Errorf("MatchWildcardFold(%q, %q) = %v", c.p, c.s, got)
		}
	}
}

// MatchARN caches compiled patterns; the cache answers as a fresh
// compilation does and stays bounded however many patterns a scan holds.
func TestMatchARNCacheBounded(t *testing.T) {
	const pat = "arn:aws:iam::111122223333:role/team-0?-*"
	for range 2 {
		if !MatchARN(pat, "arn:aws:iam::111122223333:role/team-03-x") || MatchARN(pat, "arn:aws:iam::111122223333:role/team-13-x") {
			t.Fatalf("MatchARN(%q) wrong on a cached pattern", pat)
		}
	}
	for i := range maxARNGlobs + 10 {
		p := fmt.Sprintf("arn:aws:iam::111122223333:role/r%d-*", i)
		if !MatchARN(p, fmt.Sprintf("arn:aws:iam::111122223333:role/r%d-a", i)) || MatchARN(p, "arn:aws:iam::111122223333:role/other") {
			t.Fatalf("MatchARN(%q) wrong", p)
		}
	}
	arnGlobs.Lock()
	n := len(arnGlobs.m)
	arnGlobs.Unlock()
	if n > maxARNGlobs {
		t.Errorf("the cache holds %d patterns, more than %d", n, maxARNGlobs)
	}
}
