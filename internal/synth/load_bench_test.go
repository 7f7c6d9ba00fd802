package synth_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/access"
	"github.com/iamspect/iamspect/internal/engine"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/synth"
)

// BenchmarkLoad measures what a scan does before any rule runs, phase by
// phase: the import of the AWS CLI files (import), the effective-permission
// model (build) and the analysis's setup (analyze), with allocations and
// the heap each phase leaves live (retained-MB, after a GC):
//
//	go test ./internal/synth -run '^$' -bench 'Load/customer/10000' -benchmem -benchtime 3x
func BenchmarkLoad(b *testing.B) {
	for _, name := range []string{"customer", "trust-anyone"} {
		sh, _ := synth.ShapeByName(name)
		for _, n := range []int{2500, 10000} {
			dir := ""
			b.Run(fmt.Sprintf("%s/%d", name, n), func(b *testing.B) {
				dir = b.TempDir()
				if err := synth.WriteFiles(dir, sh.Account(synth.AccountID, synth.SizeOf(n), 1)); err != nil {
					b.Fatal(err)
				}
				b.Run("import", func(b *testing.B) {
					benchPhase(b, func() any { return importDir(b, dir) })
				})
				s := importDir(b, dir)
				b.Run("build", func(b *testing.B) {
					benchPhase(b, func() any { return access.Build(s, s.Accounts[0], nil) })
				})
				m := access.Build(s, s.Accounts[0], nil)
				b.Run("analyze", func(b *testing.B) {
					benchPhase(b, func() any { return access.Analyze(m, synth.Reference) })
				})
			})
		}
	}
}

// benchPhase runs phase b.N times and reports the heap its last result
// keeps live.
func benchPhase(b *testing.B, phase func() any) {
	b.ReportAllocs()
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var keep any
	for b.Loop() {
		keep = phase()
	}
	b.StopTimer()
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/1e6, "retained-MB")
	runtime.KeepAlive(keep)
}

func importDir(b *testing.B, dir string) *snapshot.Snapshot {
	s, _, err := engine.Files{Dir: dir, Now: func() time.Time { return synth.Reference }}.Load(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	return s
}
