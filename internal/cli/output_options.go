package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/iamspect/iamspect/internal/drift"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/report/formats"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/wording"
)

// outputOptions are the flags that shape a report and the exit code.
type outputOptions struct {
	format          string
	output          string
	failOn          string
	allowIncomplete bool
	asOf            string
	color           string
	showPassing     bool
	reports         []string
	hubRegion       string
	hubProductARN   string
	baseline        string
	top             int
	groupBy         string

	// defaultTop is --top's default: 0 (every result) for scan, a few for
	// the demo, whose hundred findings would otherwise open with a wall.
	defaultTop int
	flags      *pflag.FlagSet

	// Set by Validate.
	failOnSeverity rules.Severity
	asOfTime       time.Time
	targets        []reportTarget // --report
	baselineReport *report.Report
}

func (o *outputOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.format, "format", "f", "table", "report `FORMAT`: "+wording.Or(formats.Names()))
	addOutputFlag(fs, &o.output, "report")
	fs.StringVar(&o.failOn, "fail-on", "low", "exit 1 when a result fails at or above this `SEVERITY` (critical, high, medium, low, info, none)")
	fs.BoolVar(&o.allowIncomplete, "allow-incomplete", false, "exit 0/1 even when inputs were missing (instead of 3)")
	fs.StringVar(&o.asOf, "as-of", "", "measure credential ages at this `TIME` (2024-05-01 or RFC 3339) instead of the snapshot's time")
	fs.StringVar(&o.color, "color", "auto", "colour the table: auto (only on a terminal, unless NO_COLOR is set), always, never")
	fs.BoolVar(&o.showPassing, "show-passing", false, "list every passing result (table) instead of a count per rule; include PASS results (sarif, ocsf)")
	fs.StringArrayVar(&o.reports, "report", nil, "also write the report in `FORMAT=PATH` (repeatable; PATH - is standard output), e.g. --report html=report.html --report asff=findings.json")
	fs.StringVar(&o.hubRegion, "security-hub-region", "", "asff and --security-hub: the `REGION` of the findings and their product ARN (default us-east-1)")
	fs.StringVar(&o.hubProductARN, "security-hub-product-arn", "", "asff and --security-hub: file findings under this product `ARN` instead of the account's own default product")
	fs.IntVar(&o.top, "top", o.defaultTop, "table: show only the `N` most important failing results — by severity, then blast radius (anyone can assume, administrator reach, principals affected) — and a summary of the rest; 0 shows every result")
	fs.StringVar(&o.groupBy, "group-by", formats.GroupByValues[0], "table: lay failing results out by `LAYOUT`: rule (each with its fix), principal (what is wrong with each user, role, ...), account")
	o.flags = fs
	fs.StringVar(&o.baseline, "baseline", "", "compare with this earlier JSON `REPORT`: the report gains what changed (new, resolved, unchanged findings)")
}

func (o *outputOptions) Validate() error {
	var errs []error
	if _, err := formats.Get(o.format); err != nil {
		errs = append(errs, fmt.Errorf("--format: %w", err))
	}
	if strings.EqualFold(o.failOn, "none") {
		o.failOnSeverity = ""
	} else if sev, err := rules.ParseSeverity(o.failOn); err != nil {
		errs = append(errs, fmt.Errorf("--fail-on: %w (or none)", err))
	} else {
		o.failOnSeverity = sev
	}
	if o.asOf != "" {
		t, err := parseAsOf(o.asOf)
		if err != nil {
			errs = append(errs, err)
		}
		o.asOfTime = t
	}
	if !slices.Contains([]string{"auto", "always", "never"}, o.color) {
		errs = append(errs, fmt.Errorf("--color %q: want auto, always or never", o.color))
	}
	targets, err := parseReportTargets(o.reports)
	errs = append(errs, err)
	o.targets = targets
	if err == nil {
		errs = append(errs, checkTargets(append([]reportTarget{{format: o.format, path: o.output}}, targets...)))
	}
	errs = append(errs, o.validateTable())
	if o.hubRegion != "" && !regionPattern.MatchString(o.hubRegion) {
		errs = append(errs, fmt.Errorf("--security-hub-region %q: want a region name like eu-west-1", o.hubRegion))
	}
	if o.hubProductARN != "" && !strings.HasPrefix(o.hubProductARN, "arn:") {
		errs = append(errs, fmt.Errorf("--security-hub-product-arn %q: want an ARN like arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default", o.hubProductARN))
	}
	if o.baseline != "" && errors.Join(errs...) == nil {
		base, err := report.Load(o.baseline)
		if err != nil {
			errs = append(errs, fmt.Errorf("--baseline: %w", err))
		}
		o.baselineReport = base
	}
	return usage(errors.Join(errs...))
}

// validateTable checks --top and --group-by, which shape the table only: given
// explicitly with no table among the outputs, they are refused rather than
// silently ignored (a JSON report always carries every result).
func (o *outputOptions) validateTable() error {
	var errs []error
	if o.top < 0 {
		errs = append(errs, fmt.Errorf("--top %d: want 0 (every result) or more", o.top))
	}
	if !slices.Contains(formats.GroupByValues, o.groupBy) {
		errs = append(errs, fmt.Errorf("--group-by %q: want %s", o.groupBy, strings.Join(formats.GroupByValues, ", ")))
	}
	selects := false
	for _, t := range append([]reportTarget{{format: o.format}}, o.targets...) {
		if f, err := formats.Get(t.format); err == nil && f.Selects {
			selects = true
		}
	}
	for _, name := range []string{"top", "group-by"} {
		if !selects && o.flags != nil && o.flags.Changed(name) {
			errs = append(errs, fmt.Errorf("--%s shapes the table, and --format %s writes every result: drop --%s, or add --report table=- (or table=FILE)", name, o.format, name))
		}
	}
	return errors.Join(errs...)
}

// regionPattern accepts AWS region names (at most 16 characters, as
// Security Hub requires).
var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d{1,2}$`)

// parseAsOf accepts a date (midnight UTC) or an RFC 3339 time.
func parseAsOf(s string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--as-of %q: want a date like 2024-05-01 or an RFC 3339 time like 2024-05-01T12:00:00Z", s)
}

// write renders the report to stdout or --output. A new file appears only
// once complete; an existing file, symlink, FIFO or device is written
// through, never replaced (internal/outfile).
// Every --report is written the same way, after the -f/-o report; a failed
// one does not stop the others.
func (o *outputOptions) write(stdout io.Writer, r *report.Report) error {
	if o.baselineReport != nil {
		r.Changes = drift.Compare(o.baselineReport, r).Changes(o.baseline, o.baselineReport)
	}
	var errs []error
	for _, t := range append([]reportTarget{{format: o.format, path: o.output}}, o.targets...) {
		errs = append(errs, o.writeOne(stdout, r, t))
	}
	return errors.Join(errs...)
}

func (o *outputOptions) writeOne(stdout io.Writer, r *report.Report, t reportTarget) error {
	if t.stdout() {
		return o.render(stdout, r, t.format, o.useColor(stdout))
	}
	return writeOutput(nil, t.path, 0o644, t.format+" report", func(w io.Writer) error { return o.render(w, r, t.format, o.color == "always") })
}

func (o *outputOptions) render(w io.Writer, r *report.Report, format string, color bool) error {
	f, err := formats.Get(format)
	if err != nil {
		return err
	}
	return f.Write(w, r, formats.Options{Color: color, ShowPassing: o.showPassing, Region: o.hubRegion, ProductARN: o.hubProductARN,
		Width: terminalWidth(w), Top: o.top, GroupBy: o.groupBy})
}

// terminalWidth is the table's line width: the terminal's when w is one
// (else $COLUMNS, else the default), and a fixed width for files and pipes,
// so that saved output does not depend on the window it was made in. The
// table bounds it (at most 200 columns).
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return formats.DefaultWidth
	}
	if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
		return cols
	}
	if cols, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && cols > 0 {
		return cols
	}
	return formats.DefaultWidth
}

func (o *outputOptions) useColor(w io.Writer) bool {
	switch o.color {
	case "always":
		return true
	case "never":
		return false
	}
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
