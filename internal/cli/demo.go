package cli

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/engine"
)

func newDemoCommand(stdout, stderr io.Writer) *cobra.Command {
	var (
		out outputOptions
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
