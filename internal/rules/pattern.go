package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/iamspect/iamspect/internal/policy"
	"github.com/iamspect/iamspect/internal/wording"
)

// MatchPattern matches a rule ID against a pattern: an ID, a glob (* and ?,
// as in IAM) or a Trend Micro Conformity rule ID (IAM-024).
func MatchPattern(pattern, id string) bool {
	if policy.MatchWildcard(pattern, id) {
		return true
	}
	return slices.ContainsFunc(ByAlias(pattern), func(r *Rule) bool { return r.ID == id })
}

// CheckPattern refuses a pattern that names no rule of cat: an unknown ID
// with the closest ID as a suggestion, or a glob that matches nothing. The
// --rules flags and suppression files share it, so a typo reads the same
// everywhere.
func CheckPattern(cat []*Rule, p string) error {
	p = strings.TrimSpace(p)
	if slices.ContainsFunc(cat, func(r *Rule) bool { return MatchPattern(p, r.ID) }) {
		return nil
	}
	if strings.ContainsAny(p, "*?") {
		return fmt.Errorf("rule pattern %q matches no rule (see 'iamspect rules')", p)
	}
	ids := make([]string, len(cat))
	for i, r := range cat {
		ids[i] = r.ID
	}
	if near := wording.Closest(p, ids, 1); len(near) > 0 {
		return fmt.Errorf("unknown rule %q (did you mean %q? see 'iamspect rules')", p, near[0])
	}
	return fmt.Errorf("unknown rule %q (see 'iamspect rules')", p)
}

// MatchesAll reports whether pattern matches every rule of cat ("*",
// "*-*"): suppressing with it mutes the whole catalogue.
func MatchesAll(cat []*Rule, pattern string) bool {
	return len(cat) > 0 && !slices.ContainsFunc(cat, func(r *Rule) bool { return !MatchPattern(pattern, r.ID) })
}
