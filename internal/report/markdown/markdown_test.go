package markdown_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/report/internal/reporttest"
	"github.com/iamspect/iamspect/internal/report/markdown"
	"github.com/iamspect/iamspect/internal/scan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// cells splits a table row on the pipes that are not escaped.
func cells(row string) []string {
	row = strings.TrimSpace(row)
	var out []string
	var cur strings.Builder
	for i := 1; i < len(row); i++ {
		switch {
		case row[i] == '\\' && i+1 < len(row):
			cur.WriteByte(row[i])
			cur.WriteByte(row[i+1])
			i++
		case row[i] == '|':
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(row[i])
		}
	}
	return out
}

func section(t *testing.T, md, heading string) []string {
	t.Helper()
	_, after, ok := strings.Cut(md, heading+"\n")
	if !ok {
		t.Fatalf("no %q in\n%s", heading, md)
	}
	var rows []string
	for _, line := range strings.Split(after, "\n") {
		if strings.HasPrefix(line, "### ") {
			break
		}
		if strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "|:") {
			rows = append(rows, line)
		}
	}
	return rows[1:] // without the header row
}

func TestSummaryCountsAndWorstFirst(t *testing.T) {
	r := reporttest.Demo(t, "")
	md := markdown.Render(r, markdown.Options{})
	s := r.Summary
	if !strings.Contains(md, fmt.Sprintf("## iamspect: %d failing, %d passing, %d muted, %d unknown", s.Fail, s.Pass, s.Muted, s.Unknown)) {
		t.Errorf("heading:\n%s", md)
	}
	for _, sev := range finding.Severities {
		want := fmt.Sprintf(" | %d |", s.FailBySeverity[sev])
		if !regexp.MustCompile(`(?m)^\| \S+ ` + strings.ToUpper(string(sev)[:1]) + string(sev)[1:] + regexp.QuoteMeta(want)).MatchString(md) {
			t.Errorf("no count for %s", sev)
		}
	}
	rows := section(t, md, "### Top failing findings")
	if len(rows) != s.Fail {
		t.Fatalf("%d rows for %d failures", len(rows), s.Fail)
	}
	prev := 6
	for _, row := range rows {
		c := cells(row)
		if len(c) != 6 {
			t.Fatalf("row has %d cells: %s", len(c), row)
		}
		sev, _ := finding.ParseSeverity(strings.Fields(c[0])[1])
		if sev.Rank() > prev {
			t.Errorf("not worst first: %s", row)
		}
		prev = sev.Rank()
		if c[5] == "" {
			t.Errorf("no fix: %s", row)
		}
	}
	if !strings.Contains(md, "### Not checked") || !strings.Contains(md, "credential\\_report") {
		t.Error("no unknowns summary")
	}
	muted := section(t, md, "### Muted (1)")
	if len(muted) != 1 || !strings.Contains(muted[0], "OPS-42") || strings.Contains(muted[0], "<old>") {
		t.Errorf("muted rows %v", muted)
	}
}

// Hostile names cannot break the table, inject HTML, link or mention.
func TestEscapesUntrustedText(t *testing.T) {
	hostile := "a|b <script>alert(1)</script> @octo-org/admins [x](javascript:y) `c` *d* \n## e"
	r := &report.Report{
		Rules:   []report.RuleInfo{{ID: "r", Title: "T", Severity: finding.High, Remediation: report.Remediation{Summary: "fix | it"}}},
		Results: finding.ListOf([]finding.Result{{RuleID: "r", Status: finding.Fail, Severity: finding.High, AccountID: "1", ResourceName: hostile, Message: hostile}}),
		Summary: report.Summary{Fail: 1, Total: 1, FailBySeverity: map[finding.Severity]int{finding.High: 1}, Complete: true},
	}
	md := markdown.Render(r, markdown.Options{})
	rows := section(t, md, "### Top failing findings")
	if len(rows) != 1 || len(cells(rows[0])) != 6 {
		t.Fatalf("table broken: %q", rows)
	}
	for _, bad := range []string{"<script", "@octo", "[x](javascript", "\n## e", "`c`", " *d* "} {
		if strings.Contains(md, bad) {
			t.Errorf("unescaped %q in\n%s", bad, md)
		}
	}
}

// A huge report stays within GitHub's 1 MiB step-summary limit, with a
// note when something was left out.
func TestStaysWithinGitHubLimit(t *testing.T) {
	r := &report.Report{Summary: report.Summary{FailBySeverity: map[finding.Severity]int{}}}
	long := strings.Repeat("very long message with | pipes and <tags> ", 20)
	for i := range 30000 {
		sev := finding.Severities[i%len(finding.Severities)]
		rule := fmt.Sprintf("rule-%03d", i%200)
		r.Results = finding.ListOf(append(r.Results.Slice(), finding.Result{RuleID: rule, Status: finding.Fail, Severity: sev, AccountID: "111122223333",
			ResourceName: fmt.Sprintf("user-%d", i), Message: long, MuteReason: long}))
		r.Summary.Fail++
		r.Summary.FailBySeverity[sev]++
	}
	for i := range 200 {
		r.Rules = append(r.Rules, report.RuleInfo{ID: fmt.Sprintf("rule-%03d", i), Title: "t", Severity: finding.High,
			Remediation: report.Remediation{Summary: long, CLI: strings.Repeat("aws iam do-something --flag value\n", 100)}})
	}
	def := markdown.Render(r, markdown.Options{})
	if len(def) > markdown.GitHubSummaryLimit {
		t.Errorf("default summary is %d bytes", len(def))
	}
	if !strings.Contains(def, "Showing the 100 worst of 30000") {
		t.Error("no 'showing' note")
	}
	all := markdown.Render(r, markdown.Options{Top: 1 << 30})
	if len(all) > markdown.GitHubSummaryLimit || len(all) < markdown.GitHubSummaryLimit-64*1024 {
		t.Errorf("summary is %d bytes, want just under %d", len(all), markdown.GitHubSummaryLimit)
	}
	if !strings.Contains(all, "Truncated: ") || !strings.HasSuffix(all, "or another format.\n") {
		t.Errorf("no truncation note at the end: %q", all[len(all)-300:])
	}
	small := markdown.Render(r, markdown.Options{Limit: 4096})
	if len(small) > 4096 || !strings.Contains(small, "Truncated: ") || !strings.Contains(small, "## iamspect: 30000 failing") {
		t.Errorf("4 KiB limit: %d bytes\n%s", len(small), small)
	}
}

func TestGolden(t *testing.T) {
	reporttest.Golden(t, "demo.md.golden", []byte(markdown.Render(reporttest.Demo(t, ""), markdown.Options{})))
}

func TestGapsAndRuleErrors(t *testing.T) {
	r := reporttest.Demo(t, "")
	r.Gaps = append(r.Gaps, snapshot.Gap{AccountID: "222233334444", Input: snapshot.InputCredentialReport,
		API: "iam:GenerateCredentialReport", Reason: "AccessDenied | <denied>"})
	r.Errors = append(r.Errors, scan.RuleError{RuleID: "root-access-keys", AccountID: "222233334444", Error: "panic: boom"})
	md := markdown.Render(r, markdown.Options{})
	gaps := section(t, md, "### Gaps")
	errs := section(t, md, "### Rule errors")
	if len(gaps) != 1 || len(cells(gaps[0])) != 4 || !strings.Contains(gaps[0], "AccessDenied \\| &lt;denied&gt;") {
		t.Errorf("gaps %q", gaps)
	}
	if len(errs) != 1 || !strings.Contains(errs[0], "panic: boom") {
		t.Errorf("errors %q", errs)
	}
}
