package rules

import "slices"

// ByAlias returns the rules that list alias as one of their Conformity rule
// IDs (e.g. "IAM-024"), so that users moving from Trend Micro Conformity can
// select and suppress by the IDs they know.
func ByAlias(alias string) []*Rule {
	var out []*Rule
	for _, r := range Catalog() {
		if slices.Contains(r.Frameworks[Conformity], alias) {
			out = append(out, r)
		}
	}
	return out
}
