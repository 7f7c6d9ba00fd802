package access

import (
	"fmt"
	"slices"
	"strings"

	"github.com/iamspect/iamspect/internal/policy"
)

// OIDC providers the trust rules know the subject format of.
type OIDCKind int

const (
	OIDCGeneric OIDCKind = iota
	OIDCGitHub
	OIDCGitLab
	OIDCTerraform
	OIDCBitbucket
	OIDCCircleCI
	OIDCEKS
	OIDCCognito
)

var OIDCNames = map[OIDCKind]string{OIDCGeneric: "OIDC provider", OIDCGitHub: "GitHub Actions", OIDCGitLab: "GitLab",
	OIDCTerraform: "Terraform Cloud", OIDCBitbucket: "Bitbucket Pipelines", OIDCCircleCI: "CircleCI", OIDCEKS: "EKS (IRSA)",
	OIDCCognito: "Amazon Cognito"}

// OIDCHost returns the issuer host (and path) of a federated principal that
// is an OIDC provider, as condition keys name it, or "" for SAML providers.
func OIDCHost(fed string) string {
	if i := strings.Index(fed, ":oidc-provider/"); i >= 0 {
		return fed[i+len(":oidc-provider/"):]
	}
	if strings.Contains(fed, ":saml-provider/") || strings.HasPrefix(fed, "arn:") {
		return ""
	}
	return fed // web identity without a provider: cognito-identity.amazonaws.com, accounts.google.com, ...
}

func OIDCKindOf(host string) OIDCKind {
	h := strings.ToLower(host)
	switch {
	case h == "token.actions.githubusercontent.com" || strings.HasPrefix(h, "token.actions.githubusercontent.com/"):
		return OIDCGitHub
	case strings.Contains(h, "gitlab"):
		return OIDCGitLab
	case h == "app.terraform.io" || strings.Contains(h, "terraform"):
		return OIDCTerraform
	case strings.HasPrefix(h, "api.bitbucket.org/"):
		return OIDCBitbucket
	case strings.HasPrefix(h, "oidc.circleci.com/org/"):
		return OIDCCircleCI
	case strings.HasPrefix(h, "oidc.eks.") && strings.Contains(h, "/id/"):
		return OIDCEKS
	case h == "cognito-identity.amazonaws.com":
		return OIDCCognito
	}
	return OIDCGeneric
}

// Scope is how narrowly an OIDC trust pins the workload.
type Scope int

const (
	ScopeNever  Scope = iota // the value cannot match any real token
	ScopeAny                 // anyone using the provider (another owner's repository)
	ScopeOwner               // one owner / organisation / group / namespace, any repository in it
	ScopeAnyRef              // one repository, any branch or environment
	ScopePinned              // one repository / project / service account
)

var ScopeText = map[Scope]string{ScopeAny: "is not pinned to one owner", ScopeOwner: "is pinned to an owner but not to one repository or project",
	ScopeAnyRef: "is pinned to one repository but to any branch or environment", ScopePinned: "is pinned"}

// SubjectKey is the condition key that identifies the workload.
func SubjectKey(kind OIDCKind, host string) string {
	if kind == OIDCCognito {
		return host + ":aud" // the identity pool ID
	}
	return host + ":sub"
}

// MissingScope is the scope when no condition names the subject: the
// provider's issuer itself may already be private to one owner.
func MissingScope(kind OIDCKind) Scope {
	switch kind {
	case OIDCBitbucket, OIDCCircleCI:
		return ScopeOwner // the issuer URL is per workspace / organisation
	}
	return ScopeAny
}

// prefixBeforeWildcard returns the literal text before the first wildcard.
func prefixBeforeWildcard(v string) string {
	if i := strings.IndexAny(v, "*?"); i >= 0 {
		return v[:i]
	}
	return v
}

// judgeSubject judges one subject value under an operator (like: wildcards
// are wildcards). why explains a ScopeNever.
func judgeSubject(kind OIDCKind, v string, like bool) (sc Scope, why string) {
	if !like && HasWildcard(v) {
		return ScopeNever, fmt.Sprintf("%q holds a wildcard, which StringEquals compares literally", v)
	}
	switch kind {
	case OIDCGitHub:
		return judgeGitHub(v, like)
	case OIDCGitLab:
		return judgePathSubject(v, "project_path:", "GitLab")
	case OIDCTerraform:
		return judgeTerraform(v)
	case OIDCCircleCI:
		return judgeCircleCI(v)
	case OIDCEKS:
		return judgeEKS(v)
	case OIDCBitbucket:
		if prefixBeforeWildcard(v) == "" {
			return ScopeOwner, ""
		}
		return ScopePinned, ""
	}
	return judgeGeneric(v)
}

func judgeGeneric(v string) (Scope, string) {
	switch {
	case !HasWildcard(v):
		return ScopePinned, ""
	case prefixBeforeWildcard(v) == "":
		return ScopeAny, ""
	}
	return ScopeOwner, ""
}

// judgeGitHub reads repo:OWNER/REPO:QUALIFIER, including the immutable
// repo:OWNER@ID/REPO@ID form. The qualifier is ref:refs/heads/BRANCH,
// ref:refs/tags/TAG, environment:NAME or pull_request; job_workflow_ref is
// a claim of its own, never part of the subject.
func judgeGitHub(v string, like bool) (Scope, string) {
	rest, ok := strings.CutPrefix(v, "repo:")
	if !ok {
		if HasWildcard(v) && strings.HasPrefix("repo:", prefixBeforeWildcard(v)) {
			return ScopeAny, "" // "*", "repo*"
		}
		return judgeGeneric(v) // a customised subject claim
	}
	owner, after, slash := strings.Cut(rest, "/")
	if HasWildcard(owner) {
		return ScopeAny, "" // repo:org* also matches repo:org-evil/...
	}
	if !slash {
		return ScopeNever, fmt.Sprintf("%q has no repository (want repo:OWNER/REPO:...)", v)
	}
	repo, qual, colon := strings.Cut(after, ":")
	if HasWildcard(repo) {
		return ScopeOwner, ""
	}
	if !colon {
		return ScopeNever, fmt.Sprintf("%q has no qualifier after the repository (want :ref:refs/heads/BRANCH, :environment:NAME or :pull_request)", v)
	}
	switch {
	case strings.Trim(qual, "*") == "":
		return ScopeAnyRef, ""
	case strings.HasPrefix(qual, "ref:refs/heads/"), strings.HasPrefix(qual, "ref:refs/tags/"), strings.HasPrefix(qual, "ref:refs/pull/"):
		if parts := strings.SplitN(qual, "/", 3); len(parts) < 3 || strings.Trim(parts[2], "*") == "" {
			return ScopeAnyRef, ""
		}
		return ScopePinned, ""
	case strings.HasPrefix(qual, "environment:"):
		if strings.Trim(strings.TrimPrefix(qual, "environment:"), "*") == "" {
			return ScopeAnyRef, ""
		}
		return ScopePinned, ""
	case qual == "pull_request":
		return ScopePinned, ""
	case like && HasWildcard(qual) && strings.HasPrefix("ref:refs/", prefixBeforeWildcard(qual)):
		return ScopeAnyRef, ""
	case like && HasWildcard(qual) && strings.HasPrefix("environment:", prefixBeforeWildcard(qual)):
		return ScopeAnyRef, ""
	}
	if strings.HasPrefix(qual, "job_workflow_ref:") {
		return ScopeNever, fmt.Sprintf("%q: job_workflow_ref is a separate claim (token.actions.githubusercontent.com:job_workflow_ref), never part of the subject", v)
	}
	return ScopeNever, fmt.Sprintf("%q: %q is not a GitHub subject qualifier (want ref:refs/heads/BRANCH, ref:refs/tags/TAG, environment:NAME or pull_request)", v, qual)
}

// judgePathSubject reads GitLab's project_path:GROUP/.../PROJECT:ref_type:...:ref:...
func judgePathSubject(v, prefix, name string) (Scope, string) {
	rest, ok := strings.CutPrefix(v, prefix)
	if !ok {
		if HasWildcard(v) && strings.HasPrefix(prefix, prefixBeforeWildcard(v)) {
			return ScopeAny, ""
		}
		return judgeGeneric(v)
	}
	path, qual, colon := strings.Cut(rest, ":")
	group, project, slash := strings.Cut(path, "/")
	switch {
	case HasWildcard(group):
		return ScopeAny, ""
	case !slash:
		return ScopeNever, fmt.Sprintf("%q has no project (want %sGROUP/PROJECT:...)", v, prefix)
	case HasWildcard(project):
		return ScopeOwner, ""
	case !colon:
		return ScopeNever, fmt.Sprintf("%q lacks the ref part of a %s subject (ref_type:branch:ref:NAME)", v, name)
	case strings.Trim(qual, "*") == "" || strings.HasSuffix(qual, "ref:*") || strings.HasPrefix(qual, "ref_type:*"):
		return ScopeAnyRef, ""
	}
	return ScopePinned, ""
}

// judgeTerraform reads organization:ORG:project:PROJECT:workspace:WS:run_phase:PHASE.
func judgeTerraform(v string) (Scope, string) {
	parts := strings.Split(v, ":")
	if len(parts) == 0 || parts[0] != "organization" {
		if HasWildcard(v) && strings.HasPrefix("organization:", prefixBeforeWildcard(v)) {
			return ScopeAny, ""
		}
		return judgeGeneric(v)
	}
	if len(parts) < 2 || HasWildcard(parts[1]) {
		return ScopeAny, ""
	}
	if len(parts) < 6 {
		if HasWildcard(v) {
			return ScopeOwner, ""
		}
		return ScopeNever, fmt.Sprintf("%q is not a Terraform Cloud subject (organization:ORG:project:PROJECT:workspace:WS:run_phase:PHASE)", v)
	}
	if HasWildcard(parts[3]) || HasWildcard(parts[5]) {
		return ScopeOwner, ""
	}
	return ScopePinned, ""
}

// judgeCircleCI reads org/ORG_ID/project/PROJECT_ID/user/USER_ID; the issuer
// already pins the organisation.
func judgeCircleCI(v string) (Scope, string) {
	parts := strings.Split(v, "/")
	if len(parts) < 4 || parts[0] != "org" || parts[2] != "project" || HasWildcard(parts[3]) {
		if !HasWildcard(v) && (len(parts) < 4 || parts[0] != "org") {
			return judgeGeneric(v)
		}
		return ScopeOwner, ""
	}
	return ScopePinned, ""
}

// judgeEKS reads system:serviceaccount:NAMESPACE:NAME.
func judgeEKS(v string) (Scope, string) {
	rest, ok := strings.CutPrefix(v, "system:serviceaccount:")
	if !ok {
		if HasWildcard(v) {
			return ScopeAny, ""
		}
		return ScopeNever, fmt.Sprintf("%q is not a service account subject (system:serviceaccount:NAMESPACE:NAME)", v)
	}
	ns, sa, colon := strings.Cut(rest, ":")
	switch {
	case HasWildcard(ns):
		return ScopeAny, ""
	case !colon:
		return ScopeNever, fmt.Sprintf("%q has no service account name", v)
	case HasWildcard(sa):
		return ScopeOwner, ""
	}
	return ScopePinned, ""
}

// ForeignClaim finds a condition that requires a claim of another OIDC
// issuer (a key "HOST:claim" whose HOST is not this provider's): tokens of
// this provider never carry it, so the statement never matches for it. The
// classic case is a GitHub Enterprise provider
// (token.actions.githubusercontent.com/SLUG) with conditions written for
// the public issuer's keys.
func ForeignClaim(st *policy.Statement, host string) string {
	for _, c := range st.Conditions {
		i := strings.LastIndex(c.Key, ":")
		if i <= 0 || !c.Known() || c.Negated() || c.IfExists {
			continue
		}
		issuer := c.Key[:i]
		if !strings.Contains(issuer, ".") || strings.EqualFold(issuer, host) {
			continue // a global or service key (aws:, sts:, ...), or this provider's
		}
		if c.Operator == "Null" && !slices.ContainsFunc(c.Values, func(v string) bool { return strings.EqualFold(v, "false") }) {
			continue // Null "true": the key must be absent, which it is
		}
		return fmt.Sprintf("the condition on %s names a claim of issuer %s, which tokens of %s never carry", c.Key, issuer, host)
	}
	return ""
}

// OIDCGrant is one provider trusted by one Allow statement, judged.
type OIDCGrant struct {
	Statement *policy.Statement
	Host      string
	Kind      OIDCKind
	Scope     Scope
	Never     []string // values that can never match
	// closed: a Deny without conditions shuts the statement.
	Closed bool
	Aud    bool // an audience condition narrows the tokens accepted
}

func (g OIDCGrant) Label() string {
	return fmt.Sprintf("%s trusts %s (%s)", g.Statement.Ref(), OIDCNames[g.Kind], g.Host)
}

// OIDCGrants judges every OIDC provider trusted through
// sts:AssumeRoleWithWebIdentity.
func (t Trust) OIDCGrants() []OIDCGrant {
	var out []OIDCGrant
	for _, st := range t.AllowsFor(ActWebIdentity) {
		if st.Principal == nil {
			continue
		}
		for _, fed := range st.Principal.Federated {
			host := OIDCHost(fed)
			if host == "" {
				continue
			}
			g := OIDCGrant{Statement: st, Host: host, Kind: OIDCKindOf(host)}
			key := SubjectKey(g.Kind, host)
			cs, closed := t.Constraints(st, key, ActWebIdentity)
			g.Closed = closed
			g.Scope = MissingScope(g.Kind)
			for _, c := range cs {
				best := ScopeNever
				for _, v := range c.Values {
					sc, why := judgeSubject(g.Kind, v, c.Like)
					if why != "" && !c.Deny {
						g.Never = append(g.Never, why)
					}
					if sc != ScopeNever && (best == ScopeNever || sc < best) {
						best = sc // values are alternatives: the widest counts
					}
				}
				if c.IfExists && g.Kind == OIDCCognito {
					continue
				}
				if best > g.Scope || best == ScopeNever {
					g.Scope = best // Constraints add up: the narrowest counts
				}
				if best == ScopeNever {
					break
				}
			}
			if !Usable(st) {
				g.Scope = ScopeNever // another condition can never be true
			}
			if why := ForeignClaim(st, host); why != "" {
				g.Scope = ScopeNever
				g.Never = append(g.Never, why)
			}
			auds, _ := t.Constraints(st, host+":aud", ActWebIdentity)
			oauds, _ := t.Constraints(st, host+":oaud", ActWebIdentity) // Google's original audience
			g.Aud = len(auds)+len(oauds) > 0
			out = append(out, g)
		}
	}
	return out
}

// live reports whether a grant can let anyone in.
func (g OIDCGrant) Live() bool { return !g.Closed && g.Scope != ScopeNever }
