// Package drift compares two reports of the same scope: which findings are
// new, which were resolved, which are unchanged. A finding is a FAIL
// result; results are matched by fingerprint (rule, account, resource), so
// reworded messages do not count as changes.
package drift

import (
	"cmp"
	"slices"
	"strings"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
)

// Diff is what changed between an old and a new report.
type Diff struct {
	// New: failing in the new report, not failing (or absent) in the old.
	New []finding.Result `json:"new"`
	// Resolved: failing in the old report, and in the new one passing,
	// muted, or absent (Now says which; "" is absent).
	Resolved []report.ChangedResult `json:"resolved"`
	// Unchanged: failing in both (as the new report has them).
	Unchanged []finding.Result `json:"unchanged"`
	// Unverified: failing in the old report, UNKNOWN in the new one: it may
	// or may not still fail.
	Unverified []report.ChangedResult `json:"unverified"`
}

// Compare matches the reports' results by fingerprint. When a report has
// several results with one fingerprint, the worst status counts.
func Compare(old, cur *report.Report) *Diff {
	before := index(old.Results)
	after := index(cur.Results)
	d := &Diff{New: []finding.Result{}, Resolved: []report.ChangedResult{}, Unchanged: []finding.Result{},
		Unverified: []report.ChangedResult{}}
	for _, fp := range order(cur.Results) {
		r := after[fp]
		if r.Status != finding.Fail {
			continue
		}
		if o, ok := before[fp]; ok && o.Status == finding.Fail {
			d.Unchanged = append(d.Unchanged, r)
		} else {
			d.New = append(d.New, r)
		}
	}
	for _, fp := range order(old.Results) {
		o := before[fp]
		if o.Status != finding.Fail {
			continue
		}
		n, ok := after[fp]
		switch {
		case !ok:
			d.Resolved = append(d.Resolved, report.ChangedResult{Result: o})
		case n.Status == finding.Pass || n.Status == finding.Muted:
			d.Resolved = append(d.Resolved, report.ChangedResult{Result: o, Now: n.Status})
		case n.Status == finding.Unknown:
			d.Unverified = append(d.Unverified, report.ChangedResult{Result: o, Now: n.Status})
		}
	}
	sortResults(d.New)
	sortResults(d.Unchanged)
	sortChanged(d.Resolved)
	sortChanged(d.Unverified)
	return d
}

// Changes is the comparison as a report carries it (scan --baseline).
func (d *Diff) Changes(baselinePath string, old *report.Report) *report.Changes {
	c := &report.Changes{
		Baseline:   report.Baseline{Path: baselinePath, GeneratedAt: old.GeneratedAt, ToolVersion: old.Tool.Version},
		New:        make([]string, len(d.New)),
		Unchanged:  len(d.Unchanged),
		Resolved:   d.Resolved,
		Unverified: d.Unverified,
	}
	for i, r := range d.New {
		c.New[i] = r.Fingerprint
	}
	return c
}

// NewAtOrAbove counts new findings of severity sev or worse.
func (d *Diff) NewAtOrAbove(sev finding.Severity) int {
	n := 0
	for _, r := range d.New {
		if r.Severity.Rank() >= sev.Rank() {
			n++
		}
	}
	return n
}

// index keeps, per fingerprint, the result with the worst status.
func index(rs finding.List) map[string]finding.Result {
	m := make(map[string]finding.Result, rs.Len())
	for _, r := range rs.All() {
		fp := fingerprint(r)
		if o, ok := m[fp]; !ok || r.Status.Rank() > o.Status.Rank() {
			m[fp] = r
		}
	}
	return m
}

// order lists each fingerprint once, in the report's order.
func order(rs finding.List) []string {
	seen := make(map[string]bool, rs.Len())
	out := make([]string, 0, rs.Len())
	for _, r := range rs.All() {
		fp := fingerprint(r)
		if !seen[fp] {
			seen[fp] = true
			out = append(out, fp)
		}
	}
	return out
}

// fingerprint is the result's, or computed for reports that lack one.
func fingerprint(r finding.Result) string {
	if r.Fingerprint != "" {
		return r.Fingerprint
	}
	return finding.Fingerprint(r.RuleID, r.AccountID, r.ResourceARN)
}

func sortResults(rs []finding.Result) {
	slices.SortStableFunc(rs, compareResults)
}

func sortChanged(rs []report.ChangedResult) {
	slices.SortStableFunc(rs, func(a, b report.ChangedResult) int { return compareResults(a.Result, b.Result) })
}

// compareResults: worst severity first, then rule, account, resource.
func compareResults(a, b finding.Result) int {
	return cmp.Or(
		cmp.Compare(b.Severity.Rank(), a.Severity.Rank()),
		strings.Compare(a.RuleID, b.RuleID),
		strings.Compare(a.AccountID, b.AccountID),
		strings.Compare(a.ResourceARN, b.ResourceARN),
	)
}
