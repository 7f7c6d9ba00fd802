package access

import (
	"slices"
	"strings"

	"github.com/iamspect/iamspect/internal/policy"
)

// PinKeys are the condition keys that, with a fixed value, pin the caller
// of a "Principal": "*" statement to an account, organisation or identity.
var PinKeys = []string{"aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalAccount", "aws:PrincipalArn",
	"aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:SourceOwner", "aws:userid"}

// pinningValue reports whether a value names a fixed account, organisation
// or identity (wildcards are fine after that point).
func pinningValue(key, v string, like bool) bool {
	if !like && HasWildcard(v) {
		return false // never matches: not an exposure, not a pin either
	}
	k := strings.ToLower(key)
	switch {
	case k == "aws:principalarn" || k == "aws:sourcearn":
		a, ok := policy.SplitARN(v)
		return ok && a.Account != "" && !HasWildcard(a.Account)
	case strings.HasSuffix(k, "orgpaths"):
		org, _, _ := strings.Cut(v, "/")
		return strings.HasPrefix(org, "o-") && !HasWildcard(org)
	}
	p := prefixBeforeWildcard(v)
	return p != "" && (!HasWildcard(v) || len(p) >= 12)
}

// AnyPrincipalPinned reports whether a statement open to "*" is pinned by
// one of its conditions or by a Deny that refuses everyone else; closed is
// true when a Deny shuts it.
func (t Trust) AnyPrincipalPinned(st *policy.Statement, action string) (pinned bool, by string) {
	for _, key := range PinKeys {
		cs, closed := t.Constraints(st, key, action)
		if closed {
			return true, "a Deny statement without conditions"
		}
		for _, c := range cs {
			if c.IfExists {
				continue // the key is absent for some callers, who then pass
			}
			ok := len(c.Values) > 0
			for _, v := range c.Values {
				ok = ok && pinningValue(key, v, c.Like)
			}
			if ok {
				return true, key + " in " + c.Ref
			}
		}
	}
	return false, ""
}

func WildcardPrincipal(st *policy.Statement) bool {
	return (st.Principal != nil && st.Principal.IsWildcard()) || st.NotPrincipal != nil
}

// crossAccounts returns, for each Allow statement granting sts:AssumeRole,
// the other AWS accounts it trusts.
type CrossGrant struct {
	Statement *policy.Statement
	Account   string
}

func (t Trust) CrossAccountGrants(own string) []CrossGrant {
	var out []CrossGrant
	for _, st := range t.AllowsFor(ActAssumeRole) {
		if st.Principal == nil || st.Principal.IsWildcard() || !Usable(st) {
			continue
		}
		if _, closed := t.Constraints(st, "aws:PrincipalAccount", ActAssumeRole); closed {
			continue
		}
		for _, id := range st.Principal.Accounts() {
			if id != own {
				out = append(out, CrossGrant{Statement: st, Account: id})
			}
		}
	}
	return out
}

// ExternalIDOrMFA reports whether the statement requires sts:ExternalId or
// MFA (its own condition, or a Deny refusing callers without MFA).
func (t Trust) ExternalIDOrMFA(st *policy.Statement) (bool, string) {
	if cs, _ := t.Constraints(st, "sts:ExternalId", ActAssumeRole); len(cs) > 0 {
		for _, c := range cs {
			if !c.IfExists {
				return true, "sts:ExternalId" // in the statement, or a Deny of any other ID
			}
		}
	}
	for _, c := range st.Conditions {
		if !c.Known() || c.Negated() || c.IfExists {
			continue
		}
		switch {
		case c.KeyIs("sts:ExternalId"):
			return true, "sts:ExternalId"
		case c.KeyIs("aws:MultiFactorAuthPresent") && c.Operator == "Bool" && slices.ContainsFunc(c.Values, func(v string) bool { return strings.EqualFold(v, "true") }):
			return true, "MFA"
		case c.KeyIs("aws:MultiFactorAuthAge") && strings.HasPrefix(c.Operator, "Numeric"):
			return true, "MFA"
		}
	}
	for _, d := range t.Doc.Statements {
		if d.Effect != policy.Deny || !StatementGrants(d, ActAssumeRole) || !samePrincipals(d.Principal, st.Principal) {
			continue
		}
		for _, c := range d.Conditions {
			if c.KeyIs("aws:MultiFactorAuthPresent") && c.Operator == "Bool" && slices.ContainsFunc(c.Values, func(v string) bool { return strings.EqualFold(v, "false") }) && len(d.Conditions) == 1 {
				return true, "MFA (Deny without MFA)"
			}
		}
	}
	return false, ""
}
