package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/iamspect/iamspect/internal/policy"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// OIDC providers the trust rules know the subject format of.
type oidcKind int

const (
	oidcGeneric oidcKind = iota
	oidcGitHub
	oidcGitLab
	oidcTerraform
	oidcBitbucket
	oidcCircleCI
	oidcEKS
	oidcCognito
)

var oidcNames = map[oidcKind]string{oidcGeneric: "OIDC provider", oidcGitHub: "GitHub Actions", oidcGitLab: "GitLab",
	oidcTerraform: "Terraform Cloud", oidcBitbucket: "Bitbucket Pipelines", oidcCircleCI: "CircleCI", oidcEKS: "EKS (IRSA)",
	oidcCognito: "Amazon Cognito"}

// oidcHost returns the issuer host (and path) of a federated principal that
// is an OIDC provider, as condition keys name it, or "" for SAML providers.
func oidcHost(fed string) string {
	if i := strings.Index(fed, ":oidc-provider/"); i >= 0 {
		return fed[i+len(":oidc-provider/"):]
	}
	if strings.Contains(fed, ":saml-provider/") || strings.HasPrefix(fed, "arn:") {
		return ""
	}
	return fed // web identity without a provider: cognito-identity.amazonaws.com, accounts.google.com, ...
}

func oidcKindOf(host string) oidcKind {
	h := strings.ToLower(host)
	switch {
	case h == "token.actions.githubusercontent.com" || strings.HasPrefix(h, "token.actions.githubusercontent.com/"):
		return oidcGitHub
	case strings.Contains(h, "gitlab"):
		return oidcGitLab
	case h == "app.terraform.io" || strings.Contains(h, "terraform"):
		return oidcTerraform
	case strings.HasPrefix(h, "api.bitbucket.org/"):
		return oidcBitbucket
	case strings.HasPrefix(h, "oidc.circleci.com/org/"):
		return oidcCircleCI
	case strings.HasPrefix(h, "oidc.eks.") && strings.Contains(h, "/id/"):
		return oidcEKS
	case h == "cognito-identity.amazonaws.com":
		return oidcCognito
	}
	return oidcGeneric
}

// scope is how narrowly an OIDC trust pins the workload.
type scope int

const (
	scopeNever  scope = iota // the value cannot match any real token
	scopeAny                 // anyone using the provider (another owner's repository)
	scopeOwner               // one owner / organisation / group / namespace, any repository in it
	scopeAnyRef              // one repository, any branch or environment
	scopePinned              // one repository / project / service account
)

var scopeText = map[scope]string{scopeAny: "is not pinned to one owner", scopeOwner: "is pinned to an owner but not to one repository or project",
	scopeAnyRef: "is pinned to one repository but to any branch or environment", scopePinned: "is pinned"}

// subjectKey is the condition key that identifies the workload.
func subjectKey(kind oidcKind, host string) string {
	if kind == oidcCognito {
		return host + ":aud" // the identity pool ID
	}
	return host + ":sub"
}

// missingScope is the scope when no condition names the subject: the
// provider's issuer itself may already be private to one owner.
func missingScope(kind oidcKind) scope {
	switch kind {
	case oidcBitbucket, oidcCircleCI:
		return scopeOwner // the issuer URL is per workspace / organisation
	}
	return scopeAny
}

// prefixBeforeWildcard returns the literal text before the first wildcard.
func prefixBeforeWildcard(v string) string {
	if i := strings.IndexAny(v, "*?"); i >= 0 {
		return v[:i]
	}
	return v
}

// judgeSubject judges one subject value under an operator (like: wildcards
// are wildcards). why explains a scopeNever.
func judgeSubject(kind oidcKind, v string, like bool) (sc scope, why string) {
	if !like && hasWildcard(v) {
		return scopeNever, fmt.Sprintf("%q holds a wildcard, which StringEquals compares literally", v)
	}
	switch kind {
	case oidcGitHub:
		return judgeGitHub(v, like)
	case oidcGitLab:
		return judgePathSubject(v, "project_path:", "GitLab")
	case oidcTerraform:
		return judgeTerraform(v)
	case oidcCircleCI:
		return judgeCircleCI(v)
	case oidcEKS:
		return judgeEKS(v)
	case oidcBitbucket:
		if prefixBeforeWildcard(v) == "" {
			return scopeOwner, ""
		}
		return scopePinned, ""
	}
	return judgeGeneric(v)
}

func judgeGeneric(v string) (scope, string) {
	switch {
	case !hasWildcard(v):
		return scopePinned, ""
	case prefixBeforeWildcard(v) == "":
		return scopeAny, ""
	}
	return scopeOwner, ""
}

// judgeGitHub reads repo:OWNER/REPO:QUALIFIER, including the immutable
// repo:OWNER@ID/REPO@ID form. The qualifier is ref:refs/heads/BRANCH,
// ref:refs/tags/TAG, environment:NAME or pull_request; job_workflow_ref is
// a claim of its own, never part of the subject.
func judgeGitHub(v string, like bool) (scope, string) {
	rest, ok := strings.CutPrefix(v, "repo:")
	if !ok {
		if hasWildcard(v) && strings.HasPrefix("repo:", prefixBeforeWildcard(v)) {
			return scopeAny, "" // "*", "repo*"
		}
		return judgeGeneric(v) // a customised subject claim
	}
	owner, after, slash := strings.Cut(rest, "/")
	if hasWildcard(owner) {
		return scopeAny, "" // repo:org* also matches repo:org-evil/...
	}
	if !slash {
		return scopeNever, fmt.Sprintf("%q has no repository (want repo:OWNER/REPO:...)", v)
	}
	repo, qual, colon := strings.Cut(after, ":")
	if hasWildcard(repo) {
		return scopeOwner, ""
	}
	if !colon {
		return scopeNever, fmt.Sprintf("%q has no qualifier after the repository (want :ref:refs/heads/BRANCH, :environment:NAME or :pull_request)", v)
	}
	switch {
	case strings.Trim(qual, "*") == "":
		return scopeAnyRef, ""
	case strings.HasPrefix(qual, "ref:refs/heads/"), strings.HasPrefix(qual, "ref:refs/tags/"), strings.HasPrefix(qual, "ref:refs/pull/"):
		if parts := strings.SplitN(qual, "/", 3); len(parts) < 3 || strings.Trim(parts[2], "*") == "" {
			return scopeAnyRef, ""
		}
		return scopePinned, ""
	case strings.HasPrefix(qual, "environment:"):
		if strings.Trim(strings.TrimPrefix(qual, "environment:"), "*") == "" {
			return scopeAnyRef, ""
		}
		return scopePinned, ""
	case qual == "pull_request":
		return scopePinned, ""
	case like && hasWildcard(qual) && strings.HasPrefix("ref:refs/", prefixBeforeWildcard(qual)):
		return scopeAnyRef, ""
	case like && hasWildcard(qual) && strings.HasPrefix("environment:", prefixBeforeWildcard(qual)):
		return scopeAnyRef, ""
	}
	if strings.HasPrefix(qual, "job_workflow_ref:") {
		return scopeNever, fmt.Sprintf("%q: job_workflow_ref is a separate claim (token.actions.githubusercontent.com:job_workflow_ref), never part of the subject", v)
	}
	return scopeNever, fmt.Sprintf("%q: %q is not a GitHub subject qualifier (want ref:refs/heads/BRANCH, ref:refs/tags/TAG, environment:NAME or pull_request)", v, qual)
}

// judgePathSubject reads GitLab's project_path:GROUP/.../PROJECT:ref_type:...:ref:...
func judgePathSubject(v, prefix, name string) (scope, string) {
	rest, ok := strings.CutPrefix(v, prefix)
	if !ok {
		if hasWildcard(v) && strings.HasPrefix(prefix, prefixBeforeWildcard(v)) {
			return scopeAny, ""
		}
		return judgeGeneric(v)
	}
	path, qual, colon := strings.Cut(rest, ":")
	group, project, slash := strings.Cut(path, "/")
	switch {
	case hasWildcard(group):
		return scopeAny, ""
	case !slash:
		return scopeNever, fmt.Sprintf("%q has no project (want %sGROUP/PROJECT:...)", v, prefix)
	case hasWildcard(project):
		return scopeOwner, ""
	case !colon:
		return scopeNever, fmt.Sprintf("%q lacks the ref part of a %s subject (ref_type:branch:ref:NAME)", v, name)
	case strings.Trim(qual, "*") == "" || strings.HasSuffix(qual, "ref:*") || strings.HasPrefix(qual, "ref_type:*"):
		return scopeAnyRef, ""
	}
	return scopePinned, ""
}

// judgeTerraform reads organization:ORG:project:PROJECT:workspace:WS:run_phase:PHASE.
func judgeTerraform(v string) (scope, string) {
	parts := strings.Split(v, ":")
	if len(parts) == 0 || parts[0] != "organization" {
		if hasWildcard(v) && strings.HasPrefix("organization:", prefixBeforeWildcard(v)) {
			return scopeAny, ""
		}
		return judgeGeneric(v)
	}
	if len(parts) < 2 || hasWildcard(parts[1]) {
		return scopeAny, ""
	}
	if len(parts) < 6 {
		if hasWildcard(v) {
			return scopeOwner, ""
		}
		return scopeNever, fmt.Sprintf("%q is not a Terraform Cloud subject (organization:ORG:project:PROJECT:workspace:WS:run_phase:PHASE)", v)
	}
	if hasWildcard(parts[3]) || hasWildcard(parts[5]) {
		return scopeOwner, ""
	}
	return scopePinned, ""
}

// judgeCircleCI reads org/ORG_ID/project/PROJECT_ID/user/USER_ID; the issuer
// already pins the organisation.
func judgeCircleCI(v string) (scope, string) {
	parts := strings.Split(v, "/")
	if len(parts) < 4 || parts[0] != "org" || parts[2] != "project" || hasWildcard(parts[3]) {
		if !hasWildcard(v) && (len(parts) < 4 || parts[0] != "org") {
			return judgeGeneric(v)
		}
		return scopeOwner, ""
	}
	return scopePinned, ""
}

// judgeEKS reads system:serviceaccount:NAMESPACE:NAME.
func judgeEKS(v string) (scope, string) {
	rest, ok := strings.CutPrefix(v, "system:serviceaccount:")
	if !ok {
		if hasWildcard(v) {
			return scopeAny, ""
		}
		return scopeNever, fmt.Sprintf("%q is not a service account subject (system:serviceaccount:NAMESPACE:NAME)", v)
	}
	ns, sa, colon := strings.Cut(rest, ":")
	switch {
	case hasWildcard(ns):
		return scopeAny, ""
	case !colon:
		return scopeNever, fmt.Sprintf("%q has no service account name", v)
	case hasWildcard(sa):
		return scopeOwner, ""
	}
	return scopePinned, ""
}

// foreignClaim finds a condition that requires a claim of another OIDC
// issuer (a key "HOST:claim" whose HOST is not this provider's): tokens of
// this provider never carry it, so the statement never matches for it. The
// classic case is a GitHub Enterprise provider
// (token.actions.githubusercontent.com/SLUG) with conditions written for
// the public issuer's keys.
func foreignClaim(st *policy.Statement, host string) string {
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

// oidcGrant is one provider trusted by one Allow statement, judged.
type oidcGrant struct {
	st    *policy.Statement
	host  string
	kind  oidcKind
	scope scope
	never []string // values that can never match
	// closed: a Deny without conditions shuts the statement.
	closed bool
	aud    bool // an audience condition narrows the tokens accepted
}

func (g oidcGrant) label() string {
	return fmt.Sprintf("%s trusts %s (%s)", g.st.Ref(), oidcNames[g.kind], g.host)
}

// oidcGrants judges every OIDC provider trusted through
// sts:AssumeRoleWithWebIdentity.
func (t roleTrust) oidcGrants() []oidcGrant {
	var out []oidcGrant
	for _, st := range t.allowsFor(actWebIdentity) {
		if st.Principal == nil {
			continue
		}
		for _, fed := range st.Principal.Federated {
			host := oidcHost(fed)
			if host == "" {
				continue
			}
			g := oidcGrant{st: st, host: host, kind: oidcKindOf(host)}
			key := subjectKey(g.kind, host)
			cs, closed := t.constraints(st, key, actWebIdentity)
			g.closed = closed
			g.scope = missingScope(g.kind)
			for _, c := range cs {
				best := scopeNever
				for _, v := range c.values {
					sc, why := judgeSubject(g.kind, v, c.like)
					if why != "" && !c.deny {
						g.never = append(g.never, why)
					}
					if sc != scopeNever && (best == scopeNever || sc < best) {
						best = sc // values are alternatives: the widest counts
					}
				}
				if c.ifExists && g.kind == oidcCognito {
					continue
				}
				if best > g.scope || best == scopeNever {
					g.scope = best // constraints add up: the narrowest counts
				}
				if best == scopeNever {
					break
				}
			}
			if !usable(st) {
				g.scope = scopeNever // another condition can never be true
			}
			if why := foreignClaim(st, host); why != "" {
				g.scope = scopeNever
				g.never = append(g.never, why)
			}
			auds, _ := t.constraints(st, host+":aud", actWebIdentity)
			oauds, _ := t.constraints(st, host+":oaud", actWebIdentity) // Google's original audience
			g.aud = len(auds)+len(oauds) > 0
			out = append(out, g)
		}
	}
	return out
}

// live reports whether a grant can let anyone in.
func (g oidcGrant) live() bool { return !g.closed && g.scope != scopeNever }

var oidcRefs = []string{
	"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub",
	"https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#example-subject-claims",
	"https://docs.gitlab.com/ci/cloud_services/aws/",
	"https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/aws-configuration",
	"https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html",
}

var trustFrameworks = func() map[Framework][]string {
	return with(with(map[Framework][]string{}, WellArch, "SEC03-BP07", "SEC02-BP02"), NIST80053, "AC-3", "IA-8")
}

// RoleTrustOIDCUnscoped fails roles that any workload of an OIDC provider
// can assume.
var RoleTrustOIDCUnscoped = Rule{
	ID:       "role-trust-oidc-unscoped",
	Title:    "Role trusts an OIDC provider without pinning the workload's owner",
	Severity: Critical,
	Description: "A role that trusts a shared OIDC issuer (GitHub Actions, GitLab.com, Terraform Cloud, an EKS " +
		"cluster, ...) must check the token's subject: without it, any repository or workload that can get a " +
		"token from the issuer — including other people's — can assume the role. The rule fails when the " +
		"subject condition is missing, is \"*\", or leaves the owner open (GitHub \"repo:*\" or \"repo:org*\", " +
		"which also matches \"repo:org-evil/...\"; GitLab \"project_path:*\"; Terraform Cloud " +
		"\"organization:*\"; EKS \"system:serviceaccount:*\"), and when a second, unscoped Allow statement " +
		"sits beside a scoped one (statements are alternatives). A Deny that refuses other subjects closes " +
		"the gap. GitHub Enterprise issuer keys (token.actions.githubusercontent.com/SLUG:sub) and the " +
		"immutable repo:OWNER@ID/REPO@ID form are read as well. A StringEquals condition with \"*\" matches " +
		"nothing (role-trust-condition-never-matches reports it). For providers iamspect does not know, a " +
		"subject condition without a leading wildcard counts as scoped. Service-linked roles are skipped.",
	Frameworks: with(trustFrameworks(), NIST80053, "AC-6"),
	Remediation: Remediation{
		Summary: "Add a StringEquals (or StringLike, for a branch pattern) condition on the provider's :sub key naming one repository and branch or environment, e.g. repo:OWNER/REPO:ref:refs/heads/main; remove unscoped statements.",
		Console: "IAM console > Roles > the role > Trust relationships > Edit trust policy: add the :sub condition.",
		CLI:     "aws iam update-assume-role-policy --role-name NAME --policy-document file://trust-with-sub.json",
		Terraform: "condition {\n  test     = \"StringEquals\"\n  variable = \"token.actions.githubusercontent.com:sub\"\n" +
			"  values   = [\"repo:OWNER/REPO:ref:refs/heads/main\"]\n}",
	},
	References:   oidcRefs,
	Needs:        policyNeeds,
	CheckAccount: trustCheck(judgeOIDCScope(scopeAny, scopeAny)),
}

// RoleTrustOIDCBroad fails roles pinned to an owner but not one repository,
// or to a repository but any branch.
var RoleTrustOIDCBroad = Rule{
	ID:       "role-trust-oidc-broad",
	Title:    "Role trusts every repository of an owner, or every branch of a repository",
	Severity: Low,
	Description: "An OIDC trust pinned to an owner but not to one repository (GitHub \"repo:org/*\", GitLab " +
		"\"project_path:group/*\", a Terraform Cloud organisation with any workspace, an EKS namespace with any " +
		"service account, a Bitbucket workspace or CircleCI organisation with no subject condition) lets every " +
		"repository of that owner assume the role; one pinned to a repository but any ref " +
		"(\"repo:org/app:*\") lets any branch — including an unreviewed one — use it. Pin the repository and " +
		"the branch or deployment environment. A statement open to every owner is " +
		"role-trust-oidc-unscoped's finding, not repeated here: such a role passes this rule with a note " +
		"naming that finding. Service-linked roles are skipped.",
	Frameworks: with(trustFrameworks(), NIST80053, "AC-6"),
	Remediation: Remediation{
		Summary: "Narrow the :sub condition to one repository and a protected branch or deployment environment (repo:OWNER/REPO:environment:production).",
		Console: "IAM console > Roles > the role > Trust relationships > Edit trust policy: narrow the :sub values.",
		CLI:     "aws iam update-assume-role-policy --role-name NAME --policy-document file://trust-narrowed.json",
		Terraform: "condition {\n  test     = \"StringEquals\"\n  variable = \"token.actions.githubusercontent.com:sub\"\n" +
			"  values   = [\"repo:OWNER/REPO:environment:production\"]\n}",
	},
	References:   oidcRefs,
	Needs:        policyNeeds,
	CheckAccount: trustCheck(judgeOIDCBroad),
}

// judgeOIDCBroad fails grants pinned to an owner or a repository but not
// narrower; grants open to every owner are role-trust-oidc-unscoped's
// finding, named in the passing message instead (one cause, one finding).
func judgeOIDCBroad(ctx *Context, s *snapshot.Snapshot, a *snapshot.Account, t roleTrust) ([]string, string) {
	fails, pass := judgeOIDCScope(scopeOwner, scopeAnyRef)(ctx, s, a, t)
	if len(fails) > 0 {
		return fails, pass
	}
	var open []string
	for _, g := range t.oidcGrants() {
		if g.live() && g.scope == scopeAny {
			open = append(open, g.label())
		}
	}
	if len(open) > 0 {
		return nil, "no OIDC trust is pinned to an owner but left open within it; " + joinList(open) +
			" is open to every owner, which role-trust-oidc-unscoped reports"
	}
	return nil, pass
}

// judgeOIDCScope fails grants whose scope lies in [lo, hi].
func judgeOIDCScope(lo, hi scope) func(*Context, *snapshot.Snapshot, *snapshot.Account, roleTrust) ([]string, string) {
	return func(_ *Context, _ *snapshot.Snapshot, _ *snapshot.Account, t roleTrust) ([]string, string) {
		var fails []string
		n := 0
		for _, g := range t.oidcGrants() {
			if !g.live() {
				continue
			}
			n++
			if g.scope >= lo && g.scope <= hi {
				fails = append(fails, fmt.Sprintf("%s and the subject (%s) %s", g.label(), subjectKey(g.kind, g.host), scopeText[g.scope]))
			}
		}
		if n == 0 {
			return nil, "no usable OIDC trust"
		}
		return fails, fmt.Sprintf("every OIDC trust (%s) is narrower", plural(n, "statement", "statements"))
	}
}

// RoleTrustOIDCMissingAudience fails OIDC trusts without an audience check.
var RoleTrustOIDCMissingAudience = Rule{
	ID:       "role-trust-oidc-missing-audience",
	Title:    "OIDC trust without an audience condition",
	Severity: Medium,
	Description: "The :aud condition makes sure the token was issued for AWS (for GitHub Actions, " +
		"\"sts.amazonaws.com\"), not for another relying party that could replay it. Without it, a token " +
		"minted for a different service accepts the role as well. Service-linked roles are skipped.",
	Frameworks: with(trustFrameworks(), NIST80053, "IA-8"),
	Remediation: Remediation{
		Summary: "Add a StringEquals condition on PROVIDER:aud with the audience configured for AWS (sts.amazonaws.com for GitHub Actions, the client ID for others).",
		Console: "IAM console > Roles > the role > Trust relationships > Edit trust policy: add the :aud condition.",
		CLI:     "aws iam update-assume-role-policy --role-name NAME --policy-document file://trust-with-aud.json",
		Terraform: "condition {\n  test     = \"StringEquals\"\n  variable = \"token.actions.githubusercontent.com:aud\"\n" +
			"  values   = [\"sts.amazonaws.com\"]\n}",
	},
	References:   oidcRefs[:2],
	Needs:        policyNeeds,
	CheckAccount: trustCheck(judgeAudience),
}

func judgeAudience(_ *Context, _ *snapshot.Snapshot, _ *snapshot.Account, t roleTrust) ([]string, string) {
	var fails []string
	n := 0
	for _, g := range t.oidcGrants() {
		if !g.live() || g.kind == oidcCognito {
			continue // Cognito's audience is the identity pool: role-trust-oidc-unscoped judges it
		}
		n++
		if !g.aud {
			fails = append(fails, fmt.Sprintf("%s with no %s:aud condition", g.label(), g.host))
		}
	}
	if n == 0 {
		return nil, "no usable OIDC trust"
	}
	return fails, "every OIDC trust checks the audience"
}

// RoleTrustConditionNeverMatches reports trust statements that can never
// match.
var RoleTrustConditionNeverMatches = Rule{
	ID:       "role-trust-condition-never-matches",
	Title:    "Trust policy condition can never match",
	Severity: Low,
	Description: "A trust statement whose condition cannot be true lets nobody in: the role is unusable " +
		"through it, which is safe but usually hides a mistake the author will \"fix\" by widening the " +
		"trust. Typical causes: a \"*\" under StringEquals (compared literally — use StringLike), a " +
		"malformed GitHub subject (\"repo:org/repo:ref:main\" instead of \"ref:refs/heads/main\", or a " +
		"job_workflow_ref written into the subject), a condition on a claim of another issuer (a GitHub " +
		"Enterprise provider token.actions.githubusercontent.com/SLUG checked with the public issuer's keys), an " +
		"unknown condition operator. Values that can never " +
		"match inside a list that also holds good values are reported too. Service-linked roles are skipped.",
	Frameworks: with(with(map[Framework][]string{}, WellArch, "SEC03-BP07"), NIST80053, "CM-6"),
	Remediation: Remediation{
		Summary: "Use StringLike for patterns, and write subjects in the provider's format (GitHub: repo:OWNER/REPO:ref:refs/heads/BRANCH, :environment:NAME or :pull_request).",
		Console: "IAM console > Roles > the role > Trust relationships > Edit trust policy: fix the operator or the value.",
		CLI:     "aws iam update-assume-role-policy --role-name NAME --policy-document file://trust-fixed.json",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String",
		oidcRefs[1],
	},
	Needs:        policyNeeds,
	CheckAccount: trustCheck(judgeNeverMatches),
}

func judgeNeverMatches(_ *Context, _ *snapshot.Snapshot, _ *snapshot.Account, t roleTrust) ([]string, string) {
	var fails []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			fails = append(fails, s)
		}
	}
	for _, st := range t.doc.Statements {
		if st.Effect != policy.Allow {
			continue
		}
		bad, never := literalWildcards(st)
		for _, b := range bad {
			if never {
				add(fmt.Sprintf("%s can never match: %s compares the wildcard literally", st.Ref(), b))
			} else {
				add(fmt.Sprintf("%s: the value of %s can never match (wildcard compared literally)", st.Ref(), b))
			}
		}
		for _, u := range unknownOperators(st) {
			add(fmt.Sprintf("%s can never match: unknown condition operator %s", st.Ref(), u))
		}
	}
	for _, g := range t.oidcGrants() {
		for _, why := range g.never {
			if strings.Contains(why, "compares literally") {
				continue // reported above
			}
			add(fmt.Sprintf("%s: %s", g.st.Ref(), why))
		}
	}
	return fails, "every trust statement can match"
}

// RoleTrustSAMLMissingAudience fails SAML trusts without SAML:aud.
var RoleTrustSAMLMissingAudience = Rule{
	ID:       "role-trust-saml-missing-audience",
	Title:    "SAML trust without a SAML:aud condition",
	Severity: Medium,
	Description: "A role federated through a SAML provider should require SAML:aud to be the AWS sign-in " +
		"endpoint (https://signin.aws.amazon.com/saml, or the regional one). Without it, an assertion the " +
		"identity provider issued for another service provider can be used to assume the role. " +
		"Service-linked roles are skipped.",
	Frameworks: with(trustFrameworks(), NIST80053, "IA-8"),
	Remediation: Remediation{
		Summary:   "Add \"StringEquals\": {\"SAML:aud\": \"https://signin.aws.amazon.com/saml\"} to the trust statement.",
		Console:   "IAM console > Roles > the role > Trust relationships > Edit trust policy: add the SAML:aud condition.",
		CLI:       "aws iam update-assume-role-policy --role-name NAME --policy-document file://trust-saml-aud.json",
		Terraform: "condition {\n  test     = \"StringEquals\"\n  variable = \"SAML:aud\"\n  values   = [\"https://signin.aws.amazon.com/saml\"]\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_saml.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-saml",
	},
	Needs:        policyNeeds,
	CheckAccount: trustCheck(judgeSAMLAudience),
}

func judgeSAMLAudience(_ *Context, _ *snapshot.Snapshot, _ *snapshot.Account, t roleTrust) ([]string, string) {
	var fails []string
	n := 0
	for _, st := range t.allowsFor(actSAML) {
		if st.Principal == nil || !usable(st) {
			continue
		}
		for _, fed := range st.Principal.Federated {
			if !strings.Contains(fed, ":saml-provider/") {
				continue
			}
			cs, closed := t.constraints(st, "SAML:aud", actSAML)
			if closed {
				continue
			}
			n++
			if len(cs) == 0 {
				fails = append(fails, fmt.Sprintf("%s trusts SAML provider %s without a SAML:aud condition", st.Ref(), fed[strings.LastIndex(fed, "/")+1:]))
			}
		}
	}
	if n == 0 {
		return nil, "no SAML trust"
	}
	return fails, "every SAML trust checks SAML:aud"
}
