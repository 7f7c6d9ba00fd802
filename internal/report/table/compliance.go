package table

import (
	"fmt"
	"strings"

	"github.com/iamspect/iamspect/internal/compliance"
	"github.com/iamspect/iamspect/internal/report"
)

var controlMark = map[compliance.Status]string{
	compliance.Pass: "PASS", compliance.Fail: "FAIL", compliance.Unknown: "UNKNOWN",
	compliance.ManualCheck: "MANUAL", compliance.NotCovered: "NOT COVERED", compliance.NotAssessed: "NOT ASSESSED",
}

// compliance prints the --compliance section: one line per control.
func (p *printer) compliance(r *report.Report) {
	c := r.Compliance
	if c == nil {
		return
	}
	p.printf("%s — %s\n", p.paint(bold, "COMPLIANCE "+string(c.Framework)), c.Name)
	for _, ctl := range c.Controls {
		mark := controlMark[ctl.Status]
		switch ctl.Status {
		case compliance.Fail:
			mark = p.paint(sevColor["high"], mark)
		case compliance.ManualCheck, compliance.NotCovered, compliance.NotAssessed:
			mark = p.paint(dim, mark)
		}
		detail := strings.Join(ctl.Rules, ", ")
		if ctl.Status == compliance.NotAssessed {
			detail = ""
		}
		if ctl.Status == compliance.Fail {
			detail += " — " + plural(ctl.Fail, "failing result")
		}
		if detail == "" {
			detail = ctl.Note
		}
		p.printf("  %-8s %-12s %s\n", ctl.ID, mark, ctl.Title)
		if detail != "" {
			p.printf("  %-8s %-12s %s\n", "", "", p.paint(dim, detail))
		}
	}
	s := c.Summary
	notAssessed := ""
	if s.NotAssessed > 0 {
		notAssessed = fmt.Sprintf(", %d not assessed (--config looser than the control)", s.NotAssessed)
	}
	p.printf("  Score %.1f%% (%d of %d assessed controls pass); %d manual, %d not covered, %d unknown%s\n\n",
		s.Score, s.Pass, s.Pass+s.Fail, s.Manual, s.NotCovered, s.Unknown, notAssessed)
}

// suppressions lists expired and unused suppression entries.
func (p *printer) suppressions(r *report.Report) {
	s := r.Suppressions
	if s == nil || (len(s.Expired) == 0 && len(s.Unused) == 0 && len(s.Warnings) == 0) {
		return
	}
	p.printf("%s\n", p.paint(bold, "SUPPRESSIONS"))
	for _, e := range s.Expired {
		p.printf("  expired  %s  %s (expired %s): no longer applied\n", e.Where(), e.Rule, e.Expires.Format("2006-01-02"))
	}
	for _, e := range s.Unused {
		p.printf("  unused   %s  %s matched no failing result\n", e.Where(), e.Rule)
	}
	for _, w := range s.Warnings {
		p.printf("  warning  %s\n", w)
	}
	p.printf("\n")
}
