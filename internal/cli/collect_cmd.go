package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/iamspect/iamspect/internal/wording"

	"github.com/spf13/cobra"

	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/version"
)

func newCollectCommand(stdout, stderr io.Writer) *cobra.Command {
	var (
		in     inputOptions
		live   liveOptions
		output string
	)
	cmd := &cobra.Command{
		Use:   "collect",
		Short: "Save IAM state (live from AWS, or from AWS CLI files) as a snapshot",
		Long: `Collect IAM state into a snapshot file that 'iamspect scan --snapshot' reads
later, anywhere, without AWS access. Nothing is judged here.

With no file input, collect reads the account of the current AWS credentials
(or, with --org, every member account of the organisation) with read-only
calls: the same flags as 'iamspect scan'. --org --shard I/N collects only the
member accounts of one of N parts (several machines share a large
organisation; 'iamspect merge' combines the parts). With --from, --authz-details or
--credential-report it converts AWS CLI output files instead.

What could not be collected is recorded in the snapshot as a gap (the API and
the reason), so a later scan answers UNKNOWN for it instead of PASS.`,
		Example: `  iamspect collect -o snapshot.json
  iamspect collect --profile audit --org -o org-snapshot.json
  iamspect collect --org --shard 2/3 -o part-2.json   # then: iamspect merge part-*.json -o org.json
  iamspect collect --from ./iam-export -o snapshot.json
  iamspect collect --org --credential-ids -o snapshot.json   # then: iamspect fix plan --snapshot snapshot.json
  iamspect scan --snapshot snapshot.json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := validateInputOrLive(cmd, &in, &live); err != nil {
				return err
			}
			if live.credentialIDs && in.given() {
				return usage(errors.New("--credential-ids reads from AWS: it does not combine with --snapshot, --from, --authz-details or --credential-report"))
			}
			if err := checkOutput(output); err != nil {
				return err
			}
			s, err := loadInputOrLive(cmd.Context(), stderr, &in, &live)
			if err != nil {
				return err
			}
			if s.Source.Tool == "" {
				s.Source.Tool = version.String()
			}
			if err := writeSnapshot(stdout, output, s); err != nil {
				return err
			}
			if !toStdout(output) {
				fmt.Fprintf(stderr, "iamspect: wrote %s (%s, %s)\n", output, wording.Count(len(s.Accounts), "account"), wording.Count(len(s.Gaps), "gap"))
			}
			return nil
		},
	}
	in.AddFlags(cmd.Flags())
	live.AddFlags(cmd.Flags())
	live.AddShardFlags(cmd.Flags())
	addOutputFlag(cmd.Flags(), &output, "snapshot")
	cmd.Flags().BoolVar(&live.credentialIDs, "credential-ids", false, "live: also read the access key IDs, signing certificate IDs, MFA serials and SSH keys a remediation plan names (one call per user that has one), so that 'iamspect fix plan --snapshot' can plan offline (docs/remediation.md)")
	return cmd
}

// writeSnapshot writes to stdout, or to path through internal/outfile: a
// new file appears only once complete, readable by its owner only (it lists
// users, key ages and policies); an existing one is written through.
func writeSnapshot(stdout io.Writer, path string, s *snapshot.Snapshot) error {
	return writeOutput(stdout, path, 0o600, "snapshot", s.Write)
}
