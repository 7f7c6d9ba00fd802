package apply_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/iamspect/iamspect/internal/collect"
	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/drift"
	"github.com/iamspect/iamspect/internal/engine"
	"github.com/iamspect/iamspect/internal/remediate/apply"
	"github.com/iamspect/iamspect/internal/remediate/fixplan"
	"github.com/iamspect/iamspect/internal/remediate/plan"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/sandbox"
	"github.com/iamspect/iamspect/internal/snapshot"
)

func TestMain(m *testing.M) {
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			os.Unsetenv(k)
		}
	}
	dir, _ := os.MkdirTemp("", "iamspect-apply-test")
	os.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	os.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var clock = func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }

func scan(t *testing.T, s *snapshot.Snapshot) *report.Report {
	t.Helper()
	out, err := engine.Scan(context.Background(), s, engine.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	return out.Report
}

type env struct {
	srv  *sandbox.Server
	url  string
	cfg  aws.Config
	plan *plan.Plan
	raw  []byte
	dir  string
}

func setup(t *testing.T, wrap func(*sandbox.Server) http.Handler) *env {
	t.Helper()
	s := demo.Snapshot()
	srv, err := sandbox.New(s, sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = srv
	if wrap != nil {
		h = wrap(srv)
	}
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	cfg, err := collect.LoadConfig(context.Background(), collect.ConfigOptions{Region: "us-east-1", BaseEndpoint: hs.URL,
		Credentials: credentials.NewStaticCredentialsProvider(sandbox.DummyAccessKeyID, sandbox.DummySecretAccessKey, ""),
		MaxBackoff:  10 * time.Millisecond, RetryMode: aws.RetryModeStandard})
	if err != nil {
		t.Fatal(err)
	}
	p, err := fixplan.Build(demo.Snapshot(), scan(t, demo.Snapshot()), fixplan.Options{Now: clock(), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := p.Write(filepath.Join(dir, "plan.json")); err != nil {
		t.Fatal(err)
	}
	raw, p2, err := apply.ReadPlanFile(filepath.Join(dir, "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	return &env{srv: srv, url: hs.URL, cfg: cfg, plan: p2, raw: raw, dir: dir}
}

func (e *env) opts(yes bool, stage string) apply.Options {
	return apply.Options{Config: e.cfg, Org: true, Yes: yes, Stage: stage, Grace: -1, Journal: filepath.Join(e.dir, "journal.jsonl"),
		PlanBytes: e.raw, Now: func() time.Time { return clock().Add(time.Hour) }, MemberRole: "OrganizationAccountAccessRole"}
}

func writes(srv *sandbox.Server) map[string]int {
	out := map[string]int{}
	for k, n := range srv.Stats() {
		op := strings.TrimPrefix(k, "iam:")
		if strings.HasPrefix(op, "Update") || strings.HasPrefix(op, "Delete") || strings.HasPrefix(op, "Detach") ||
			strings.HasPrefix(op, "Attach") || strings.HasPrefix(op, "Put") || strings.HasPrefix(op, "Remove") ||
			strings.HasPrefix(op, "Add") || strings.HasPrefix(op, "Create") || strings.HasPrefix(op, "Deactivate") {
			out[k] = n
		}
	}
	return out
}

// planned returns the fingerprints the plan's runnable actions resolve.
func planned(p *plan.Plan) map[string]bool {
	m := map[string]bool{}
	for _, a := range p.Actions {
		if a.Call == nil || a.NeedsInput != "" {
			continue
		}
		for _, r := range a.Resolves {
			m[r.Fingerprint] = true
		}
	}
	return m
}

// The done-when test: plan → apply (both stages) → a new scan shows every
// planned finding resolved and nothing else changed; rollback restores the
// original state except for the irreversible actions.
func TestPlanApplyScanRollback(t *testing.T) {
	e := setup(t, nil)
	before := scan(t, demo.Snapshot())

	// A dry run makes no write call.
	if _, err := apply.Apply(context.Background(), e.plan, e.opts(false, "")); err != nil && !errors.Is(err, apply.ErrRefused) {
		t.Fatal(err)
	}
	if w := writes(e.srv); len(w) != 0 {
		t.Fatalf("dry run wrote: %v", w)
	}
	if _, err := os.Stat(filepath.Join(e.dir, "journal.jsonl")); err == nil {
		t.Fatal("dry run wrote a journal")
	}

	sum, err := apply.Apply(context.Background(), e.plan, e.opts(true, ""))
	if err != nil && !errors.Is(err, apply.ErrRefused) {
		t.Fatal(err)
	}
	if sum.Stage != plan.StageDeactivate || len(sum.Done) == 0 {
		t.Fatalf("first run: stage %s, done %d", sum.Stage, len(sum.Done))
	}
	for _, r := range sum.Refused {
		if !strings.HasPrefix(r.Why, "needs input") {
			t.Errorf("refused: %+v", r)
		}
	}
	// Without --stage, the irreversible delete stage is not run.
	writesBefore := sumOf(writes(e.srv))
	sum, err = apply.Apply(context.Background(), e.plan, e.opts(true, ""))
	if err != nil || sum.Stage != "" || sumOf(writes(e.srv)) != writesBefore {
		t.Fatalf("default apply after the deactivate stage: stage %q, err %v, writes %d→%d", sum.Stage, err, writesBefore, sumOf(writes(e.srv)))
	}
	// Named, it runs (the grace period is off in this test).
	sum, err = apply.Apply(context.Background(), e.plan, e.opts(true, plan.StageDelete))
	if err != nil && !errors.Is(err, apply.ErrRefused) {
		t.Fatal(err)
	}
	if len(sum.Done) == 0 {
		t.Fatal("delete stage did nothing")
	}
	// Every write happened once: one call per action done.
	wantCalls := map[string]int{}
	for _, a := range e.plan.Actions {
		if a.Call != nil && a.NeedsInput == "" && a.Stage != plan.StageManual {
			wantCalls["iam:"+a.Call.Operation]++
		}
	}
	if got := writes(e.srv); !maps.Equal(got, wantCalls) {
		t.Errorf("write calls %v, want one per action %v", got, wantCalls)
	}

	state, err := e.srv.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	after := scan(t, state)
	d := drift.Compare(before, after)
	want := planned(e.plan)
	var notResolved, unplannedResolved []string
	resolved := map[string]bool{}
	for _, r := range d.Resolved {
		resolved[r.Fingerprint] = true
		if !want[r.Fingerprint] {
			unplannedResolved = append(unplannedResolved, r.RuleID+" "+r.ResourceARN)
		}
	}
	for fp := range want {
		if !resolved[fp] {
			for _, r := range before.Results.Slice() {
				if r.Fingerprint == fp {
					notResolved = append(notResolved, r.RuleID+" "+r.ResourceARN)
				}
			}
		}
	}
	var newOnes []string
	for _, r := range d.New {
		newOnes = append(newOnes, r.RuleID+" "+r.ResourceARN)
	}
	sort.Strings(notResolved)
	sort.Strings(unplannedResolved)
	if len(notResolved)+len(unplannedResolved)+len(newOnes)+len(d.Unverified) > 0 {
		t.Fatalf("planned but still failing: %v\nresolved but not planned: %v\nnew: %v\nunverified: %d", notResolved, unplannedResolved, newOnes, len(d.Unverified))
	}

	// Rollback: dry run first (no writes), then for real.
	n := len(writes(e.srv))
	total := 0
	for _, v := range writes(e.srv) {
		total += v
	}
	rb, err := apply.Rollback(context.Background(), e.opts(false, ""))
	if err != nil {
		t.Fatalf("%v: %+v", err, rb.Refused)
	}
	t2 := 0
	for _, v := range writes(e.srv) {
		t2 += v
	}
	if t2 != total || len(writes(e.srv)) != n {
		t.Fatal("rollback dry run wrote")
	}
	if len(rb.Undone) == 0 || len(rb.Cannot) == 0 {
		t.Fatalf("rollback dry run: %+v", rb)
	}
	rb, err = apply.Rollback(context.Background(), e.opts(true, ""))
	if err != nil {
		t.Fatalf("%v: %+v", err, rb.Refused)
	}
	restored, _ := e.srv.Snapshot()
	// Compare the restored state with the original, ignoring what the
	// journal lists as irreversible.
	back := drift.Compare(before, scan(t, restored))
	irreversibleRes := map[string]bool{}
	for _, a := range e.plan.Actions {
		if slices.ContainsFunc(rb.Cannot, func(r apply.Refusal) bool { return r.ActionID == a.ID }) {
			for _, r := range a.Resolves {
				irreversibleRes[r.Fingerprint] = true
			}
		}
	}
	for _, r := range back.Resolved {
		if !irreversibleRes[r.Fingerprint] && !deletedWith(e.plan, rb, r.ResourceARN) {
			t.Errorf("after rollback, still resolved though reversible: %s %s", r.RuleID, r.ResourceARN)
		}
	}
	for _, r := range back.New {
		t.Errorf("after rollback, new finding: %s %s", r.RuleID, r.ResourceARN)
	}
	// And in the state itself: the reversible changes are back as they were.
	orig := demo.Snapshot()
	for _, a := range orig.Accounts {
		r := restored.Account(a.ID)
		if !reflect.DeepEqual(a.PasswordPolicy, r.PasswordPolicy) {
			t.Errorf("account %s: password policy %+v after rollback, was %+v", a.ID, r.PasswordPolicy, a.PasswordPolicy)
		}
	}
	eng := restored.Accounts[0].Group("Engineers")
	if eng == nil || !slices.ContainsFunc(eng.AttachedPolicies, func(p snapshot.PolicyRef) bool { return strings.HasSuffix(p.ARN, "/AWSCloudShellFullAccess") }) {
		t.Errorf("CloudShell policy not re-attached to Engineers: %+v", eng)
	}
	if r := restored.Accounts[0].Role("vendor-monitoring"); r != nil {
		t.Errorf("vendor-monitoring was deleted (irreversibly) yet is back: %+v", r)
	}
}

// deletedWith reports whether the resource (or its user) was deleted by an
// irreversible action of the journal.
func deletedWith(p *plan.Plan, rb *apply.RollbackSummary, arn string) bool {
	for _, c := range rb.Cannot {
		for _, a := range p.Actions {
			if a.ID != c.ActionID || a.Call == nil {
				continue
			}
			for _, name := range []string{a.Call.Str("UserName"), a.Call.Str("RoleName"), a.Call.Str("GroupName")} {
				if name != "" && strings.HasSuffix(arn, "/"+name) {
					return true
				}
			}
		}
	}
	return false
}

func readBody(r *http.Request) []byte {
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b
}

// isWriteBody tells an IAM write from a read by its Query action.
func isWriteBody(b []byte) bool {
	v, _ := url.ParseQuery(string(b))
	a := v.Get("Action")
	for _, p := range []string{"Update", "Delete", "Detach", "Attach", "Put", "Remove", "Add", "Create", "Deactivate"} {
		if strings.HasPrefix(a, p) {
			return true
		}
	}
	return false
}

// srvTime is the served snapshot's reference time (the demo's "now").
func (e *env) srvTime(t *testing.T) time.Time {
	t.Helper()
	s, err := e.srv.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	return s.ReferenceTime(s.Accounts[0]).Add(time.Hour)
}
