package parallel

import (
	"runtime"
	"sync/atomic"
	"testing"
)

// Every item is done exactly once, whatever the chunk and the number of
// CPUs, including none and fewer items than workers.
func TestForVisitsEachItemOnce(t *testing.T) {
	for _, procs := range []int{1, 4} {
		old := runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 3, 100, 1001} {
			for _, chunk := range []int{0, 1, 8, 64} {
				hits := make([]atomic.Int32, n)
				For(n, chunk, nil, func(i int) { hits[i].Add(1) })
				for i := range hits {
					if h := hits[i].Load(); h != 1 {
						t.Fatalf("GOMAXPROCS %d, n %d, chunk %d: item %d done %d times", procs, n, chunk, i, h)
					}
				}
			}
		}
		runtime.GOMAXPROCS(old)
	}
}

// Once stop says true no further chunk is taken.
func TestForStops(t *testing.T) {
	for _, procs := range []int{1, 4} {
		old := runtime.GOMAXPROCS(procs)
		var done atomic.Int32
		For(10000, 4, func() bool { return done.Load() >= 100 }, func(int) { done.Add(1) })
		// each worker may finish the chunk it holds when stop turns true
		if d := done.Load(); d < 100 || d > 100+int32(4*procs) {
			t.Errorf("GOMAXPROCS %d: %d items done after stop at 100", procs, d)
		}
		runtime.GOMAXPROCS(old)
	}
}
