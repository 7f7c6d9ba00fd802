package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/drift"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/sandbox"
	"github.com/iamspect/iamspect/internal/securityhub"
)

// One scan, several reports: -f/-o plus each --report, every one complete.
func TestSeveralReportsFromOneScan(t *testing.T) {
	dir := t.TempDir()
	js, asffFile, table := filepath.Join(dir, "r.json"), filepath.Join(dir, "f.asff.json"), filepath.Join(dir, "t.txt")
	code, stdout, errOut := runCLI(t, "demo", "-f", "json", "-o", js, "--report", "asff="+asffFile, "--report", "table="+table)
	if code != ExitOK || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, stdout, errOut)
	}
	rep, err := report.Load(js)
	if err != nil {
		t.Fatal(err)
	}
	var findings []map[string]any
	data, _ := os.ReadFile(asffFile)
	if err := json.Unmarshal(data, &findings); err != nil || len(findings) != rep.Results.Len() {
		t.Fatalf("asff: %v, %d findings for %d results", err, len(findings), rep.Results.Len())
	}
	if tab, _ := os.ReadFile(table); !strings.Contains(string(tab), "failing (") {
		t.Errorf("table report:\n%.300s", tab)
	}
	// "-" is standard output; convert takes --report too.
	code, stdout, errOut = runCLI(t, "convert", js, "-o", filepath.Join(dir, "again.txt"), "--report", "json=-")
	if code != ExitFindings || !strings.HasPrefix(stdout, "{") {
		t.Fatalf("convert: exit %d, stderr %s, stdout %.100s", code, errOut, stdout)
	}
}

// Outputs that cannot be written are refused before anything is scanned.
func TestReportTargetsCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--report", "sarif2=x"}, `unknown format "sarif2"`},
		{[]string{"--report", "json"}, "want FORMAT=PATH"},
		{[]string{"--report", "json=" + filepath.Join(dir, "missing", "r.json")}, "does not exist"},
		{[]string{"--report", "json=" + dir}, "is a directory"},
		{[]string{"--report", "json=-"}, "only one report can go to standard output"},
		{[]string{"-o", filepath.Join(dir, "a"), "--report", "json=" + filepath.Join(dir, "a")}, "named for two reports"},
		{[]string{"--security-hub-region", "mars"}, "want a region name"},
		{[]string{"--baseline", filepath.Join(dir, "nope.json")}, "--baseline"},
	}
	for _, c := range cases {
		code, _, errOut := runCLI(t, append([]string{"scan", "--snapshot", demoSnapshotFile()}, c.args...)...)
		if code != ExitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, errOut, c.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files written: %v", entries)
	}
}

// scan --baseline adds what changed to the report (schema 2.1); diff
// compares two saved reports and gates on new findings.
func TestBaselineAndDiff(t *testing.T) {
	dir := t.TempDir()
	old, cur := filepath.Join(dir, "old.json"), filepath.Join(dir, "new.json")
	// The baseline ran fewer rules: the others' failures are new now.
	if code, _, errOut := runCLI(t, "scan", "--snapshot", demoSnapshotFile(), "--rules", "root-access-keys,iam-user-without-mfa", "-f", "json", "-o", old); code != ExitFindings {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	code, _, errOut := runCLI(t, "scan", "--snapshot", demoSnapshotFile(), "--rules", "root-access-keys,root-mfa-disabled", "-f", "json", "-o", cur, "--baseline", old)
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rep, err := report.Load(cur)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(cur)
	if !strings.Contains(string(raw), `"schema_version": "`+report.SchemaVersion+`"`) || rep.Changes == nil {
		t.Fatalf("no changes block: %.300s", raw)
	}
	c := rep.Changes
	if len(c.New) == 0 || c.Unchanged == 0 || len(c.Resolved) == 0 || c.Baseline.Path != old {
		t.Errorf("changes: %d new, %d unchanged, %d resolved", len(c.New), c.Unchanged, len(c.Resolved))
	}
	for _, r := range c.Resolved {
		if r.RuleID != "iam-user-without-mfa" || r.Now != "" {
			t.Errorf("resolved %s now %q", r.RuleID, r.Now)
		}
	}
	code, table, _ := runCLI(t, "convert", cur, "--fail-on", "none")
	if code != ExitOK || !strings.Contains(table, "WHAT CHANGED") {
		t.Errorf("table lacks what changed (exit %d):\n%s", code, table)
	}

	code, out, errOut := runCLI(t, "diff", old, cur, "--format", "json")
	var doc drift.Document
	if code != ExitOK || json.Unmarshal([]byte(out), &doc) != nil || doc.Summary.New != len(c.New) || doc.Summary.Resolved != len(c.Resolved) {
		t.Fatalf("diff json: exit %d %s %.300s", code, errOut, out)
	}
	if code, _, _ := runCLI(t, "diff", old, cur, "--fail-on-new", "critical"); code != ExitFindings {
		t.Errorf("--fail-on-new critical with a new critical finding: exit %d", code)
	}
	if code, _, _ := runCLI(t, "diff", old, old, "--fail-on-new", "info"); code != ExitOK {
		t.Errorf("no change: exit %d", code)
	}
	if code, md, _ := runCLI(t, "diff", old, cur, "-f", "markdown"); code != ExitOK || !strings.Contains(md, "#### New findings") {
		t.Errorf("markdown: %d\n%s", code, md)
	}
	if code, _, errOut := runCLI(t, "diff", old); code != ExitUsage || !strings.Contains(errOut, "two report files") {
		t.Errorf("one argument: %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "diff", old, filepath.Join(dir, "nope.json")); code != ExitUsage {
		t.Errorf("missing report: %d %s", code, errOut)
	}
	// A schema-1 report is a valid baseline.
	if code, _, errOut := runCLI(t, "diff", "../report/testdata/report-schema1.json", cur); code != ExitOK {
		t.Errorf("schema 1: %d %s", code, errOut)
	}
}

// scan --security-hub imports the findings into the (sandbox) Security Hub
// with the SDK, each account's by that account; a refused import exits 4.
func TestScanToSecurityHub(t *testing.T) {
	srv := useSandbox(t, sandbox.Options{})
	code, _, errOut := runCLI(t, "scan", "--snapshot", demoSnapshotFile(), "-o", filepath.Join(t.TempDir(), "r.txt"), "--security-hub")
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	n := len(srv.SecurityHubFindings())
	if n == 0 || !strings.Contains(errOut, "Security Hub (us-east-1, as arn:aws:iam::111122223333:user/iamspect-sandbox): ") ||
		!strings.Contains(errOut, " 0 failed") {
		t.Fatalf("%d findings held; stderr:\n%s", n, errOut)
	}
	if srv.Stats()["sts:AssumeRole"] == 0 {
		t.Error("the member account's findings were not imported as that account")
	}
	code, _, errOut = runCLI(t, "scan", "--snapshot", demoSnapshotFile(), "-o", filepath.Join(t.TempDir(), "r.txt"), "--security-hub",
		"--security-hub-product-arn", "arn:aws:securityhub:us-east-1:999999999999:product/999999999999/default")
	if code != ExitFailure || !strings.Contains(errOut, "AccessDeniedException") || !strings.Contains(errOut, "no finding was imported") {
		t.Errorf("wrong product: exit %d\n%.2000s", code, errOut)
	}
}

// A Security Hub delivery that imported some findings exits 6, one that
// imported none 4.
func TestDeliveryExitCodes(t *testing.T) {
	for partial, want := range map[bool]int{true: ExitPartialDelivery, false: ExitFailure} {
		err := fmt.Errorf("scan: %w", &securityhub.Error{Partial: partial, Outcome: securityhub.Outcome{Imported: 3, Failed: 1}})
		if code, msg := codeFor(context.Background(), err); code != want || !strings.Contains(msg, "Security Hub") {
			t.Errorf("partial %v: %d %q", partial, code, msg)
		}
	}
}
