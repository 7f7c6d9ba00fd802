// Package reporttest gives the format writers' tests one small, fixed report
// of the demo organisation and golden-file comparison with -update. Only
// tests import it. (The official schemas are read in place through
// internal/testutil/shareddata.)
package reporttest

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/compliance"
	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/engine"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/suppress"
)

var update = flag.Bool("update", false, "rewrite golden files")

// GoldenRules keep each golden file a few kilobytes: a critical rule
// (level error in SARIF) and a medium one (warning), which between them
// fail, pass, are muted and are unknown.
var GoldenRules = []string{"root-access-keys", "iam-access-key-not-rotated"}

// Generated is the fixed generated_at of test reports.
var Generated = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

// suppressions mute one demo finding, so every status appears.
const suppressions = `suppressions:
  - rule: iam-access-key-not-rotated
    resource: legacy-backup
    reason: "Backup job retires with the <old> NAS | ticket OPS-42"
`

// Demo scans the demo organisation with GoldenRules and returns a report
// holding every status: FAIL, PASS, MUTED (legacy-backup's key, suppressed)
// and UNKNOWN (the member account's credential report is left out). The
// time is Generated and the tool version "VERSION", so output is stable.
// With a framework, the report has its compliance section.
func Demo(t testing.TB, framework rules.Framework) *report.Report {
	t.Helper()
	s := demo.Snapshot()
	for i := range s.Accounts {
		a := s.Accounts[i]
		if a.ID == "222233334444" {
			a.Collected = slices.DeleteFunc(a.Collected, func(in snapshot.Input) bool { return in == snapshot.InputCredentialReport })
		}
	}
	set, err := suppress.Parse([]byte(suppressions), "suppressions.yaml")
	if err != nil {
		t.Fatal(err)
	}
	o := engine.Options{Suppressions: set, SuppressionsFile: "suppressions.yaml", Clock: func() time.Time { return Generated }}
	for _, id := range GoldenRules {
		o.Rules = append(o.Rules, rules.ByID(id))
	}
	if framework != "" {
		fw, ok := compliance.Get(framework)
		if !ok {
			t.Fatalf("no framework %s", framework)
		}
		o.Compliance = &fw
	}
	out, err := engine.Scan(context.Background(), s, o)
	if err != nil {
		t.Fatal(err)
	}
	out.Report.Tool.Version = "VERSION"
	return out.Report
}

// Full scans the whole demo with every rule (no suppressions, no gaps).
func Full(t testing.TB) *report.Report {
	t.Helper()
	out, err := engine.Scan(context.Background(), demo.Snapshot(), engine.Options{Clock: func() time.Time { return Generated }})
	if err != nil {
		t.Fatal(err)
	}
	out.Report.Tool.Version = "VERSION"
	return out.Report
}

// Golden compares got with testdata/name, or rewrites it under -update.
func Golden(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test with -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("output differs from %s (run go test with -update if intended):\n%s", path, got)
	}
}
