package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/iamspect/iamspect/internal/importer"
)

func newExportCommandsCommand(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "export-commands",
		Short: "Print the read-only AWS CLI commands that produce a --from folder",
		Long: `Print a shell script of read-only AWS CLI commands. Run it with credentials
for the account to audit (an auditor can send it to a client); it writes the
files that 'iamspect scan --from DIR' reads. Nothing in it changes IAM state
except generate-credential-report, which only asks AWS to refresh the report.`,
		Example: `  iamspect export-commands > export.sh
  mkdir iam-export && (cd iam-export && sh ../export.sh)
  iamspect scan --from iam-export`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintln(stdout, "#!/bin/sh")
			fmt.Fprintln(stdout, "# Read-only AWS CLI commands for 'iamspect scan --from .'. Run in an empty folder.")
			fmt.Fprintln(stdout, "set -eu")
			for _, c := range importer.Commands() {
				fmt.Fprintf(stdout, "\n# %s\n%s\n", c.Description, c.Command)
			}
			return nil
		},
	}
}
