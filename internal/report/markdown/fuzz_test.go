package markdown_test

import (
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/report/markdown"
)

// Whatever a resource name or message holds, the findings row keeps its
// six cells on one line, and no raw HTML tag or mention gets through.
func FuzzEscapedRow(f *testing.F) {
	for _, s := range []string{"a|b", "<script>", "@org/team", "`x`", "\\|", "a\nb", "[l](u)", "&lt;", "\u2028", "|\\", "\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := &report.Report{
			Rules:   []report.RuleInfo{{ID: "r", Title: s, Severity: finding.High, Remediation: report.Remediation{Summary: s}}},
			Results: finding.ListOf([]finding.Result{{RuleID: "r", Status: finding.Fail, Severity: finding.High, AccountID: s, ResourceName: s, Message: s}}),
			Summary: report.Summary{Fail: 1, Total: 1, FailBySeverity: map[finding.Severity]int{finding.High: 1}, Complete: true},
		}
		md := markdown.Render(r, markdown.Options{})
		_, after, _ := strings.Cut(md, "|:--|:--|:--|:--|:--|:--|\n")
		row, _, _ := strings.Cut(after, "\n")
		if got := len(cells(row)); got != 6 {
			t.Fatalf("%q: row has %d cells: %q", s, got, row)
		}
		escaped := markdown.Escape(s)
		if strings.ContainsAny(escaped, "<>\n\r") {
			t.Fatalf("%q escaped to %q", s, escaped)
		}
		if i := strings.Index(escaped, "@"); i >= 0 && !strings.HasPrefix(escaped[i:], "@\u2060") {
			t.Fatalf("%q: mention survives in %q", s, escaped)
		}
	})
}
