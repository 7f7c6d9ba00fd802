package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/iamspect/iamspect/internal/outfile"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/report/formats"
	"github.com/iamspect/iamspect/internal/rules"
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

	// Set by Validate.
	failOnSeverity rules.Severity
	asOfTime       time.Time
}

func (o *outputOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.format, "format", "f", "table", "report `FORMAT`: "+strings.Join(formats.Names(), ", "))
	fs.StringVarP(&o.output, "output", "o", "", "write the report to `FILE` instead of standard output")
	fs.StringVar(&o.failOn, "fail-on", "low", "exit 1 when a result fails at or above this `SEVERITY` (critical, high, medium, low, info, none)")
	fs.BoolVar(&o.allowIncomplete, "allow-incomplete", false, "exit 0/1 even when inputs were missing (instead of 3)")
	fs.StringVar(&o.asOf, "as-of", "", "measure credential ages at this `TIME` (2024-05-01 or RFC 3339) instead of the snapshot's time")
	fs.StringVar(&o.color, "color", "auto", "colour the table: auto (only on a terminal, unless NO_COLOR is set), always, never")
	fs.BoolVar(&o.showPassing, "show-passing", false, "list every passing result (table) instead of a count per rule; include PASS results (sarif, ocsf)")
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
	return usage(errors.Join(errs...))
}

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
func (o *outputOptions) write(stdout io.Writer, r *report.Report) error {
	if o.output == "" || o.output == "-" {
		return o.render(stdout, r, o.useColor(stdout))
	}
	err := outfile.Write(o.output, 0o644, func(w io.Writer) error { return o.render(w, r, o.color == "always") })
	if err != nil {
		return fmt.Errorf("writing the report to %s: %w", o.output, err)
	}
	return nil
}

func (o *outputOptions) render(w io.Writer, r *report.Report, color bool) error {
	f, err := formats.Get(o.format)
	if err != nil {
		return err
	}
	return f.Write(w, r, formats.Options{Color: color, ShowPassing: o.showPassing})
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
