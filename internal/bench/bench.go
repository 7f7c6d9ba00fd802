// Package bench measures the offline scan of generated accounts
// (internal/synth) the way a user runs it: it writes each shape and size as
// AWS CLI files (or a snapshot, for organisations), runs `iamspect scan` of
// the given binary on them as a child process, and reads wall time, CPU
// time and peak resident memory from the child's rusage (`iamspect bench`,
// docs/performance.md).
package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/iamspect/iamspect/internal/importer"
	"github.com/iamspect/iamspect/internal/synth"
)

// OrgShape is the organisation shape's name: N principals per kind are
// N/20 accounts of 20 users and 20 roles (synth.Organization), scanned from
// a snapshot.
const OrgShape = "org"

// Shapes lists the shapes the bench knows: synth's single accounts and
// the organisation.
func Shapes() []string { return append(synth.ShapeNames(), OrgShape) }

// Options say what to measure.
type Options struct {
	Binary string // the iamspect to run
	// Generator is the iamspect whose hidden `bench --generate-into`
	// writes the inputs (this build's, whatever Binary is).
	Generator string
	Shapes    []string // shape names (Shapes)
	Sizes     []int    // principals per kind: N users, N roles, N/2 policies
	Dir       string   // where the inputs are written (one folder per case)
	Seed      uint64
	// ScanArgs are added to every scan's command line (e.g.
	// --exclude-rules, to measure the rest while one part is rewritten).
	ScanArgs []string
	// Repeat is how many times each case is scanned (at least once): the
	// sizes of a shape are scanned in turn, round after round, and each
	// case keeps its least wall and CPU time, so that a machine whose speed
	// swings weighs alike on the sizes an exponent compares.
	Repeat int
	// Progress, when set, receives a line before each case.
	Progress io.Writer
}

// Measurement is one scan of one shape at one size.
type Measurement struct {
	Shape      string
	Size       synth.Size
	Accounts   int
	Wall       time.Duration // the least of the runs (Options.Repeat)
	CPU        time.Duration // user + system, of the child; the least of the runs
	PeakRSS    int64         // bytes, the most of the runs; 0 when the platform does not say
	Runs       int
	ParseFloor time.Duration // decoding the authorization details JSON, nothing else
	Results    int           // results in the JSON report
	// Exponent and CPUExponent are the growth exponents of the wall and
	// CPU times from the previous size of the same shape: log(time ratio) /
	// log(size ratio); NaN for the first size. On a shared machine the CPU
	// time's is the steadier.
	Exponent, CPUExponent float64
}

// Principals is the number of users and roles scanned.
func (m Measurement) Principals() int { return m.Size.Users + m.Size.Roles }

// PerSecond is principals scanned per second of wall time.
func (m Measurement) PerSecond() float64 { return float64(m.Principals()) / m.Wall.Seconds() }

// Run measures every shape at every size, in order.
func Run(ctx context.Context, o Options) ([]Measurement, error) {
	var out []Measurement
	for _, shape := range o.Shapes {
		ms, err := measureShape(ctx, o, shape)
		if err != nil {
			return out, err
		}
		for i := range ms {
			m := &ms[i]
			m.Exponent, m.CPUExponent = math.NaN(), math.NaN()
			if i > 0 {
				prev := &ms[i-1]
				m.Exponent = growth(prev.Wall, m.Wall, prev.Principals(), m.Principals())
				m.CPUExponent = growth(prev.CPU, m.CPU, prev.Principals(), m.Principals())
			}
		}
		out = append(out, ms...)
	}
	return out, nil
}

// measureShape generates every size of the shape, then scans them in
// turn, Options.Repeat rounds.
func measureShape(ctx context.Context, o Options, shape string) ([]Measurement, error) {
	cases := make([]Case, len(o.Sizes))
	for i, n := range o.Sizes {
		if o.Progress != nil {
			fmt.Fprintf(o.Progress, "bench: generating %s at %d principals per kind\n", shape, n)
		}
		c, err := generate(ctx, o, filepath.Join(o.Dir, caseName(shape, n)), shape, n)
		if err != nil {
			return nil, fmt.Errorf("%s at %d: %w", shape, n, err)
		}
		cases[i] = c
	}
	ms := make([]Measurement, len(o.Sizes))
	for round := range max(1, o.Repeat) {
		for i, n := range o.Sizes {
			run, err := scanCase(ctx, o, shape, n, cases[i])
			if err != nil {
				return nil, fmt.Errorf("%s at %d: %w", shape, n, err)
			}
			if o.Progress != nil {
				fmt.Fprintf(o.Progress, "bench: %s %s (run %d): wall %s, CPU %s, peak RSS %.0f MB\n", shape, run.Size, round+1, seconds(run.Wall), seconds(run.CPU), float64(run.PeakRSS)/1e6)
			}
			ms[i] = ms[i].merge(run)
		}
	}
	return ms, nil
}

// merge takes in one more run of the same case: the least times, the
// highest peak.
func (m Measurement) merge(run Measurement) Measurement {
	if m.Runs == 0 {
		run.Runs = 1
		return run
	}
	m.Runs++
	m.Wall, m.CPU, m.PeakRSS = min(m.Wall, run.Wall), min(m.CPU, run.CPU), max(m.PeakRSS, run.PeakRSS)
	return m
}

func caseName(shape string, n int) string { return fmt.Sprintf("%s-%d", shape, n) }

// growth is the exponent k of t = c·n^k through two points.
func growth(t1, t2 time.Duration, n1, n2 int) float64 {
	return math.Log(t2.Seconds()/t1.Seconds()) / math.Log(float64(n2)/float64(n1))
}

// Case is one generated input: its size and the scan flags that read it.
type Case struct {
	Size       synth.Size    `json:"size"`
	Accounts   int           `json:"accounts"`
	Input      []string      `json:"input"`
	ParseFloor time.Duration `json:"parse_floor"`
}

// Generate writes shape at n principals per kind into dir and times the
// JSON-decoding floor of what it wrote. `iamspect bench` runs it in a
// child process of its own (Options.Generator).
func Generate(dir, shape string, n int, seed uint64) (Case, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Case{}, err
	}
	if shape == OrgShape {
		accounts := max(1, n/20)
		c := Case{Accounts: accounts, Size: synth.Size{Users: 20 * accounts, Roles: 20 * accounts, Policies: 10 * accounts}}
		path := filepath.Join(dir, "snapshot.json")
		if err := synth.WriteSnapshot(path, synth.Organization(accounts, 20, 20)); err != nil {
			return c, err
		}
		c.Input = []string{"--snapshot", path}
		var err error
		c.ParseFloor, err = parseFloor(path, &struct{ Accounts []json.RawMessage }{})
		return c, err
	}
	sh, ok := synth.ShapeByName(shape)
	if !ok {
		return Case{}, fmt.Errorf("unknown shape %q (known: %v)", shape, Shapes())
	}
	c := Case{Accounts: 1, Size: synth.SizeOf(n), Input: []string{"--from", dir}}
	if err := synth.WriteFiles(dir, sh.Account(synth.AccountID, c.Size, seed)); err != nil {
		return c, err
	}
	var err error
	c.ParseFloor, err = parseFloor(filepath.Join(dir, synth.AuthzFile), &importer.AuthzDetails{})
	return c, err
}

// generate runs Generate in a child process: on Linux a child's
// ru_maxrss starts from the high-water mark of the process it was forked
// from (exec keeps the old memory's peak, and os/exec's vfork shares this
// process's), so the generator's memory must never be this process's.
func generate(ctx context.Context, o Options, dir, shape string, n int) (Case, error) {
	cmd := exec.CommandContext(ctx, o.Generator, "bench", "--generate-into", dir, "--shapes", shape,
		"--sizes", fmt.Sprint(n), "--seed", fmt.Sprint(o.Seed))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return Case{}, fmt.Errorf("generating: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	var c Case
	if err := json.Unmarshal(stdout.Bytes(), &c); err != nil {
		return c, fmt.Errorf("generating: %w", err)
	}
	return c, nil
}

// scanCase scans one generated case once.
func scanCase(ctx context.Context, o Options, shape string, n int, c Case) (Measurement, error) {
	m := Measurement{Shape: shape, Size: c.Size, Accounts: c.Accounts, ParseFloor: c.ParseFloor}
	reportPath := filepath.Join(o.Dir, caseName(shape, n)+"-report.json") // beside the input: --from warns about files it does not know
	_ = os.Remove(reportPath)
	args := append([]string{"scan"}, c.Input...)
	args = append(args, "--format", "json", "--output", reportPath, "--allow-incomplete", "--fail-on", "none")
	args = append(args, o.ScanArgs...)
	if err := runScan(ctx, o.Binary, args, &m); err != nil {
		return m, err
	}
	results, err := countResults(reportPath)
	m.Results = results
	return m, err
}

// runScan runs the child and fills in its wall, CPU and peak memory.
func runScan(ctx context.Context, binary string, args []string, m *Measurement) error {
	cmd := exec.CommandContext(ctx, binary, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	m.Wall = time.Since(start)
	if err != nil {
		return fmt.Errorf("%s %v: %w: %s", binary, args, err, bytes.TrimSpace(stderr.Bytes()))
	}
	m.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	m.PeakRSS = peakRSS(cmd.ProcessState)
	return nil
}

// parseFloor is the time encoding/json takes to decode the input into v:
// what no scan of the file can avoid.
func parseFloor(path string, v any) (time.Duration, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	if err := json.Unmarshal(data, v); err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	return time.Since(start), nil
}

// countResults counts the report's results one at a time: decoding the
// whole report would raise this process's memory high-water mark, which
// the next child's ru_maxrss would inherit (see generate).
func countResults(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	dec := json.NewDecoder(bufio.NewReader(f))
	bad := func(err error) (int, error) { return 0, fmt.Errorf("the report %s: %w", path, err) }
	if _, err := dec.Token(); err != nil { // {
		return bad(err)
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return bad(err)
		}
		if key != "results" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return bad(err)
			}
			continue
		}
		if _, err := dec.Token(); err != nil { // [
			return bad(err)
		}
		n := 0
		for dec.More() {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return bad(err)
			}
			n++
		}
		return n, nil
	}
	return bad(errors.New("no results member"))
}
