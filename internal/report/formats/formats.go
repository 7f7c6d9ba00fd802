// Package formats is the registry of report formats: one entry per format,
// each backed by its own writer package under internal/report. The CLI looks
// formats up here and never switches on a format name itself; adding a format
// is a writer package and one line below.
package formats

import (
	"fmt"
	"io"

	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/report/asff"
	"github.com/iamspect/iamspect/internal/report/csvreport"
	"github.com/iamspect/iamspect/internal/report/html"
	"github.com/iamspect/iamspect/internal/report/jsonreport"
	"github.com/iamspect/iamspect/internal/report/junit"
	"github.com/iamspect/iamspect/internal/report/markdown"
	"github.com/iamspect/iamspect/internal/report/ocsf"
	"github.com/iamspect/iamspect/internal/report/sarif"
	"github.com/iamspect/iamspect/internal/report/table"
	"github.com/iamspect/iamspect/internal/wording"
)

// Options are the rendering choices a person can make; a format ignores
// those that do not apply to it.
type Options struct {
	// Color: ANSI colours (the table, on a terminal).
	Color bool
	// ShowPassing lists every passing result instead of a count per rule
	// (table), or adds PASS results (sarif, ocsf).
	ShowPassing bool
	// Region is the AWS region of ASFF findings and their product ARN
	// ("" means us-east-1: IAM is global, Security Hub files findings in
	// one region).
	Region string
	// Width is the table's line width (0: table.DefaultWidth).
	Width int
	// Top and GroupBy shape the table only: the N most important failing
	// results, and the layout (table.Options); other formats always carry
	// every result.
	Top     int
	GroupBy string
	// ProductARN overrides ASFF's product ARN (default: the account's own
	// arn:aws:securityhub:REGION:ACCOUNT:product/ACCOUNT/default).
	ProductARN string
}

// Format is one output format.
type Format struct {
	Name        string
	Description string
	// Selects: the format honours Options.Top and GroupBy (shows a
	// selection of the results); the others always carry every result.
	Selects bool
	Write   func(w io.Writer, r *report.Report, o Options) error
}

// GroupByValues are the layouts Options.GroupBy accepts, default first;
// DefaultWidth is the table's width when the output is not a terminal.
var (
	GroupByValues = table.GroupByValues
	DefaultWidth  = table.DefaultWidth
)

// all lists the formats in the order help shows them.
var all = []Format{
	{Name: "table", Description: "for people: failures grouped by severity and rule, then unknown, muted, passing, gaps",
		Selects: true, Write: func(w io.Writer, r *report.Report, o Options) error {
			return table.Write(w, r, table.Options{Color: o.Color, ShowPassing: o.ShowPassing, Width: o.Width, Top: o.Top, GroupBy: o.GroupBy})
		}},
	{Name: "json", Description: "for programs: the versioned, self-contained report (docs/output.md)",
		Write: func(w io.Writer, r *report.Report, _ Options) error { return jsonreport.Write(w, r) }},
	{Name: "sarif", Description: "SARIF 2.1.0 for GitHub code scanning (upload-sarif) and other SARIF viewers",
		Write: func(w io.Writer, r *report.Report, o Options) error {
			return sarif.Write(w, r, sarif.Options{ShowPassing: o.ShowPassing})
		}},
	{Name: "ocsf", Description: "OCSF 1.8.0 Detection Finding events (Compliance Findings with --compliance) for Security Lake and SIEMs",
		Write: func(w io.Writer, r *report.Report, o Options) error {
			return ocsf.Write(w, r, ocsf.Options{ShowPassing: o.ShowPassing})
		}},
	{Name: "asff", Description: "AWS Security Finding Format: a JSON array for 'aws securityhub batch-import-findings' (100 per call)",
		Write: func(w io.Writer, r *report.Report, o Options) error {
			return asff.Write(w, r, asff.Options{Region: o.Region, ProductARN: o.ProductARN})
		}},
	{Name: "junit", Description: "JUnit XML for CI test tabs: a suite per rule, a test case per resource",
		Write: func(w io.Writer, r *report.Report, _ Options) error { return junit.Write(w, r) }},
	{Name: "csv", Description: "one row per result with fixed columns, for spreadsheets (formula-injection safe)",
		Write: func(w io.Writer, r *report.Report, _ Options) error { return csvreport.Write(w, r) }},
	{Name: "markdown", Description: "a summary for $GITHUB_STEP_SUMMARY and pull-request comments (at most 1 MiB)",
		Write: func(w io.Writer, r *report.Report, _ Options) error { return markdown.Write(w, r, markdown.Options{}) }},
	{Name: "html", Description: "one self-contained page (works offline): summary, filterable and sortable results with evidence and fix, compliance, what changed",
		Write: func(w io.Writer, r *report.Report, _ Options) error { return html.Write(w, r) }},
}

// Names lists the format names, in help order.
func Names() []string {
	out := make([]string, len(all))
	for i, f := range all {
		out[i] = f.Name
	}
	return out
}

// Get finds a format by name.
func Get(name string) (Format, error) {
	for _, f := range all {
		if f.Name == name {
			return f, nil
		}
	}
	return Format{}, fmt.Errorf("unknown format %q: want %s", name, wording.Or(Names()))
}
