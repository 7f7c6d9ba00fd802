package cli

import (
	"errors"
	"io"

	"github.com/spf13/cobra"

	"github.com/iamspect/iamspect/internal/report"
)

func newConvertCommand(stdout io.Writer) *cobra.Command {
	var out outputOptions
	cmd := &cobra.Command{
		Use:   "convert REPORT.json",
		Short: "Render a saved JSON report in another format, without rescanning",
		Long: `Read a JSON report that 'iamspect scan --format json' wrote, by this or an
earlier version of iamspect, and render it again in any format. The report
carries the metadata of every rule it mentions, so it renders without
rescanning and without the rule catalogue of the running version.

The exit code follows the report as it was scanned: --fail-on and
--allow-incomplete apply as for 'iamspect scan'.`,
		Example: `  iamspect scan --from ./iam-export --format json -o report.json
  iamspect convert report.json
  iamspect convert report.json --format json -o migrated.json`,
		Args: exactFile,
		RunE: func(_ *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			if out.asOf != "" {
				return usage(errors.New("--as-of does not apply to a finished report"))
			}
			rep, err := report.Load(args[0])
			if err != nil {
				return usage(err)
			}
			if err := out.write(stdout, rep); err != nil {
				return err
			}
			if code := scanExitCode(rep, out.failOnSeverity, out.allowIncomplete); code != ExitOK {
				return exitStatus{code}
			}
			return nil
		},
	}
	out.AddFlags(cmd.Flags())
	return cmd
}
