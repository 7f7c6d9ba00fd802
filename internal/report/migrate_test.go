package report_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
)

// testdata/report-schema1.json was written by iamspect before schema 2
// (`iamspect demo --rules root-access-keys,iam-access-key-not-rotated,
// iam-user-console-without-mfa --format json` at commit 980beda).
func TestSchema1ReportLoadsAndMigrates(t *testing.T) {
	r, err := report.Load("testdata/report-schema1.json")
	if err != nil {
		t.Fatal(err)
	}
	if r.SchemaVersion != report.SchemaVersion {
		t.Fatalf("schema %q after migration", r.SchemaVersion)
	}
	if r.Summary.Total != 20 || r.Summary.Fail != 7 || r.Results.Len() != 20 {
		t.Fatalf("summary %+v, %d results", r.Summary, r.Results.Len())
	}
	info := r.Rule("root-access-keys")
	if info == nil || info.Severity != finding.Critical || !strings.Contains(info.Remediation.Summary, "root") {
		t.Fatalf("rule metadata not migrated: %+v", info)
	}
	for _, res := range r.Results.Slice() {
		if res.Fingerprint == "" || res.RuleID == "" || res.Status == "" {
			t.Fatalf("result lost fields: %+v", res)
		}
	}
}

func TestNewerMinorFieldsAreIgnoredNewerMajorRefused(t *testing.T) {
	doc := `{"schema_version":"2.7","tool":{"name":"iamspect","version":"v9"},"future_field":{"x":1},
	  "results":[{"rule_id":"r","status":"FAIL","severity":"high","future":"y"}],"rules":[{"id":"r","title":"T","severity":"high","remediation":{"summary":"fix"},"new":1}]}`
	r, err := report.Read(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if r.Results.Len() != 1 || r.Rule("r").Remediation.Summary != "fix" {
		t.Fatalf("decoded %+v", r)
	}
	_, err = report.Read(strings.NewReader(`{"schema_version":"3.0"}`))
	if err == nil || !strings.Contains(err.Error(), "newer than this build") {
		t.Fatalf("major 3: %v", err)
	}
	for _, bad := range []string{`{}`, `{"schema_version":"x"}`, `[1]`, `null`} {
		if _, err := report.Read(strings.NewReader(bad)); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

// A migrated report re-encodes at the current version and reads back equal.
func TestMigratedReportRoundTrips(t *testing.T) {
	r, err := report.Load("testdata/report-schema1.json")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(r); err != nil {
		t.Fatal(err)
	}
	again, err := report.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(r)
	b, _ := json.Marshal(again)
	if !bytes.Equal(a, b) {
		t.Fatal("round trip changed the report")
	}
}
