package cli

import (
	"context"
	"io"
	"time"

	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/scan"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/version"
)

// now is the wall clock for the report's generated_at only; rules never see it.
var now = time.Now

// scanAndReport runs the rules over a snapshot, writes the report and
// returns the scan's exit status as an error (nil for exit 0).
// ro may be nil (every rule, default thresholds, no suppressions).
func scanAndReport(ctx context.Context, stdout, stderr io.Writer, s *snapshot.Snapshot, out *outputOptions, ro *ruleOptions) (*report.Report, error) {
	if ro == nil {
		ro = &ruleOptions{cfg: rules.Defaults()}
	}
	outcome, err := scan.Run(ctx, s, ro.scanOptions(s, out.asOfTime))
	if err != nil {
		return nil, err
	}
	rep := report.New(s, outcome, version.String(), now(), out.asOfTime)
	ro.decorate(rep, stderr)
	if err := out.write(stdout, rep); err != nil {
		return nil, err
	}
	return rep, nil
}
