// Package markdown writes a report as a GitHub-flavoured Markdown summary
// for $GITHUB_STEP_SUMMARY and pull-request comments: counts by severity
// and status, the worst failing findings with their fix, how to fix each
// rule, what could not be checked, what was muted, and the scan's gaps.
//
// GitHub refuses a step summary over 1 MiB, so the output never exceeds
// Options.Limit: when the next block would not fit, the writer stops and
// ends with a note saying how much was left out. Every string that comes
// from the account or the report (resource names, messages, reasons) is
// escaped, so a name holding "|", "<script>" or "@team" cannot break the
// table, inject HTML or mention anyone.
package markdown

import (
	"cmp"
	"fmt"
	"html"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
)

// GitHubSummaryLimit is the size GitHub accepts for one step summary.
const GitHubSummaryLimit = 1024 * 1024

// Options shape the summary.
type Options struct {
	// Top is how many failing findings the table lists (default 100).
	Top int
	// Limit caps the output in bytes (default GitHubSummaryLimit).
	Limit int
	// CellLimit caps each table cell in characters (default 300).
	CellLimit int
}

func (o Options) withDefaults() Options {
	if o.Top <= 0 {
		o.Top = 100
	}
	if o.Limit <= 0 {
		o.Limit = GitHubSummaryLimit
	}
	if o.CellLimit <= 0 {
		o.CellLimit = 300
	}
	return o
}

// Write renders the summary.
func Write(w io.Writer, r *report.Report, o Options) error {
	_, err := io.WriteString(w, Render(r, o))
	return err
}

// Render returns the summary as a string of at most o.Limit bytes.
func Render(r *report.Report, o Options) string {
	o = o.withDefaults()
	b := &budget{limit: o.Limit}
	m := &writer{r: r, o: o, b: b}
	m.header()
	m.counts()
	m.topFindings()
	m.fixes()
	m.unknowns()
	m.muted()
	m.gapsAndErrors()
	return b.String()
}

// budget collects blocks while they fit, keeping room for the note that
// says the rest was left out.
type budget struct {
	strings.Builder
	limit   int
	full    bool
	dropped int // blocks left out
}

const truncatedNote = "\n> [!WARNING]\n> Truncated: %d more blocks (table rows or sections) left out to stay within GitHub's 1 MiB step-summary limit. The full report has every result: render it with `iamspect convert REPORT.json --format table` or another format.\n"

func (b *budget) add(block string) bool {
	if b.full {
		b.dropped++
		return false
	}
	reserve := len(truncatedNote) + 20
	if b.Len()+len(block)+reserve > b.limit {
		b.full = true
		b.dropped++
		return false
	}
	b.WriteString(block)
	return true
}

func (b *budget) String() string {
	if !b.full {
		return b.Builder.String()
	}
	return b.Builder.String() + fmt.Sprintf(truncatedNote, b.dropped)
}

type writer struct {
	r *report.Report
	o Options
	b *budget
}

func (m *writer) header() {
	s := m.r.Summary
	var b strings.Builder
	fmt.Fprintf(&b, "## iamspect: %d failing, %d passing, %d muted, %d unknown\n\n", s.Fail, s.Pass, s.Muted, s.Unknown)
	var accts []string
	for _, a := range m.r.Accounts {
		t := "`" + a.ID + "`"
		if a.Alias != "" {
			t += " (" + Escape(a.Alias) + ")"
		}
		accts = append(accts, t)
	}
	fmt.Fprintf(&b, "Accounts: %s · scanned %s · iamspect %s\n\n", strings.Join(accts, ", "),
		m.r.GeneratedAt.UTC().Format("2006-01-02 15:04 UTC"), Escape(m.r.Tool.Version))
	if !s.Complete {
		b.WriteString("> [!CAUTION]\n> Incomplete scan: some inputs were missing or a rule failed, so part of the account was not checked (see *Not checked* below).\n\n")
	}
	m.b.add(b.String())
}

func (m *writer) counts() {
	s := m.r.Summary
	var b strings.Builder
	b.WriteString("| Severity | Failing |\n|:--|--:|\n")
	for _, sev := range finding.Severities {
		fmt.Fprintf(&b, "| %s | %d |\n", severityLabel(sev), s.FailBySeverity[sev])
	}
	b.WriteString("\n| Status | Results |\n|:--|--:|\n")
	fmt.Fprintf(&b, "| ❌ FAIL | %d |\n| ❔ UNKNOWN | %d |\n| 🔕 MUTED | %d |\n| ✅ PASS | %d |\n\n", s.Fail, s.Unknown, s.Muted, s.Pass)
	m.b.add(b.String())
}

func severityLabel(s finding.Severity) string {
	icon := map[finding.Severity]string{finding.Critical: "🟥", finding.High: "🟧", finding.Medium: "🟨", finding.Low: "🟦", finding.Info: "⬜"}[s]
	name := string(s)
	if name != "" {
		name = strings.ToUpper(name[:1]) + name[1:]
	}
	return strings.TrimSpace(icon + " " + name)
}

// failing returns the FAIL results, worst first.
func (m *writer) failing() []finding.Result {
	var out []finding.Result
	for _, res := range m.r.Results.All() {
		if res.Status == finding.Fail {
			out = append(out, res)
		}
	}
	slices.SortStableFunc(out, func(a, b finding.Result) int {
		return cmp.Or(cmp.Compare(b.Severity.Rank(), a.Severity.Rank()), strings.Compare(a.RuleID, b.RuleID),
			strings.Compare(a.AccountID, b.AccountID), strings.Compare(a.ResourceARN, b.ResourceARN))
	})
	return out
}

func (m *writer) topFindings() {
	fails := m.failing()
	if len(fails) == 0 {
		m.b.add("No failing findings.\n\n")
		return
	}
	if !m.b.add("### Top failing findings\n\n| Severity | Rule | Resource | Account | Finding | Fix |\n|:--|:--|:--|:--|:--|:--|\n") {
		return
	}
	shown := 0
	for _, res := range fails {
		if shown == m.o.Top {
			break
		}
		fix := ""
		if info := m.r.Rule(res.RuleID); info != nil {
			fix = info.Remediation.Summary
		}
		row := fmt.Sprintf("| %s | `%s` | %s | %s | %s | %s |\n", severityLabel(res.Severity), code(res.RuleID),
			m.cell(res.ResourceName), m.cell(res.AccountID), m.cell(res.Message), m.cell(fix))
		if !m.b.add(row) {
			m.b.dropped += len(fails) - shown - 1
			return
		}
		shown++
	}
	if shown < len(fails) {
		m.b.add(fmt.Sprintf("\n_Showing the %d worst of %d failing findings; the full report lists them all._\n", shown, len(fails)))
	}
	m.b.add("\n")
}

// fixes explains each failing rule once: summary, CLI steps, reference.
func (m *writer) fixes() {
	counts := map[string]int{}
	var order []string
	for _, res := range m.failing() {
		if counts[res.RuleID] == 0 {
			order = append(order, res.RuleID)
		}
		counts[res.RuleID]++
	}
	if len(order) == 0 || !m.b.add("### How to fix\n\n") {
		return
	}
	for _, id := range order {
		info := m.r.Rule(id)
		if info == nil {
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "<details><summary><code>%s</code> %s — %s (%d)</summary>\n\n", html.EscapeString(id),
			html.EscapeString(severityLabel(info.Severity)), html.EscapeString(info.Title), counts[id])
		b.WriteString(Escape(info.Remediation.Summary) + "\n\n")
		if cli := strings.TrimRight(info.Remediation.CLI, "\n"); cli != "" {
			fence := "```"
			for strings.Contains(cli, fence) {
				fence += "`"
			}
			b.WriteString(fence + "sh\n" + cli + "\n" + fence + "\n\n")
		}
		for _, ref := range info.References {
			if strings.HasPrefix(ref, "https://") {
				fmt.Fprintf(&b, "- <%s>\n", strings.NewReplacer("<", "%3C", ">", "%3E", " ", "%20").Replace(ref))
			}
		}
		b.WriteString("\n</details>\n\n")
		if !m.b.add(b.String()) {
			return
		}
	}
}

// unknowns summarises UNKNOWN results per rule and missing input.
func (m *writer) unknowns() {
	type key struct{ rule, inputs string }
	counts := map[key]int{}
	var order []key
	for _, res := range m.r.Results.All() {
		if res.Status != finding.Unknown {
			continue
		}
		k := key{res.RuleID, strings.Join(res.MissingInputs, ", ")}
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	if len(order) == 0 {
		return
	}
	if !m.b.add(fmt.Sprintf("### Not checked (%d unknown)\n\nThese rules could not judge some principals because an input was missing; collect it and scan again.\n\n| Rule | Missing inputs | Results |\n|:--|:--|--:|\n", m.r.Summary.Unknown)) {
		return
	}
	for _, k := range order {
		if !m.b.add(fmt.Sprintf("| `%s` | %s | %d |\n", code(k.rule), m.cell(k.inputs), counts[k])) {
			return
		}
	}
	m.b.add("\n")
}

func (m *writer) muted() {
	if m.r.Summary.Muted == 0 {
		return
	}
	if !m.b.add(fmt.Sprintf("### Muted (%d)\n\n| Rule | Resource | Account | Reason |\n|:--|:--|:--|:--|\n", m.r.Summary.Muted)) {
		return
	}
	shown := 0
	for _, res := range m.r.Results.All() {
		if res.Status != finding.Muted {
			continue
		}
		if shown == m.o.Top {
			m.b.add(fmt.Sprintf("\n_Showing %d of %d muted results._\n", shown, m.r.Summary.Muted))
			break
		}
		if !m.b.add(fmt.Sprintf("| `%s` | %s | %s | %s |\n", code(res.RuleID), m.cell(res.ResourceName), m.cell(res.AccountID), m.cell(res.MuteReason))) {
			return
		}
		shown++
	}
	m.b.add("\n")
}

func (m *writer) gapsAndErrors() {
	if len(m.r.Gaps) > 0 && m.b.add("### Gaps\n\n| Account | Input | API | Reason |\n|:--|:--|:--|:--|\n") {
		for _, g := range m.r.Gaps {
			if !m.b.add(fmt.Sprintf("| %s | %s | %s | %s |\n", m.cell(g.AccountID), m.cell(string(g.Input)), m.cell(g.API), m.cell(g.Reason))) {
				return
			}
		}
		m.b.add("\n")
	}
	if len(m.r.Errors) > 0 && m.b.add("### Rule errors\n\n| Rule | Account | Error |\n|:--|:--|:--|\n") {
		for _, e := range m.r.Errors {
			if !m.b.add(fmt.Sprintf("| `%s` | %s | %s |\n", code(e.RuleID), m.cell(e.AccountID), m.cell(e.Error))) {
				return
			}
		}
		m.b.add("\n")
	}
}

// cell escapes text for a table cell and shortens it to CellLimit runes.
func (m *writer) cell(s string) string {
	if utf8.RuneCountInString(s) > m.o.CellLimit {
		s = string([]rune(s)[:m.o.CellLimit-1]) + "…"
	}
	return Escape(s)
}

// code makes text safe inside a `code span` in a table cell: no backticks,
// no pipes, no line breaks.
func code(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '`' || r == '|':
			return '\''
		case unicode.IsControl(r):
			return ' '
		}
		return r
	}, s)
}

// Escape makes untrusted text inert in GitHub-flavoured Markdown, inline
// and in table cells: HTML-significant characters become entities,
// Markdown punctuation is backslash-escaped (so no emphasis, links, images
// or code spans form, and "|" cannot end a cell), line breaks and control
// characters become spaces, and "@" is followed by a word joiner (U+2060)
// so that a name like "@org/team" mentions nobody in a pull-request
// comment.
func Escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case strings.ContainsRune("\\`*_[]|~#!", r):
			b.WriteRune('\\')
			b.WriteRune(r)
		case r == '@':
			b.WriteString("@\u2060")
		case unicode.IsControl(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
