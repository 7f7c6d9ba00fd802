package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/store"
)

func newHistoryCommand(stdout io.Writer) *cobra.Command {
	var (
		so       storeOptions
		target   string
		state    string
		severity string
		format   string
		limit    int
		snapOf   int64
		output   string
	)
	cmd := &cobra.Command{
		Use:   "history",
		Short: "List a target's findings with their lifecycle, from the history store of 'iamspect serve'",
		Long: `List the findings of a target that 'iamspect serve' scanned, with their
lifecycle: new (first failing in the last scan), open, reopened (failing again
after being resolved) or resolved, when each was first and last seen and
resolved, and whether it is muted. --state active keeps the failing ones.`,
		Example: `  iamspect history --db sqlite:iamspect.db --target prod
  iamspect history --target prod --state active --severity high --format json
  iamspect history --snapshot-of 42 > scan42.json && iamspect scan --snapshot scan42.json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			if snapOf > 0 {
				return writeStoredSnapshot(cmd.Context(), stdout, output, &so, snapOf)
			}
			if target == "" {
				return usage(errors.New("--target NAME is required"))
			}
			if format != "table" && format != "json" {
				return usage(fmt.Errorf("--format %q: want table or json", format))
			}
			q := store.FindingQuery{Target: target, State: state, Limit: limit}
			switch state {
			case "", "active", store.StateNew, store.StateOpen, store.StateReopened, store.StateResolved:
			default:
				return usage(fmt.Errorf("--state %q: want new, open, reopened, resolved or active", state))
			}
			if severity != "" {
				sev, err := finding.ParseSeverity(severity)
				if err != nil {
					return usage(fmt.Errorf("--severity: %w", err))
				}
				for _, s := range finding.Severities {
					if s.Rank() >= sev.Rank() {
						q.Severity = append(q.Severity, s)
					}
				}
			}
			st, err := so.openForReading(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			fs, total, err := st.Findings(cmd.Context(), q)
			if err != nil {
				return err
			}
			return writeOutput(stdout, output, 0o600, "history", func(w io.Writer) error {
				if format == "json" {
					enc := json.NewEncoder(w)
					enc.SetIndent("", "  ")
					return enc.Encode(map[string]any{"target": target, "total": total, "findings": fs})
				}
				return writeHistory(w, fs, total)
			})
		},
	}
	so.AddFlags(cmd.Flags())
	so.AddConfigFlag(cmd.Flags())
	cmd.Flags().StringVar(&target, "target", "", "the target's `NAME` (as in serve.yaml)")
	cmd.Flags().StringVar(&state, "state", "", "only findings in this `STATE`: new, open, reopened, resolved, or active (new, open or reopened)")
	cmd.Flags().StringVar(&severity, "severity", "", "only findings of this `SEVERITY` or worse")
	cmd.Flags().StringVar(&format, "format", "table", "output `FORMAT`: table or json")
	cmd.Flags().IntVar(&limit, "limit", 1000, "list at most `N` findings (worst first)")
	addOutputFlag(cmd.Flags(), &output, "findings (or --snapshot-of's snapshot)")
	cmd.Flags().Int64Var(&snapOf, "snapshot-of", 0, "instead, print the snapshot that scan `ID` judged (to scan a past state again: 'iamspect scan --snapshot FILE')")
	return cmd
}

func day(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

func writeHistory(w io.Writer, fs []store.Finding, total int) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SEVERITY\tSTATE\tRULE\tACCOUNT\tRESOURCE\tFIRST SEEN\tLAST SEEN\tRESOLVED")
	for _, f := range fs {
		st := f.State
		if f.Muted {
			st += " (muted)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", strings.ToUpper(string(f.Severity)), st, f.RuleID, f.AccountID,
			f.ResourceName, day(&f.FirstSeen), day(&f.LastSeen), day(f.ResolvedAt))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d of %d finding(s)\n", len(fs), total)
	return err
}

// writeStoredSnapshot prints the snapshot a stored scan judged.
func writeStoredSnapshot(ctx context.Context, stdout io.Writer, output string, so *storeOptions, id int64) error {
	st, err := so.openForReading(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	s, err := st.Snapshot(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return usage(fmt.Errorf("--snapshot-of %d: no snapshot of that scan in the store (a scan that did not succeed, or one removed by retention)", id))
	}
	if err != nil {
		return err
	}
	return writeOutput(stdout, output, 0o600, "snapshot", s.Write)
}
