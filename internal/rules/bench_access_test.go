package rules_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/access"
	"github.com/iamspect/iamspect/internal/iamdata"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/scan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// genLargeAccount builds an account shaped like a big real one: nPolicies
// customer managed policies (exact actions, prefix and service wildcards,
// NotAction, conditions, a few admin and PassRole-on-* policies), nRoles
// roles with 1-4 of them attached and an inline policy for one in four,
// plus 200 users in 20 groups.
func genLargeAccount(tb testing.TB, nPolicies, nRoles int) *snapshot.Snapshot {
	tb.Helper()
	r := rand.New(rand.NewPCG(7, 11))
	actions := iamdata.Actions()
	pick := func() string {
		a := actions[r.IntN(len(actions))]
		switch r.IntN(10) {
		case 0:
			return a.Service + ":*"
		case 1, 2:
			return a.Service + ":" + a.Name[:min(len(a.Name), 3)] + "*"
		}
		return a.String()
	}
	stmt := func(i int) string {
		switch {
		case i%500 == 0:
			return `{"Effect":"Allow","Action":"*","Resource":"*"}`
		case i%97 == 0:
			return `{"Sid":"Pass","Effect":"Allow","Action":"iam:PassRole","Resource":"*"}`
		case i%211 == 0:
			return `{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}`
		}
		acts := make([]string, 1+r.IntN(12))
		for j := range acts {
			acts[j] = fmt.Sprintf("%q", pick())
		}
		effect, res, cond := "Allow", `"*"`, ""
		if r.IntN(12) == 0 {
			effect = "Deny"
		}
		if r.IntN(3) == 0 {
			res = fmt.Sprintf(`"arn:aws:s3:::bucket-%d/*"`, r.IntN(100))
		}
		if r.IntN(5) == 0 {
			cond = `,"Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}`
		}
		return fmt.Sprintf(`{"Effect":%q,"Action":[%s],"Resource":%s%s}`, effect, strings.Join(acts, ","), res, cond)
	}
	docOf := func(i int) string {
		n := 1 + r.IntN(5)
		parts := make([]string, n)
		for j := range parts {
			parts[j] = stmt(i + j*7919)
		}
		return doc(parts...)
	}
	b := snapshot.NewBuilder(acct, refNow)
	a := b.Account()
	refs := make([]snapshot.PolicyRef, nPolicies)
	for i := range nPolicies {
		name := fmt.Sprintf("policy-%04d", i)
		a.Policies = append(a.Policies, &snapshot.ManagedPolicy{Name: name, ARN: policyBase + name, Document: snapshot.RawJSON(docOf(i)), AttachmentCount: 1, IsAttachable: true})
		refs[i] = snapshot.PolicyRef{Name: name, ARN: policyBase + name}
	}
	trusts := []string{ec2Trust,
		trustDoc(gh("StringLike", "repo:acme/app-*")),
		trustDoc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole"}`),
		trustDoc(`{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}`)}
	for i := range nRoles {
		ro := b.Role(fmt.Sprintf("role-%05d", i), trusts[i%len(trusts)])
		ro.CreatedAt = daysAgo(10 + i%400)
		for range 1 + r.IntN(4) {
			ro.AttachedPolicies = append(ro.AttachedPolicies, refs[r.IntN(nPolicies)])
		}
		if i%4 == 0 {
			ro.InlinePolicies = inline("inline", docOf(i+1))
		}
	}
	for g := range 20 {
		name := fmt.Sprintf("group-%02d", g)
		a.Groups = append(a.Groups, &snapshot.Group{Name: name, ARN: "arn:aws:iam::" + acct + ":group/" + name,
			AttachedPolicies: []snapshot.PolicyRef{refs[r.IntN(nPolicies)], refs[r.IntN(nPolicies)]}})
	}
	for u := range 200 {
		ub := b.User(fmt.Sprintf("user-%03d", u), daysAgo(100))
		ub.User.Groups = []string{fmt.Sprintf("group-%02d", u%20)}
	}
	return b.Build()
}

const benchPolicies, benchRoles = 2000, 5000

// Build the model, then ask "is admin" of every principal.
func BenchmarkAccessIsAdminEveryPrincipal(b *testing.B) {
	s := genLargeAccount(b, benchPolicies, benchRoles)
	b.ResetTimer()
	for b.Loop() {
		m := access.Build(s, s.Accounts[0], nil)
		n := 0
		for _, p := range m.Principals {
			if p.Set.IsAdmin() {
				n++
			}
		}
		if n == 0 {
			b.Fatal("no admin in the generated account")
		}
	}
	b.ReportMetric(float64(len(s.Accounts[0].Roles)+220), "principals")
}

// Build the model, then ask "allows iam:PassRole on *" of every principal.
func BenchmarkAccessPassRoleEveryPrincipal(b *testing.B) {
	s := genLargeAccount(b, benchPolicies, benchRoles)
	b.ResetTimer()
	for b.Loop() {
		m := access.Build(s, s.Accounts[0], nil)
		for _, p := range m.Principals {
			p.Set.AllowsSomehow("iam:PassRole", "*")
		}
	}
}

// The same questions through the scanner and the rules that ask them.
func BenchmarkRulesAdminAndPassRole(b *testing.B) {
	s := genLargeAccount(b, benchPolicies, benchRoles)
	for _, id := range []string{"principal-admin-access", "policy-admin-attached", "policy-passrole-wildcard"} {
		r := rules.ByID(id)
		b.Run(id, func(b *testing.B) {
			for b.Loop() {
				out, err := scan.Run(context.Background(), s, scan.Options{Rules: []*rules.Rule{r}})
				if err != nil || len(out.Errors) > 0 || out.Results.Len() < benchRoles {
					b.Fatalf("%v %v %d", err, out.Errors, out.Results.Len())
				}
			}
		})
	}
}

// Every policy and trust rule of this family in one scan (one model build
// shared between them).
func BenchmarkRulesPolicyAndTrustFamily(b *testing.B) {
	s := genLargeAccount(b, benchPolicies, benchRoles)
	var rs []*rules.Rule
	for _, r := range rules.Catalog() {
		if (strings.HasPrefix(r.ID, "policy-") || strings.HasPrefix(r.ID, "role-") || r.ID == "principal-admin-access") && r.ID != "privilege-escalation" {
			rs = append(rs, r)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := scan.Run(context.Background(), s, scan.Options{Rules: rs}); err != nil {
			b.Fatal(err)
		}
	}
}

// The generated account is what the benchmarks claim it is.
func TestGeneratedAccountShape(t *testing.T) {
	if testing.Short() {
		t.Skip("large account")
	}
	s := genLargeAccount(t, 200, 500)
	m := access.Build(s, s.Accounts[0], nil)
	admins, pass := 0, 0
	for _, p := range m.Principals {
		if len(p.Problems) > 0 {
			t.Fatalf("%s: %v", p.Name, p.Problems)
		}
		if p.Set.IsAdmin() {
			admins++
		}
		if p.Set.AllowsSomehow("iam:PassRole", "*") {
			pass++
		}
	}
	if admins == 0 || pass == 0 || admins == len(m.Principals) {
		t.Errorf("admins %d, PassRole * %d of %d principals", admins, pass, len(m.Principals))
	}
}
