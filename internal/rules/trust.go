package rules

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
	actAssumeRole  = "sts:AssumeRole"
	actWebIdentity = "sts:AssumeRoleWithWebIdentity"
	actSAML        = "sts:AssumeRoleWithSAML"
)

// roleTrust is one role's parsed trust policy.
type roleTrust struct {
	role *snapshot.Role
	doc  *policy.Document
	err  error
}

// trustOf parses a role's trust policy through the scan's cache.
func trustOf(ctx *Context, s *snapshot.Snapshot, a *snapshot.Account, ro *snapshot.Role) roleTrust {
	t := roleTrust{role: ro}
	if len(ro.TrustPolicy) == 0 {
		return t
	}
	p, err := ctx.model(s, a).Cache.Compile("trust:"+ro.ARN, ro.TrustPolicy)
	if err != nil {
		t.err = err
		return t
	}
	t.doc = p.Doc
	return t
}

// grants reports whether the statement's action element covers action.
func grants(st *policy.Statement, action string) bool {
	if st.NotAction != nil && st.Action == nil {
		for _, p := range st.NotAction {
			if actionMatches(p, action) {
				return false
			}
		}
		return true
	}
	for _, p := range st.Action {
		if actionMatches(p, action) {
			return true
		}
	}
	return false
}

// allowsFor returns the Allow statements granting action.
func (t roleTrust) allowsFor(action string) []*policy.Statement {
	if t.doc == nil {
		return nil
	}
	var out []*policy.Statement
	for _, st := range t.doc.Statements {
		if st.Effect == policy.Allow && grants(st, action) {
			out = append(out, st)
		}
	}
	return out
}

// constraint is a list of acceptable values for one condition key, from
// the Allow statement's own condition or from a Deny that refuses every
// other value.
type constraint struct {
	like     bool // wildcards are wildcards (StringLike, ArnLike, ArnEquals)
	ifExists bool // the key may be absent (only set for Allow conditions)
	values   []string
	deny     bool
	ref      string
}

var likeOps = map[string]bool{"StringLike": true, "ArnLike": true, "ArnEquals": true, "StringNotLike": true, "ArnNotLike": true, "ArnNotEquals": true}

// constraints returns what narrows the values of key for the callers st
// lets in: st's positive conditions on key, and Deny statements (for the
// same action and callers) whose only conditions are negated conditions on
// key. closed is true when a Deny without conditions shuts st entirely.
func (t roleTrust) constraints(st *policy.Statement, key, action string) (out []constraint, closed bool) {
	for _, c := range st.ConditionsOn(key) {
		if !c.Known() || c.Negated() {
			continue
		}
		out = append(out, constraint{like: likeOps[c.Operator], ifExists: c.IfExists, values: c.Values, ref: st.Ref()})
	}
	for _, d := range t.doc.Statements {
		if d.Effect != policy.Deny || !grants(d, action) || d.NotPrincipal != nil || !samePrincipals(d.Principal, st.Principal) {
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
			out = append(out, constraint{like: like, values: vals, deny: true, ref: d.Ref()})
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

// hasWildcard reports whether s holds a wildcard character.
func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?") }

// literalWildcards returns the values of the statement's equality
// conditions (StringEquals and its IgnoreCase form) that hold "*" or "?",
// which IAM compares literally, and whether every value of one such
// condition is like that (the statement then never matches).
func literalWildcards(st *policy.Statement) (bad []string, never bool) {
	for _, c := range st.Conditions {
		if !c.Known() || c.Negated() || (c.Operator != "StringEquals" && c.Operator != "StringEqualsIgnoreCase") {
			continue
		}
		n := 0
		for _, v := range c.Values {
			if hasWildcard(v) && !strings.Contains(v, "${") {
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

// unknownOperators returns the conditions whose operator IAM does not
// know: such a condition is never true.
func unknownOperators(st *policy.Statement) []string {
	var out []string
	for _, c := range st.Conditions {
		if !c.Known() {
			out = append(out, c.Raw+" "+c.Key)
		}
	}
	return out
}

// roleTrustRules lists the roles the trust rules judge: all but
// service-linked roles.
func trustRoles(a *snapshot.Account) []*snapshot.Role {
	var out []*snapshot.Role
	for _, ro := range a.Roles {
		if !ro.ServiceLinked() {
			out = append(out, ro)
		}
	}
	return out
}

// roleResult builds a result about a role.
func (r *Rule) roleResult(status Status, a *snapshot.Account, ro *snapshot.Role, format string, args ...any) Result {
	res := r.Result(status, a.ID, TypeRole, ro.ARN, ro.Name, format, args...)
	res.Tags = tagMap(ro.Tags)
	return res
}

// trustCheck runs judge over every non-service-linked role with a readable
// trust policy: judge returns the failure reasons (empty = pass) and the
// pass message.
func trustCheck(judge func(ctx *Context, s *snapshot.Snapshot, a *snapshot.Account, t roleTrust) (fails []string, pass string)) func(r *Rule, ctx *Context, s *snapshot.Snapshot, a *snapshot.Account) []Result {
	return func(r *Rule, ctx *Context, s *snapshot.Snapshot, a *snapshot.Account) []Result {
		var out []Result
		for _, ro := range trustRoles(a) {
			t := trustOf(ctx, s, a, ro)
			switch {
			case t.err != nil:
				out = append(out, r.roleResult(Unknown, a, ro, "The trust policy of role %s does not parse (%v); see policy-invalid.", ro.Name, t.err))
				continue
			case t.doc == nil:
				out = append(out, r.roleResult(Unknown, a, ro, "The snapshot holds no trust policy for role %s.", ro.Name))
				continue
			}
			fails, pass := judge(ctx, s, a, t)
			if len(fails) > 0 {
				out = append(out, r.roleResult(Fail, a, ro, "Role %s: %s.", ro.Name, strings.Join(fails, "; ")))
			} else {
				out = append(out, r.roleResult(Pass, a, ro, "Role %s: %s.", ro.Name, pass))
			}
		}
		if len(out) == 0 {
			out = append(out, r.accountResult(Pass, a, "The account has no role other than service-linked roles."))
		}
		return out
	}
}

// usable reports whether an Allow statement can let anyone in: no
// condition that can never be true.
func usable(st *policy.Statement) bool {
	_, never := literalWildcards(st)
	return !never && len(unknownOperators(st)) == 0
}
