package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/iamspect/iamspect/internal/drift/iamdiff"
	"github.com/iamspect/iamspect/internal/outfile"
	"github.com/iamspect/iamspect/internal/snapshot"
)

func newDriftCommand(stdout io.Writer) *cobra.Command {
	var (
		format       string
		output       string
		failOnChange bool
	)
	cmd := &cobra.Command{
		Use:   "drift OLD.json NEW.json",
		Short: "Compare the IAM state of two snapshots: what was added, removed or changed",
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

Exit codes: 0, or 1 with --fail-on-change when something changed; 2 for bad
flags or unreadable snapshots; 4 if the output could not be written.`,
		Example: `  iamspect drift monday.json tuesday.json
  iamspect drift old.json new.json --format json -o drift.json
  iamspect drift baseline.json today.json --fail-on-change`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usage(fmt.Errorf("%s takes two snapshot files, OLD and NEW, got %d", cmd.CommandPath(), len(args)))
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			var errs []error
			if format != "table" && format != "json" {
				errs = append(errs, fmt.Errorf("--format %q: want table or json", format))
			}
			if output != "" && output != "-" {
				errs = append(errs, checkWritable(output))
			}
			if err := errors.Join(errs...); err != nil {
				return usage(err)
			}
			old, err := snapshot.Load(args[0])
			if err != nil {
				return usage(err)
			}
			cur, err := snapshot.Load(args[1])
			if err != nil {
				return usage(err)
			}
			d := iamdiff.Compare(old, cur)
			render := func(w io.Writer) error {
				if format == "json" {
					return iamdiff.WriteJSON(w, d)
				}
				return iamdiff.WriteTable(w, d)
			}
			if output == "" || output == "-" {
				err = render(stdout)
			} else if err = outfile.Write(output, 0o600, render); err != nil {
				err = fmt.Errorf("writing the drift to %s: %w", output, err)
			}
			if err != nil {
				return err
			}
			if failOnChange && len(d.Changes) > 0 {
				return exitStatus{ExitFindings}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "table", "`FORMAT`: table or json")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to `FILE` instead of standard output")
	cmd.Flags().BoolVar(&failOnChange, "fail-on-change", false, "exit 1 when anything was added, removed or changed")
	return cmd
}
