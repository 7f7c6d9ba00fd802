package scan

import (
	"cmp"
	"slices"
	"strings"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/parallel"
)

// sortedConcat returns the results of every chunk in one slice, in the
// order concatenating the chunks and then finding.Sort gives, copying each
// result once. The results are 200-byte structs, hundreds of thousands of
// them at 10,000 principals: concatenating them and then sorting them in
// place (a stable sort moves each many times) cost more than the sort's
// comparisons. Here small sort keys are sorted instead, and the results
// are copied once, in their final order.
func sortedConcat(chunks [][]finding.Result) []finding.Result {
	n := 0
	for _, c := range chunks {
		n += len(c)
	}
	all := make([]*finding.Result, 0, n) // in concatenated order
	for _, c := range chunks {
		for i := range c {
			all = append(all, &c[i])
		}
	}
	keys := sortKeys(all)
	parallel.SortFunc(keys, func(a, b sortKey) int { // a total order: at is unique
		return cmp.Or(
			cmp.Compare(a.rank, b.rank),
			strings.Compare(a.arn, b.arn),
			cmp.Compare(a.at, b.at), // finding.Sort is stable
		)
	})
	out := make([]finding.Result, len(all))
	parallel.For(len(keys), 4096, nil, func(k int) { out[k] = *all[keys[k].at] })
	return out
}

// sortKey is a result's place in finding.Sort's order up to the resource
// ARN, packed into one integer, and its place in the concatenation.
type sortKey struct {
	rank uint64
	arn  string // beside the rank: one memory access less per comparison
	at   int
}

// sortKeys packs finding.Sort's first four criteria: status and severity
// rank, worst first, then the rule ID's and account ID's places among the
// distinct IDs in string order.
func sortKeys(rs []*finding.Result) []sortKey {
	rulePlace := places(rs, func(r *finding.Result) string { return r.RuleID })
	accountPlace := places(rs, func(r *finding.Result) string { return r.AccountID })
	keys := make([]sortKey, len(rs))
	for i, r := range rs {
		// Ranks are 0 to 5: 7 - rank fits three bits, and sorts worst first.
		status := uint64(7 - r.Status.Rank())
		severity := uint64(7 - r.Severity.Rank())
		keys[i] = sortKey{rank: status<<61 | severity<<58 | rulePlace[r.RuleID]<<29 | accountPlace[r.AccountID], arn: r.ResourceARN, at: i}
	}
	return keys
}

// places numbers the distinct values of field in string order. A scan has
// a few hundred rules and at most thousands of accounts, far below the 29
// bits each has in a key.
func places(rs []*finding.Result, field func(*finding.Result) string) map[string]uint64 {
	seen := map[string]uint64{}
	for _, r := range rs {
		seen[field(r)] = 0
	}
	distinct := make([]string, 0, len(seen))
	for v := range seen {
		distinct = append(distinct, v)
	}
	slices.Sort(distinct)
	for i, v := range distinct {
		seen[v] = uint64(i)
	}
	return seen
}
