package rules_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/scan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// Shapes of generated accounts unlike the usual ones, each within AWS's
// per-account quotas yet hard on a quadratic analysis.
const (
	// shapeTrustAnyone: every role trusts "*" (anyone may assume it, the
	// trust policy alone suffices within the account); one role in 50 is
	// administrator; n/5 users.
	shapeTrustAnyone = "trust-anyone"
	// shapeOneGroup: n users all in one group whose policy allows
	// sts:AssumeRole on "*", n/5 roles trusting the account root.
	shapeOneGroup = "one-group"
	// shapeDeepChain: role i trusts role i-1 only (user u0 starts the
	// chain); the last role is administrator: chains of length n.
	shapeDeepChain = "deep-chain"
)

var bombTime = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

const (
	bombAcct    = "123456789012"
	bombAdmin   = "arn:aws:iam::aws:policy/AdministratorAccess"
	bombAdminJS = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
)

func bombARN(kind, name string) string { return "arn:aws:iam::" + bombAcct + ":" + kind + "/" + name }

// genBombAccount builds an account of the given shape with about n
// principals of the main kind.
func genBombAccount(shape string, n int) *snapshot.Snapshot {
	b := snapshot.NewBuilder(bombAcct, bombTime)
	a := b.Account()
	a.Policies = append(a.Policies, &snapshot.ManagedPolicy{Name: "AdministratorAccess", ARN: bombAdmin, Document: snapshot.RawJSON(bombAdminJS), IsAttachable: true})
	admin := []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: bombAdmin}}
	work := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data/*"}]}`
	switch shape {
	case shapeTrustAnyone:
		trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}`
		for i := range n {
			r := b.Role(fmt.Sprintf("r%d", i), trust)
			r.InlinePolicies = []snapshot.InlinePolicy{{Name: "work", Document: snapshot.RawJSON(work)}}
			if i%50 == 49 {
				r.AttachedPolicies = admin
			}
		}
		for i := range n / 5 {
			b.User(fmt.Sprintf("u%d", i), bombTime.AddDate(-1, 0, 0))
		}
	case shapeOneGroup:
		a.Groups = append(a.Groups, &snapshot.Group{Name: "everyone", ARN: bombARN("group", "everyone"), Path: "/",
			InlinePolicies: []snapshot.InlinePolicy{{Name: "assume", Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)}}})
		for i := range n {
			b.User(fmt.Sprintf("u%d", i), bombTime.AddDate(-1, 0, 0)).User.Groups = []string{"everyone"}
		}
		trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + bombAcct + `:root"},"Action":"sts:AssumeRole"}]}`
		for i := range n / 5 {
			r := b.Role(fmt.Sprintf("r%d", i), trust)
			r.InlinePolicies = []snapshot.InlinePolicy{{Name: "work", Document: snapshot.RawJSON(work)}}
			if i%50 == 49 {
				r.AttachedPolicies = admin
			}
		}
	case shapeDeepChain:
		b.User("u0", bombTime.AddDate(-1, 0, 0))
		prev := bombARN("user", "u0")
		for i := range n {
			trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + prev + `"},"Action":"sts:AssumeRole"}]}`
			r := b.Role(fmt.Sprintf("r%d", i), trust)
			r.InlinePolicies = []snapshot.InlinePolicy{{Name: "work", Document: snapshot.RawJSON(work)}}
			if i == n-1 {
				r.AttachedPolicies = admin
			}
			prev = r.ARN
		}
	default:
		panic(shape)
	}
	return b.Build()
}

// bombRules are the rules whose analyses walk role assumptions.
var bombRules = []string{"principal-admin-access", "privilege-escalation"}

func scanBomb(tb testing.TB, s *snapshot.Snapshot) *scan.Outcome {
	tb.Helper()
	var rs []*rules.Rule
	for _, id := range bombRules {
		rs = append(rs, rules.ByID(id))
	}
	out, err := scan.Run(context.Background(), s, scan.Options{Rules: rs})
	if err != nil || len(out.Errors) > 0 {
		tb.Fatalf("scan: %v %v", err, out.Errors)
	}
	return out
}

// go test ./internal/rules -run '^$' -bench Bomb -benchtime 1x
func BenchmarkBomb(b *testing.B) {
	for _, shape := range []string{shapeTrustAnyone, shapeOneGroup, shapeDeepChain} {
		for _, n := range []int{1250, 2500, 5000} {
			s := genBombAccount(shape, n)
			b.Run(fmt.Sprintf("%s/%d", shape, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					scanBomb(b, s)
				}
			})
		}
	}
}
