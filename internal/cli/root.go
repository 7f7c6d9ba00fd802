// Package cli implements iamspect's command line: one cobra command per file,
// one options struct per concern (inputs, output, rules), and exit codes
// decided in exit.go.
package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/iamspect/iamspect/internal/version"
	"github.com/iamspect/iamspect/internal/wording"
)

// Main runs iamspect as a process: the first SIGINT or SIGTERM cancels the
// run, which then exits 130 or 143; a second one kills it at once.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		if sig, ok := <-sigs; ok {
			signal.Reset(os.Interrupt, syscall.SIGTERM)
			cancel(signalled{sig})
		}
	}()
	return Run(ctx, args, stdout, stderr)
}

// Run executes iamspect with the given arguments and returns the exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCommand(stdout, stderr)
	root.SetArgs(args)
	code, msg := codeFor(ctx, root.ExecuteContext(ctx))
	reportExit(stderr, msg)
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
(suppressed) or UNKNOWN (could not be checked, and why). Scanning only reads;
'fix apply' and 'fix rollback' change IAM only with --yes, and
'scan --security-hub' writes findings to Security Hub.

Start with the demo (no AWS access needed):
  iamspect demo

Audit the account of your current AWS credentials, or a whole organisation:
  iamspect scan
  iamspect scan --org --profile management-audit

Audit offline from AWS CLI output files (see 'iamspect export-commands'):
  iamspect scan --from ./iam-export

Exit codes: 0 nothing failing at or above --fail-on; 1 failing results;
2 usage or input error; 3 incomplete scan (missing inputs) unless
--allow-incomplete; 4 iamspect failed (e.g. the report could not be written);
5 AWS endpoint unreachable; 6 --security-hub imported only part of the findings;
130/143 interrupted by SIGINT/SIGTERM.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// Version makes --version work; it prints what 'version' prints.
		Version: version.Get().Line(),
		// With Args and RunE set, cobra hands an unknown command to
		// knownCommand instead of printing its own multi-line message.
		Args: knownCommand,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	root.SetVersionTemplate("{{.Version}}\n")
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
		newBenchCommand(stdout, stderr),
		newCollectCommand(stdout, stderr),
		newDemoCommand(stdout, stderr),
		newWhoCanCommand(stdout, stderr),
		newExplainCommand(stdout, stderr),
		newMergeCommand(stdout, stderr),
		newConvertCommand(stdout),
		newDiffCommand(stdout),
		newDriftCommand(stdout),
		newRulesCommand(stdout),
		newSandboxCommand(stdout, stderr),
		newServeCommand(stdout, stderr),
		newHistoryCommand(stdout),
		newExportCommandsCommand(stdout),
		newFixCommand(stdout, stderr),
		newMigrateCommand(stdout, stderr),
		newVersionCommand(stdout),
	}
}

// knownCommand refuses an unknown subcommand as a usage error (exit 2) on
// one line, with cobra's suggestion when it has one.
func knownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q", args[0])
	if cmd.HasParent() {
		msg = fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	}
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's default, which SuggestionsFor does not apply
	}
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf(" (did you mean %s?)", wording.Or(wording.Quote(s)))
	}
	return usage(fmt.Errorf("%s; see '%s --help'", msg, cmd.CommandPath()))
}

// oneLine keeps error output to a single line, as scripts expect.
func oneLine(s string) string {
	return strings.ReplaceAll(strings.TrimSpace(s), "\n", "; ")
}

// exactFile accepts exactly one argument, a file name.
func exactFile(cmd *cobra.Command, args []string) error {
	if len(args) != 1 {
		return usage(fmt.Errorf("%s takes one FILE argument, got %d", cmd.CommandPath(), len(args)))
	}
	return nil
}

// noArgs is cobra.NoArgs with usage-error classification; a command with
// subcommands (fix, migrate, rules) takes a misspelt one as knownCommand does.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 && cmd.HasSubCommands() {
		return knownCommand(cmd, args)
	}
	if len(args) > 0 {
		return usage(fmt.Errorf("%s takes no arguments, got %q", cmd.CommandPath(), strings.Join(args, " ")))
	}
	return nil
}
