package rules_test

import (
	"context"
	"fmt"
	"strings"
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
	// shapeTrustAnyoneScoped: shapeTrustAnyone where every role may also
	// assume the roles whose names start with r1 (an sts:AssumeRole
	// statement naming particular roles).
	shapeTrustAnyoneScoped = "trust-anyone-scoped"
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
	case shapeTrustAnyone, shapeTrustAnyoneScoped:
		trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}`
		scoped := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::` + bombAcct + `:role/r1*"},` +
			`{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"arn:aws:iam::` + bombAcct + `:role/r149"}]}`
		for i := range n {
			r := b.Role(fmt.Sprintf("r%d", i), trust)
			r.InlinePolicies = []snapshot.InlinePolicy{{Name: "work", Document: snapshot.RawJSON(work)}}
			if shape == shapeTrustAnyoneScoped {
				r.InlinePolicies = append(r.InlinePolicies, snapshot.InlinePolicy{Name: "assume", Document: snapshot.RawJSON(scoped)})
			}
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
	for _, shape := range []string{shapeTrustAnyone, shapeTrustAnyoneScoped, shapeOneGroup, shapeDeepChain} {
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

// The bomb shapes at a small size under the default go test: the verdicts
// the benchmark's accounts must give, quickly.
func TestBombShapesSmall(t *testing.T) {
	find := func(out *scan.Outcome, rule, arn string) rules.Result {
		for _, r := range out.Results.Slice() {
			if r.RuleID == rule && r.ResourceARN == arn {
				return r
			}
		}
		t.Fatalf("no %s result for %s", rule, arn)
		return rules.Result{}
	}
	start := time.Now()
	// Every role trusts anyone: every user and non-admin role reaches the
	// first administrator role (r49) in one hop.
	out := scanBomb(t, genBombAccount(shapeTrustAnyone, 100))
	for _, arn := range []string{bombARN("user", "u3"), bombARN("role", "r0"), bombARN("role", "r98")} {
		r := find(out, "principal-admin-access", arn)
		if r.Status != rules.Fail || !strings.HasSuffix(r.Message, "-[sts:AssumeRole]-> role/r49.") {
			t.Errorf("%s: %s %s", arn, r.Status, r.Message)
		}
	}
	// An administrator role anyone can assume is reported once, on the
	// role, naming the principals it raises (everyone but the two
	// administrator roles).
	if r := find(out, "privilege-escalation", bombARN("role", "r49")); r.Status != rules.Fail || !strings.Contains(r.Message, "118 principals are raised") {
		t.Errorf("r49: %s %s", r.Status, r.Message)
	}
	// The same, with every role denied the administrator role r149 by its
	// own policy: roles go on to r199, users (no policy) still reach r149.
	out = scanBomb(t, genBombAccount(shapeTrustAnyoneScoped, 200))
	if r := find(out, "principal-admin-access", bombARN("role", "r0")); !strings.HasSuffix(r.Message, "role/r0 -[sts:AssumeRole]-> role/r199.") {
		t.Errorf("scoped r0: %s", r.Message)
	}
	if r := find(out, "principal-admin-access", bombARN("user", "u3")); !strings.HasSuffix(r.Message, "user/u3 -[sts:AssumeRole]-> role/r149.") {
		t.Errorf("scoped u3: %s", r.Message)
	}
	// Everyone in one group allowed sts:AssumeRole on *, roles trusting
	// the account root.
	out = scanBomb(t, genBombAccount(shapeOneGroup, 500))
	if r := find(out, "principal-admin-access", bombARN("user", "u150")); r.Status != rules.Fail || !strings.Contains(r.Message, "user/u150 -[sts:AssumeRole]-> role/r49.") {
		t.Errorf("u150: %s %s", r.Status, r.Message)
	}
	// A chain of 40 roles: the message lists 8 hops, then how many more,
	// then the administrator at the end.
	out = scanBomb(t, genBombAccount(shapeDeepChain, 40))
	r := find(out, "principal-admin-access", bombARN("user", "u0"))
	want := "user/u0 -[sts:AssumeRole]-> role/r0 -[sts:AssumeRole]-> role/r1 -[sts:AssumeRole]-> role/r2 -[sts:AssumeRole]-> role/r3 -[sts:AssumeRole]-> role/r4 -[sts:AssumeRole]-> role/r5 -[sts:AssumeRole]-> role/r6 -[sts:AssumeRole]-> role/r7 -[32 more hops]-> role/r39."
	if r.Status != rules.Fail || !strings.HasSuffix(r.Message, want) {
		t.Errorf("u0: %s %s", r.Status, r.Message)
	}
	if r := find(out, "principal-admin-access", bombARN("role", "r37")); !strings.HasSuffix(r.Message, "role/r37 -[sts:AssumeRole]-> role/r38 -[sts:AssumeRole]-> role/r39.") {
		t.Errorf("r37: %s", r.Message)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("small bomb shapes took %s", d)
	}
}

// The whole catalogue over the bomb shapes (every rule, one scan).
//
// go test ./internal/rules -run '^$' -bench BombCatalogue -benchtime 1x
func BenchmarkBombCatalogue(b *testing.B) {
	for _, shape := range []string{shapeTrustAnyone, shapeTrustAnyoneScoped, shapeOneGroup, shapeDeepChain} {
		for _, n := range []int{1250, 2500, 5000} {
			s := genBombAccount(shape, n)
			b.Run(fmt.Sprintf("%s/%d", shape, n), func(b *testing.B) {
				for b.Loop() {
					out, err := scan.Run(context.Background(), s, scan.Options{})
					if err != nil || len(out.Errors) > 0 {
						b.Fatalf("scan: %v %v", err, out.Errors)
					}
				}
			})
		}
	}
}
