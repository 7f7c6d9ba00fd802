package access

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// genAccount generates a large, deterministic account: users in groups,
// roles with service, account-root and user trusts, and customer managed
// policies of the kinds real accounts hold (data access, deploy pipelines
// with PassRole, self-managed IAM, role assumption, a few administrators).
func genAccount(users, roles, policies int) *snapshot.Snapshot {
	rng := rand.New(rand.NewPCG(1, 2))
	b := snapshot.NewBuilder(acct, now)
	a := b.Account()
	a.Policies = append(a.Policies, &snapshot.ManagedPolicy{Name: "AdministratorAccess", ARN: adminARN, Document: snapshot.RawJSON(adminDoc), IsAttachable: true})
	services := []string{"ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "glue.amazonaws.com", "codebuild.amazonaws.com", "sagemaker.amazonaws.com"}
	for i := range policies {
		team := i % 40
		var d string
		switch k := i % 100; {
		case k < 55: // data access
			d = fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"Data","Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:ListBucket"],"Resource":["arn:aws:s3:::team-%d-%d","arn:aws:s3:::team-%d-%d/*"]},{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:PutItem","dynamodb:Query"],"Resource":"arn:aws:dynamodb:*:%s:table/t%d"}]}`, team, i, team, i, acct, i)
		case k < 70: // read-only tooling
			d = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:Describe*","cloudwatch:Get*","logs:Get*","logs:FilterLogEvents","iam:Get*","iam:List*"],"Resource":"*"}]}`
		case k < 80: // ECS deploys, PassRole limited to the team's task roles
			d = fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecs:RegisterTaskDefinition","ecs:UpdateService","ecs:RunTask","ecr:*"],"Resource":"*"},{"Sid":"Pass","Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::%s:role/team-%d-*","Condition":{"StringEquals":{"iam:PassedToService":"ecs-tasks.amazonaws.com"}}}]}`, acct, team)
		case k < 85: // EC2 launches with instance roles
			d = fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:RunInstances","ec2:CreateTags"],"Resource":"*"},{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::%s:role/team-%d-*"}]}`, acct, team)
		case k < 88: // self-managed IAM policies
			d = fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreatePolicyVersion","iam:DeletePolicyVersion"],"Resource":"arn:aws:iam::%s:policy/p%d"}]}`, acct, rng.IntN(policies))
		case k < 93: // role assumption within the team
			d = fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::%s:role/team-%d-*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`, acct, team)
		case k < 96: // Lambda developers
			d = fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:*"],"Resource":"arn:aws:lambda:*:%s:function:team-%d-*"},{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}}]}`, acct, team)
		default: // power users: everything but IAM, with a guard
			d = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"},{"Effect":"Deny","Action":"ec2:RunInstances","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}]}`
		}
		a.Policies = append(a.Policies, &snapshot.ManagedPolicy{Name: fmt.Sprintf("p%d", i), ARN: iamARN("policy", fmt.Sprintf("p%d", i)),
			Document: snapshot.RawJSON(d), IsAttachable: true})
	}
	ref := func() snapshot.PolicyRef {
		j := rng.IntN(policies)
		return snapshot.PolicyRef{Name: fmt.Sprintf("p%d", j), ARN: iamARN("policy", fmt.Sprintf("p%d", j))}
	}
	refs := func(n int) []snapshot.PolicyRef {
		out := make([]snapshot.PolicyRef, n)
		for i := range out {
			out[i] = ref()
		}
		return out
	}
	const groups = 50
	for g := range groups {
		a.Groups = append(a.Groups, &snapshot.Group{Name: fmt.Sprintf("g%d", g), ARN: iamARN("group", fmt.Sprintf("g%d", g)), Path: "/",
			AttachedPolicies: refs(1 + rng.IntN(3))})
	}
	for i := range users {
		u := b.User(fmt.Sprintf("u%d", i), now.AddDate(-1, 0, 0)).User
		u.AttachedPolicies = refs(rng.IntN(3))
		for range rng.IntN(3) {
			u.Groups = append(u.Groups, fmt.Sprintf("g%d", rng.IntN(groups)))
		}
		if i%100 == 0 {
			u.AttachedPolicies = append(u.AttachedPolicies, snapshot.PolicyRef{Name: "AdministratorAccess", ARN: adminARN})
		}
	}
	for i := range roles {
		var trust string
		switch k := i % 10; {
		case k < 6:
			trust = trustService(services[i%len(services)])
		case k < 8:
			trust = trustAccount
		default:
			trust = trustARN(iamARN("user", fmt.Sprintf("u%d", rng.IntN(users))))
		}
		r := b.Role(fmt.Sprintf("team-%d-r%d", i%40, i), trust)
		if trust == trustService("ec2.amazonaws.com") {
			r.InstanceProfiles = []string{iamARN("instance-profile", r.Name)}
		}
		r.AttachedPolicies = refs(1 + rng.IntN(3))
		if i%50 == 0 {
			r.AttachedPolicies = append(r.AttachedPolicies, snapshot.PolicyRef{Name: "AdministratorAccess", ARN: adminARN})
		}
	}
	return b.Build()
}

// analyzeAll is what the privilege-escalation rule does: build the model,
// find every user's and role's methods, and the chains to administrator.
func analyzeAll(s *snapshot.Snapshot) (findings, chains int) {
	f, c, _ := analyzeAllKeep(s)
	return f, c
}

func analyzeAllKeep(s *snapshot.Snapshot) (findings, chains int, an *Analysis) {
	m := Build(s, s.Accounts[0], nil)
	an = Analyze(m, now)
	chains = len(an.AdminChains())
	for _, p := range m.Principals {
		findings += len(an.Escalations(p))
	}
	return findings, chains, an
}

func benchmarkAccount(b *testing.B, users, roles, policies int) {
	s := genAccount(users, roles, policies)
	b.ReportAllocs()
	b.ResetTimer()
	var f, c int
	for b.Loop() {
		f, c = analyzeAll(s)
	}
	b.ReportMetric(float64(f), "findings")
	b.ReportMetric(float64(c), "chains")
	// The heap the finished analysis holds (model, caches, findings).
	b.StopTimer()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _, an := analyzeAllKeep(s)
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(an)
	b.ReportMetric(float64(after.HeapAlloc-min(before.HeapAlloc, after.HeapAlloc))/(1<<20), "live-MB")
}

// go test ./internal/access -run '^$' -bench Escalation -benchtime 3x
func BenchmarkEscalationFull(b *testing.B) { benchmarkAccount(b, 1000, 5000, 2000) }
func BenchmarkEscalationHalf(b *testing.B) { benchmarkAccount(b, 500, 2500, 1000) }

// A smoke test of the generator at a small size, so that the benchmark's
// code stays correct under the default (fast) go test.
func TestGeneratedAccountSmall(t *testing.T) {
	start := time.Now()
	f, c := analyzeAll(genAccount(50, 250, 100))
	if f == 0 || c == 0 {
		t.Errorf("generated account yields %d findings, %d chains", f, c)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("small generated account took %s", d)
	}
}

// What rule principal-can-grant-permissions adds once the escalations are
// known: every principal's changes to other principals' permissions.
// go test ./internal/access -run '^$' -bench Empowerments -benchtime 3x
func BenchmarkEmpowermentsHalf(b *testing.B) {
	s := genAccount(500, 2500, 1000)
	m := Build(s, s.Accounts[0], nil)
	an := Analyze(m, now)
	an.AdminChains()
	b.ResetTimer()
	var n int
	for b.Loop() {
		an.empowerCands.Clear()
		n = 0
		for _, p := range m.Principals {
			n += len(an.Empowerments(p))
		}
	}
	b.ReportMetric(float64(n), "empowerments")
}

// benchmarkScale measures the escalation analysis (every principal's
// methods and the chains to administrator) on an account of issue 16's
// shape; principals/s counts users and roles.
// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchmarkScale(b *testing.B, s scaleShape) {
	snap := genScale(s)
	b.ReportAllocs()
	b.ResetTimer()
	var f, c int
	cpu := cpuTime()
	for b.Loop() {
		f, c = analyzeAll(snap)
	}
	// CPU time (every thread, GC included) is steadier than wall time on
	// a shared machine.
	b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(f), "findings")
	b.ReportMetric(float64(c), "chains")
	b.ReportMetric(float64(s.users+s.roles)*float64(b.N)/b.Elapsed().Seconds(), "principals/s")
}

// go test ./internal/access -run '^$' -bench 'Privesc' -benchtime 1x
func BenchmarkPrivesc(b *testing.B) {
	for _, n := range []int{2500, 5000, 10000} {
		b.Run(fmt.Sprintf("mixed-%d", n), func(b *testing.B) {
			benchmarkScale(b, scaleShape{users: n, roles: n, policies: n / 2, groups: 200, seed: 7})
		})
	}
	b.Run("anyone-5000", func(b *testing.B) {
		benchmarkScale(b, scaleShape{users: 1000, roles: 5000, policies: 500, groups: 200, trust: trustAll, seed: 8})
	})
	b.Run("root-5000", func(b *testing.B) {
		benchmarkScale(b, scaleShape{users: 1000, roles: 5000, policies: 500, groups: 200, trust: trustRootOf, seed: 9})
	})
}
