package rules

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Per-principal checks that run the escalation and empowerment analysis
// cost milliseconds a principal, and an enterprise account has tens of
// thousands of principals: they are judged on every CPU. The analysis
// keeps each principal's answers behind its own sync.Once, so workers
// never compute one twice, and the results come back in input order, so a
// parallel scan reports exactly what a sequential one does.

// parallelChunk is how many items a worker takes at a time: enough to
// keep the shared counter cold, few enough to balance uneven principals.
const parallelChunk = 8

// inParallel returns fn(i) for every i below n, in order, computed on up
// to GOMAXPROCS goroutines. When the scan is cancelled the remaining items
// are skipped (their results are zero values; the scanner discards a
// cancelled scan's results).
func inParallel[T any](ctx *Context, n int, fn func(i int) T) []T {
	out := make([]T, n)
	workers := min(runtime.GOMAXPROCS(0), (n+parallelChunk-1)/parallelChunk)
	if workers <= 1 {
		for i := range n {
			if ctx.Done() {
				break
			}
			out[i] = fn(i)
		}
		return out
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for !ctx.Done() {
				lo := int(next.Add(parallelChunk)) - parallelChunk
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+parallelChunk, n); i++ {
					out[i] = fn(i)
				}
			}
		})
	}
	wg.Wait()
	return out
}
