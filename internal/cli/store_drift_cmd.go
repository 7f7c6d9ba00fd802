package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/iamspect/iamspect/internal/server"
	"github.com/iamspect/iamspect/internal/store"
)

// newStoreDriftCommand is 'iamspect drift --target NAME': drift between two
// scans in the history store of 'iamspect serve'. (The snapshot-file form,
// 'iamspect drift OLD.json NEW.json', is being built beside sharded
// collection; the two are meant to become one command with two modes.)
func newStoreDriftCommand(stdout io.Writer) *cobra.Command {
	var (
		so       storeOptions
		target   string
		from, to int64
		format   string
	)
	cmd := &cobra.Command{
		Use:   "drift",
		Short: "Show what changed in IAM between two scans of a target, from the history store of 'iamspect serve'",
		Long: `Compare two successful scans of a target (by default its latest and the one
before it): IAM changes from their snapshots (users, access keys, roles,
trust policies, managed policies, group memberships, permission-set
assignments) and the findings that became new or were resolved.`,
		Example: `  iamspect drift --db sqlite:iamspect.db --target prod
  iamspect drift --target prod --from 12 --to 15 --format json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if target == "" {
				return usage(errors.New("--target NAME is required"))
			}
			if format != "table" && format != "json" {
				return usage(fmt.Errorf("--format %q: want table or json", format))
			}
			st, err := so.openForReading(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			d, err := server.DriftBetween(cmd.Context(), st, target, from, to)
			if err != nil {
				if errors.Is(err, store.ErrNotFound) || server.IsBadRequest(err) {
					return usage(err)
				}
				return err
			}
			if format == "json" {
				enc := json.NewEncoder(stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(d)
			}
			writeDrift(stdout, d)
			return nil
		},
	}
	so.AddFlags(cmd.Flags())
	so.AddConfigFlag(cmd.Flags())
	cmd.Flags().StringVar(&target, "target", "", "the target's `NAME` (as in serve.yaml)")
	cmd.Flags().Int64Var(&from, "from", 0, "the older scan's `ID` (default: the one before --to)")
	cmd.Flags().Int64Var(&to, "to", 0, "the newer scan's `ID` (default: the latest successful scan)")
	cmd.Flags().StringVar(&format, "format", "table", "output `FORMAT`: table or json")
	return cmd
}

func writeDrift(w io.Writer, d *server.Drift) {
	fmt.Fprintf(w, "%s: scan %d (%s) → scan %d (%s)\n\n", d.Target, d.From.ID, day(d.From.FinishedAt), d.To.ID, day(d.To.FinishedAt))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tKIND\tCHANGE\tNAME\tDETAIL")
	for _, c := range d.Changes {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.AccountID, c.Kind, c.Change, c.Name, c.Detail)
	}
	tw.Flush()
	fmt.Fprintf(w, "%d IAM change(s); %d new finding(s), %d resolved\n", len(d.Changes), len(d.Findings.New), len(d.Findings.Resolved))
	for _, r := range d.Findings.New {
		fmt.Fprintf(w, "  new       %-8s %s %s\n", strings.ToUpper(string(r.Severity)), r.RuleID, r.ResourceName)
	}
	for _, r := range d.Findings.Resolved {
		fmt.Fprintf(w, "  resolved  %-8s %s %s\n", strings.ToUpper(string(r.Severity)), r.RuleID, r.ResourceName)
	}
}
