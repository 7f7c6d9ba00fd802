package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/demo"
)

var update = flag.Bool("update", false, "rewrite golden files")

// The project's own AWS CLI fixtures (see internal/importer/testdata/README.md):
// account 123456789012, whose credential report (generated 2026-01-05 10:00
// UTC) lacks the user new-hire, created after it.
const (
	fixtures   = "../importer/testdata/fixtures"
	authzFile  = fixtures + "/authz-details.json"
	reportFile = fixtures + "/credential-report-base64.json"
)

// demoSnapshotFile writes the demo snapshot once and returns its path.
var demoSnapshotFile = sync.OnceValue(func() string {
	dir, err := os.MkdirTemp("", "iamspect-cli-test")
	if err != nil {
		panic(err)
	}
	path := filepath.Join(dir, "demo.json")
	f, err := os.Create(path)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := demo.Snapshot().Write(f); err != nil {
		panic(err)
	}
	return path
})

func init() {
	now = func() time.Time { return time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC) }
}

// runCLI runs iamspect in-process and returns exit code, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestExitCodes(t *testing.T) {
	cases := []struct {
		name string
		args []string
		code int
		want string // in stdout or stderr: an exit code alone can come from another failure
	}{
		{"demo always 0", []string{"demo"}, ExitOK, ""},
		{"demo json", []string{"demo", "--format", "json"}, ExitOK, ""},
		// Two files leave the password policy, Identity Center and the rest
		// unread: those rules are UNKNOWN, so the scan is incomplete.
		{"both files: incomplete", []string{"scan", "--authz-details", authzFile, "--credential-report", reportFile}, ExitIncomplete, "42 unknown\n  — incomplete scan"},
		{"both files, allowed: failures", []string{"scan", "--authz-details", authzFile, "--credential-report", reportFile, "--allow-incomplete"}, ExitFindings, "2 critical"},
		{"critical gate still fails (root key)", []string{"scan", "--authz-details", authzFile, "--credential-report", reportFile, "--allow-incomplete", "--fail-on", "critical"}, ExitFindings, "root-access-keys"},
		{"fail-on none", []string{"scan", "--authz-details", authzFile, "--credential-report", reportFile, "--allow-incomplete", "--fail-on", "none"}, ExitOK, "2 critical"},
		{"users missing from the report: incomplete even for the seven", []string{"scan", "--authz-details", authzFile, "--credential-report", reportFile,
			"--rules", "iam-user-unnecessary,iam-user-password-and-access-keys,iam-user-console-without-mfa,iam-access-key-not-rotated,iam-access-key-unused,root-access-keys,root-mfa-disabled"}, ExitIncomplete, "not in the credential report"},
		{"complete snapshot with failures", []string{"scan", "--snapshot", demoSnapshotFile()}, ExitFindings, ""},
		{"complete snapshot, failures only below --fail-on", []string{"scan", "--snapshot", demoSnapshotFile(), "--rules", "iam-user-no-hardware-mfa", "--fail-on", "medium"}, ExitOK, ""},
		{"authz only: incomplete", []string{"scan", "--authz-details", authzFile}, ExitIncomplete, "incomplete scan"},
		{"authz only, allowed", []string{"scan", "--authz-details", authzFile, "--allow-incomplete"}, ExitFindings, ""},
		{"authz only, allowed, fail-on none", []string{"scan", "--authz-details", authzFile, "--allow-incomplete", "--fail-on", "none"}, ExitOK, ""},
		{"no input", []string{"scan"}, ExitUsage, ""},
		{"unknown flag", []string{"scan", "--nope"}, ExitUsage, ""},
		{"bad format", []string{"demo", "--format", "xml"}, ExitUsage, ""},
		{"bad fail-on", []string{"demo", "--fail-on", "severe"}, ExitUsage, ""},
		{"bad as-of", []string{"demo", "--as-of", "yesterday"}, ExitUsage, ""},
		{"missing file", []string{"scan", "--authz-details", "/nonexistent.json"}, ExitUsage, "file not found"},
		{"wrong kind of file", []string{"scan", "--authz-details", reportFile}, ExitUsage, "pass it with --credential-report"},
		{"stray argument", []string{"demo", "extra"}, ExitUsage, ""},
		{"snapshot and files", []string{"scan", "--snapshot", "x.json", "--from", "dir"}, ExitUsage, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, c.code, stderr)
			}
			if !strings.Contains(stdout+stderr, c.want) {
				t.Errorf("output lacks %q:\n%s\n%s", c.want, stdout, stderr)
			}
			if c.code == ExitUsage {
				lines := strings.Split(strings.TrimSpace(stderr), "\n")
				if len(lines) != 1 || !strings.HasPrefix(lines[0], "iamspect: ") {
					t.Fatalf("want one error line, got %q", stderr)
				}
				if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic") {
					t.Fatalf("stack trace: %s", stderr)
				}
			}
		})
	}
}

func TestInputErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.json")
	os.WriteFile(empty, nil, 0o600)
	broken := filepath.Join(dir, "broken.json")
	os.WriteFile(broken, []byte("{\n  \"UserDetailList\": [\n    {,}\n"), 0o600)
	for _, args := range [][]string{
		{"scan", "--authz-details", empty},
		{"scan", "--credential-report", empty},
		{"scan", "--authz-details", broken},
		{"scan", "--snapshot", broken},
	} {
		code, _, stderr := runCLI(t, args...)
		if code != ExitUsage || !strings.Contains(stderr, args[2]) {
			t.Errorf("%v: exit %d, stderr %q (want the file named)", args, code, stderr)
		}
	}
	_, _, stderr := runCLI(t, "scan", "--authz-details", broken)
	if !strings.Contains(stderr, "3") {
		t.Errorf("syntax error should give the line: %q", stderr)
	}
}

func TestPartialInputsReportUnknownNeverPass(t *testing.T) {
	_, out, _ := runCLI(t, "scan", "--authz-details", authzFile, "--format", "json")
	var rep struct {
		Summary struct{ Complete bool } `json:"summary"`
		Results []struct {
			RuleID        string   `json:"rule_id"`
			Status        string   `json:"status"`
			Message       string   `json:"message"`
			MissingInputs []string `json:"missing_inputs"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Complete {
		t.Error("a scan without the credential report claims to be complete")
	}
	credRules := map[string]bool{"iam-user-password-and-access-keys": true, "iam-user-console-without-mfa": true,
		"iam-access-key-not-rotated": true, "iam-access-key-unused": true, "root-access-keys": true, "root-mfa-disabled": true}
	seen := map[string]bool{}
	for _, r := range rep.Results {
		if !credRules[r.RuleID] {
			continue
		}
		seen[r.RuleID] = true
		if r.Status != "UNKNOWN" || !strings.Contains(r.Message, "credential") || len(r.MissingInputs) == 0 {
			t.Errorf("%s: %s %q %v", r.RuleID, r.Status, r.Message, r.MissingInputs)
		}
	}
	if len(seen) != len(credRules) {
		t.Errorf("credential rules reported: %v", seen)
	}
}

func TestOutputFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.json")
	code, stdout, _ := runCLI(t, "demo", "--format", "json", "--output", path)
	if code != ExitOK || stdout != "" {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
	b, err := os.ReadFile(path)
	if err != nil || !json.Valid(b) {
		t.Fatalf("report file: %v", err)
	}
}

func TestAsOfChangesAges(t *testing.T) {
	// The fixture report is from 2026-01-05 10:00: ci-bot's key was rotated
	// on 2025-12-20 14:06, so it is 15 days old then and 365 whole days old
	// at midnight on 2026-12-21.
	args := []string{"scan", "--authz-details", authzFile, "--credential-report", reportFile, "--format", "json"}
	_, before, _ := runCLI(t, args...)
	_, after, _ := runCLI(t, append(args, "--as-of", "2026-12-21")...)
	if !strings.Contains(before, `"resource_name": "ci-bot"`) {
		t.Fatalf("ci-bot is not in the report:\n%.2000s", before)
	}
	if strings.Contains(before, "ci-bot: access key 1 is") {
		t.Error("fresh key reported as old")
	}
	if !strings.Contains(after, "ci-bot: access key 1 is 365 days old") {
		t.Error("--as-of did not age the key")
	}
}

// versionRe finds the version in JSON and at the start of the table's
// header (not in prose such as "iamspect does not" or "iamspect rules show").
var versionRe = regexp.MustCompile(`(?m)("version": "|^iamspect )[^" \n]+`)

func redact(s string) string { return versionRe.ReplaceAllString(s, "${1}VERSION") }

func TestColorOnlyWhenAsked(t *testing.T) {
	_, plain, _ := runCLI(t, "demo")
	_, colored, _ := runCLI(t, "demo", "--color", "always")
	if strings.Contains(plain, "\x1b[") {
		t.Error("colour written to a non-terminal")
	}
	if !strings.Contains(colored, "\x1b[") {
		t.Error("--color always wrote no colour")
	}
}

func TestExportCommandsAreReadOnly(t *testing.T) {
	code, out, _ := runCLI(t, "export-commands")
	if code != ExitOK {
		t.Fatal(code)
	}
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "aws ") && !strings.HasPrefix(line, "until ") {
			continue
		}
		for _, verb := range []string{" create-", " delete-", " put-", " update-", " attach-", " detach-", " set-", " tag-"} {
			if strings.Contains(line, verb) {
				t.Errorf("not read-only: %s", line)
			}
		}
	}
	if !strings.Contains(out, "get-account-authorization-details") || !strings.Contains(out, "get-credential-report") {
		t.Error("missing the two main commands")
	}
}
