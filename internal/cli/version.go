package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/iamspect/iamspect/internal/version"
)

func newVersionCommand(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print iamspect's version, VCS revision and Go version (as --version does)",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintln(stdout, version.Get().Line())
			return err
		},
	}
}
