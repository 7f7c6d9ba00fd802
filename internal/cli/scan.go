package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

func newScanCommand(stdout, stderr io.Writer) *cobra.Command {
	var (
		in   inputOptions
		live liveOptions
		out  outputOptions
		ro   ruleOptions
		prof profileOptions

		securityHub bool
	)
	cmd := &cobra.Command{
		Use:   "scan",
		Short: "Audit IAM state live from AWS, or from AWS CLI files or a snapshot",
		Long: `Scan IAM state against iamspect's rules and report every result: FAIL, PASS,
MUTED (suppressed) and UNKNOWN (an input was missing, so the rule could not
be checked; the message names the file or API that would provide it).

With no file or snapshot input, scan reads the account of the current AWS
credentials (the SDK's default chain, --profile, or --role-arn to assume an
audit role) with read-only calls; --org audits every member account of the
organisation. docs/permissions.md lists the permissions needed.

Other inputs are AWS CLI output files ('iamspect export-commands' prints the
read-only commands that produce them) or a snapshot file. With only some
files, the rules that need the others answer UNKNOWN and the exit code is 3
unless --allow-incomplete is given.

Credential ages are measured against the credential report's generation time
(or the import time), never against the clock of the machine running the
scan; --as-of sets another point in time.`,
		Example: `  iamspect scan
  iamspect scan --profile audit --org --parallel 8
  iamspect scan --role-arn arn:aws:iam::123456789012:role/iamspect-audit --verbose
  iamspect scan --from ./iam-export
  iamspect scan --authz-details authz.json --credential-report credential-report.json
  iamspect scan --snapshot snapshot.json --format json --output report.json --fail-on high
  iamspect scan --report json=report.json --report html=report.html --baseline last-week.json
  iamspect scan --security-hub --security-hub-region eu-west-1`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) (err error) {
			if err := validateInputOrLive(cmd, &in, &live); err != nil {
				return err
			}
			if err := out.Validate(); err != nil {
				return err
			}
			if err := ro.Validate(); err != nil {
				return err
			}
			stopProfiles, err := prof.start()
			if err != nil {
				return err
			}
			defer func() {
				// A profile that cannot be written is the run's error only
				// when the scan itself had none to report.
				if perr := stopProfiles(); perr != nil {
					if err == nil {
						err = perr
					} else {
						fmt.Fprintf(stderr, "iamspect: %v\n", perr)
					}
				}
			}()
			rep, err := scanAndReport(cmd.Context(), stdout, stderr, sourceOf(stderr, &in, &live), &out, &ro, live.verbose)
			if err != nil {
				return err
			}
			if securityHub {
				if err := deliverToSecurityHub(cmd.Context(), stderr, rep, &live, &out); err != nil {
					return err
				}
			}
			if code := scanExitCode(rep, out.failOnSeverity, out.allowIncomplete); code != ExitOK {
				return exitStatus{code}
			}
			return nil
		},
	}
	in.AddFlags(cmd.Flags())
	live.AddFlags(cmd.Flags())
	out.AddFlags(cmd.Flags())
	ro.AddFlags(cmd.Flags())
	prof.AddFlags(cmd.Flags())
	cmd.Flags().BoolVar(&securityHub, "security-hub", false, "after writing the report, import its findings into AWS Security Hub (ASFF, 100 per call) and archive iamspect findings that are gone; writes to Security Hub, never to IAM (docs/output.md)")
	return cmd
}
