// Package table renders a report for people reading a terminal: failing and
// unknown results grouped by severity, passing results counted per rule, and
// a one-line summary. Colour is used only when the caller says the output is
// a terminal.
package table

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/rules"
)

// Options control rendering.
type Options struct {
	Color bool
	// ShowPassing lists every PASS result instead of a count per rule.
	ShowPassing bool
	// Width is the line width long messages are wrapped to (0:
	// DefaultWidth), with continuation lines indented under the message.
	Width int
}

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
	multi bool // several accounts: label resources with their account
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
	p := &printer{w: w, opt: opt, multi: len(r.Accounts) > 1}
	p.header(r)
	for _, sev := range rules.Severities {
		p.section(r, sev)
	}
	p.unknown(r)
	p.muted(r)
	p.passing(r)
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
	p.printf("%s %s — %s\n", p.paint(bold, "iamspect"), r.Tool.Version, strings.Join(ids, ", "))
	if r.AsOf != nil {
		p.printf("Ages measured as of %s\n", r.AsOf.Format("2006-01-02 15:04 MST"))
	}
	p.printf("\n")
}

// section prints one severity's failing results, grouped by rule so that a
// reader sees each problem once with every resource it affects.
func (p *printer) section(r *report.Report, sev rules.Severity) {
	var order []string
	byRule := map[string][]rules.Result{}
	total := 0
	for _, res := range r.Results {
		if res.Status != rules.Fail || res.Severity != sev {
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
	p.printf("%s (%d)\n", p.paint(sevColor[sev], strings.ToUpper(string(sev))), total)
	for _, id := range order {
		head := id
		if title := r.Title(id); title != "" {
			head += " — " + title
		}
		p.printf("  %s (%d)\n", p.paint(bold, head), len(byRule[id]))
		for _, res := range byRule[id] {
			lead := "    ✗ " + p.label(res) + ": "
			p.printf("    %s %s: %s\n", p.paint(sevColor[sev], "✗"), p.label(res),
				wrap(res.Message, utf8.RuneCountInString(lead), 8, p.opt.Width))
		}
	}
	p.printf("\n")
}

func (p *printer) unknown(r *report.Report) {
	var rs []rules.Result
	for _, res := range r.Results {
		if res.Status == rules.Unknown {
			rs = append(rs, res)
		}
	}
	if len(rs) == 0 {
		return
	}
	p.printf("%s (%d) — not checked, input missing\n", p.paint(bold, "UNKNOWN"), len(rs))
	for _, res := range rs {
		p.printf("  %-42s %s\n        %s\n", res.RuleID, p.label(res), wrap(res.Message, 8, 8, p.opt.Width))
	}
	p.printf("\n")
}

func (p *printer) muted(r *report.Report) {
	var rs []rules.Result
	for _, res := range r.Results {
		if res.Status == rules.Muted {
			rs = append(rs, res)
		}
	}
	if len(rs) == 0 {
		return
	}
	p.printf("%s (%d)\n", p.paint(dim, "MUTED"), len(rs))
	for _, res := range rs {
		p.printf("  %-42s %s\n        reason: %s\n", res.RuleID, p.label(res), res.MuteReason)
	}
	p.printf("\n")
}

func (p *printer) passing(r *report.Report) {
	counts := map[string]int{}
	var list []rules.Result
	for _, res := range r.Results {
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
			p.printf("  %-42s %s\n", res.RuleID, p.label(res))
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
		p.printf("  %s%s [%s]: %s\n", acct, g.Input, where, g.Reason)
	}
	for _, e := range r.Errors {
		p.printf("  rule %s failed: %s\n", e.RuleID, e.Error)
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
	line := fmt.Sprintf("%d failing", s.Fail)
	if len(sev) > 0 {
		line += " (" + strings.Join(sev, ", ") + ")"
	}
	line += fmt.Sprintf(", %d passing, %d muted, %d unknown", s.Pass, s.Muted, s.Unknown)
	if !s.Complete {
		line += " — incomplete scan"
	}
	p.printf("%s\n", p.paint(bold, line))
}

func (p *printer) label(r rules.Result) string {
	if p.multi {
		return fmt.Sprintf("%s (%s)", r.ResourceName, r.AccountID)
	}
	return r.ResourceName
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
