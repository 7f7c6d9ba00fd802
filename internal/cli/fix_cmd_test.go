package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/drift"
	"github.com/iamspect/iamspect/internal/remediate/apply"
	"github.com/iamspect/iamspect/internal/remediate/plan"
	"github.com/iamspect/iamspect/internal/sandbox"
)

func writesIn(stats map[string]int) int {
	n := 0
	for k, v := range stats {
		if regexp.MustCompile(`^iam:(Update|Delete|Detach|Attach|Put|Remove|Add|Create|Deactivate)`).MatchString(k) {
			n += v
		}
	}
	return n
}

// fix plan → apply (dry run, then --yes) → rollback through the command
// line, against the demo organisation in the sandbox.
func TestFixCommands(t *testing.T) {
	srv := useSandbox(t, sandbox.Options{})
	dir := t.TempDir()
	planFile := filepath.Join(dir, "plan.json")
	code, _, errText := runCLI(t, "fix", "plan", "--org", "-o", planFile)
	if code != ExitOK || !strings.Contains(errText, "iamspect: plan:") {
		t.Fatalf("fix plan: %d %s", code, errText)
	}
	p, err := plan.Load(planFile)
	if err != nil {
		t.Fatal(err)
	}
	// The live plan read the exact key IDs (ListAccessKeys per user).
	found := false
	for _, a := range p.Actions {
		if a.Call != nil && a.Call.Str("AccessKeyId") == "AKIAEXAMPLEERIN00001" {
			found = true
		}
	}
	if !found {
		t.Fatal("the live plan has no action on erin's key by its ID")
	}
	for format, want := range map[string]string{
		"sh":        "assume 'arn:aws:iam::222233334444:role/OrganizationAccountAccessRole'",
		"markdown":  "# Change request",
		"terraform": "removed {",
	} {
		code, out, errText := runCLI(t, "fix", "plan", "--org", "--format", format)
		if code != ExitOK || !strings.Contains(out, want) {
			t.Errorf("--format %s: %d, %q not in output\n%s", format, code, want, errText)
		}
	}
	if n := writesIn(srv.Stats()); n != 0 {
		t.Fatalf("fix plan wrote %d times", n)
	}

	code, beforeJSON, errText := runCLI(t, "scan", "--org", "-f", "json", "--fail-on", "none")
	if code != ExitOK {
		t.Fatalf("scan before: %d %s", code, errText)
	}
	// Dry run: reads only.
	code, out, _ := runCLI(t, "fix", "apply", planFile, "--org")
	if code != ExitFindings || !strings.Contains(out, "would run") || !strings.Contains(out, "needs input") {
		t.Fatalf("dry run: %d\n%s", code, out)
	}
	if n := writesIn(srv.Stats()); n != 0 {
		t.Fatalf("the dry run wrote %d times", n)
	}
	code, out, _ = runCLI(t, "fix", "apply", planFile, "--org", "--yes")
	if code != ExitFindings || !strings.Contains(out, "  done ") {
		t.Fatalf("apply: %d\n%s", code, out)
	}
	if writesIn(srv.Stats()) == 0 {
		t.Fatal("apply --yes wrote nothing")
	}
	// A new live scan: exactly the findings of the actions done are
	// resolved, and nothing is new.
	code, afterJSON, errText := runCLI(t, "scan", "--org", "-f", "json", "--fail-on", "none")
	if code != ExitOK {
		t.Fatalf("scan after: %d %s", code, errText)
	}
	d := drift.Compare(decodeReport(t, beforeJSON), decodeReport(t, afterJSON))
	entries, err := apply.ReadJournal(planFile + ".journal.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, e := range entries {
		if e.Event != apply.EvDone {
			continue
		}
		for _, a := range p.Actions {
			if a.ID == e.ActionID {
				for _, r := range a.Resolves {
					want[r.Fingerprint] = true
				}
			}
		}
	}
	got := map[string]bool{}
	for _, r := range d.Resolved {
		got[r.Fingerprint] = true
		if !want[r.Fingerprint] {
			t.Errorf("resolved without a planned action: %s %s", r.RuleID, r.ResourceARN)
		}
	}
	for fp := range want {
		if !got[fp] {
			t.Errorf("planned and done, still failing: %s", fp)
		}
	}
	for _, r := range d.New {
		t.Errorf("new after apply: %s %s", r.RuleID, r.ResourceARN)
	}
	journal := planFile + ".journal.jsonl"
	if _, err := os.Stat(journal); err != nil {
		t.Fatal(err)
	}
	code, _, errText = runCLI(t, "fix", "apply", planFile, "--org", "--yes", "--stage", "delete")
	if code != ExitUsage || !strings.Contains(errText, "grace-period") {
		t.Fatalf("delete stage before the grace period: %d %s", code, errText)
	}
	code, out, _ = runCLI(t, "fix", "rollback", journal, "--org")
	if code != ExitOK || !strings.Contains(out, "would undo") || !strings.Contains(out, "cannot undo") {
		t.Fatalf("rollback dry run: %d\n%s", code, out)
	}
}

// A hand-broken plan is refused with the line and field at fault.
func TestFixApplyRefusesBrokenPlan(t *testing.T) {
	useSandbox(t, sandbox.Options{})
	dir := t.TempDir()
	planFile := filepath.Join(dir, "plan.json")
	if code, _, errText := runCLI(t, "fix", "plan", "--org", "-o", planFile); code != ExitOK {
		t.Fatal(errText)
	}
	b, _ := os.ReadFile(planFile)
	lines := strings.Split(string(b), "\n")
	at := 0
	for i, l := range lines {
		if strings.Contains(l, `"operation": "UpdateAccessKey"`) {
			lines[i] = strings.Replace(l, "UpdateAccessKey", "CreateAccessKey", 1)
			at = i + 1
			break
		}
	}
	broken := filepath.Join(dir, "broken.json")
	if err := os.WriteFile(broken, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errText := runCLI(t, "fix", "apply", broken, "--org")
	if code != ExitUsage || !regexp.MustCompile(`line \d+: field actions\[\d+\]\.call: iam:CreateAccessKey is not an operation a plan may call`).MatchString(errText) {
		t.Fatalf("broken plan (edited line %d): %d %s", at, code, errText)
	}
}

// Rule selection and suppressions shape the plan like they shape a scan.
func TestFixPlanRuleSelectionAndSuppressions(t *testing.T) {
	useSandbox(t, sandbox.Options{})
	code, out, errText := runCLI(t, "fix", "plan", "--org", "--rules", "password-policy-*")
	if code != ExitOK {
		t.Fatal(errText)
	}
	p, err := plan.Read(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Actions) != 2 {
		t.Fatalf("--rules password-policy-*: %d actions, want one per account", len(p.Actions))
	}
	for _, a := range p.Actions {
		if a.Call == nil || a.Call.Operation != "UpdateAccountPasswordPolicy" {
			t.Fatalf("unexpected action %+v", a)
		}
	}
	supp := filepath.Join(t.TempDir(), "supp.yaml")
	if err := os.WriteFile(supp, []byte("suppressions:\n  - rule: 'password-policy-*'\n    account: '222233334444'\n    reason: handled by the landing zone\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errText = runCLI(t, "fix", "plan", "--org", "--rules", "password-policy-*", "--suppressions", supp)
	if code != ExitOK {
		t.Fatal(errText)
	}
	if p, err = plan.Read(strings.NewReader(out)); err != nil || len(p.Actions) != 1 || p.Actions[0].AccountID != "111122223333" {
		t.Fatalf("suppressed account still planned: %v %+v", err, p)
	}
}

// A snapshot collected with --credential-ids plans offline with exact IDs.
func TestFixPlanFromSnapshotWithCredentialIDs(t *testing.T) {
	useSandbox(t, sandbox.Options{})
	snap := filepath.Join(t.TempDir(), "snap.json")
	if code, _, errText := runCLI(t, "collect", "--org", "--credential-ids", "-o", snap); code != ExitOK {
		t.Fatal(errText)
	}
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9") // offline from here on
	code, out, errText := runCLI(t, "fix", "plan", "--snapshot", snap)
	if code != ExitOK {
		t.Fatal(errText)
	}
	if !strings.Contains(out, `"AccessKeyId": "AKIAEXAMPLEERIN00001"`) || strings.Contains(out, "access key IDs of user") {
		t.Fatalf("offline plan lacks exact key IDs:\n%s", out)
	}
	if code, _, _ := runCLI(t, "collect", "--credential-ids", "--snapshot", snap); code != ExitUsage {
		t.Fatalf("--credential-ids with a file input: %d", code)
	}
}
