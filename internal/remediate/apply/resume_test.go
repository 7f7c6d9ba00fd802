package apply_test

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamspect/iamspect/internal/remediate/apply"
	"github.com/iamspect/iamspect/internal/remediate/plan"
	"github.com/iamspect/iamspect/internal/sandbox"
)

func runnable(p *plan.Plan, stage string) map[string]int {
	m := map[string]int{}
	for _, a := range p.ByStage(stage) {
		if a.Call != nil && a.NeedsInput == "" {
			m["iam:"+a.Call.Operation]++
		}
	}
	return m
}

// An apply killed halfway — the connection dies after AWS made the change
// and before the journal says done, and the process goes with it — resumes
// from the journal without repeating or skipping an action.
func TestKilledApplyResumes(t *testing.T) {
	ctx, kill := context.WithCancel(context.Background())
	var mu sync.Mutex
	seen := 0
	const killAt = 4
	e := setup(t, func(srv *sandbox.Server) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body := readBody(r)
			srv.ServeHTTP(w, r)
			if !isWriteBody(body) {
				return
			}
			mu.Lock()
			seen++
			n := seen
			mu.Unlock()
			if n == killAt {
				// The change is made; the answer never arrives.
				kill()
				if hj, ok := w.(http.Hijacker); ok {
					if c, _, err := hj.Hijack(); err == nil {
						c.Close()
					}
				}
			}
		})
	})
	_, err := apply.Apply(ctx, e.plan, e.opts(true, plan.StageDeactivate))
	if err == nil {
		t.Fatal("the killed run reported success")
	}
	if got := sumOf(writes(e.srv)); got != killAt {
		t.Fatalf("%d writes before the kill, want %d", got, killAt)
	}
	sum, err := apply.Apply(context.Background(), e.plan, e.opts(true, plan.StageDeactivate))
	if err != nil && !errors.Is(err, apply.ErrRefused) {
		t.Fatal(err)
	}
	if len(sum.Already) != killAt {
		t.Errorf("resumed run found %d actions done, want %d (3 journaled, 1 found in effect)", len(sum.Already), killAt)
	}
	if got, want := writes(e.srv), runnable(e.plan, plan.StageDeactivate); !maps.Equal(got, want) {
		t.Fatalf("writes after resume %v, want exactly one per action %v", got, want)
	}
	// The interrupted action is this apply's own: rollback may undo it.
	entries, err := apply.ReadJournal(e.opts(true, "").Journal)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, en := range entries {
		if en.Event == apply.EvDone && strings.Contains(en.Note, "interrupted call") {
			found = true
			if !en.Reversible && en.Inverse == nil && en.Call != nil && en.Call.Operation != "DeleteLoginProfile" {
				t.Errorf("resumed action journaled irreversible: %+v", en)
			}
		}
	}
	if !found {
		t.Error("the resumed run did not recognise the interrupted call as its own")
	}
}

func sumOf(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// A precondition that changed between plan and apply makes apply refuse
// that action and say why, and run the others.
func TestDriftedPreconditionRefused(t *testing.T) {
	e := setup(t, nil)
	cl := iam.NewFromConfig(e.cfg)
	// Someone changes the password policy after the plan was made.
	if _, err := cl.UpdateAccountPasswordPolicy(context.Background(), &iam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(20)}); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	o := e.opts(true, plan.StageDeactivate)
	o.Out = &out
	sum, err := apply.Apply(context.Background(), e.plan, o)
	if !errors.Is(err, apply.ErrRefused) {
		t.Fatalf("want refusals, got %v", err)
	}
	found := false
	for _, r := range sum.Refused {
		if strings.Contains(r.Title, "password policy") && strings.Contains(r.Why, "precondition no longer holds") && strings.Contains(r.Why, "password-policy account SHA256") {
			found = true
		}
	}
	if !found {
		t.Fatalf("drifted password policy not refused with why: %+v\n%s", sum.Refused, out.String())
	}
	if len(sum.Done) == 0 {
		t.Fatal("the other actions did not run")
	}
	// The changed policy stays as the person set it.
	pp, err := cl.GetAccountPasswordPolicy(context.Background(), &iam.GetAccountPasswordPolicyInput{})
	if err != nil || aws.ToInt32(pp.PasswordPolicy.MinimumPasswordLength) != 20 {
		t.Fatalf("policy overwritten: %v", err)
	}
}

// A stale plan, an account the credentials cannot reach and a hand-broken
// plan are refused before anything runs.
func TestPlanValidationRefusals(t *testing.T) {
	e := setup(t, nil)
	o := e.opts(true, "")
	o.Now = func() time.Time { return clock().Add(8 * 24 * time.Hour) }
	if _, err := apply.Apply(context.Background(), e.plan, o); err == nil || !strings.Contains(err.Error(), "--allow-stale") {
		t.Fatalf("stale plan: %v", err)
	}
	o = e.opts(true, "")
	o.Org = false
	if _, err := apply.Apply(context.Background(), e.plan, o); err == nil || !strings.Contains(err.Error(), "--org") {
		t.Fatalf("member account without --org: %v", err)
	}
	if sumOf(writes(e.srv)) != 0 {
		t.Fatal("a refused plan wrote")
	}
}

// Guard rail: the last active key of a user, used in the last 24 hours, is
// not deactivated unless the plan says so explicitly.
func TestLastRecentlyUsedKeyGuard(t *testing.T) {
	e := setup(t, nil)
	acct := e.plan.Accounts[0].ID
	mk := func(key string, explicit bool) plan.Action {
		a := plan.Action{Stage: plan.StageDeactivate, AccountID: acct, Title: "deactivate " + key, Explicit: explicit,
			Call:       plan.NewCall("iam", "UpdateAccessKey", "UserName", "ci-deploy", "AccessKeyId", key, "Status", "Inactive"),
			Reversible: true, Inverse: plan.NewCall("iam", "UpdateAccessKey", "UserName", "ci-deploy", "AccessKeyId", key, "Status", "Active")}
		a.ID = plan.ActionID(&a)
		return a
	}
	p := &plan.Plan{SchemaVersion: plan.SchemaVersion, CreatedAt: e.srvTime(t), Kind: plan.KindFix,
		Accounts: []plan.Account{{ID: acct}},
		Actions:  []plan.Action{mk("AKIAEXAMPLECIDEPLOY2", false), mk("AKIAEXAMPLECIDEPLOY1", false)}}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	o := e.opts(true, "")
	o.Journal = filepath.Join(t.TempDir(), "j.jsonl")
	o.Now = func() time.Time { return e.srvTime(t) }
	sum, err := apply.Apply(context.Background(), p, o)
	if !errors.Is(err, apply.ErrRefused) || len(sum.Done) != 1 || len(sum.Refused) != 1 || !strings.Contains(sum.Refused[0].Why, "last active key") {
		t.Fatalf("%v %+v", err, sum)
	}
	// Marked explicit, the plan may do it.
	p.Actions[1] = mk("AKIAEXAMPLECIDEPLOY1", true)
	o.Journal = filepath.Join(t.TempDir(), "j2.jsonl")
	if sum, err = apply.Apply(context.Background(), p, o); err != nil || !slices.Contains(sum.Done, p.Actions[1].ID) {
		t.Fatalf("explicit: %v %+v", err, sum)
	}
}

// A journal whose last line was cut short by a kill is read without it.
func TestTornJournalLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	j, err := apply.OpenJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Append(apply.Entry{Event: apply.EvDone, ActionID: "a"}); err != nil {
		t.Fatal(err)
	}
	j.Close()
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"event":"start","action_id":"b","ti`)
	f.Close()
	es, err := apply.ReadJournal(path)
	if err != nil || len(es) != 1 || es[0].ActionID != "a" {
		t.Fatalf("%v %+v", err, es)
	}
	// A malformed line in the middle is an error naming it.
	os.WriteFile(path, []byte("{\"event\":\"done\"}\nnot json\n{\"event\":\"done\"}\n"), 0o600)
	if _, err := apply.ReadJournal(path); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("malformed middle line: %v", err)
	}
}

// Guard rail: never an action on the user whose credentials run the apply.
func TestOwnCredentialsGuard(t *testing.T) {
	e := setup(t, nil)
	acct := e.plan.Accounts[0].ID
	a := plan.Action{Stage: plan.StageDeactivate, AccountID: acct, Title: "remove my own password",
		Call: plan.NewCall("iam", "DeleteLoginProfile", "UserName", "iamspect-sandbox")}
	a.ID = plan.ActionID(&a)
	p := &plan.Plan{SchemaVersion: plan.SchemaVersion, CreatedAt: clock(), Kind: plan.KindFix,
		Accounts: []plan.Account{{ID: acct}}, Actions: []plan.Action{a}}
	sum, err := apply.Apply(context.Background(), p, e.opts(true, ""))
	if !errors.Is(err, apply.ErrRefused) || len(sum.Refused) != 1 || !strings.Contains(sum.Refused[0].Why, "whose credentials are running this apply") {
		t.Fatalf("%v %+v", err, sum)
	}
	if sumOf(writes(e.srv)) != 0 {
		t.Fatal("wrote")
	}
}

// Guard rail: never remove the last principal with administrator access.
func TestLastAdministratorGuard(t *testing.T) {
	e := setup(t, nil)
	acct := e.plan.Accounts[0].ID
	mk := func(c *plan.Call) plan.Action {
		a := plan.Action{Stage: plan.StageDeactivate, AccountID: acct, Title: c.Operation, Call: c}
		a.ID = plan.ActionID(&a)
		return a
	}
	p := &plan.Plan{SchemaVersion: plan.SchemaVersion, CreatedAt: clock(), Kind: plan.KindFix, Accounts: []plan.Account{{ID: acct}},
		Actions: []plan.Action{
			mk(plan.NewCall("iam", "DetachRolePolicy", "RoleName", "report-builder-lambda", "PolicyArn", apply.AdminPolicyARN)),
			mk(plan.NewCall("iam", "RemoveUserFromGroup", "GroupName", "Admins", "UserName", "carol.ops")),
		}}
	sum, err := apply.Apply(context.Background(), p, e.opts(true, ""))
	if !errors.Is(err, apply.ErrRefused) || len(sum.Done) != 1 || len(sum.Refused) != 1 || !strings.Contains(sum.Refused[0].Why, "no principal with") {
		t.Fatalf("%v %+v", err, sum)
	}
}

// One journal, one writer: a second apply of the same plan is refused.
func TestJournalLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	j, err := apply.OpenJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if _, err := apply.OpenJournal(path); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second writer: %v", err)
	}
}
