package cli

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/engine"
)

// demoTop is the demo's default --top: a first look, not a wall of text.
const demoTop = 10

func newDemoCommand(stdout, stderr io.Writer) *cobra.Command {
	var (
		out = outputOptions{defaultTop: demoTop}
		ro  ruleOptions
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Scan the built-in demo account (no AWS access needed)",
		Long: `Scan "Northwind Analytics", a fictional account built into iamspect, and print
the report. The account has the problems real accounts have: people with IAM
users and passwords, a console user without MFA, a CI user with a two-year-old
access key, a root access key, and IAM Identity Center set up beside it all;
plus a member account of its AWS Organization that kept an IAM user. Every
rule in the catalogue fails at least once.

The table opens with the 10 most important findings and a summary of the
rest (--top 0 lists all of them; --group-by principal shows what is wrong
with each user and role). Its clock is fixed: ages are measured as of the
demo's collection time, so its results never change.

The demo always exits 0 unless the flags are wrong; it accepts the same output
flags as 'iamspect scan'.`,
		Example: `  iamspect demo
  iamspect demo --format json --output demo.json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			if err := ro.Validate(); err != nil {
				return err
			}
			_, err := scanAndReport(cmd.Context(), stdout, stderr, engine.InMemory{Snapshot: demo.Snapshot()}, &out, &ro, false)
			return err
		},
	}
	out.AddFlags(cmd.Flags())
	ro.AddFlags(cmd.Flags())
	return cmd
}
