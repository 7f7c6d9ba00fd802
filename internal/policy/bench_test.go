package policy

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/iamdata"
)

// account is a generated account: policies shaped like real ones (exact
// actions, service and prefix wildcards, NotAction, conditions, a few admin
// policies) and principals holding a few of them each.
type account struct {
	policies []*Policy
	sets     []*Set
}

func genAccount(tb testing.TB, nPolicies, nPrincipals int) *account {
	tb.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	actions := iamdata.Actions()
	services := iamdata.Services()
	pick := func() string {
		a := actions[r.IntN(len(actions))]
		switch r.IntN(10) {
		case 0:
			return a.Service + ":*"
		case 1, 2:
			n := a.Name
			return a.Service + ":" + n[:min(len(n), 3)] + "*"
		}
		return a.String()
	}
	stmt := func() string {
		effect := "Allow"
		if r.IntN(10) == 0 {
			effect = "Deny"
		}
		acts := make([]string, 1+r.IntN(12))
		for i := range acts {
			acts[i] = fmt.Sprintf("%q", pick())
		}
		elem := A("[" + strings.Join(acts, ",") + "]")
		if r.IntN(40) == 0 {
			elem = NA(fmt.Sprintf(`[%q]`, services[r.IntN(len(services))]+":*"))
		}
		res := R("*")
		if r.IntN(3) == 0 {
			res = R(fmt.Sprintf("arn:aws:s3:::bucket-%d/*", r.IntN(100)))
		}
		var extra []string
		if r.IntN(5) == 0 {
			extra = append(extra, C(`{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}`))
		}
		return S(effect, elem, res, extra...)
	}
	acc := &account{}
	for i := range nPolicies {
		var d string
		if i%500 == 0 {
			d = D(allAll) // a few admin policies
		} else {
			stmts := make([]string, 1+r.IntN(5))
			for j := range stmts {
				stmts[j] = stmt()
			}
			d = D(stmts...)
		}
		doc, err := ParseString(d)
		if err != nil {
			tb.Fatal(err)
		}
		acc.policies = append(acc.policies, CompileNamed(fmt.Sprintf("policy-%d", i), doc))
	}
	for range nPrincipals {
		ps := make([]*Policy, 1+r.IntN(4))
		for j := range ps {
			ps[j] = acc.policies[r.IntN(len(acc.policies))]
		}
		acc.sets = append(acc.sets, &Set{Identity: ps})
	}
	return acc
}

// fresh returns new Sets over the same compiled policies, so that IsAdmin's
// per-Set cache does not hide the work.
func (a *account) fresh() []*Set {
	out := make([]*Set, len(a.sets))
	for i, s := range a.sets {
		out[i] = &Set{Identity: s.Identity}
	}
	return out
}

func BenchmarkIsAdmin(b *testing.B) {
	acc := genAccount(b, 2000, 5000)
	for _, s := range acc.fresh() {
		IsAdmin(s) // warm the shared pattern expansions, as a scan would
	}
	b.ResetTimer()
	admins := 0
	for b.Loop() {
		admins = 0
		for _, s := range acc.fresh() {
			if IsAdmin(s) {
				admins++
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(acc.sets)), "ns/set")
	if admins == 0 {
		b.Fatal("no admin among generated principals")
	}
}

func BenchmarkIsAdminCold(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		acc := genAccount(b, 2000, 5000) // new statements: no cached bitsets
		b.StartTimer()
		for _, s := range acc.sets {
			IsAdmin(s)
		}
	}
}

func BenchmarkAllowsPassRoleStar(b *testing.B) {
	acc := genAccount(b, 2000, 5000)
	b.ResetTimer()
	allowed := 0
	for b.Loop() {
		allowed = 0
		for _, s := range acc.sets {
			if s.AllowsSomehow("iam:PassRole", "*") {
				allowed++
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(acc.sets)), "ns/set")
	if allowed == 0 {
		b.Fatal("no principal may pass roles")
	}
}

func BenchmarkParseCompile(b *testing.B) {
	data := []byte(sampleDoc)
	for b.Loop() {
		if _, err := ParseAndCompile("", data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAllowedActionsIAM(b *testing.B) {
	doc, _ := ParseString(D(S("Allow", NA(`["iam:Delete*","iam:Put*"]`), R("*")), S("Deny", A("iam:CreateAccessKey"), R("*"))))
	s := NewSet(doc)
	for b.Loop() {
		s.AllowedActions("iam")
	}
}

// TestGeneratedAccountQueries keeps the benchmark's data honest: the
// generated account contains both admins and non-admins, and IsAdmin agrees
// with the definition on a sample.
func TestGeneratedAccountQueries(t *testing.T) {
	acc := genAccount(t, 200, 300)
	admins := 0
	for _, s := range acc.sets {
		if IsAdmin(s) {
			admins++
			if !s.AllowsUnconditionally("iam:CreateUser", "*") {
				t.Error("admin set does not allow iam:CreateUser on *")
			}
		}
	}
	if admins == 0 || admins == len(acc.sets) {
		t.Errorf("%d of %d generated principals are admin", admins, len(acc.sets))
	}
}

// TestConcurrentQueries runs queries on shared Sets from many goroutines;
// run with -race to check the lazy caches.
// Compiled sets are shared between goroutines (the rules of one scan ask
// questions in parallel): concurrent answers must equal sequential ones, and
// -race must find no data race in the caches.
func TestConcurrentQueries(t *testing.T) {
	acc := genAccount(t, 50, 40)
	type answer struct {
		admin, passRole bool
		sts             int
	}
	ask := func(s *Set) answer {
		return answer{IsAdmin(s), s.AllowsUnconditionally("iam:PassRole", "*"), len(s.AllowedActions("sts"))}
	}
	want := make([]answer, len(acc.sets))
	for i, s := range acc.sets {
		want[i] = ask(s)
	}
	acc = genAccount(t, 50, 40) // same seed, fresh caches
	errs := make(chan string, 8*len(acc.sets))
	done := make(chan bool)
	for g := range 8 {
		go func() {
			for i := range acc.sets {
				j := (i + g*7) % len(acc.sets) // goroutines start at different sets
				if got := ask(acc.sets[j]); got != want[j] {
					errs <- fmt.Sprintf("set %d: concurrent %+v, sequential %+v", j, got, want[j])
				}
			}
			done <- true
		}()
	}
	for range 8 {
		<-done
	}
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
