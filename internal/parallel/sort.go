package parallel

import (
	"runtime"
	"slices"
	"sync"
)

// SortFunc sorts s by cmp as slices.SortFunc does, on up to GOMAXPROCS
// goroutines: each sorts a contiguous part, then the parts are merged. cmp
// must be a strict total order (no two distinct elements equal), so that
// the result does not depend on how s was cut; below minParallelSort
// elements, or with one CPU, s is sorted in place on the caller's
// goroutine.
func SortFunc[T any](s []T, cmp func(a, b T) int) {
	parts := min(runtime.GOMAXPROCS(0), len(s)/minParallelSort)
	if parts <= 1 {
		slices.SortFunc(s, cmp)
		return
	}
	bounds := make([]int, parts+1)
	for i := range bounds {
		bounds[i] = len(s) * i / parts
	}
	var wg sync.WaitGroup
	for i := range parts {
		wg.Go(func() { slices.SortFunc(s[bounds[i]:bounds[i+1]], cmp) })
	}
	wg.Wait()
	// Merge pairs of neighbouring runs until one is left, through a
	// buffer of s's size.
	buf := make([]T, len(s))
	src, dst := s, buf
	for len(bounds) > 2 {
		next := []int{0}
		for i := 0; i+1 < len(bounds); i += 2 {
			if i+2 >= len(bounds) { // an odd run out: copied as it is
				copy(dst[bounds[i]:bounds[i+1]], src[bounds[i]:bounds[i+1]])
				next = append(next, bounds[i+1])
				continue
			}
			merge(dst[bounds[i]:bounds[i+2]], src[bounds[i]:bounds[i+1]], src[bounds[i+1]:bounds[i+2]], cmp)
			next = append(next, bounds[i+2])
		}
		bounds = next
		src, dst = dst, src
	}
	if &src[0] != &s[0] {
		copy(s, src)
	}
}

// minParallelSort is the length below which SortFunc does not split: the
// goroutines and the merge cost more than they save.
const minParallelSort = 1 << 14

// merge writes the sorted runs a and b, in order, to out (len(a)+len(b)).
func merge[T any](out, a, b []T, cmp func(a, b T) int) {
	i, j, k := 0, 0, 0
	for i < len(a) && j < len(b) {
		if cmp(b[j], a[i]) < 0 {
			out[k] = b[j]
			j++
		} else {
			out[k] = a[i]
			i++
		}
		k++
	}
	k += copy(out[k:], a[i:])
	copy(out[k:], b[j:])
}
