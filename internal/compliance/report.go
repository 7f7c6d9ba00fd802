package compliance

import (
	"fmt"
	"math"
	"slices"
	"strings"

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
	// NotAssessed: the control names a threshold and the scan's
	// configuration (--config) is looser than it, so the scan cannot
	// vouch for the control.
	NotAssessed Status = "not_assessed"
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
	Pass       int `json:"pass"`
	Fail       int `json:"fail"`
	Unknown    int `json:"unknown"`
	Manual     int `json:"manual"`
	NotCovered int `json:"not_covered"`
	// NotAssessed counts controls left out because --config loosened a
	// threshold they name.
	NotAssessed int     `json:"not_assessed,omitempty"`
	Score       float64 `json:"score"`
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
// their results, at iamspect's default thresholds (see EvaluateWith).
func Evaluate(fw Framework, ran []*rules.Rule, results []rules.Result) *Report {
	return EvaluateWith(fw, ran, results, Options{Config: rules.Defaults()})
}

// Options are what EvaluateWith needs to judge controls that name a
// threshold.
type Options struct {
	// Config is the configuration the scan ran with (defaults filled in).
	Config rules.Config
	// Rerun runs rules again with another configuration and returns their
	// results (suppressions applied as in the scan). Nil: controls whose
	// thresholds differ from Config are not assessed.
	Rerun func(rs []*rules.Rule, cfg rules.Config) []rules.Result
}

// EvaluateWith builds the report of a framework from the rules that ran and
// their results. A control whose text names a threshold (Control.Thresholds)
// is judged at that threshold: when the scan's configuration differs, its
// rules run again at the control's values. When --config set a threshold
// looser than the control requires, the control is not assessed.
func EvaluateWith(fw Framework, ran []*rules.Rule, results []rules.Result, o Options) *Report {
	o.Config = o.Config.WithDefaults()
	byRule := map[string][]rules.Result{}
	for _, r := range results {
		byRule[r.RuleID] = append(byRule[r.RuleID], r)
	}
	reruns := map[string]map[string][]rules.Result{} // by config key, by rule
	rep := &Report{Framework: fw.ID, Name: fw.Name, Controls: []ControlResult{}}
	for _, c := range fw.Controls {
		cr := ControlResult{ID: c.ID, Title: c.Title, Mode: c.Mode, Note: c.Note, Rules: RulesFor(fw.ID, c.ID, ran)}
		source := byRule
		if len(cr.Rules) > 0 && len(c.Thresholds) > 0 {
			cfg, note, assessable := thresholdConfig(c, o.Config)
			switch {
			case !assessable:
				cr.Status, cr.Note = NotAssessed, note
				rep.Controls = append(rep.Controls, cr)
				rep.Summary.NotAssessed++
				continue
			case cfg != nil && o.Rerun == nil:
				cr.Status, cr.Note = NotAssessed, note+" (this scan could not run its rules again at that value)"
				rep.Controls = append(rep.Controls, cr)
				rep.Summary.NotAssessed++
				continue
			case cfg != nil:
				key := fmt.Sprintf("%v", *cfg)
				if reruns[key] == nil {
					reruns[key] = map[string][]rules.Result{}
				}
				var missing []*rules.Rule
				for _, r := range ran {
					if slices.Contains(cr.Rules, r.ID) && reruns[key][r.ID] == nil {
						missing = append(missing, r)
						reruns[key][r.ID] = []rules.Result{}
					}
				}
				if len(missing) > 0 {
					for _, res := range o.Rerun(missing, *cfg) {
						reruns[key][res.RuleID] = append(reruns[key][res.RuleID], res)
					}
				}
				source = reruns[key]
				cr.Note = note
			}
		}
		for _, id := range cr.Rules {
			for _, res := range source[id] {
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

// thresholdConfig returns the configuration a control's rules must run
// with (nil when the scan's own configuration already matches), a note
// saying at which values the control is judged, and false when the scan's
// configuration was set looser than the control allows.
func thresholdConfig(c Control, cfg rules.Config) (*rules.Config, string, bool) {
	def := rules.Defaults()
	out := cfg
	changed := false
	var at, loose []string
	for _, t := range c.Thresholds {
		th, ok := rules.ThresholdByKey(t.Setting)
		if !ok {
			continue
		}
		v, d := th.Get(cfg), th.Get(def)
		looser := v > t.Value
		if t.AtLeast {
			looser = v < t.Value
		}
		if looser && v != d {
			loose = append(loose, fmt.Sprintf("%s is %d in --config, looser than the control's %d", t.Setting, v, t.Value))
			continue
		}
		at = append(at, fmt.Sprintf("%s = %d", t.Setting, t.Value))
		if v != t.Value {
			th.Set(&out, t.Value)
			changed = true
		}
	}
	if len(loose) > 0 {
		return nil, "Not assessed: " + strings.Join(loose, "; ") + ".", false
	}
	note := "Judged at the control's threshold: " + strings.Join(at, ", ") + "."
	if !changed {
		return nil, note, true
	}
	return &out, note, true
}
