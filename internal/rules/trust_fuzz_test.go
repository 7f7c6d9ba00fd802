package rules_test

import (
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// FuzzTrustRules runs every role rule over arbitrary trust policies and
// subject values: no panic, one result for the role, a known status.
func FuzzTrustRules(f *testing.F) {
	for _, seed := range []string{
		trustDoc(gh("StringLike", "repo:acme*")),
		trustDoc(ghEquals("repo:acme/app:ref:refs/heads/main"), gh("StringLike", "repo:*")),
		trustDoc(oidcStmt("app.terraform.io", subCond("app.terraform.io", "StringLike", "organization:a:project:b:workspace:c:run_phase:*"))),
		trustDoc(oidcStmt("oidc.circleci.com/org/x", subCond("oidc.circleci.com/org/x", "StringLike", "org/x/project/*"))),
		trustDoc(`{"Effect":"Allow","Principal":"*","Action":"sts:*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/x"}}}`),
		trustDoc(`{"Effect":"Deny","Principal":"*","NotAction":"sts:AssumeRole","Condition":{"StringNotLike":{"a:sub":["*"]}}}`),
		`{"Statement":{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::1:oidc-provider/"},"Action":"*"}}`,
	} {
		f.Add(seed, "repo:a/b:ref:refs/heads/*")
	}
	var rs []*rules.Rule
	for _, r := range rules.Catalog() {
		if strings.HasPrefix(r.ID, "role-") {
			rs = append(rs, r)
		}
	}
	f.Fuzz(func(t *testing.T, trust, sub string) {
		b := snapshot.NewBuilder(acct, refNow)
		b.Role("r", trust)
		b.Role("s", trustDoc(gh("StringLike", sub), oidcStmt("gitlab.com", subCond("gitlab.com", "StringLike", sub)),
			oidcStmt("app.terraform.io", subCond("app.terraform.io", "StringEquals", sub)),
			oidcStmt("oidc.eks.x.amazonaws.com/id/1", subCond("oidc.eks.x.amazonaws.com/id/1", "StringLike", sub)),
			oidcStmt("oidc.circleci.com/org/1", subCond("oidc.circleci.com/org/1", "StringLike", sub))))
		s := b.Build()
		for _, r := range rs {
			for _, res := range runRule(t, r, s, rules.Defaults()) {
				switch res.Status {
				case rules.Pass, rules.Fail, rules.Unknown:
				default:
					t.Fatalf("%s: status %q", r.ID, res.Status)
				}
			}
		}
	})
}
