package engine

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"
)

// BenchmarkScanSnapshot runs the whole catalogue over the snapshot file
// named by IAMSPECT_SCAN_SNAPSHOT (e.g. one written by access's
// TestScaleReference), as `iamspect scan --snapshot` does, to profile the
// whole scan (docs/performance.md):
//
//	IAMSPECT_SCAN_SNAPSHOT=/tmp/ref/mixed-2500.snapshot.json \
//	  go test ./internal/engine -run '^$' -bench ScanSnapshot -benchtime 1x -cpuprofile cpu.out
func BenchmarkScanSnapshot(b *testing.B) {
	path := os.Getenv("IAMSPECT_SCAN_SNAPSHOT")
	if path == "" {
		b.Skip("IAMSPECT_SCAN_SNAPSHOT not set: no snapshot to scan")
	}
	s, _, err := SnapshotFile{Path: path}.Load(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cpu := cpuTime()
	results := 0
	for b.Loop() {
		out, err := Scan(context.Background(), s, Options{})
		if err != nil {
			b.Fatal(err)
		}
		results = out.Report.Results.Len()
	}
	b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(results), "results")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
