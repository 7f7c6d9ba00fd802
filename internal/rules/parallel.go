package rules

import "github.com/iamspect/iamspect/internal/parallel"

// Per-principal checks that run the escalation and empowerment analysis
// cost milliseconds a principal, and an enterprise account has tens of
// thousands of principals: they are judged on every CPU. The analysis
// keeps each principal's answers behind its own sync.Once, so workers
// never compute one twice, and the results come back in input order, so a
// parallel scan reports exactly what a sequential one does.

// parallelChunk is how many principals a worker takes at a time.
const parallelChunk = 8

// inParallel returns fn(i) for every i below n, in order, computed on
// every CPU. When the scan is cancelled the remaining items are skipped
// (their results are zero values; the scanner discards a cancelled scan's
// results).
func inParallel[T any](ctx *Context, n int, fn func(i int) T) []T {
	out := make([]T, n)
	parallel.For(n, parallelChunk, ctx.Done, func(i int) { out[i] = fn(i) })
	return out
}
