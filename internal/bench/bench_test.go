package bench_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/bench"
	"github.com/iamspect/iamspect/internal/cli"
)

// childEnv makes this test binary act as iamspect when the bench runs it
// as the scan's child process.
const childEnv = "IAMSPECT_BENCH_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func TestRunSmall(t *testing.T) {
	t.Setenv(childEnv, "1")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var progress bytes.Buffer
	ms, err := bench.Run(context.Background(), bench.Options{Binary: self, Generator: self, Shapes: []string{"customer", bench.OrgShape},
		Sizes: []int{20, 40}, Dir: t.TempDir(), Seed: 1, Repeat: 2, Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 4 {
		t.Fatalf("%d measurements, want 4", len(ms))
	}
	for i, m := range ms {
		if m.Wall <= 0 || m.CPU <= 0 || m.ParseFloor <= 0 {
			t.Errorf("%s %v: wall %v, CPU %v, parse %v", m.Shape, m.Size, m.Wall, m.CPU, m.ParseFloor)
		}
		if m.Runs != 2 {
			t.Errorf("%s %v: %d runs, want 2", m.Shape, m.Size, m.Runs)
		}
		if m.PeakRSS < 1<<20 {
			t.Errorf("%s %v: peak RSS %d bytes", m.Shape, m.Size, m.PeakRSS)
		}
		// Every user and role gets at least one result per principal rule.
		if m.Results < m.Principals() {
			t.Errorf("%s %v: %d results for %d principals", m.Shape, m.Size, m.Results, m.Principals())
		}
		if first := i%2 == 0; first != math.IsNaN(m.Exponent) || first != math.IsNaN(m.CPUExponent) {
			t.Errorf("%s %v: exponent %v", m.Shape, m.Size, m.Exponent)
		}
	}
	if ms[2].Accounts != 1 || ms[3].Accounts != 2 || ms[3].Size.Users != 40 {
		t.Errorf("org at 40: %d accounts, %v", ms[3].Accounts, ms[3].Size)
	}
	// The sizes of a shape are scanned in turn, round after round, and
	// each case keeps its least wall time of the two.
	var order []string
	least := map[string]float64{}
	for _, line := range strings.Split(progress.String(), "\n") {
		var shape, size, wall string
		var run int
		if _, err := fmt.Sscanf(line, "bench: %s %s (run %d): wall %s", &shape, &size, &run, &wall); err != nil {
			continue
		}
		order = append(order, fmt.Sprintf("%s %s %d", shape, size, run))
		w, _ := strconv.ParseFloat(wall, 64)
		if k := shape + " " + size; least[k] == 0 || w < least[k] {
			least[k] = w
		}
	}
	if want := []string{"customer 20+20+10 1", "customer 40+40+20 1", "customer 20+20+10 2", "customer 40+40+20 2",
		"org 20+20+10 1", "org 40+40+20 1", "org 20+20+10 2", "org 40+40+20 2"}; !slices.Equal(order, want) {
		t.Errorf("runs in the order %q, want %q", order, want)
	}
	for _, m := range ms {
		if got, want := fmt.Sprintf("%.2f", m.Wall.Seconds()), fmt.Sprintf("%.2f", least[m.Shape+" "+m.Size.String()]); got != want {
			t.Errorf("%s %v: wall %s, the least of its runs is %s", m.Shape, m.Size, got, want)
		}
	}
	var table bytes.Buffer
	if err := bench.WriteTable(&table, ms); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(table.String()), "\n")
	if len(lines) != 5 || !strings.Contains(lines[0], "peak RSS") || !strings.Contains(lines[2], "40+40+20") {
		t.Errorf("table:\n%s", table.String())
	}
}
