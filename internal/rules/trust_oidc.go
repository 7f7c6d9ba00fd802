package rules

import (
	"fmt"
	"strings"

	"github.com/iamspect/iamspect/internal/access"
	"github.com/iamspect/iamspect/internal/policy"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/wording"
)

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
	CheckAccount: trustCheck(judgeOIDCScope(access.ScopeAny, access.ScopeAny)),
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
func judgeOIDCBroad(ctx *Context, s *snapshot.Snapshot, a *snapshot.Account, t access.Trust) ([]string, string) {
	fails, pass := judgeOIDCScope(access.ScopeOwner, access.ScopeAnyRef)(ctx, s, a, t)
	if len(fails) > 0 {
		return fails, pass
	}
	var open []string
	for _, g := range t.OIDCGrants() {
		if g.Live() && g.Scope == access.ScopeAny {
			open = append(open, g.Label())
		}
	}
	if len(open) > 0 {
		return nil, "no OIDC trust is pinned to an owner but left open within it; " + joinList(open) +
			" is open to every owner, which role-trust-oidc-unscoped reports"
	}
	return nil, pass
}

// judgeOIDCScope fails grants whose scope lies in [lo, hi].
func judgeOIDCScope(lo, hi access.Scope) func(*Context, *snapshot.Snapshot, *snapshot.Account, access.Trust) ([]string, string) {
	return func(_ *Context, _ *snapshot.Snapshot, _ *snapshot.Account, t access.Trust) ([]string, string) {
		var fails []string
		n := 0
		for _, g := range t.OIDCGrants() {
			if !g.Live() {
				continue
			}
			n++
			if g.Scope >= lo && g.Scope <= hi {
				fails = append(fails, fmt.Sprintf("%s and the subject (%s) %s", g.Label(), access.SubjectKey(g.Kind, g.Host), access.ScopeText[g.Scope]))
			}
		}
		if n == 0 {
			return nil, "no usable OIDC trust"
		}
		return fails, fmt.Sprintf("every OIDC trust (%s) is narrower", wording.CountAs(n, "statement", "statements"))
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

func judgeAudience(_ *Context, _ *snapshot.Snapshot, _ *snapshot.Account, t access.Trust) ([]string, string) {
	var fails []string
	n := 0
	for _, g := range t.OIDCGrants() {
		if !g.Live() || g.Kind == access.OIDCCognito {
			continue // Cognito's audience is the identity pool: role-trust-oidc-unscoped judges it
		}
		n++
		if !g.Aud {
			fails = append(fails, fmt.Sprintf("%s with no %s:aud condition", g.Label(), g.Host))
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

func judgeNeverMatches(_ *Context, _ *snapshot.Snapshot, _ *snapshot.Account, t access.Trust) ([]string, string) {
	var fails []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			fails = append(fails, s)
		}
	}
	for _, st := range t.Doc.Statements {
		if st.Effect != policy.Allow {
			continue
		}
		bad, never := access.LiteralWildcards(st)
		for _, b := range bad {
			if never {
				add(fmt.Sprintf("%s can never match: %s compares the wildcard literally", st.Ref(), b))
			} else {
				add(fmt.Sprintf("%s: the value of %s can never match (wildcard compared literally)", st.Ref(), b))
			}
		}
		for _, u := range access.UnknownOperators(st) {
			add(fmt.Sprintf("%s can never match: unknown condition operator %s", st.Ref(), u))
		}
	}
	for _, g := range t.OIDCGrants() {
		for _, why := range g.Never {
			if strings.Contains(why, "compares literally") {
				continue // reported above
			}
			add(fmt.Sprintf("%s: %s", g.Statement.Ref(), why))
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

func judgeSAMLAudience(_ *Context, _ *snapshot.Snapshot, _ *snapshot.Account, t access.Trust) ([]string, string) {
	var fails []string
	n := 0
	for _, st := range t.AllowsFor(access.ActSAML) {
		if st.Principal == nil || !access.Usable(st) {
			continue
		}
		for _, fed := range st.Principal.Federated {
			if !strings.Contains(fed, ":saml-provider/") {
				continue
			}
			cs, closed := t.Constraints(st, "SAML:aud", access.ActSAML)
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
