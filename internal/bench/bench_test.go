package bench_test

import (
	"bytes"
	"context"
	"math"
	"os"
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
	ms, err := bench.Run(context.Background(), bench.Options{Binary: self, Generator: self, Shapes: []string{"customer", bench.OrgShape},
		Sizes: []int{20, 40}, Dir: t.TempDir(), Seed: 1})
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
	var table bytes.Buffer
	if err := bench.WriteTable(&table, ms); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(table.String()), "\n")
	if len(lines) != 5 || !strings.Contains(lines[0], "peak RSS") || !strings.Contains(lines[2], "40+40+20") {
		t.Errorf("table:\n%s", table.String())
	}
}
