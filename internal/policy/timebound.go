package policy

import (
	"strings"
	"time"
)

// Date keys whose exact value a snapshot cannot know may still be bounded by
// the evaluation time. aws:TokenIssueTime, the moment the caller's temporary
// credentials were issued, exists only for temporary credentials, is never
// after the request, and is at most 36 hours before it (12 hours for a role
// session, AWS's longest): "DateLessThan aws:TokenIssueTime 2020-01-01"
// evaluated in 2026 can never hold, so the statement it guards grants
// nothing, and "DateGreaterThan aws:TokenIssueTime 2020-01-01" holds for every
// role session.

const keyTokenIssueTime = "aws:tokenissuetime"

// Longest lifetimes of temporary credentials: a role session (AssumeRole,
// AssumeRoleWithSAML / WebIdentity) at most 12 hours; a session or
// federation token (GetSessionToken, GetFederationToken) at most 36 hours.
const (
	MaxRoleSessionAge = 12 * time.Hour
	MaxTokenAge       = 36 * time.Hour
)

// timeBound is the range a date key's value lies in, when present.
// Always: the key is present in every request (a role session always has
// temporary credentials); otherwise it may be missing (an IAM user's
// long-term access key has no token).
type timeBound struct {
	from, to time.Time
	always   bool
}

// tokenIssueBound bounds aws:TokenIssueTime for the request's principal.
func tokenIssueBound(r *Request, now time.Time) timeBound {
	if isRoleSession(r) {
		return timeBound{from: now.Add(-MaxRoleSessionAge), to: now, always: true}
	}
	return timeBound{from: now.Add(-MaxTokenAge), to: now}
}

// isRoleSession: the principal is a role (or an assumed-role session),
// which acts only with temporary credentials.
func isRoleSession(r *Request) bool {
	if a, ok := SplitARN(r.Principal); ok {
		switch {
		case a.Service == "iam" && strings.HasPrefix(a.Resource, "role/"),
			a.Service == "sts" && strings.HasPrefix(a.Resource, "assumed-role/"):
			return true
		}
	}
	for k, v := range r.Context {
		if strings.EqualFold(k, "aws:PrincipalType") && len(v) == 1 && v[0] == "AssumedRole" {
			return true
		}
	}
	return false
}

// evalBounded decides a date condition on a key whose value is unknown but
// bounded; ok is false when no bound applies or the bound does not decide.
func (cc *ccond) evalBounded(ctx *evalContext) (tri, bool) {
	op := cc.cond.op
	if ctx == nil || !ctx.hasToken || op.family != famDate || !strings.EqualFold(cc.cond.Key, keyTokenIssueTime) {
		return triUnknown, false
	}
	b := ctx.token
	// Present: some policy value matches (negated: none does). The key is
	// single-valued, so the set qualifiers reduce to the same test.
	present := triFalse
	for _, v := range cc.vals {
		switch rangeCompare(op.cmp, v, b) {
		case triTrue:
			present = triTrue
		case triUnknown:
			if present == triFalse {
				present = triUnknown
			}
		}
		if present == triTrue {
			break
		}
	}
	if op.negate && present != triUnknown {
		present = boolTri(present == triFalse)
	}
	if b.always {
		return present, present != triUnknown
	}
	// The key may be missing: both cases must agree.
	absent := boolTri(cc.cond.IfExists || cc.cond.Qualifier == ForAllValues || (op.negate && cc.cond.Qualifier == ""))
	if present == absent {
		return present, true
	}
	return triUnknown, false
}

// rangeCompare answers "request value <cmp> policy value" for every request
// value in the bound: true for all of them, false for all, or unknown.
func rangeCompare(k cmpKind, v cvalue, b timeBound) tri {
	if !v.ok {
		return triFalse // an unparsable date matches nothing
	}
	lo, hi := b.from.Compare(v.t), b.to.Compare(v.t) // request - policy, at both ends
	switch k {
	case cmpLt:
		if hi < 0 {
			return triTrue
		}
		if lo >= 0 {
			return triFalse
		}
	case cmpLe:
		if hi <= 0 {
			return triTrue
		}
		if lo > 0 {
			return triFalse
		}
	case cmpGt:
		if lo > 0 {
			return triTrue
		}
		if hi <= 0 {
			return triFalse
		}
	case cmpGe:
		if lo >= 0 {
			return triTrue
		}
		if hi < 0 {
			return triFalse
		}
	default: // equality
		if lo > 0 || hi < 0 {
			return triFalse
		}
	}
	return triUnknown
}
