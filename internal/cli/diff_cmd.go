package cli

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iamspect/iamspect/internal/drift"
	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
)

func newDiffCommand(stdout io.Writer) *cobra.Command {
	var (
		format        string
		output        string
		failOnNew     string
		showUnchanged bool
	)
	cmd := &cobra.Command{
		Use:   "diff OLD.json NEW.json",
		Short: "Compare two JSON reports: new, resolved and unchanged findings",
		Long: `Compare two JSON reports of the same accounts (from 'iamspect scan --format json',
by this or an earlier version of iamspect). A finding is a FAIL result, known
by its fingerprint (rule, account, resource), so reworded messages do not
count as changes:

  new         failing in NEW, not failing (or absent) in OLD
  resolved    failing in OLD; passing, muted or gone in NEW
  unchanged   failing in both
  unverified  failing in OLD, UNKNOWN in NEW (an input was missing)

Exit codes: 0, or 1 with --fail-on-new when a new finding is at or above
that severity; 2 for bad flags or unreadable reports; 4 if the output could
not be written.`,
		Example: `  iamspect diff last-week.json today.json
  iamspect diff base.json head.json --format markdown >> "$GITHUB_STEP_SUMMARY"
  iamspect diff base.json head.json --fail-on-new high`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usage(fmt.Errorf("%s takes two report files, OLD and NEW, got %d", cmd.CommandPath(), len(args)))
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			var errs []error
			if !slices.Contains([]string{"table", "json", "markdown"}, format) {
				errs = append(errs, fmt.Errorf("--format %q: want table, json or markdown", format))
			}
			var failSev finding.Severity
			if failOnNew != "" && !strings.EqualFold(failOnNew, "none") {
				sev, err := finding.ParseSeverity(failOnNew)
				if err != nil {
					errs = append(errs, fmt.Errorf("--fail-on-new: %w (or none)", err))
				}
				failSev = sev
			}
			errs = append(errs, checkOutput(output))
			if err := errors.Join(errs...); err != nil {
				return usage(err)
			}
			old, err := report.Load(args[0])
			if err != nil {
				return usage(err)
			}
			cur, err := report.Load(args[1])
			if err != nil {
				return usage(err)
			}
			d := drift.Compare(old, cur)
			a, b := drift.SideOf(args[0], old), drift.SideOf(args[1], cur)
			render := func(w io.Writer) error {
				switch format {
				case "json":
					return drift.WriteJSON(w, d, a, b)
				case "markdown":
					return drift.WriteMarkdown(w, d, a, b)
				}
				return drift.WriteTable(w, d, a, b, showUnchanged)
			}
			if err := writeOutput(stdout, output, 0o644, "diff", render); err != nil {
				return err
			}
			if failSev != "" && d.NewAtOrAbove(failSev) > 0 {
				return exitStatus{ExitFindings}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "table", "`FORMAT`: table, json or markdown")
	addOutputFlag(cmd.Flags(), &output, "diff")
	cmd.Flags().StringVar(&failOnNew, "fail-on-new", "none", "exit 1 when a new finding is at or above this `SEVERITY` (critical, high, medium, low, info, none)")
	cmd.Flags().BoolVar(&showUnchanged, "show-unchanged", false, "table: list unchanged findings too, not only their count")
	return cmd
}
