package synth_test

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/engine"
	"github.com/iamspect/iamspect/internal/report/jsonreport"
	"github.com/iamspect/iamspect/internal/synth"
)

// BenchmarkOfflineScan is the whole offline scan (import of the AWS CLI
// files, every rule, the JSON report) per shape and size, with principals
// per second and the peak live heap sampled during the scan:
//
//	go test ./internal/synth -run '^$' -bench OfflineScan -benchtime 1x
//	go test ./internal/synth -run '^$' -bench 'OfflineScan/customer/' -benchtime 1x
func BenchmarkOfflineScan(b *testing.B) {
	for _, sh := range synth.Shapes() {
		for _, n := range []int{1000, 2500, 5000, 10000} {
			b.Run(fmt.Sprintf("%s/%d", sh.Name, n), func(b *testing.B) {
				dir := b.TempDir()
				size := synth.SizeOf(n)
				if err := synth.WriteFiles(dir, sh.Account(synth.AccountID, size, 1)); err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				b.ResetTimer()
				peak := sampleHeap()
				for b.Loop() {
					scanFiles(b, dir, io.Discard)
				}
				b.StopTimer()
				perScan := b.Elapsed().Seconds() / float64(b.N)
				b.ReportMetric(float64(size.Users+size.Roles)/perScan, "principals/s")
				b.ReportMetric(float64(peak())/1e6, "peak-heap-MB")
			})
		}
	}
}

// BenchmarkOrganizationScan scans synth.Organization in memory (every
// rule, JSON report): accounts of 20 users and 20 roles.
//
//	go test ./internal/synth -run '^$' -bench OrganizationScan -benchtime 1x
func BenchmarkOrganizationScan(b *testing.B) {
	for _, accounts := range []int{50, 250, 1000} {
		b.Run(fmt.Sprint(accounts), func(b *testing.B) {
			s := synth.Organization(accounts, 20, 20)
			runtime.GC()
			b.ResetTimer()
			peak := sampleHeap()
			for b.Loop() {
				o, err := engine.Scan(context.Background(), s, engine.Options{Clock: func() time.Time { return synth.Reference }})
				if err != nil {
					b.Fatal(err)
				}
				if err := jsonreport.Write(io.Discard, o.Report); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(40*accounts)/(b.Elapsed().Seconds()/float64(b.N)), "principals/s")
			b.ReportMetric(float64(peak())/1e6, "peak-heap-MB")
		})
	}
}

// sampleHeap samples the heap's live and not yet swept objects every 10 ms
// until the returned function is called, which returns the largest value
// seen, in bytes.
func sampleHeap() func() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var (
		mu        sync.Mutex
		peakBytes uint64
		stop      = make(chan struct{})
		done      = make(chan struct{})
	)
	read := func() {
		metrics.Read(s)
		mu.Lock()
		if v := s[0].Value.Uint64(); v > peakBytes {
			peakBytes = v
		}
		mu.Unlock()
	}
	go func() {
		defer close(done)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				read()
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		read()
		mu.Lock()
		defer mu.Unlock()
		return peakBytes
	}
}
