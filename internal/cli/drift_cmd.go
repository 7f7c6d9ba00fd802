package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/iamspect/iamspect/internal/drift/iamdiff"
	"github.com/iamspect/iamspect/internal/snapshot"
)

func newDriftCommand(stdout io.Writer) *cobra.Command {
	var (
		format       string
		output       string
		failOnChange bool
		sd           storeDrift
	)
	cmd := &cobra.Command{
		Use:   "drift OLD.json NEW.json | drift --target NAME",
		Short: "Compare the IAM state of two snapshots, or of two scans in the serve history: what was added, removed or changed",
		Long: `Compare two snapshots of the same accounts ('iamspect collect -o FILE', of any
schema version this build reads) and list the IAM drift per account: users,
access keys, groups and group memberships, roles and their trust policies,
managed and inline policies, policy attachments, permissions boundaries, IAM
Identity Center permission sets and account assignments, and the
organisation's service control policies and their targets, each added,
removed or changed. Changed policy documents show a structural diff (paths
added, removed or changed), computed after normalising both documents, so
that key order, a string versus a one-element list and statement order do not
count as changes.

Only inputs both snapshots collected are compared: an input missing from
either (a denied credential report, say) is listed as not compared, never
read as everything in it having been removed.

'iamspect diff' compares two reports' findings instead.

With --target NAME instead of two files, drift compares two successful scans
of a target of 'iamspect serve' in its history store (--db, or the db: of
--config serve.yaml): by default the latest and the one before it, or --from
and --to scan IDs. It shows the IAM drift of their stored snapshots as above,
then the findings that became new or were resolved (docs/serve.md).

Exit codes: 0, or 1 with --fail-on-change when something changed; 2 for bad
flags or unreadable snapshots; 4 if the output could not be written.`,
		Example: `  iamspect drift monday.json tuesday.json
  iamspect drift old.json new.json --format json -o drift.json
  iamspect drift baseline.json today.json --fail-on-change
  iamspect drift --config serve.yaml --target prod
  iamspect drift --db sqlite:iamspect.db --target prod --from 12 --to 15 --format json`,
		Args: func(cmd *cobra.Command, args []string) error {
			return sd.validate(cmd.Flags(), args, cmd.CommandPath())
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			var errs []error
			if format != "table" && format != "json" {
				errs = append(errs, fmt.Errorf("--format %q: want table or json", format))
			}
			errs = append(errs, checkOutput(output))
			if err := errors.Join(errs...); err != nil {
				return usage(err)
			}
			var d iamdiff.Delta
			var render func(w io.Writer) error
			if sd.target != "" {
				sdr, err := sd.load(cmd.Context())
				if err != nil {
					return err
				}
				d = sdr.IAM
				render = func(w io.Writer) error { return writeStoreDrift(w, sdr, format) }
			} else {
				old, err := snapshot.Load(args[0])
				if err != nil {
					return usage(err)
				}
				cur, err := snapshot.Load(args[1])
				if err != nil {
					return usage(err)
				}
				d = iamdiff.Compare(old, cur)
				render = func(w io.Writer) error {
					if format == "json" {
						return iamdiff.WriteJSON(w, d)
					}
					return iamdiff.WriteTable(w, d)
				}
			}
			if err := writeOutput(stdout, output, 0o600, "drift", render); err != nil {
				return err
			}
			if failOnChange && len(d.Changes) > 0 {
				return exitStatus{ExitFindings}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "table", "`FORMAT`: table or json")
	addOutputFlag(cmd.Flags(), &output, "drift")
	cmd.Flags().BoolVar(&failOnChange, "fail-on-change", false, "exit 1 when anything was added, removed or changed")
	sd.AddFlags(cmd.Flags())
	return cmd
}
