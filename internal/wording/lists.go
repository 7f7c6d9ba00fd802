package wording

// Lists and suggestions in prose, so that every message reads the same way:
// "want table, json or sarif", "unknown rule "x" (did you mean "y"?)".

import (
	"fmt"
	"slices"
	"strings"
)

// Or writes a list as prose: "a", "a or b", "a, b or c".
func Or(items []string) string { return join(items, "or") }

// And writes a list as prose: "a, b and c".
func And(items []string) string { return join(items, "and") }

func join(items []string, conj string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
}

// Quote quotes each item as Go (and JSON) would.
func Quote(items []string) []string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// Capped lists at most n items, then "and N more" (for long lists in
// one-line messages).
func Capped(items []string, n int) string {
	if len(items) <= n {
		return And(items)
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}

// Closest returns the candidates nearest to s by edit distance, when they
// are near enough to be a typo (at most max(3, len(s)/3) edits), nearest
// first and at most limit of them.
func Closest(s string, candidates []string, limit int) []string {
	type scored struct {
		name string
		d    int
	}
	var near []scored
	for _, c := range candidates {
		if d := Distance(s, c); d <= max(3, len(s)/3) {
			near = append(near, scored{c, d})
		}
	}
	slices.SortStableFunc(near, func(a, b scored) int { return a.d - b.d })
	var out []string
	for _, n := range near {
		if len(out) == limit {
			break
		}
		out = append(out, n.name)
	}
	return out
}

// Distance is the Levenshtein distance between two strings.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
