package compliance

import (
	"math"
	"slices"

	"github.com/iamspect/iamspect/internal/rules"
)

// Status is a control's outcome in a compliance report.
type Status string

// Control statuses.
const (
	// Pass: every result of the control's rules passed (or was muted).
	Pass Status = "pass"
	// Fail: some result of the control's rules failed.
	Fail Status = "fail"
	// Unknown: the control's rules could not be checked (missing input).
	Unknown Status = "unknown"
	// ManualCheck: a manual control no rule covers: a person must check it.
	ManualCheck Status = "manual"
	// NotCovered: an automated control no rule in this scan covers (for
	// example because --rules left its rules out).
	NotCovered Status = "not_covered"
)

// ControlResult is one control's outcome.
type ControlResult struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Mode    Mode     `json:"mode"`
	Status  Status   `json:"status"`
	Rules   []string `json:"rules,omitempty"`
	Fail    int      `json:"fail"`
	Pass    int      `json:"pass"`
	Muted   int      `json:"muted"`
	Unknown int      `json:"unknown"`
	Note    string   `json:"note,omitempty"`
}

// Report is a scan's outcome per control of one framework.
type Report struct {
	Framework rules.Framework `json:"framework"`
	Name      string          `json:"name"`
	Controls  []ControlResult `json:"controls"`
	Summary   Summary         `json:"summary"`
}

// Summary counts controls by status. Score is the percentage of assessed
// controls (pass + fail) that pass; manual, unknown and not covered controls
// are left out of it and counted separately.
type Summary struct {
	Pass       int     `json:"pass"`
	Fail       int     `json:"fail"`
	Unknown    int     `json:"unknown"`
	Manual     int     `json:"manual"`
	NotCovered int     `json:"not_covered"`
	Score      float64 `json:"score"`
}

// RulesFor returns the IDs of the given rules mapped to a control.
func RulesFor(fw rules.Framework, control string, rs []*rules.Rule) []string {
	var out []string
	for _, r := range rs {
		if slices.Contains(r.Frameworks[fw], control) {
			out = append(out, r.ID)
		}
	}
	return out
}

// Evaluate builds the report of a framework from the rules that ran and
// their results.
func Evaluate(fw Framework, ran []*rules.Rule, results []rules.Result) *Report {
	byRule := map[string][]rules.Result{}
	for _, r := range results {
		byRule[r.RuleID] = append(byRule[r.RuleID], r)
	}
	rep := &Report{Framework: fw.ID, Name: fw.Name, Controls: []ControlResult{}}
	for _, c := range fw.Controls {
		cr := ControlResult{ID: c.ID, Title: c.Title, Mode: c.Mode, Note: c.Note, Rules: RulesFor(fw.ID, c.ID, ran)}
		for _, id := range cr.Rules {
			for _, res := range byRule[id] {
				switch res.Status {
				case rules.Fail:
					cr.Fail++
				case rules.Pass:
					cr.Pass++
				case rules.Muted:
					cr.Muted++
				case rules.Unknown:
					cr.Unknown++
				}
			}
		}
		switch {
		case len(cr.Rules) == 0 && c.Mode == Manual:
			cr.Status = ManualCheck
		case len(cr.Rules) == 0:
			cr.Status = NotCovered
		case cr.Fail > 0:
			cr.Status = Fail
		case cr.Unknown > 0 || cr.Pass+cr.Muted == 0:
			cr.Status = Unknown
		default:
			cr.Status = Pass
		}
		rep.Controls = append(rep.Controls, cr)
		switch cr.Status {
		case Pass:
			rep.Summary.Pass++
		case Fail:
			rep.Summary.Fail++
		case Unknown:
			rep.Summary.Unknown++
		case ManualCheck:
			rep.Summary.Manual++
		case NotCovered:
			rep.Summary.NotCovered++
		}
	}
	if n := rep.Summary.Pass + rep.Summary.Fail; n > 0 {
		rep.Summary.Score = math.Round(1000*float64(rep.Summary.Pass)/float64(n)) / 10
	}
	return rep
}
