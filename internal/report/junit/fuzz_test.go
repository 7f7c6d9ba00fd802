package junit_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
)

// Whatever names and messages hold, the XML is well-formed and the counts
// hold; text XML can carry comes back unchanged.
func FuzzWellFormed(f *testing.F) {
	for _, s := range []string{"<a>", "]]>", "\x00", "\x1b[31m", "&amp;", "\"'", "\r\n", "\uFFFE", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := &report.Report{
			Rules: []report.RuleInfo{{ID: "r", Title: s, Severity: finding.Low, Remediation: report.Remediation{Summary: s, CLI: s}}},
			Results: finding.ListOf([]finding.Result{
				{RuleID: "r", Status: finding.Fail, Severity: finding.Low, AccountID: "1", ResourceName: s, Message: s},
				{RuleID: "r", Status: finding.Muted, AccountID: "1", ResourceName: s, MuteReason: s},
			}),
		}
		p := parse(t, render(t, r))
		if p.Tests != 2 || p.Failures != 1 || p.Skipped != 1 {
			t.Fatalf("counts %+v", p)
		}
		plain := utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool {
			return r < 0x20 || r == 0xFFFE || r == 0xFFFF || r == utf8.RuneError
		})
		if plain && p.Suites[0].Cases[0].Failure.Message != s {
			t.Fatalf("message %q came back as %q", s, p.Suites[0].Cases[0].Failure.Message)
		}
	})
}
