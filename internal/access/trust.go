package access

import (
	"strings"

	"github.com/iamspect/iamspect/internal/policy"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// Trust analysis shared by the role-trust-* rules.
//
// It follows IAM semantics: a trust statement opens the role to the callers
// it allows unless a Deny shuts them out; a condition narrows it; several
// Allow statements are alternatives, so one wide statement opens the role
// whatever the others say. Under StringEquals a "*" is a literal character,
// so such a condition narrows to nothing (the statement never matches:
// reported by role-trust-condition-never-matches, not as an exposure).
// Service-linked roles are skipped by every trust rule: AWS writes their
// trust policies and customers cannot change them.

// Assume actions a trust statement can grant.
const (
	ActAssumeRole  = "sts:AssumeRole"
	ActWebIdentity = "sts:AssumeRoleWithWebIdentity"
	ActSAML        = "sts:AssumeRoleWithSAML"
)

// Trust is one role's parsed trust policy.
type Trust struct {
	Role *snapshot.Role
	Doc  *policy.Document
	Err  error
}

// TrustOf parses a role's trust policy through the cache (shared by the
// rules of one scan, so each trust document is compiled once).
func TrustOf(cache *policy.Cache, ro *snapshot.Role) Trust {
	t := Trust{Role: ro}
	if len(ro.TrustPolicy) == 0 {
		return t
	}
	p, err := cache.Compile("trust:"+ro.ARN, ro.TrustPolicy)
	if err != nil {
		t.Err = err
		return t
	}
	t.Doc = p.Doc
	return t
}

// StatementGrants reports whether the statement's action element covers action.
func StatementGrants(st *policy.Statement, action string) bool {
	if st.NotAction != nil && st.Action == nil {
		for _, p := range st.NotAction {
			if policy.MatchWildcardFold(p, action) {
				return false
			}
		}
		return true
	}
	for _, p := range st.Action {
		if policy.MatchWildcardFold(p, action) {
			return true
		}
	}
	return false
}

// AllowsFor returns the Allow statements granting action.
func (t Trust) AllowsFor(action string) []*policy.Statement {
	if t.Doc == nil {
		return nil
	}
	var out []*policy.Statement
	for _, st := range t.Doc.Statements {
		if st.Effect == policy.Allow && StatementGrants(st, action) {
			out = append(out, st)
		}
	}
	return out
}

// Constraint is a list of acceptable values for one condition key, from
// the Allow statement's own condition or from a Deny that refuses every
// other value.
type Constraint struct {
	Like     bool // wildcards are wildcards (StringLike, ArnLike, ArnEquals)
	IfExists bool // the key may be absent (only set for Allow conditions)
	Values   []string
	Deny     bool
	Ref      string
}

var likeOps = map[string]bool{"StringLike": true, "ArnLike": true, "ArnEquals": true, "StringNotLike": true, "ArnNotLike": true, "ArnNotEquals": true}

// Constraints returns what narrows the values of key for the callers st
// lets in: st's positive conditions on key, and Deny statements (for the
// same action and callers) whose only conditions are negated conditions on
// key. closed is true when a Deny without conditions shuts st entirely.
func (t Trust) Constraints(st *policy.Statement, key, action string) (out []Constraint, closed bool) {
	for _, c := range st.ConditionsOn(key) {
		if !c.Known() || c.Negated() {
			continue
		}
		out = append(out, Constraint{Like: likeOps[c.Operator], IfExists: c.IfExists, Values: c.Values, Ref: st.Ref()})
	}
	for _, d := range t.Doc.Statements {
		if d.Effect != policy.Deny || !StatementGrants(d, action) || d.NotPrincipal != nil || !samePrincipals(d.Principal, st.Principal) {
			continue
		}
		if len(d.Conditions) == 0 {
			return out, true
		}
		ok := true
		var vals []string
		like := false
		for _, c := range d.Conditions {
			if !c.KeyIs(key) || !c.Known() || !c.Negated() || c.Qualifier == policy.ForAllValues {
				ok = false
				break
			}
			vals = append(vals, c.Values...)
			like = like || likeOps[c.Operator]
		}
		if ok {
			out = append(out, Constraint{Like: like, Values: vals, Deny: true, Ref: d.Ref()})
		}
	}
	return out, false
}

// samePrincipals reports whether a Deny's principal element covers at least
// the callers of the Allow's (nil or "*" cover everyone).
func samePrincipals(deny, allow *policy.Principal) bool {
	if deny == nil || deny.IsWildcard() {
		return true
	}
	if allow == nil {
		return false
	}
	for _, x := range [][2][]string{{deny.AWS, allow.AWS}, {deny.Federated, allow.Federated}, {deny.Service, allow.Service}} {
		for _, d := range x[0] {
			for _, a := range x[1] {
				if d == a {
					return true
				}
			}
		}
	}
	return false
}

// HasWildcard reports whether s holds a wildcard character.
func HasWildcard(s string) bool { return strings.ContainsAny(s, "*?") }

// LiteralWildcards returns the values of the statement's equality
// conditions (StringEquals and its IgnoreCase form) that hold "*" or "?",
// which IAM compares literally, and whether every value of one such
// condition is like that (the statement then never matches).
func LiteralWildcards(st *policy.Statement) (bad []string, never bool) {
	for _, c := range st.Conditions {
		if !c.Known() || c.Negated() || (c.Operator != "StringEquals" && c.Operator != "StringEqualsIgnoreCase") {
			continue
		}
		n := 0
		for _, v := range c.Values {
			if HasWildcard(v) && !strings.Contains(v, "${") {
				bad = append(bad, c.Operator+" "+c.Key+" \""+v+"\"")
				n++
			}
		}
		if n > 0 && n == len(c.Values) && !c.IfExists {
			never = true
		}
	}
	return bad, never
}

// UnknownOperators returns the conditions whose operator IAM does not
// know: such a condition is never true.
func UnknownOperators(st *policy.Statement) []string {
	var out []string
	for _, c := range st.Conditions {
		if !c.Known() {
			out = append(out, c.Raw+" "+c.Key)
		}
	}
	return out
}

// Usable reports whether an Allow statement can let anyone in: no
// condition that can never be true.
func Usable(st *policy.Statement) bool {
	_, never := LiteralWildcards(st)
	return !never && len(UnknownOperators(st)) == 0
}
