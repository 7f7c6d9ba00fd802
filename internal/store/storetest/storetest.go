// Package storetest is the behaviour every store.Store must have, run by
// the tests of each implementation (sqlite, postgres).
package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/store"
)

// T0 is the time of the first scan of the fixture.
var T0 = time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)

// Result builds a result of rule on resource.
func Result(rule string, st finding.Status, sev finding.Severity, resource string) finding.Result {
	r := finding.Result{RuleID: rule, Status: st, Severity: sev, AccountID: "111122223333", ResourceType: finding.TypeUser,
		ResourceARN: "arn:aws:iam::111122223333:user/" + resource, ResourceName: resource, Message: rule + " on " + resource}
	r.Finish()
	return r
}

// Report wraps results in a report with a one-account snapshot.
func Report(rs ...finding.Result) (*report.Report, *snapshot.Snapshot) {
	s := snapshot.NewBuilder("111122223333", T0).Build()
	rep := &report.Report{SchemaVersion: report.SchemaVersion, Results: finding.ListOf(rs), Gaps: []snapshot.Gap{},
		Accounts: []report.Account{{ID: "111122223333"}}, Summary: report.Summarize(finding.ListOf(rs)),
		Rules: []report.RuleInfo{{ID: "r-a", Title: "Rule A", Severity: finding.High, Remediation: report.Remediation{Summary: "fix A"}}}}
	return rep, s
}

// Scan runs one scan of target through the store.
func Scan(t *testing.T, st store.Store, target string, at time.Time, rs ...finding.Result) (int64, []store.Finding) {
	t.Helper()
	ctx := context.Background()
	id, err := st.BeginScan(ctx, target, "schedule", at.Add(-time.Second))
	if err != nil {
		t.Fatal(err)
	}
	rep, snap := Report(rs...)
	fresh, err := st.FinishScan(ctx, id, store.Finished{At: at, Report: rep, Snapshot: snap, APICalls: map[string]int{"iam:ListRoles": 2}})
	if err != nil {
		t.Fatal(err)
	}
	return id, fresh
}

// Run checks the lifecycle, queries, interruption, muting and retention.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	ctx := context.Background()
	st := open(t)
	a := Result("r-a", finding.Fail, finding.High, "alice")
	b := Result("r-b", finding.Fail, finding.Medium, "bob")
	c := Result("r-c", finding.Fail, finding.Critical, "carol")

	_, fresh := Scan(t, st, "prod", T0, a, b)
	if len(fresh) != 2 {
		t.Fatalf("first scan: %d fresh findings, want 2", len(fresh))
	}
	bPass := b
	bPass.Status = finding.Pass
	id2, fresh := Scan(t, st, "prod", T0.Add(time.Hour), a, bPass, c)
	if len(fresh) != 1 || fresh[0].Fingerprint != c.Fingerprint || fresh[0].State != store.StateNew {
		t.Fatalf("second scan fresh = %+v, want carol new", fresh)
	}
	states := func() map[string]string {
		fs, total, err := st.Findings(ctx, store.FindingQuery{Target: "prod"})
		if err != nil || total != len(fs) {
			t.Fatalf("findings: %v (total %d, %d rows)", err, total, len(fs))
		}
		m := map[string]string{}
		for _, f := range fs {
			m[f.ResourceName] = f.State
		}
		return m
	}
	if got := states(); got["alice"] != store.StateOpen || got["bob"] != store.StateResolved || got["carol"] != store.StateNew {
		t.Fatalf("after scan 2: %v", got)
	}
	f, events, err := st.Finding(ctx, "prod", b.Fingerprint)
	if err != nil || f.ResolvedAt == nil || !f.ResolvedAt.Equal(T0.Add(time.Hour)) || len(events) != 2 {
		t.Fatalf("bob: %+v %v events %+v", f, err, events)
	}
	// bob fails again: reopened; carol now open.
	_, fresh = Scan(t, st, "prod", T0.Add(2*time.Hour), a, b, c)
	if len(fresh) != 1 || fresh[0].ResourceName != "bob" || fresh[0].State != store.StateReopened {
		t.Fatalf("third scan fresh = %+v, want bob reopened", fresh)
	}
	if got := states(); got["bob"] != store.StateReopened || got["carol"] != store.StateOpen {
		t.Fatalf("after scan 3: %v", got)
	}
	// Filters and paging.
	fs, total, err := st.Findings(ctx, store.FindingQuery{Target: "prod", Severity: []finding.Severity{finding.Critical, finding.High}, Limit: 1})
	if err != nil || total != 2 || len(fs) != 1 || fs[0].ResourceName != "carol" {
		t.Fatalf("severity filter: %v total %d %+v", err, total, fs)
	}
	fs, _, _ = st.Findings(ctx, store.FindingQuery{Target: "prod", Since: T0.Add(30 * time.Minute)})
	if len(fs) != 1 || fs[0].ResourceName != "carol" {
		t.Fatalf("since filter: %+v", fs)
	}
	if fs, _, _ = st.Findings(ctx, store.FindingQuery{RuleID: "r-a", State: "active"}); len(fs) != 1 {
		t.Fatalf("rule+active: %+v", fs)
	}
	// A suppression's MUTED result stays a finding, muted with the reason.
	aMuted := a
	aMuted.Status, aMuted.MuteReason = finding.Muted, "accepted risk"
	Scan(t, st, "prod", T0.Add(3*time.Hour), aMuted, b, c)
	f, _, _ = st.Finding(ctx, "prod", a.Fingerprint)
	if f.State != store.StateOpen || !f.Muted || f.MuteReason != "accepted risk" || f.MuteSource != store.MuteBySuppression {
		t.Fatalf("muted alice: %+v", f)
	}
	// Manual mute with expiry.
	until := time.Now().Add(-time.Minute)
	if err := st.Mute(ctx, "prod", c.Fingerprint, "ticket 42", &until); err != nil {
		t.Fatal(err)
	}
	f, _, _ = st.Finding(ctx, "prod", c.Fingerprint)
	if f.Muted || f.MuteReason != "ticket 42" {
		t.Fatalf("expired mute: %+v", f)
	}
	if err := st.Mute(ctx, "prod", "nope", "x", nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("mute unknown: %v", err)
	}
	// Results, rules, snapshot of a past scan.
	rs, err := st.Results(ctx, id2)
	if err != nil || len(rs) != 3 || rs[0].Status != finding.Fail {
		t.Fatalf("results: %v %+v", err, rs)
	}
	rules, err := st.Rules(ctx, id2)
	if err != nil || len(rules) != 1 || rules[0].Remediation.Summary != "fix A" {
		t.Fatalf("rules: %v %+v", err, rules)
	}
	snap, err := st.Snapshot(ctx, id2)
	if err != nil || len(snap.Accounts) != 1 || snap.Accounts[0].ID != "111122223333" {
		t.Fatalf("snapshot: %v", err)
	}
	sc, err := st.Scan(ctx, id2)
	if err != nil || sc.Status != store.StatusSucceeded || sc.New != 1 || sc.Resolved != 1 || sc.APICalls["iam:ListRoles"] != 2 || sc.DurationMS != 1000 {
		t.Fatalf("scan: %v %+v", err, sc)
	}
	// An unfinished scan is invisible, then interrupted.
	running, err := st.BeginScan(ctx, "prod", "api", T0.Add(4*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := st.MarkInterrupted(ctx, T0.Add(5*time.Hour)); err != nil || n != 1 {
		t.Fatalf("mark interrupted: %d %v", n, err)
	}
	sc, _ = st.Scan(ctx, running)
	if sc.Status != store.StatusInterrupted || sc.FinishedAt == nil {
		t.Fatalf("interrupted scan: %+v", sc)
	}
	if rs, _ := st.Results(ctx, running); len(rs) != 0 {
		t.Fatalf("interrupted scan has %d results", len(rs))
	}
	rep, s := Report(a)
	if _, err := st.FinishScan(ctx, running, store.Finished{At: T0, Report: rep, Snapshot: s}); err == nil {
		t.Fatal("finishing an interrupted scan succeeded")
	}
	counts, err := st.CountFindings(ctx, "prod")
	if err != nil || len(counts) != 3 {
		t.Fatalf("counts: %v %+v", err, counts)
	}
	// Trend, deliveries.
	trend, err := st.Trend(ctx, "prod", 10)
	if err != nil || len(trend) != 4 || trend[0].Fail[finding.High] != 1 || !trend[0].At.Equal(T0) {
		t.Fatalf("trend: %v %+v", err, trend)
	}
	if err := st.LogDelivery(ctx, store.Delivery{At: T0, Channel: "hook", Kind: "webhook", Event: "findings", Target: "prod", ScanID: id2, OK: true, Attempts: 2, HTTPStatus: 200}); err != nil {
		t.Fatal(err)
	}
	ds, err := st.Deliveries(ctx, 10)
	if err != nil || len(ds) != 1 || !ds[0].OK || ds[0].Attempts != 2 {
		t.Fatalf("deliveries: %v %+v", err, ds)
	}
	// Retention: keep 2 scans of prod (the interrupted one counts).
	n, err := st.Prune(ctx, store.Retention{KeepScans: 2}, T0.Add(6*time.Hour))
	if err != nil || n != 3 {
		t.Fatalf("prune: %d %v, want 3", n, err)
	}
	scans, _ := st.Scans(ctx, "prod", 10, 0)
	if len(scans) != 2 {
		t.Fatalf("%d scans kept", len(scans))
	}
	if _, err := st.Snapshot(ctx, id2); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("pruned snapshot: %v", err)
	}
	if got := states(); len(got) != 3 {
		t.Fatalf("findings after prune: %v", got)
	}
	// keep_days: everything older goes but the latest successful scan.
	if n, err := st.Prune(ctx, store.Retention{KeepDays: 1}, T0.Add(10*24*time.Hour)); err != nil || n != 1 {
		t.Fatalf("prune by age: %d %v, want 1", n, err)
	}
	scans, _ = st.Scans(ctx, "prod", 10, 0)
	if len(scans) != 1 || scans[0].Status != store.StatusSucceeded {
		t.Fatalf("after prune by age: %+v", scans)
	}
	if ds, _ := st.Deliveries(ctx, 10); len(ds) != 0 {
		t.Fatalf("old deliveries kept: %+v", ds)
	}
}
