package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/iamspect/iamspect/internal/engine"
	"github.com/iamspect/iamspect/internal/report"
)

// now is the wall clock, for the report's generated_at and the collection
// time of file imports only; rules never see it. Tests replace it.
var now = time.Now

// scanAndReport is what scan and demo share: the engine judges the source,
// warnings go to stderr, the report to stdout or --output.
func scanAndReport(ctx context.Context, stdout, stderr io.Writer, src engine.Source, out *outputOptions, ro *ruleOptions, verbose bool) (*report.Report, error) {
	if ro == nil {
		ro = &ruleOptions{}
	}
	res, err := engine.Run(ctx, src, ro.engineOptions(out.asOfTime))
	if err != nil {
		return nil, err
	}
	warn(stderr, res.Warnings)
	if verbose {
		for _, st := range res.Stacks {
			fmt.Fprintf(stderr, "iamspect: %s\n", st)
		}
	}
	if err := out.write(stdout, res.Report); err != nil {
		return nil, err
	}
	return res.Report, nil
}

// warn prints warnings one per line on stderr.
func warn(stderr io.Writer, warnings []string) {
	for _, w := range warnings {
		fmt.Fprintf(stderr, "iamspect: warning: %s\n", w)
	}
}
