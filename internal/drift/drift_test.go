package drift_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/drift"
	"github.com/iamspect/iamspect/internal/engine"
	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
)

func demoReport(t *testing.T) *report.Report {
	t.Helper()
	out, err := engine.Scan(context.Background(), demo.Snapshot(), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return out.Report
}

// changed returns a copy of the report with one failing result removed,
// one passing, one muted, one unknown, one passing result failing and one
// result that did not exist.
func changed(t *testing.T, old *report.Report) (*report.Report, map[string]string) {
	cur := *old
	cur.Results = finding.ListOf(append([]finding.Result(nil), old.Results.Slice()...))
	want := map[string]string{}
	var fails, passes []int
	for i, r := range cur.Results.Slice() {
		if r.Status == finding.Fail {
			fails = append(fails, i)
		} else if r.Status == finding.Pass {
			passes = append(passes, i)
		}
	}
	cur.Results.Slice()[fails[1]].Status = finding.Pass
	want[cur.Results.Slice()[fails[1]].Fingerprint] = "resolved PASS"
	cur.Results.Slice()[fails[2]].Status = finding.Muted
	want[cur.Results.Slice()[fails[2]].Fingerprint] = "resolved MUTED"
	cur.Results.Slice()[fails[3]].Status = finding.Unknown
	want[cur.Results.Slice()[fails[3]].Fingerprint] = "unverified"
	cur.Results.Slice()[passes[0]].Status = finding.Fail
	cur.Results.Slice()[passes[0]].Severity = finding.Critical
	want[cur.Results.Slice()[passes[0]].Fingerprint] = "new"
	gone := cur.Results.Slice()[fails[0]]
	want[gone.Fingerprint] = "resolved gone"
	cur.Results = finding.ListOf(append(cur.Results.Slice()[:fails[0]], cur.Results.Slice()[fails[0]+1:]...))
	added := finding.Result{RuleID: "iam-user-without-mfa", Status: finding.Fail, Severity: finding.Low, AccountID: demo.AccountID,
		ResourceARN: "arn:aws:iam::" + demo.AccountID + ":user/new-hire"}
	added.Finish()
	cur.Results = finding.ListOf(append(cur.Results.Slice(), added))
	want[added.Fingerprint] = "new"
	return &cur, want
}

func TestCompare(t *testing.T) {
	old := demoReport(t)
	cur, want := changed(t, old)
	d := drift.Compare(old, cur)
	got := map[string]string{}
	for _, r := range d.New {
		got[r.Fingerprint] = "new"
	}
	for _, r := range d.Resolved {
		got[r.Fingerprint] = "resolved " + map[finding.Status]string{"": "gone"}[r.Now] + string(r.Now)
	}
	for _, r := range d.Unverified {
		got[r.Fingerprint] = "unverified"
	}
	for fp, w := range want {
		if got[fp] != w {
			t.Errorf("%s: %q, want %q", fp, got[fp], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("changes %v, want %v", got, want)
	}
	fails := old.Summary.Fail
	if len(d.Unchanged) != fails-4 {
		t.Errorf("%d unchanged, want %d", len(d.Unchanged), fails-4)
	}
	if d.New[0].Severity != finding.Critical || d.NewAtOrAbove(finding.Critical) != 1 || d.NewAtOrAbove(finding.Low) != 2 {
		t.Errorf("new %v", d.New)
	}
	// Identical reports: nothing new, nothing resolved.
	same := drift.Compare(old, old)
	if len(same.New)+len(same.Resolved)+len(same.Unverified) != 0 || len(same.Unchanged) != fails {
		t.Errorf("same: %+v", same.Summarize())
	}
	c := d.Changes("old.json", old)
	if len(c.New) != 2 || c.Unchanged != fails-4 || len(c.Resolved) != 3 || c.Baseline.Path != "old.json" {
		t.Errorf("changes %+v", c)
	}
}

// A schema-1 report (migrated by report.Load) compares with a current one.
func TestOldSchemaBaseline(t *testing.T) {
	old, err := report.Load("../report/testdata/report-schema1.json")
	if err != nil {
		t.Fatal(err)
	}
	d := drift.Compare(old, demoReport(t))
	s := d.Summarize()
	if s.New+s.Unchanged == 0 || s.Unchanged == 0 {
		t.Errorf("%+v", s)
	}
}

func TestWriters(t *testing.T) {
	old := demoReport(t)
	cur, _ := changed(t, old)
	cur.Results.Slice()[0].Message = "pipe | and *stars* <b>"
	d := drift.Compare(old, cur)
	a, b := drift.SideOf("old.json", old), drift.SideOf("new.json", cur)
	var buf bytes.Buffer
	if err := drift.WriteJSON(&buf, d, a, b); err != nil {
		t.Fatal(err)
	}
	var doc drift.Document
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil || doc.Summary.New != 2 || len(doc.Findings.Resolved) != 3 || doc.Old.Path != "old.json" {
		t.Fatalf("json: %v %+v", err, doc.Summary)
	}
	buf.Reset()
	if err := drift.WriteTable(&buf, d, a, b, false); err != nil {
		t.Fatal(err)
	}
	tab := buf.String()
	for _, s := range []string{"NEW (2)", "RESOLVED (3)", "[now gone]", "[now PASS]", "UNVERIFIED", "2 new (1 critical, 1 low), 3 resolved"} {
		if !strings.Contains(tab, s) {
			t.Errorf("table lacks %q:\n%s", s, tab)
		}
	}
	buf.Reset()
	if err := drift.WriteMarkdown(&buf, d, a, b); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, s := range []string{"#### New findings (2)", "| critical |", "#### Resolved (3)", "| gone |"} {
		if !strings.Contains(md, s) {
			t.Errorf("markdown lacks %q:\n%s", s, md)
		}
	}
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| ") && strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") != 6 {
			t.Errorf("row breaks the table: %s", line)
		}
	}
}
