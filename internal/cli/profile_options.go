package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"

	"github.com/spf13/pflag"

	"github.com/iamspect/iamspect/internal/outfile"
)

// profileOptions are scan's --cpuprofile and --memprofile: Go pprof
// profiles of the run, for a slow-scan report (docs/performance.md).
type profileOptions struct {
	cpu, mem string
}

func (o *profileOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.cpu, "cpuprofile", "", "write a Go CPU profile of the scan to `FILE` (go tool pprof reads it; attach it to a slow-scan report)")
	fs.StringVar(&o.mem, "memprofile", "", "write a Go heap profile (allocations and what is live at the end of the scan) to `FILE`")
}

// start begins profiling; the returned function ends it and writes the
// profiles through outfile (never replacing a file iamspect did not
// create). The CPU profile is kept in memory until then: it is small
// (kilobytes per second of scan), and a file that fails to write is
// reported without losing the scan's own result.
func (o *profileOptions) start() (stop func() error, err error) {
	for _, p := range []string{o.cpu, o.mem} {
		if p == "" {
			continue
		}
		if st, err := os.Stat(filepath.Dir(p)); err != nil || !st.IsDir() {
			return nil, usage(fmt.Errorf("profile %s: its folder does not exist", p))
		}
	}
	var cpu bytes.Buffer
	if o.cpu != "" {
		if err := pprof.StartCPUProfile(&cpu); err != nil {
			return nil, fmt.Errorf("--cpuprofile: %w", err)
		}
	}
	return func() error {
		var errs []error
		if o.cpu != "" {
			pprof.StopCPUProfile()
			errs = append(errs, outfile.Write(o.cpu, 0o644, func(w io.Writer) error { _, err := w.Write(cpu.Bytes()); return err }))
		}
		if o.mem != "" {
			runtime.GC() // the live heap as of the end of the scan
			errs = append(errs, outfile.Write(o.mem, 0o644, func(w io.Writer) error { return pprof.Lookup("allocs").WriteTo(w, 0) }))
		}
		for _, err := range errs {
			if err != nil {
				return fmt.Errorf("writing the profile: %w", err)
			}
		}
		return nil
	}, nil
}
