// Package table renders a report for people reading a terminal: failing and
// unknown results grouped by severity, passing results counted per rule, and
// a one-line summary. Colour is used only when the caller says the output is
// a terminal.
package table

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/wording"
)

// Options control rendering.
type Options struct {
	Color bool
	// ShowPassing lists every PASS result instead of a count per rule.
	ShowPassing bool
	// Width is the line width long messages are wrapped to (0:
	// DefaultWidth; at most MaxWidth), with continuation lines indented
	// under the message.
	Width int
	// Top, when above 0, shows only the Top most important failing results
	// (finding.Rank: severity, then blast radius) and a summary instead of
	// the unknown, muted and passing lists.
	Top int
	// GroupBy lays failing results out by rule (GroupByRule, the default),
	// by principal or by account.
	GroupBy string
}

// The layouts of failing results (Options.GroupBy, --group-by).
const (
	GroupByRule      = "rule"
	GroupByPrincipal = "principal"
	GroupByAccount   = "account"
)

// GroupByValues lists the layouts, default first.
var GroupByValues = []string{GroupByRule, GroupByPrincipal, GroupByAccount}

const (
	reset = "\x1b[0m"
	bold  = "\x1b[1m"
	dim   = "\x1b[2m"
)

var sevColor = map[rules.Severity]string{
	rules.Critical: "\x1b[1;31m", rules.High: "\x1b[31m", rules.Medium: "\x1b[33m",
	rules.Low: "\x1b[36m", rules.Info: "\x1b[37m",
}

type printer struct {
	w     io.Writer
	opt   Options
	err   error
	multi bool           // several accounts: label resources with their account
	fails map[string]int // failing results by rule, in the whole report
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func (p *printer) paint(code, s string) string {
	if !p.opt.Color || code == "" {
		return s
	}
	return code + s + reset
}

// Write renders the report.
func Write(w io.Writer, r *report.Report, opt Options) error {
	if opt.GroupBy != "" && !slices.Contains(GroupByValues, opt.GroupBy) {
		return fmt.Errorf("group by %q: want %s", opt.GroupBy, strings.Join(GroupByValues, ", "))
	}
	opt.Width = lineWidth(opt.Width)
	p := &printer{w: w, opt: opt, multi: len(r.Accounts) > 1}
	p.header(r)
	failing, more := selectFailing(r.Results, opt.Top)
	p.fails = failingCounts(r.Results)
	switch opt.GroupBy {
	case GroupByPrincipal, GroupByAccount:
		p.byKey(r, failing, opt.GroupBy)
	default:
		for _, sev := range rules.Severities {
			p.section(r, failing, sev)
		}
	}
	if opt.Top > 0 {
		p.topNote(r, len(failing), more)
	} else {
		p.unknown(r)
		p.muted(r)
		p.passing(r)
	}
	p.gaps(r)
	p.suppressions(r)
	p.compliance(r)
	p.changes(r)
	p.summary(r)
	return p.err
}

func (p *printer) header(r *report.Report) {
	var ids []string
	for _, a := range r.Accounts {
		if a.Alias != "" {
			ids = append(ids, a.ID+" ("+a.Alias+")")
		} else {
			ids = append(ids, a.ID)
		}
	}
	if len(ids) > maxHeaderAccounts {
		ids = append(ids[:maxHeaderAccounts], "and "+wording.Count(len(r.Accounts)-maxHeaderAccounts, "more account"))
	}
	// Wrapped before painting: escape codes take no columns.
	head := wrap("iamspect "+r.Tool.Version+" — "+strings.Join(ids, ", "), 0, 4, p.opt.Width)
	p.printf("%s%s\n", p.paint(bold, "iamspect"), strings.TrimPrefix(head, "iamspect"))
	p.printf("%s\n\n", wrap(clockLine(r), 0, 4, p.opt.Width))
}

// maxHeaderAccounts bounds the accounts the header names: an organisation's
// hundreds would bury the findings.
const maxHeaderAccounts = 8

// clockLine says what time the ages of the report are measured against, and
// where that time came from.
func clockLine(r *report.Report) string {
	if r.AsOf == nil {
		return "Ages measured as of: not recorded (a report written before schema 2.2)"
	}
	if r.AsOfSource != report.AsOfMixed {
		return "Ages measured as of " + stamp(*r.AsOf) + " (" + clockSource(r.AsOfSource) + ")"
	}
	var per []string
	for _, a := range r.Accounts {
		if a.AsOf != nil {
			per = append(per, a.ID+" "+stamp(*a.AsOf)+" ("+clockSource(a.AsOfSource)+")")
		}
	}
	return "Ages measured as of: " + strings.Join(per, ", ")
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 MST") }

func clockSource(src string) string {
	switch src {
	case report.AsOfOption:
		return "--as-of"
	case report.AsOfCredentialReport:
		return "the credential report's generation time"
	case report.AsOfCollection:
		return "the collection time"
	case report.AsOfDemo:
		return "the demo's fixed clock, so its results never change"
	}
	return "source not recorded"
}

// selectFailing returns the failing results in the report's order, or,
// with top > 0, the top most important ones (finding.Rank) in rank order,
// and how many were left out.
func selectFailing(rs finding.List, top int) ([]rules.Result, int) {
	var out []rules.Result
	for _, res := range rs.All() {
		if res.Status == rules.Fail {
			out = append(out, res)
		}
	}
	if top <= 0 {
		return out, 0
	}
	finding.Rank(out)
	if len(out) <= top {
		return out, 0
	}
	return out[:top], len(out) - top
}

// section prints one severity's failing results, grouped by rule so that a
// reader sees each problem once with every resource it affects, and how to
// fix it.
func (p *printer) section(r *report.Report, failing []rules.Result, sev rules.Severity) {
	var order []string
	byRule := map[string][]rules.Result{}
	total := 0
	for _, res := range failing {
		if res.Severity != sev {
			continue
		}
		if _, ok := byRule[res.RuleID]; !ok {
			order = append(order, res.RuleID)
		}
		byRule[res.RuleID] = append(byRule[res.RuleID], res)
		total++
	}
	if total == 0 {
		return
	}
	p.printf("%s (%s)\n", p.paint(sevColor[sev], strings.ToUpper(string(sev))), ofTotal(total, r.Summary.FailBySeverity[sev]))
	for _, id := range order {
		head := id
		if title := r.Title(id); title != "" {
			head += " — " + title
		}
		count := ofTotal(len(byRule[id]), p.fails[id])
		p.printf("  %s\n", p.paint(bold, wrap(head+" ("+count+")", 2, 4, p.opt.Width)))
		for _, res := range byRule[id] {
			p.item(p.paint(sevColor[sev], "✗"), 1, p.label(res)+": "+res.Message)
		}
		p.fix(r, id)
	}
	p.printf("\n")
}

// item prints one result: a mark of markLen runes (perhaps painted) at
// column 4, then text wrapped under it at column 8.
func (p *printer) item(mark string, markLen int, text string) {
	p.printf("    %s %s\n", mark, wrap(text, 4+markLen+1, 8, p.opt.Width))
}

// ofTotal is "3", or "3 of 9" when --top left some out.
func ofTotal(shown, total int) string {
	if total > shown {
		return fmt.Sprintf("%d of %d", shown, total)
	}
	return strconv.Itoa(shown)
}

// failingCounts counts each rule's failing results, in one pass.
func failingCounts(rs finding.List) map[string]int {
	n := map[string]int{}
	for _, res := range rs.All() {
		if res.Status == rules.Fail {
			n[res.RuleID]++
		}
	}
	return n
}

// fix prints a rule's one-line remediation and where its full steps are.
func (p *printer) fix(r *report.Report, ruleID string) {
	if info := r.Rule(ruleID); info != nil && info.Remediation.Summary != "" {
		p.printf("    %s\n", p.paint(dim, wrap("Fix: "+info.Remediation.Summary, 4, 9, p.opt.Width)))
	}
	p.printf("    %s\n", p.paint(dim, "Full steps: iamspect rules show "+ruleID))
}

// topNote says what --top showed and what it left out.
func (p *printer) topNote(r *report.Report, shown, more int) {
	s := r.Summary
	line := fmt.Sprintf("Showing all %s.", wording.CountAs(shown, "failing result", "failing results"))
	if more > 0 {
		line = fmt.Sprintf("Showing the %d most important of %d failing results: by severity, then blast radius (anyone can assume, administrator reach, principals affected).", shown, shown+more)
	}
	var rest []string
	for _, c := range []struct {
		n   int
		one string
	}{{more, "more failing"}, {s.Unknown, "unknown"}, {s.Muted, "muted"}, {s.Pass, "passing"}} {
		if c.n > 0 {
			rest = append(rest, fmt.Sprintf("%d %s", c.n, c.one))
		}
	}
	if len(rest) > 0 {
		line += " Not listed: " + strings.Join(rest, ", ") + "; --top 0 lists every result."
	}
	p.printf("%s\n\n", p.paint(dim, wrap(line, 0, 0, p.opt.Width)))
}

func (p *printer) unknown(r *report.Report) {
	var rs []rules.Result
	for _, res := range r.Results.All() {
		if res.Status == rules.Unknown {
			rs = append(rs, res)
		}
	}
	if len(rs) == 0 {
		return
	}
	p.printf("%s (%d) — not checked, input missing\n", p.paint(bold, "UNKNOWN"), len(rs))
	for _, res := range rs {
		p.printf("  %s\n        %s\n", p.ruleAndLabel(res), wrap(res.Message, 8, 8, p.opt.Width))
	}
	p.printf("\n")
}

func (p *printer) muted(r *report.Report) {
	var rs []rules.Result
	for _, res := range r.Results.All() {
		if res.Status == rules.Muted {
			rs = append(rs, res)
		}
	}
	if len(rs) == 0 {
		return
	}
	p.printf("%s (%d)\n", p.paint(dim, "MUTED"), len(rs))
	for _, res := range rs {
		p.printf("  %s\n        %s\n", p.ruleAndLabel(res), wrap("reason: "+res.MuteReason, 8, 8, p.opt.Width))
	}
	p.printf("\n")
}

func (p *printer) passing(r *report.Report) {
	counts := map[string]int{}
	var list []rules.Result
	for _, res := range r.Results.All() {
		if res.Status == rules.Pass {
			counts[res.RuleID]++
			list = append(list, res)
		}
	}
	if len(counts) == 0 {
		return
	}
	p.printf("%s (%d)\n", p.paint(bold, "PASS"), len(list))
	if p.opt.ShowPassing {
		for _, res := range list {
			p.printf("  %s\n", p.ruleAndLabel(res))
		}
	} else {
		ids := make([]string, 0, len(counts))
		for id := range counts {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			p.printf("  %-42s %s\n", id, plural(counts[id], "resource"))
		}
	}
	p.printf("\n")
}

func (p *printer) gaps(r *report.Report) {
	if len(r.Gaps) == 0 && len(r.Errors) == 0 {
		return
	}
	p.printf("%s\n", p.paint(bold, "GAPS — what this scan could not see"))
	for _, g := range r.Gaps {
		where := g.API
		if g.File != "" {
			where = g.File
		}
		acct := ""
		if g.AccountID != "" {
			acct = g.AccountID + " "
		}
		p.printf("  %s\n", wrap(fmt.Sprintf("%s%s [%s]: %s", acct, g.Input, where, g.Reason), 2, 6, p.opt.Width))
	}
	for _, e := range r.Errors {
		p.printf("  %s\n", wrap(fmt.Sprintf("rule %s failed: %s", e.RuleID, e.Error), 2, 6, p.opt.Width))
	}
	p.printf("\n")
}

func (p *printer) summary(r *report.Report) {
	s := r.Summary
	var sev []string
	for _, v := range rules.Severities {
		if n := s.FailBySeverity[v]; n > 0 {
			sev = append(sev, fmt.Sprintf("%d %s", n, v))
		}
	}
	first := fmt.Sprintf("%d failing", s.Fail)
	if len(sev) > 0 {
		first += " (" + strings.Join(sev, ", ") + ")"
	}
	clauses := []string{first + ",", fmt.Sprintf("%d passing,", s.Pass), fmt.Sprintf("%d muted,", s.Muted), fmt.Sprintf("%d unknown", s.Unknown)}
	if !s.Complete {
		clauses = append(clauses, "— incomplete scan")
	}
	p.printf("%s\n", p.paint(bold, wrapClauses(clauses, 2, p.opt.Width)))
}

// wrapClauses wraps like wrap, breaking only between clauses.
func wrapClauses(clauses []string, indent, width int) string {
	for i, c := range clauses {
		clauses[i] = strings.ReplaceAll(c, " ", "\x00")
	}
	return strings.ReplaceAll(wrap(strings.Join(clauses, " "), 0, indent, width), "\x00", " ")
}

// ruleAndLabel is a rule ID in a column and the resource, wrapped under it
// when the line is too narrow.
func (p *printer) ruleAndLabel(r rules.Result) string {
	line := fmt.Sprintf("%-42s %s", r.RuleID, p.label(r))
	if 2+utf8.RuneCountInString(line) <= p.opt.Width {
		return line // keep the column
	}
	return wrap(line, 2, 8, p.opt.Width)
}

func (p *printer) label(r rules.Result) string {
	name := clip(r.ResourceName, maxLabel)
	if p.multi {
		return fmt.Sprintf("%s (%s)", name, r.AccountID)
	}
	return name
}

// maxLabel bounds a resource name on a line: names come from the input,
// which may be hostile.
const maxLabel = 80

// clip shortens s to at most n runes, marking the cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func plural(n int, word string) string { return wording.Count(n, word) }
