package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iamspect/iamspect/internal/importer"
)

func newExportCommandsCommand(stdout io.Writer) *cobra.Command {
	var output string
	cmd := &cobra.Command{
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
			if err := checkOutput(output); err != nil {
				return err
			}
			return writeOutput(stdout, output, 0o755, "script", writeExportScript)
		},
	}
	addOutputFlag(cmd.Flags(), &output, "script")
	return cmd
}

func writeExportScript(w io.Writer) error {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	b.WriteString("# Read-only AWS CLI commands for 'iamspect scan --from .'. Run in an empty folder.\n")
	b.WriteString("set -eu\n")
	for _, c := range importer.Commands() {
		fmt.Fprintf(&b, "\n# %s\n%s\n", c.Description, c.Command)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
