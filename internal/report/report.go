// Package report holds the report model that every output format renders.
// Writers in the sub-packages format it; they never compute findings.
package report

import (
	"slices"
	"sort"
	"time"

	"github.com/iamspect/iamspect/internal/finding"

	"github.com/iamspect/iamspect/internal/compliance"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/scan"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/suppress"
)

// SchemaVersion is the version of the JSON report shape this build writes
// (docs/output.md), MAJOR.MINOR: a minor version only adds optional fields,
// which older readers ignore; a major version changes or removes fields, and
// Load migrates every older major to this one (migrate.go).
const SchemaVersion = "2.3"

// Report is a finished scan, ready to render. It is self-contained: every
// writer renders it without the live rule catalogue, so a report saved by
// one version renders in any format with a later one.
type Report struct {
	SchemaVersion string    `json:"schema_version"`
	Tool          Tool      `json:"tool"`
	GeneratedAt   time.Time `json:"generated_at"`
	// AsOf is the time credential ages are measured against: --as-of, else
	// the latest of the accounts' reference times (the credential report's
	// generation time, else the collection time). Always set since schema
	// 2.2; older reports carry it only when --as-of was given.
	AsOf *time.Time `json:"as_of,omitempty"`
	// AsOfSource says where AsOf came from (AsOf* constants; schema 2.2).
	AsOfSource string          `json:"as_of_source,omitempty"`
	Source     snapshot.Source `json:"source"`
	Accounts   []Account       `json:"accounts"`
	Summary    Summary         `json:"summary"`
	Results    finding.List    `json:"results"`
	// Rules describes each rule that produced a result, so a reader of the
	// report alone can tell what a rule ID means and how to fix it.
	Rules  []RuleInfo       `json:"rules"`
	Gaps   []snapshot.Gap   `json:"gaps"`
	Errors []scan.RuleError `json:"errors,omitempty"`
	// Coverage names principals an input did not list (their per-principal
	// results are UNKNOWN).
	Coverage []scan.CoverageGap `json:"coverage,omitempty"`
	// Compliance is the per-control report of --compliance FRAMEWORK.
	Compliance *compliance.Report `json:"compliance,omitempty"`
	// Suppressions says what --suppressions muted, and which entries expired
	// or matched nothing.
	Suppressions *suppress.Summary `json:"suppressions,omitempty"`
	// Changes compares the report with a baseline report (--baseline;
	// schema 2.1).
	Changes *Changes `json:"changes,omitempty"`
}

// RuleInfo is the metadata of a rule that a report carries.
type RuleInfo struct {
	ID          string           `json:"id"`
	Title       string           `json:"title"`
	Description string           `json:"description,omitempty"`
	Severity    finding.Severity `json:"severity"`
	Remediation Remediation      `json:"remediation"`
	References  []string         `json:"references,omitempty"`
	// Frameworks maps framework IDs to the controls the rule checks.
	Frameworks map[string][]string `json:"frameworks,omitempty"`
}

// Remediation says how to fix a failing result.
type Remediation struct {
	Summary   string `json:"summary"`
	Console   string `json:"console,omitempty"`
	CLI       string `json:"cli,omitempty"`
	Terraform string `json:"terraform,omitempty"`
}

// RuleInfoOf copies a catalogue rule's metadata into a report.
func RuleInfoOf(r *rules.Rule) RuleInfo {
	info := RuleInfo{ID: r.ID, Title: r.Title, Description: r.Description, Severity: r.Severity,
		Remediation: Remediation(r.Remediation), References: slices.Clone(r.References)}
	if len(r.Frameworks) > 0 {
		info.Frameworks = map[string][]string{}
		for fw, cs := range r.Frameworks {
			info.Frameworks[string(fw)] = slices.Clone(cs)
		}
	}
	return info
}

// ruleInfos describes the rules that produced the results, sorted by ID;
// lookup finds a rule by ID (the catalogue, or the rules the scan ran).
func ruleInfos(rs finding.List, lookup func(string) *rules.Rule) []RuleInfo {
	seen := map[string]bool{}
	out := []RuleInfo{}
	for _, r := range rs.All() {
		if seen[r.RuleID] {
			continue
		}
		seen[r.RuleID] = true
		if rule := lookup(r.RuleID); rule != nil {
			out = append(out, RuleInfoOf(rule))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Rule returns a rule's metadata from the report, or nil.
func (r *Report) Rule(ruleID string) *RuleInfo {
	for i := range r.Rules {
		if r.Rules[i].ID == ruleID {
			return &r.Rules[i]
		}
	}
	return nil
}

// Title returns a rule's title from the report, or "" if unknown.
func (r *Report) Title(ruleID string) string {
	if info := r.Rule(ruleID); info != nil {
		return info.Title
	}
	return ""
}

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Account identifies a scanned account.
type Account struct {
	ID    string `json:"id"`
	Alias string `json:"alias,omitempty"`
	// AsOf is the time this account's ages are measured against, and
	// AsOfSource where it came from (schema 2.2).
	AsOf       *time.Time `json:"as_of,omitempty"`
	AsOfSource string     `json:"as_of_source,omitempty"`
}

// Where a report's clock came from (as_of_source).
const (
	// AsOfOption: --as-of.
	AsOfOption = "as_of_option"
	// AsOfCredentialReport: the credential report's generation time.
	AsOfCredentialReport = "credential_report"
	// AsOfCollection: the time the snapshot was collected or imported.
	AsOfCollection = "collection_time"
	// AsOfDemo: the built-in demo's fixed clock.
	AsOfDemo = "demo"
	// AsOfMixed: accounts measured against different times (each
	// account's as_of says which); the report's as_of is the latest.
	AsOfMixed = "per_account"
)

// Summary counts results.
type Summary struct {
	Total   int `json:"total"`
	Fail    int `json:"fail"`
	Pass    int `json:"pass"`
	Muted   int `json:"muted"`
	Unknown int `json:"unknown"`
	// FailBySeverity counts failing results per severity.
	FailBySeverity map[finding.Severity]int `json:"fail_by_severity"`
	// Complete is false when the scan has gaps, UNKNOWN results or rule errors.
	Complete bool `json:"complete"`
}

// New assembles a report from a snapshot and a scan outcome.
func New(s *snapshot.Snapshot, out *scan.Outcome, toolVersion string, generatedAt time.Time, asOf time.Time) *Report {
	r := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "iamspect", Version: toolVersion},
		GeneratedAt:   generatedAt.UTC(),
		Source:        s.Source,
		Results:       out.Results,
		Gaps:          s.Gaps,
		Errors:        out.Errors,
		Coverage:      out.Coverage,
	}
	if r.Gaps == nil {
		r.Gaps = []snapshot.Gap{}
	}
	for _, a := range s.Accounts {
		t, src := accountClock(s, a, asOf)
		r.Accounts = append(r.Accounts, Account{ID: a.ID, Alias: a.Alias, AsOf: &t, AsOfSource: src})
	}
	r.AsOf, r.AsOfSource = reportClock(r.Accounts)
	sort.Slice(r.Accounts, func(i, j int) bool { return r.Accounts[i].ID < r.Accounts[j].ID })
	// Rule texts name the thresholds the scan ran with, not the defaults.
	r.Rules = ruleInfos(r.Results, func(id string) *rules.Rule {
		if rule := rules.ByID(id); rule != nil {
			return rule.WithThresholds(out.Config)
		}
		return nil
	})
	r.Summary = Summarize(r.Results)
	r.Summary.Complete = r.Summary.Unknown == 0 && len(r.Gaps) == 0 && len(r.Errors) == 0
	return r
}

// accountClock is the time an account's ages are measured against, as the
// rules measure them (rules.Context.Now), and where it came from.
func accountClock(s *snapshot.Snapshot, a *snapshot.Account, asOf time.Time) (time.Time, string) {
	switch {
	case !asOf.IsZero():
		return asOf.UTC(), AsOfOption
	case s.Source.Kind == "demo":
		return s.ReferenceTime(a).UTC(), AsOfDemo
	case a.CredentialReportGeneratedAt != nil && !a.CredentialReportGeneratedAt.IsZero():
		return a.CredentialReportGeneratedAt.UTC(), AsOfCredentialReport
	}
	return s.CollectedAt.UTC(), AsOfCollection
}

// reportClock is the report's as_of: the accounts' shared time and source,
// or the latest time with AsOfMixed when they differ.
func reportClock(accounts []Account) (*time.Time, string) {
	if len(accounts) == 0 {
		return nil, ""
	}
	latest, src := *accounts[0].AsOf, accounts[0].AsOfSource
	for _, a := range accounts[1:] {
		if !a.AsOf.Equal(latest) || a.AsOfSource != src {
			src = AsOfMixed
		}
		if a.AsOf.After(latest) {
			latest = *a.AsOf
		}
	}
	return &latest, src
}

// Summarize counts results by status and failing results by severity.
func Summarize(rs finding.List) Summary {
	s := Summary{Total: rs.Len(), FailBySeverity: map[finding.Severity]int{}}
	for _, r := range rs.All() {
		switch r.Status {
		case finding.Fail:
			s.Fail++
			s.FailBySeverity[r.Severity]++
		case finding.Pass:
			s.Pass++
		case finding.Muted:
			s.Muted++
		case finding.Unknown:
			s.Unknown++
		}
	}
	return s
}
