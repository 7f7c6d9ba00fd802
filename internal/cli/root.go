// Package cli implements iamspect's command line: one cobra command per file,
// one options struct per concern (inputs, output, rules), and exit codes
// decided in exit.go.
package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// Run executes iamspect with the given arguments and returns the exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCommand(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	code := codeFor(err)
	if err != nil && code == ExitUsage {
		fmt.Fprintf(stderr, "iamspect: %s\n", oneLine(err.Error()))
	}
	return code
}

func newRootCommand(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "iamspect",
		Short: "Audit AWS IAM for long-term credentials, weak sign-in and risky access",
		Long: `iamspect audits the IAM security posture of an AWS account or organisation:
IAM users and their long-term credentials, MFA, root hygiene, password policy,
admin and wildcard grants, privilege-escalation paths, role trust policies,
federation and guardrails. It reports, for every check, FAIL, PASS, MUTED
(suppressed) or UNKNOWN (could not be checked, and why). It only reads: it
never changes anything in AWS.

Start with the demo (no AWS access needed):
  iamspect demo

Audit the account of your current AWS credentials, or a whole organisation:
  iamspect scan
  iamspect scan --org --profile management-audit

Audit offline from AWS CLI output files (see 'iamspect export-commands'):
  iamspect scan --from ./iam-export

Exit codes: 0 nothing failing at or above --fail-on; 1 failing results;
2 usage or input error; 3 incomplete scan (missing inputs) unless --allow-incomplete.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usage(err) })
	for _, c := range commands(stdout, stderr) {
		root.AddCommand(c)
	}
	return root
}

// commands lists the subcommands, one constructor per file.
func commands(stdout, stderr io.Writer) []*cobra.Command {
	return []*cobra.Command{
		newScanCommand(stdout, stderr),
		newCollectCommand(stdout, stderr),
		newDemoCommand(stdout, stderr),
		newWhoCanCommand(stdout, stderr),
		newExplainCommand(stdout, stderr),
		newRulesCommand(stdout),
		newSandboxCommand(stdout, stderr),
		newExportCommandsCommand(stdout),
		newVersionCommand(stdout),
	}
}

// oneLine keeps error output to a single line, as scripts expect.
func oneLine(s string) string {
	return strings.ReplaceAll(strings.TrimSpace(s), "\n", "; ")
}

// exactArgs is cobra.ExactArgs with usage-error classification.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usage(fmt.Errorf("%s takes no arguments, got %q", cmd.CommandPath(), strings.Join(args, " ")))
	}
	return nil
}
