package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iamspect/iamspect/internal/bench"
)

func newBenchCommand(stdout, stderr io.Writer) *cobra.Command {
	var (
		sizes, shapes, binary, keep, generateInto string
		exclude                                   []string
		seed                                      uint64
		repeat                                    int
	)
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure the offline scan of this build on generated accounts of several shapes",
		Long: `Generate accounts of several shapes and sizes (N users, N roles and N/2
customer managed policies; the org shape is N/20 accounts of 20 users and 20
roles) as AWS CLI files, run 'iamspect scan --from' of this build on each as a
child process, and print wall time, CPU time, peak resident memory, the time
encoding/json alone takes to decode the input (the floor), principals per
second and the growth exponent of wall time between sizes (1 is linear, 2 is
quadratic). Shapes: ` + strings.Join(bench.Shapes(), ", ") + `
(docs/performance.md). Nothing is read from or sent to AWS.

On a machine whose speed varies (a shared VM), one run of each case can
put the small size in a fast minute and the large one in a slow one, and the
exponent then says more about the machine than about iamspect: --repeat R
scans the sizes of a shape in turn, R rounds, and keeps each case's least
wall and CPU time (and its highest peak memory).`,
		Example: `  iamspect bench
  iamspect bench --sizes 1000,2500,5000,10000 --shapes customer,trust-anyone
  iamspect bench --sizes 2500,10000 --shapes deep-groups --repeat 3`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if repeat < 1 {
				return usage(fmt.Errorf("--repeat %d: scan each case at least once", repeat))
			}
			o := bench.Options{Binary: binary, Seed: seed, Repeat: repeat, Progress: stderr}
			if len(exclude) > 0 {
				o.ScanArgs = []string{"--exclude-rules", strings.Join(exclude, ",")}
			}
			var err error
			if o.Sizes, err = parseSizes(sizes); err != nil {
				return usage(err)
			}
			if o.Shapes, err = parseShapes(shapes); err != nil {
				return usage(err)
			}
			if generateInto != "" {
				return generateCase(stdout, generateInto, o)
			}
			if o.Generator, err = os.Executable(); err != nil {
				return err
			}
			if o.Binary == "" {
				o.Binary = o.Generator
			}
			o.Dir = keep
			if o.Dir == "" {
				if o.Dir, err = os.MkdirTemp("", "iamspect-bench-"); err != nil {
					return err
				}
				defer os.RemoveAll(o.Dir)
			} else if err := os.MkdirAll(o.Dir, 0o700); err != nil {
				return usage(err)
			}
			ms, err := bench.Run(cmd.Context(), o)
			if werr := bench.WriteTable(stdout, ms); err == nil {
				err = werr
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&sizes, "sizes", "1000,2500", "principals per kind to generate, comma-separated `N,...` (N users, N roles, N/2 policies)")
	f.StringVar(&shapes, "shapes", strings.Join(bench.Shapes(), ","), "shapes to generate, comma-separated")
	f.StringVar(&keep, "keep", "", "write the generated inputs and reports into `DIR` and keep them (default: a temporary folder, removed)")
	f.StringVar(&binary, "binary", "", "the iamspect `PATH` whose scan is measured (default: this one)")
	f.StringSliceVar(&exclude, "exclude-rules", nil, "pass --exclude-rules `IDS` to every scan (to measure the rest of the scan without some rules)")
	f.Uint64Var(&seed, "seed", 1, "the generators' seed")
	f.IntVar(&repeat, "repeat", 1, "scan every case `R` times, the sizes of a shape in turn, and keep each one's least time")
	f.StringVar(&generateInto, "generate-into", "", "(internal) write the one shape and size into `DIR` and print the case as JSON")
	_ = f.MarkHidden("generate-into")
	return cmd
}

func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 50000 {
			return nil, fmt.Errorf("--sizes: %q is not a number of principals between 1 and 50,000", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func parseShapes(s string) ([]string, error) {
	known := bench.Shapes()
	var out []string
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if !slices.Contains(known, f) {
			return nil, fmt.Errorf("--shapes: unknown shape %q (known: %s)", f, strings.Join(known, ", "))
		}
		out = append(out, f)
	}
	return out, nil
}

// generateCase is bench's child that writes one case (bench.Generate), so
// that the measuring process never holds a generated account.
func generateCase(stdout io.Writer, dir string, o bench.Options) error {
	if len(o.Shapes) != 1 || len(o.Sizes) != 1 {
		return usage(fmt.Errorf("--generate-into takes one shape and one size"))
	}
	c, err := bench.Generate(dir, o.Shapes[0], o.Sizes[0], o.Seed)
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(c)
}
