package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/iamspect/iamspect/internal/report/formats"
)

// reportTarget is one --report FORMAT=PATH (or the -f/-o pair).
type reportTarget struct {
	format string
	path   string // "" or "-": standard output
}

func (t reportTarget) stdout() bool { return toStdout(t.path) }

// parseReportTargets reads the --report values.
func parseReportTargets(values []string) ([]reportTarget, error) {
	var out []reportTarget
	var errs []error
	for _, v := range values {
		name, path, ok := strings.Cut(v, "=")
		if !ok || name == "" || path == "" {
			errs = append(errs, fmt.Errorf("--report %q: want FORMAT=PATH, e.g. --report asff=findings.json (PATH - is standard output)", v))
			continue
		}
		if _, err := formats.Get(name); err != nil {
			errs = append(errs, fmt.Errorf("--report %q: %w", v, err))
			continue
		}
		out = append(out, reportTarget{format: name, path: path})
	}
	return out, errors.Join(errs...)
}

// checkTargets refuses, before anything is scanned, outputs that could not
// be written: two reports on standard output, one path named twice, a
// directory that does not exist or is not writable, an existing path that
// is a directory or not writable.
func checkTargets(ts []reportTarget) error {
	var errs []error
	onStdout := 0
	seen := map[string]bool{}
	for _, t := range ts {
		if t.stdout() {
			onStdout++
			continue
		}
		clean := filepath.Clean(t.path)
		if seen[clean] {
			errs = append(errs, fmt.Errorf("%s is named for two reports", t.path))
		}
		seen[clean] = true
		if err := checkWritable(t.path); err != nil {
			errs = append(errs, err)
		}
	}
	if onStdout > 1 {
		errs = append(errs, errors.New("only one report can go to standard output: give -o FILE or a PATH other than - for the others"))
	}
	return errors.Join(errs...)
}

// checkWritable checks that a report can be written at path.
func checkWritable(path string) error {
	st, err := os.Stat(path)
	switch {
	case err == nil && st.IsDir():
		return fmt.Errorf("%s is a directory; give a file name", path)
	case err == nil:
		// Written through (outfile): the file itself must be writable.
		if syscall.Access(path, 2 /* W_OK */) != nil {
			return fmt.Errorf("%s is not writable", path)
		}
		return nil
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: %w", path, err)
	}
	dir := filepath.Dir(path)
	dst, err := os.Stat(dir)
	if err != nil || !dst.IsDir() {
		return fmt.Errorf("cannot write %s: the directory %s does not exist", path, dir)
	}
	if syscall.Access(dir, 2|1 /* W_OK|X_OK */) != nil {
		return fmt.Errorf("cannot write %s: the directory %s is not writable", path, dir)
	}
	return nil
}
