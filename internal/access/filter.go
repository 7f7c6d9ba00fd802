package access

import (
	"slices"
	"sort"
	"strings"

	"github.com/iamspect/iamspect/internal/policy"
)

// Target pre-filtering. Asking "may P do X on target T" of every candidate
// T costs one evaluation per pair, and an account has thousands of roles.
// Most identity policies name their targets with a few ARN patterns
// ("role/team-3-*"), so the candidates can be narrowed first to the
// principals those patterns match, found by binary search on the literal
// prefix of each pattern. The full evaluation still decides every
// candidate; the filter only skips principals no Allow statement names.

// resourcePatterns returns the Resource patterns of the identity Allow
// statements of p that cover action, with ${aws:username} filled in; all is
// true when some statement covers every resource (or one the patterns
// cannot describe: NotResource, other policy variables).
func resourcePatterns(p *Principal, action string) (patterns []string, all bool) {
	for _, pol := range p.Set.Identity {
		for _, st := range pol.Doc.Statements {
			if st.Effect != policy.Allow || !coversAction(st, action) {
				continue
			}
			if st.NotResource != nil || st.Resource == nil {
				return nil, true
			}
			for _, r := range st.Resource {
				if pol.Doc.VariablesEnabled() && strings.Contains(r, "${") {
					var ok bool
					if r, ok = fillUsername(r, p); !ok {
						return nil, true
					}
				}
				if r == "*" || strings.HasPrefix(r, "*") {
					return nil, true
				}
				patterns = append(patterns, r)
			}
		}
	}
	return patterns, false
}

func coversAction(st *policy.Statement, action string) bool {
	if st.NotAction != nil && st.Action == nil {
		for _, a := range st.NotAction {
			if policy.MatchWildcardFold(a, action) {
				return false
			}
		}
		return true
	}
	for _, a := range st.Action {
		if policy.MatchWildcardFold(a, action) {
			return true
		}
	}
	return false
}

// fillUsername replaces ${aws:username} (any case) for users; any other
// variable makes the pattern unusable for filtering.
func fillUsername(r string, p *Principal) (string, bool) {
	low := strings.ToLower(r)
	const v = "${aws:username}"
	if p.Kind == KindUser {
		for i := strings.Index(low, v); i >= 0; i = strings.Index(low, v) {
			r, low = r[:i]+p.Name+r[i+len(v):], low[:i]+strings.ToLower(p.Name)+low[i+len(v):]
		}
	}
	return r, !strings.Contains(r, "${")
}

// byARN is a list of principals sorted by ARN.
type byARN []*Principal

func sortedByARN(ps []*Principal) byARN {
	out := slices.Clone(ps)
	slices.SortFunc(out, func(x, y *Principal) int { return strings.Compare(x.ARN, y.ARN) })
	return out
}

// match returns the principals whose ARN one of the patterns matches.
func (l byARN) match(patterns []string) map[*Principal]bool {
	out := map[*Principal]bool{}
	for _, pat := range patterns {
		prefix := pat
		if i := strings.IndexAny(pat, "*?"); i >= 0 {
			prefix = pat[:i]
		}
		m := policy.NewARNMatcher(pat)
		lo := sort.Search(len(l), func(i int) bool { return l[i].ARN >= prefix })
		for i := lo; i < len(l) && strings.HasPrefix(l[i].ARN, prefix); i++ {
			if m.Match(l[i].ARN) {
				out[l[i]] = true
			}
		}
	}
	return out
}

// targetFilter returns the candidates of list that an Allow of action on
// them exists for, or nil when no narrowing is possible.
func targetFilter(p *Principal, action string, list byARN) map[*Principal]bool {
	pats, all := resourcePatterns(p, action)
	if all {
		return nil
	}
	return list.match(pats)
}
