package table

import (
	"strings"
	"unicode/utf8"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
)

// changes prints what changed since the baseline (--baseline): the new
// findings and the resolved ones, one line each, and the unchanged count.
func (p *printer) changes(r *report.Report) {
	c := r.Changes
	if c == nil {
		return
	}
	p.printf("%s since %s (%s)\n", p.paint(bold, "WHAT CHANGED"), nonEmpty(c.Baseline.Path, "the baseline"),
		c.Baseline.GeneratedAt.UTC().Format("2006-01-02 15:04 MST"))
	isNew := make(map[string]bool, len(c.New))
	for _, fp := range c.New {
		isNew[fp] = true
	}
	p.printf("  new (%d)\n", len(c.New))
	for _, res := range r.Results.All() {
		if res.Status == finding.Fail && isNew[res.Fingerprint] {
			sev := strings.ToUpper(string(res.Severity))
			lead := "    + " + sev + " " + res.RuleID + " " + p.label(res) + ": "
			p.printf("    + %s %s %s: %s\n", p.paint(sevColor[res.Severity], sev), res.RuleID, p.label(res),
				wrap(res.Message, utf8.RuneCountInString(lead), 8, p.opt.Width))
		}
	}
	p.printf("  resolved (%d)\n", len(c.Resolved))
	for _, res := range c.Resolved {
		now := "gone"
		if res.Now != "" {
			now = "now " + string(res.Now)
		}
		p.printf("    - %s %s %s (%s)\n", strings.ToUpper(string(res.Severity)), res.RuleID, p.label(res.Result), now)
	}
	if len(c.Unverified) > 0 {
		p.printf("  could not be checked now, were failing (%d)\n", len(c.Unverified))
		for _, res := range c.Unverified {
			p.printf("    ? %s %s %s\n", strings.ToUpper(string(res.Severity)), res.RuleID, p.label(res.Result))
		}
	}
	p.printf("  unchanged: %s still failing\n\n", plural(c.Unchanged, "finding"))
}

func nonEmpty(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
