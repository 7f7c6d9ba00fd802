package parallel

import (
	"cmp"
	"math/rand/v2"
	"runtime"
	"slices"
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

// SortFunc sorts as slices.SortFunc does, whatever the length (below and
// above the parallel threshold, odd numbers of parts) and the number of
// CPUs.
func TestSortFuncLikeSlices(t *testing.T) {
	for _, procs := range []int{1, 2, 3, 4} {
		old := runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 7, minParallelSort - 1, 2*minParallelSort + 5, 3*minParallelSort + 1, 5 * minParallelSort} {
			rng := rand.New(rand.NewPCG(uint64(n), uint64(procs)))
			s := make([]int, n)
			for i := range s {
				s[i] = rng.IntN(n + 1)
			}
			want := slices.Clone(s)
			slices.Sort(want)
			SortFunc(s, cmp.Compare[int])
			if !slices.Equal(s, want) {
				t.Fatalf("GOMAXPROCS %d, n %d: not sorted as slices.Sort sorts", procs, n)
			}
		}
		runtime.GOMAXPROCS(old)
	}
}
