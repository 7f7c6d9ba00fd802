// Package parallel runs independent pieces of work on every CPU: one
// worker pool for the scan's rules, the rules' principals and the
// analysis's precomputation, and a sort for the scan's results.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// For calls fn(i) for every i below n on up to GOMAXPROCS goroutines, each
// taking chunk items at a time (small chunks balance uneven items, larger
// ones keep the shared counter cold), and returns when all calls have
// returned. stop, when not nil, is asked before each chunk: once it says
// true, the items not yet taken are skipped. With one CPU or one chunk the
// calls run in order on the caller's goroutine. fn must be safe to call
// concurrently for different i.
func For(n, chunk int, stop func() bool, fn func(i int)) {
	chunk = max(1, chunk)
	stopped := func() bool { return stop != nil && stop() }
	workers := min(runtime.GOMAXPROCS(0), (n+chunk-1)/chunk)
	if workers <= 1 {
		for i := 0; i < n && !stopped(); i++ {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for !stopped() {
				lo := int(next.Add(int64(chunk))) - chunk
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+chunk, n); i++ {
					fn(i)
				}
			}
		})
	}
	wg.Wait()
}
