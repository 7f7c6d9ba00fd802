package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/spf13/pflag"

	"github.com/iamspect/iamspect/internal/outfile"
)

// The -o/--output of every command that writes something: a FILE, or "-"
// (or nothing) for standard output. Checked before any work (checkOutput),
// written through internal/outfile (writeOutput), so every command treats
// "-", directories and unwritable paths alike.

// addOutputFlag adds -o/--output for what the command writes ("report",
// "snapshot", "plan", …).
func addOutputFlag(fs *pflag.FlagSet, p *string, what string) {
	fs.StringVarP(p, "output", "o", "", "write the "+what+" to `FILE` (- or none: standard output)")
}

// toStdout says whether an output path means standard output.
func toStdout(path string) bool { return path == "" || path == "-" }

// checkOutput refuses, before anything is read or scanned, an output path
// that could not be written (a directory, a missing or unwritable folder):
// a usage error naming the path.
func checkOutput(path string) error {
	if toStdout(path) {
		return nil
	}
	return usage(checkWritable(path))
}

// writeOutput renders to standard output or to path; a new file appears
// only once complete, with mode; an existing file, symlink, FIFO or device
// is written through (internal/outfile). Errors name the user's path.
func writeOutput(stdout io.Writer, path string, mode fs.FileMode, what string, render func(io.Writer) error) error {
	if toStdout(path) {
		return render(stdout)
	}
	err := outfile.Write(path, mode, render)
	var oe *outfile.Error
	if errors.As(err, &oe) {
		return fmt.Errorf("writing the %s to %s: %w", what, path, oe.Err)
	}
	if err != nil {
		return fmt.Errorf("writing the %s to %s: %w", what, path, err)
	}
	return nil
}
