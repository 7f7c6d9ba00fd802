package rules_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// trustDoc wraps statements into a trust policy.
func trustDoc(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

const ghProvider = "arn:aws:iam::" + acct + ":oidc-provider/token.actions.githubusercontent.com"

// oidcStmt is an Allow of AssumeRoleWithWebIdentity for a provider host,
// with a condition block (JSON object, may be "").
func oidcStmt(host, cond string) string {
	s := fmt.Sprintf(`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::%s:oidc-provider/%s"},"Action":"sts:AssumeRoleWithWebIdentity"`, acct, host)
	if cond != "" {
		s += `,"Condition":` + cond
	}
	return s + "}"
}

// gh is a GitHub statement with the audience set and one sub condition.
func gh(op, sub string) string {
	return oidcStmt("token.actions.githubusercontent.com", fmt.Sprintf(
		`{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},%q:{"token.actions.githubusercontent.com:sub":%q}}`, op, sub))
}

// ghSameOp puts aud and sub under one StringEquals block.
func ghEquals(sub string) string {
	return oidcStmt("token.actions.githubusercontent.com", fmt.Sprintf(
		`{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":%q}}`, sub))
}

func subCond(host, op, sub string) string {
	return fmt.Sprintf(`{"StringEquals":{"%s:aud":"x"},%q:{"%s:sub":%q}}`, host, op, host, sub)
}

// role adds one role with the trust statements.
func role(name string, stmts ...string) func(b *snapshot.Builder) {
	return func(b *snapshot.Builder) { b.Role(name, trustDoc(stmts...)) }
}

type trustCase struct {
	name  string
	stmts []string
	want  map[string]rules.Status // rule ID -> status for role "r"
}

const (
	unscoped = "role-trust-oidc-unscoped"
	broad    = "role-trust-oidc-broad"
	never    = "role-trust-condition-never-matches"
	noAud    = "role-trust-oidc-missing-audience"
)

// oidcStatus builds the expected statuses of the four OIDC rules.
func oidcStatus(u, b, n rules.Status) map[string]rules.Status {
	return map[string]rules.Status{unscoped: u, broad: b, never: n}
}

var (
	F = rules.Fail
	P = rules.Pass
)

func TestTrustOIDCScope(t *testing.T) {
	denyOthers := `{"Effect":"Deny","Principal":{"Federated":"` + ghProvider + `"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringNotLike":{"token.actions.githubusercontent.com:sub":"repo:acme/app:ref:refs/heads/main"}}}`
	denyAll := `{"Effect":"Deny","Principal":"*","Action":"sts:*"}`
	cases := []trustCase{
		// GitHub: the owner must be pinned.
		{"github no sub", []string{oidcStmt("token.actions.githubusercontent.com", `{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}`)}, oidcStatus(F, P, P)},
		{"github sub *", []string{gh("StringLike", "*")}, oidcStatus(F, P, P)},
		{"github repo:*", []string{gh("StringLike", "repo:*")}, oidcStatus(F, P, P)},
		{"github repo:org* matches other owners", []string{gh("StringLike", "repo:acme*")}, oidcStatus(F, P, P)},
		{"github repo:org/* is owner-wide", []string{gh("StringLike", "repo:acme/*")}, oidcStatus(P, F, P)},
		{"github repo:org/repo:* any ref", []string{gh("StringLike", "repo:acme/app:*")}, oidcStatus(P, F, P)},
		{"github any branch", []string{gh("StringLike", "repo:acme/app:ref:refs/heads/*")}, oidcStatus(P, F, P)},
		{"github pinned branch", []string{ghEquals("repo:acme/app:ref:refs/heads/main")}, oidcStatus(P, P, P)},
		{"github pinned branch pattern", []string{gh("StringLike", "repo:acme/app:ref:refs/heads/release-*")}, oidcStatus(P, P, P)},
		{"github environment", []string{gh("StringLike", "repo:acme/app:environment:production")}, oidcStatus(P, P, P)},
		{"github pull_request", []string{ghEquals("repo:acme/app:pull_request")}, oidcStatus(P, P, P)},
		{"github tag", []string{ghEquals("repo:acme/app:ref:refs/tags/v1.2.0")}, oidcStatus(P, P, P)},
		{"github immutable form pinned", []string{ghEquals("repo:acme@1234567/app@7654321:ref:refs/heads/main")}, oidcStatus(P, P, P)},
		{"github immutable form owner-wide", []string{gh("StringLike", "repo:acme@1234567/*")}, oidcStatus(P, F, P)},
		{"github list: one wide value opens it", []string{oidcStmt("token.actions.githubusercontent.com", `{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":["repo:acme/app:ref:refs/heads/main","repo:*"]}}`)}, oidcStatus(F, P, P)},
		// StringEquals compares "*" literally: unusable, not exposed.
		{"github StringEquals repo:org/* never matches", []string{ghEquals("repo:acme/*")}, oidcStatus(P, P, F)},
		{"github StringEquals * never matches", []string{ghEquals("*")}, oidcStatus(P, P, F)},
		{"github StringEquals list with one literal wildcard", []string{oidcStmt("token.actions.githubusercontent.com",
			`{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":["repo:acme/app:ref:refs/heads/main","repo:acme/*"]}}`)}, oidcStatus(P, P, F)},
		{"github malformed ref", []string{ghEquals("repo:acme/app:ref:main")}, oidcStatus(P, P, F)},
		{"github job_workflow_ref is not a sub", []string{ghEquals("repo:acme/app:job_workflow_ref:acme/wf/.github/workflows/deploy.yml@refs/heads/main")}, oidcStatus(P, P, F)},
		{"github no repository", []string{ghEquals("repo:acme")}, oidcStatus(P, P, F)},
		{"job_workflow_ref claim beside a pinned sub", []string{oidcStmt("token.actions.githubusercontent.com",
			`{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:acme/app:environment:prod","token.actions.githubusercontent.com:job_workflow_ref":"acme/wf/.github/workflows/d.yml@refs/heads/main"}}`)}, oidcStatus(P, P, P)},
		// Statements are alternatives; Denies close.
		{"scoped + unscoped statement", []string{ghEquals("repo:acme/app:ref:refs/heads/main"), gh("StringLike", "repo:*")}, oidcStatus(F, P, P)},
		{"scoped + unscoped + Deny refusing other subjects", []string{ghEquals("repo:acme/app:ref:refs/heads/main"), gh("StringLike", "repo:*"), denyOthers}, oidcStatus(P, P, P)},
		{"unscoped + Deny everything", []string{gh("StringLike", "*"), denyAll}, oidcStatus(P, P, P)},
		// GitHub Enterprise issuer (slug in the key).
		{"enterprise slug pinned", []string{oidcStmt("token.actions.githubusercontent.com/acme-corp",
			`{"StringEquals":{"token.actions.githubusercontent.com/acme-corp:aud":"sts.amazonaws.com","token.actions.githubusercontent.com/acme-corp:sub":"repo:acme/app:environment:prod"}}`)}, oidcStatus(P, P, P)},
		{"enterprise slug with sub on the wrong key", []string{oidcStmt("token.actions.githubusercontent.com/acme-corp",
			`{"StringEquals":{"token.actions.githubusercontent.com/acme-corp:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/*"}}`)}, oidcStatus(P, P, F)},
		{"enterprise slug: public issuer's keys never match, the slug's own sub is missing", []string{oidcStmt("token.actions.githubusercontent.com/acme-corp",
			`{"StringEquals":{"token.actions.githubusercontent.com/acme-corp:aud":"sts.amazonaws.com"}}`), ghEquals("repo:acme/app:environment:prod")}, oidcStatus(F, P, P)},
		// GitLab.
		{"gitlab pinned", []string{oidcStmt("gitlab.com", subCond("gitlab.com", "StringEquals", "project_path:acme/app:ref_type:branch:ref:main"))}, oidcStatus(P, P, P)},
		{"gitlab group-wide", []string{oidcStmt("gitlab.com", subCond("gitlab.com", "StringLike", "project_path:acme/*"))}, oidcStatus(P, F, P)},
		{"gitlab any ref", []string{oidcStmt("gitlab.com", subCond("gitlab.com", "StringLike", "project_path:acme/app:*"))}, oidcStatus(P, F, P)},
		{"gitlab any project", []string{oidcStmt("gitlab.com", subCond("gitlab.com", "StringLike", "project_path:*"))}, oidcStatus(F, P, P)},
		{"gitlab no sub", []string{oidcStmt("gitlab.com", `{"StringEquals":{"gitlab.com:aud":"https://gitlab.com"}}`)}, oidcStatus(F, P, P)},
		// Terraform Cloud.
		{"terraform pinned workspace", []string{oidcStmt("app.terraform.io", subCond("app.terraform.io", "StringLike", "organization:acme:project:infra:workspace:prod:run_phase:*"))}, oidcStatus(P, P, P)},
		{"terraform organisation-wide", []string{oidcStmt("app.terraform.io", subCond("app.terraform.io", "StringLike", "organization:acme:*"))}, oidcStatus(P, F, P)},
		{"terraform any organisation", []string{oidcStmt("app.terraform.io", subCond("app.terraform.io", "StringLike", "organization:*"))}, oidcStatus(F, P, P)},
		// Bitbucket and CircleCI issuers are per workspace / organisation.
		{"bitbucket no sub is workspace-wide", []string{oidcStmt("api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc", `{"StringEquals":{"api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc:aud":"ari:cloud:bitbucket::workspace/1"}}`)}, oidcStatus(P, F, P)},
		{"bitbucket repository pinned", []string{oidcStmt("api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc", subCond("api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc", "StringLike", "{8c3e9a2b-1111-2222-3333-444455556666}:*"))}, oidcStatus(P, P, P)},
		{"circleci project pinned", []string{oidcStmt("oidc.circleci.com/org/0a1b2c3d", subCond("oidc.circleci.com/org/0a1b2c3d", "StringLike", "org/0a1b2c3d/project/9f8e7d6c/user/*"))}, oidcStatus(P, P, P)},
		{"circleci no sub is org-wide", []string{oidcStmt("oidc.circleci.com/org/0a1b2c3d", `{"StringEquals":{"oidc.circleci.com/org/0a1b2c3d:aud":"0a1b2c3d"}}`)}, oidcStatus(P, F, P)},
		// EKS IRSA.
		{"eks service account pinned", []string{oidcStmt("oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789", subCond("oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789", "StringEquals", "system:serviceaccount:payments:api"))}, oidcStatus(P, P, P)},
		{"eks namespace-wide", []string{oidcStmt("oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789", subCond("oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789", "StringLike", "system:serviceaccount:payments:*"))}, oidcStatus(P, F, P)},
		{"eks any namespace", []string{oidcStmt("oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789", subCond("oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789", "StringLike", "system:serviceaccount:*"))}, oidcStatus(F, P, P)},
		{"eks no sub", []string{oidcStmt("oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789", `{"StringEquals":{"oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789:aud":"sts.amazonaws.com"}}`)}, oidcStatus(F, P, P)},
		// Unknown providers: a sub without wildcard is scoped.
		{"generic pinned", []string{oidcStmt("idp.example.com", subCond("idp.example.com", "StringEquals", "workload-42"))}, oidcStatus(P, P, P)},
		{"generic sub *", []string{oidcStmt("idp.example.com", subCond("idp.example.com", "StringLike", "*"))}, oidcStatus(F, P, P)},
		{"generic no sub", []string{oidcStmt("idp.example.com", `{"StringEquals":{"idp.example.com:aud":"x"}}`)}, oidcStatus(F, P, P)},
		// Not OIDC at all.
		{"no OIDC trust", []string{`{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}`}, oidcStatus(P, P, P)},
	}
	runTrustCases(t, cases)
}

// Issue 9 item 14: one cause, one finding. A statement open to every owner
// is role-trust-oidc-unscoped's finding; role-trust-oidc-broad passes and
// says which finding covers it, and still fails a second, owner-wide
// statement (another cause).
func TestTrustOIDCBroadDoesNotRepeatUnscoped(t *testing.T) {
	b := snapshot.NewBuilder(acct, refNow)
	role("open", gh("StringLike", "repo:*"))(b)
	role("two-causes", gh("StringLike", "repo:*"), gh("StringLike", "repo:acme/*"))(b)
	s := b.Build()
	res := resultFor(t, rules.ByID(broad), s, rules.Defaults(), "open")
	if res.Status != rules.Pass || !strings.Contains(res.Message, "Statement[0] trusts GitHub Actions (token.actions.githubusercontent.com) is open to every owner, which role-trust-oidc-unscoped reports") {
		t.Errorf("open: %s %s", res.Status, res.Message)
	}
	if u := resultFor(t, rules.ByID(unscoped), s, rules.Defaults(), "open"); u.Status != rules.Fail {
		t.Errorf("unscoped on open: %s", u.Status)
	}
	res = resultFor(t, rules.ByID(broad), s, rules.Defaults(), "two-causes")
	if res.Status != rules.Fail || !strings.Contains(res.Message, "Statement[1]") || strings.Contains(res.Message, "Statement[0]") {
		t.Errorf("two-causes: %s %s", res.Status, res.Message)
	}
}

func TestTrustOIDCAudience(t *testing.T) {
	runTrustCases(t, []trustCase{
		{"github without aud", []string{oidcStmt("token.actions.githubusercontent.com", `{"StringEquals":{"token.actions.githubusercontent.com:sub":"repo:acme/app:environment:prod"}}`)},
			map[string]rules.Status{noAud: F, unscoped: P}},
		{"github with aud", []string{ghEquals("repo:acme/app:environment:prod")}, map[string]rules.Status{noAud: P}},
		{"enterprise key aud", []string{oidcStmt("token.actions.githubusercontent.com/acme-corp",
			`{"StringEquals":{"token.actions.githubusercontent.com/acme-corp:aud":"sts.amazonaws.com","token.actions.githubusercontent.com/acme-corp:sub":"repo:acme/app:environment:prod"}}`)}, map[string]rules.Status{noAud: P}},
		{"eks without aud", []string{oidcStmt("oidc.eks.eu-west-1.amazonaws.com/id/ABC", `{"StringEquals":{"oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub":"system:serviceaccount:a:b"}}`)}, map[string]rules.Status{noAud: F}},
		{"never-matching statement is not judged", []string{oidcStmt("token.actions.githubusercontent.com", `{"StringEquals":{"token.actions.githubusercontent.com:sub":"repo:acme/*"}}`)}, map[string]rules.Status{noAud: P, never: F}},
		{"unknown operator beside a wide sub", []string{oidcStmt("token.actions.githubusercontent.com", `{"StringLike":{"token.actions.githubusercontent.com:sub":"*"},"StringEqualz":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}`)},
			map[string]rules.Status{never: F, unscoped: P, broad: P}},
		{"unknown operator never matches", []string{oidcStmt("token.actions.githubusercontent.com", `{"StringEqualz":{"token.actions.githubusercontent.com:sub":"repo:acme/app:environment:prod"}}`)}, map[string]rules.Status{never: F, unscoped: P}},
	})
}

func TestTrustSAML(t *testing.T) {
	saml := func(cond string) string {
		s := `{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::` + acct + `:saml-provider/Okta"},"Action":["sts:AssumeRoleWithSAML","sts:TagSession"]`
		if cond != "" {
			s += `,"Condition":` + cond
		}
		return s + "}"
	}
	runTrustCases(t, []trustCase{
		{"saml without aud", []string{saml("")}, map[string]rules.Status{"role-trust-saml-missing-audience": F}},
		{"saml with aud", []string{saml(`{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}`)}, map[string]rules.Status{"role-trust-saml-missing-audience": P}},
		{"saml aud key in other case", []string{saml(`{"StringEquals":{"saml:aud":"https://signin.aws.amazon.com/saml"}}`)}, map[string]rules.Status{"role-trust-saml-missing-audience": P}},
		{"no saml", []string{ghEquals("repo:acme/app:environment:prod")}, map[string]rules.Status{"role-trust-saml-missing-audience": P}},
	})
}

func TestTrustAnyPrincipal(t *testing.T) {
	const id = "role-trust-any-principal"
	any := func(principal, cond string) string {
		s := `{"Effect":"Allow","Principal":` + principal + `,"Action":"sts:AssumeRole"`
		if cond != "" {
			s += `,"Condition":` + cond
		}
		return s + "}"
	}
	st := func(s rules.Status) map[string]rules.Status { return map[string]rules.Status{id: s} }
	runTrustCases(t, []trustCase{
		{"AWS *", []string{any(`{"AWS":"*"}`, "")}, st(F)},
		{"bare *", []string{any(`"*"`, "")}, st(F)},
		{"pinned by org ID", []string{any(`"*"`, `{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}`)}, st(P)},
		{"pinned by account", []string{any(`{"AWS":"*"}`, `{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}`)}, st(P)},
		{"pinned by source account", []string{any(`"*"`, `{"StringEquals":{"aws:SourceAccount":"111122223333"}}`)}, st(P)},
		{"pinned by principal ARN", []string{any(`"*"`, `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/ci-*"}}`)}, st(P)},
		{"principal ARN with any account", []string{any(`"*"`, `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/ci"}}`)}, st(F)},
		{"IfExists does not pin", []string{any(`"*"`, `{"StringEqualsIfExists":{"aws:PrincipalOrgID":"o-abc123"}}`)}, st(F)},
		{"external ID does not pin", []string{any(`"*"`, `{"StringEquals":{"sts:ExternalId":"secret"}}`)}, st(F)},
		{"negated condition does not pin", []string{any(`"*"`, `{"StringNotEquals":{"aws:PrincipalAccount":"999988887777"}}`)}, st(F)},
		{"Deny of other organisations closes it", []string{any(`"*"`, ""),
			`{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc123"}}}`}, st(P)},
		{"NotPrincipal Allow", []string{`{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"sts:AssumeRole"}`}, st(F)},
		{"literal wildcard account never matches", []string{any(`"*"`, `{"StringEquals":{"aws:PrincipalAccount":"*"}}`)}, map[string]rules.Status{id: P, never: F}},
		{"sts:* to anyone: one verdict for the statement", []string{`{"Effect":"Allow","Principal":"*","Action":"sts:*"}`}, st(F)},
		{"named account", []string{any(`{"AWS":"arn:aws:iam::111122223333:root"}`, "")}, st(P)},
		{"pinned + unpinned statement", []string{any(`"*"`, `{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}`), any(`{"AWS":"*"}`, "")}, st(F)},
	})
}

func TestTrustCrossAccount(t *testing.T) {
	const noExt, unknown = "role-trust-cross-account-no-external-id", "role-trust-unknown-account"
	trustAcct := func(account, cond string) string {
		s := `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account + `:root"},"Action":"sts:AssumeRole"`
		if cond != "" {
			s += `,"Condition":` + cond
		}
		return s + "}"
	}
	cases := []struct {
		name   string
		stmt   string
		org    bool
		known  []string
		ext, u rules.Status
	}{
		{"vendor without external ID", trustAcct("444455556666", ""), false, nil, F, F},
		{"vendor with external ID", trustAcct("444455556666", `{"StringEquals":{"sts:ExternalId":"n0rthw1nd"}}`), false, nil, P, F},
		{"known vendor", trustAcct("444455556666", `{"StringEquals":{"sts:ExternalId":"n0rthw1nd"}}`), false, []string{"444455556666"}, P, P},
		{"Deny of any other external ID", trustAcct("444455556666", "") + `,{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole","Condition":{"StringNotEquals":{"sts:ExternalId":"n0rthw1nd"}}}`, false, nil, P, F},
		{"Deny without MFA", trustAcct("444455556666", "") + `,{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}`, false, nil, P, F},
		{"MFA required", trustAcct("444455556666", `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`), false, nil, P, F},
		{"BoolIfExists MFA is not required", trustAcct("444455556666", `{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}`), false, nil, F, F},
		{"bare account ID", `{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole"}`, false, nil, F, F},
		{"account of the organisation", trustAcct("222233334444", ""), true, nil, P, P},
		{"same account", trustAcct(acct, ""), false, nil, P, P},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := snapshot.NewBuilder(acct, refNow)
			b.Role("r", trustDoc(c.stmt))
			s := b.Build()
			if c.org {
				s.Organization = &snapshot.Organization{ID: "o-1", ManagementAccount: acct, Accounts: []snapshot.OrgAccount{{ID: acct}, {ID: "222233334444"}}}
			}
			cfg := rules.Defaults()
			cfg.KnownAccounts = c.known
			for id, want := range map[string]rules.Status{noExt: c.ext, unknown: c.u} {
				res := resultFor(t, rules.ByID(id), s, cfg, "r")
				if res.Status != want {
					t.Errorf("%s: %s, want %s (%s)", id, res.Status, want, res.Message)
				}
			}
		})
	}
}

func TestTrustConfusedDeputy(t *testing.T) {
	const id = "role-trust-service-confused-deputy"
	svc := func(service, cond string) string {
		s := `{"Effect":"Allow","Principal":{"Service":"` + service + `"},"Action":"sts:AssumeRole"`
		if cond != "" {
			s += `,"Condition":` + cond
		}
		return s + "}"
	}
	st := func(s rules.Status) map[string]rules.Status { return map[string]rules.Status{id: s} }
	runTrustCases(t, []trustCase{
		{"lambda without source", []string{svc("lambda.amazonaws.com", "")}, st(F)},
		{"lambda with source account", []string{svc("lambda.amazonaws.com", `{"StringEquals":{"aws:SourceAccount":"`+acct+`"}}`)}, st(P)},
		{"config with source ARN", []string{svc("config.amazonaws.com", `{"ArnLike":{"aws:SourceArn":"arn:aws:config:*:`+acct+`:*"}}`)}, st(P)},
		{"ec2 is exempt", []string{svc("ec2.amazonaws.com", "")}, st(P)},
	})
}

// Service-linked roles are skipped by every trust rule, whatever their
// trust policy says.
func TestTrustSkipsServiceLinkedRoles(t *testing.T) {
	b := snapshot.NewBuilder(acct, refNow)
	slr := b.Role("AWSServiceRoleForThing", trustDoc(`{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}`, gh("StringLike", "*"),
		`{"Effect":"Allow","Principal":{"Service":"thing.amazonaws.com"},"Action":"sts:AssumeRole"}`))
	slr.Path = "/aws-service-role/thing.amazonaws.com/"
	slr.MaxSessionDuration = 43200
	s := b.Build()
	for _, r := range rules.Catalog() {
		if !strings.HasPrefix(r.ID, "role-") {
			continue
		}
		for _, res := range runRule(t, r, s, rules.Defaults()) {
			if res.ResourceName == slr.Name {
				t.Errorf("%s judged the service-linked role: %s %s", r.ID, res.Status, res.Message)
			}
		}
	}
}

func TestTrustUnparsable(t *testing.T) {
	b := snapshot.NewBuilder(acct, refNow)
	b.Role("broken", `{"Statement":`)
	res := resultFor(t, &rules.RoleTrustAnyPrincipal, b.Build(), rules.Defaults(), "broken")
	if res.Status != rules.Unknown {
		t.Errorf("unparsable trust policy: %s, want UNKNOWN", res.Status)
	}
}

func TestTrustNeedsAuthorizationDetails(t *testing.T) {
	b := snapshot.NewBuilder(acct, refNow).Without(snapshot.InputAuthorizationDetails)
	for _, id := range []string{unscoped, "role-trust-any-principal", "policy-admin-attached", "role-unused"} {
		out := runRule(t, rules.ByID(id), b.Build(), rules.Defaults())
		if len(out) != 1 || out[0].Status != rules.Unknown {
			t.Errorf("%s without authorization details: %+v", id, out)
		}
	}
}

// runTrustCases builds one role "r" per case and checks each listed rule.
func runTrustCases(t *testing.T, cases []trustCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := snapshot.NewBuilder(acct, refNow)
			role("r", c.stmts...)(b)
			s := b.Build()
			for id, want := range c.want {
				r := rules.ByID(id)
				if r == nil {
					t.Fatalf("no rule %s", id)
				}
				res := resultFor(t, r, s, rules.Defaults(), "r")
				if res.Status != want {
					t.Errorf("%s: %s, want %s (%s)", id, res.Status, want, res.Message)
				}
				if res.Status == rules.Fail && !strings.Contains(res.Message, "Statement[") {
					t.Errorf("%s: message does not name the statement: %s", id, res.Message)
				}
			}
		})
	}
}

// resultFor runs one rule and returns its result for one resource name.
func resultFor(t *testing.T, r *rules.Rule, s *snapshot.Snapshot, cfg rules.Config, name string) rules.Result {
	t.Helper()
	for _, res := range runRule(t, r, s, cfg) {
		if res.ResourceName == name {
			return res
		}
	}
	t.Fatalf("%s: no result for %s", r.ID, name)
	return rules.Result{}
}

// The rule IDs rules.md marks as fixed in this family.
func TestPolicyAndTrustFixedIDs(t *testing.T) {
	for _, id := range []string{"policy-admin-attached", "policy-passrole-wildcard", "role-trust-any-principal", "role-trust-oidc-unscoped"} {
		if rules.ByID(id) == nil {
			t.Errorf("fixed rule ID %s missing", id)
		}
	}
}

func TestAnyPrincipalOneVerdictPerStatement(t *testing.T) {
	b := snapshot.NewBuilder(acct, refNow)
	b.Role("r", trustDoc(`{"Sid":"Open","Effect":"Allow","Principal":"*","Action":"sts:*"}`))
	res := resultFor(t, &rules.RoleTrustAnyPrincipal, b.Build(), rules.Defaults(), "r")
	if n := strings.Count(res.Message, `Sid "Open"`); n != 1 {
		t.Errorf("statement named %d times: %s", n, res.Message)
	}
}
