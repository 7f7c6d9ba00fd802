package fixplan

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/engine"
	"github.com/iamspect/iamspect/internal/remediate/plan"
)

func demoPlan(t *testing.T, o Options) *plan.Plan {
	t.Helper()
	s := demo.Snapshot()
	out, err := engine.Scan(context.Background(), s, engine.Options{Clock: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	p, err := Build(s, out.Report, o)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func find(p *plan.Plan, title string) *plan.Action {
	for i := range p.Actions {
		if p.Actions[i].Title == title {
			return &p.Actions[i]
		}
	}
	return nil
}

func TestDemoPlanCases(t *testing.T) {
	p := demoPlan(t, Options{})
	if os.Getenv("FIXPLAN_DUMP") != "" {
		var b strings.Builder
		_ = p.Encode(&b)
		os.WriteFile(os.Getenv("FIXPLAN_DUMP"), []byte(b.String()), 0o644)
	}
	// erin: a recent console login and a never-used key → Case A.
	if a := find(p, "deactivate access key AKIAEXAMPLEERIN00001 of erin.intern"); a == nil || a.Case != "A" || a.Stage != plan.StageDeactivate || a.Inverse == nil {
		t.Fatalf("erin: %+v", a)
	}
	// dave: key used 20 days ago, password never → Case B.
	if a := find(p, "remove the console password of dave.contractor"); a == nil || a.Case != "B" || a.Reversible {
		t.Fatalf("dave: %+v", a)
	}
	// alice: both used → handed to migration, not guessed.
	handed := false
	for _, u := range p.Unplanned {
		if u.RuleID == "iam-user-password-and-access-keys" && strings.Contains(u.Resource, "alice.martin") && strings.Contains(u.Reason, "migrate") {
			handed = true
		}
	}
	if !handed {
		t.Fatalf("alice not handed to migration: %+v", p.Unplanned)
	}
	// legacy-backup: deleted after its dependencies, in AWS's order.
	var order []string
	for _, a := range p.Actions {
		if a.Call != nil && a.Call.Str("UserName") == "legacy-backup" && a.Stage == plan.StageDelete {
			order = append(order, a.Call.Operation)
		}
	}
	if len(order) == 0 || order[len(order)-1] != "DeleteUser" {
		t.Fatalf("legacy-backup deletion order %v", order)
	}
	// Trust fixes without pins need input.
	needs := 0
	for _, a := range p.Actions {
		if a.NeedsInput != "" && strings.Contains(a.Title, "trust policy") {
			needs++
		}
	}
	if needs == 0 {
		t.Fatal("no needs-input trust action")
	}
}

func TestTrustPinsProposeDiff(t *testing.T) {
	p := demoPlan(t, Options{TrustPins: map[string]TrustPin{"github-actions-deploy": {Subject: "repo:northwind/app:ref:refs/heads/main"}}})
	a := find(p, "replace the trust policy of role github-actions-deploy")
	if a == nil || a.Call == nil || !strings.Contains(a.Diff, "+") || !strings.Contains(a.Call.Str("PolicyDocument"), "repo:northwind/app:ref:refs/heads/main") {
		t.Fatalf("%+v", a)
	}
}

func TestForcedCase(t *testing.T) {
	p := demoPlan(t, Options{Case: "b"})
	if a := find(p, "remove the console password of erin.intern"); a == nil || a.Case != "B" {
		t.Fatalf("erin with --case b: %+v", a)
	}
}

// An unused role in an instance profile is removed from it by the
// profile's name (the snapshot keeps ARNs) before it is deleted.
func TestRoleInInstanceProfile(t *testing.T) {
	s := demo.Snapshot()
	r := s.Accounts[0].Role("partner-data-share")
	r.InstanceProfiles = []string{"arn:aws:iam::111122223333:instance-profile/apps/partner"}
	out, err := engine.Scan(context.Background(), s, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := Build(s, out.Report, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	for _, a := range p.Actions {
		if a.Call != nil && a.Call.Str("RoleName") == "partner-data-share" {
			ops = append(ops, a.Call.Operation+":"+a.Call.Str("InstanceProfileName"))
		}
	}
	if !slices.Contains(ops, "RemoveRoleFromInstanceProfile:partner") || ops[len(ops)-1] != "DeleteRole:" {
		t.Fatalf("%v", ops)
	}
}
