package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/iamspect/iamspect/internal/wording"

	"github.com/spf13/cobra"

	"github.com/iamspect/iamspect/internal/snapshot"
)

func newMergeCommand(stdout, stderr io.Writer) *cobra.Command {
	var (
		output       string
		allowPartial bool
	)
	cmd := &cobra.Command{
		Use:   "merge PART.json... -o org.json",
		Short: "Combine the parts of a sharded organisation collection into one snapshot",
		Long: `Combine the part snapshots of 'iamspect collect --org --shard I/N' into one
snapshot of the organisation, which 'iamspect scan --snapshot' then scans
once (several rules look across accounts).

The organisation (accounts, OUs, SCPs) is kept once; accounts and gaps come
from every part; collected_at is the earliest part's. Refused, with an error
naming the parts: parts of different organisations, shard counts or runs
(--shard-run); parts whose organisation listings differ (the organisation
changed between their collections); a part that could not list the
organisation; a shard or an account given twice; a missing shard, unless
--allow-partial, which keeps each account of a missing shard with a gap per
input (error code ShardMissing), so the scan answers UNKNOWN for it.

Exit codes: 0 merged; 2 bad flags, unreadable or refused parts; 4 if the
snapshot could not be written.`,
		Example: `  iamspect collect --org --shard 1/3 -o part-1.json   # on three machines
  iamspect collect --org --shard 2/3 -o part-2.json
  iamspect collect --org --shard 3/3 -o part-3.json
  iamspect merge part-*.json -o org.json
  iamspect scan --snapshot org.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usage(fmt.Errorf("%s takes one or more part snapshot files", cmd.CommandPath()))
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			if output == "" {
				return usage(errors.New("--output (-o) FILE is required (- for standard output)"))
			}
			if err := checkOutput(output); err != nil {
				return err
			}
			var parts []snapshot.Part
			for _, name := range args {
				s, err := snapshot.Load(name)
				if err != nil {
					return usage(fmt.Errorf("%s: %w", name, err))
				}
				parts = append(parts, snapshot.Part{Name: name, Snapshot: s})
			}
			m, err := snapshot.Merge(parts, snapshot.MergeOptions{AllowPartial: allowPartial})
			if err != nil {
				return usage(fmt.Errorf("merge: %w", err))
			}
			if err := writeSnapshot(stdout, output, m.Snapshot); err != nil {
				return err
			}
			for _, i := range m.Missing {
				fmt.Fprintf(stderr, "iamspect: warning: shard %d/%d missing (--allow-partial): its accounts are recorded as gaps\n", i, m.Count)
			}
			if output != "-" {
				fmt.Fprintf(stderr, "iamspect: wrote %s (%s, %s, %s)\n", output, wording.Count(len(parts), "part"), wording.Count(len(m.Snapshot.Accounts), "account"), wording.Count(len(m.Snapshot.Gaps), "gap"))
			}
			return nil
		},
	}
	addOutputFlag(cmd.Flags(), &output, "merged snapshot")
	cmd.Flags().BoolVar(&allowPartial, "allow-partial", false, "merge even when shards are missing: their accounts become gaps (the scan is then incomplete)")
	return cmd
}
