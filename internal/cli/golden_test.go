package cli

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/importer"
	"github.com/iamspect/iamspect/internal/sandbox"
)

// Golden files, one per report section and format, each small enough to
// review in a diff. They live in testdata/golden; after an intended change,
// regenerate them with
//
//	go test ./internal/cli -run TestGolden -update
//
// and read the diff. Times the test cannot fix (collection times, the
// sandbox's port) and the version are redacted before comparing.
func TestGolden(t *testing.T) {
	scanFixtures := []string{"scan", "--authz-details", authzFile, "--credential-report", reportFile, "--color", "never"}
	cases := []struct {
		name string
		args []string
		code int
	}{
		// Report sections and formats.
		{"demo-summary.table", []string{"demo", "--color", "never", "--rules", "root-access-keys,iam-user-console-without-mfa"}, ExitOK},
		{"scan-failures-by-rule.table", append(scanFixtures, "--allow-incomplete", "--severity", "critical,high"), ExitFindings},
		{"scan-unknown.table", []string{"scan", "--authz-details", authzFile, "--color", "never", "--rules", "root-*,iam-user-console-without-mfa,role-trust-any-principal"}, ExitIncomplete},
		{"scan.json", append(scanFixtures, "--format", "json", "--rules", "root-access-keys,role-trust-any-principal"), ExitFindings},
		{"demo-top.table", []string{"demo", "--color", "never"}, ExitOK},
		{"scan-top.table", append(scanFixtures, "--allow-incomplete", "--top", "3"), ExitFindings},
		{"scan-by-principal.table", append(scanFixtures, "--allow-incomplete", "--severity", "critical,high", "--group-by", "principal"), ExitFindings},
		{"compliance.table", []string{"demo", "--color", "never", "--compliance", "cis-aws-v3.0", "--rules", "root-*"}, ExitOK},
		{"suppressions.table", append(scanFixtures, "--allow-incomplete", "--suppressions", "testdata/suppressions.yaml", "--as-of", "2026-01-05",
			"--rules", "iam-user-console-without-mfa,iam-user-without-mfa,root-access-keys"), ExitFindings},
		{"scan.asff", append(scanFixtures, "--allow-incomplete", "--format", "asff", "--rules", "root-access-keys"), ExitFindings},
		{"suppressions.json", append(scanFixtures, "--allow-incomplete", "--format", "json", "--suppressions", "testdata/suppressions.yaml", "--as-of", "2026-01-05",
			"--rules", "iam-user-console-without-mfa"), ExitFindings},
		// Questions.
		{"explain.table", []string{"explain", "ci-bot", "--authz-details", authzFile}, ExitOK},
		{"explain-demo.table", []string{"explain", "arn:aws:iam::111122223333:role/build-runner", "--demo"}, ExitOK},
		{"explain.json", []string{"explain", "web-server", "--authz-details", authzFile, "--format", "json"}, ExitOK},
		{"who-can.table", []string{"who-can", "iam:PassRole", "--demo"}, ExitOK},
		{"who-can.json", []string{"who-can", "iam:PassRole", "--resource", "arn:aws:iam::123456789012:role/web-server", "--authz-details", authzFile, "--format", "json"}, ExitOK},
		// Snapshots written by file import.
		{"import-credential-report.snapshot", []string{"collect", "--credential-report", fixtures + "/credential-report-reordered.csv", "-o", "-"}, ExitOK},
		{"import-policies-page.snapshot", []string{"collect", "--authz-details", fixtures + "/authz-pages/authz-details-3.json", "-o", "-"}, ExitOK},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, c.code, errOut)
			}
			checkGolden(t, c.name, out)
		})
	}
}

// TestGoldenChanges pins what changed between two scans of the fixtures
// that ran different rules: the report's "what changed" section (--baseline)
// and 'iamspect diff' in its three formats.
func TestGoldenChanges(t *testing.T) {
	dir := t.TempDir()
	old, cur := filepath.Join(dir, "old.json"), filepath.Join(dir, "new.json")
	base := []string{"scan", "--authz-details", authzFile, "--credential-report", reportFile, "--allow-incomplete", "-f", "json"}
	if code, _, errOut := runCLI(t, append(base, "-o", old, "--rules", "root-access-keys,iam-user-console-without-mfa,iam-user-without-mfa")...); code != ExitFindings {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, append(base, "-o", cur, "--rules", "root-access-keys,role-trust-any-principal", "--baseline", old)...); code != ExitFindings {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	cases := []struct {
		name string
		args []string
		code int
	}{
		{"baseline.table", []string{"convert", cur, "--color", "never", "--allow-incomplete", "--fail-on", "none"}, ExitOK},
		{"diff.table", []string{"diff", old, cur}, ExitOK},
		{"diff.markdown", []string{"diff", old, cur, "--format", "markdown"}, ExitOK},
		{"diff.json", []string{"diff", old, cur, "--format", "json", "--fail-on-new", "critical"}, ExitFindings},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, c.code, errOut)
			}
			checkGolden(t, c.name, strings.ReplaceAll(out, dir, "DIR"))
		})
	}
}

// TestGoldenCollectSandbox serves a small snapshot (the fixture credential
// report, imported) from the sandbox and pins the snapshot 'collect' writes
// from it: what the live collector reads, and the gap, with the API action
// and AWS's error, it records for each input the served account lacks.
func TestGoldenCollectSandbox(t *testing.T) {
	served, err := importer.Import(importer.Options{Now: now().Add(-24 * 3600 * 1e9),
		CredentialReport: fixtures + "/credential-report.csv"})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sandbox.New(served, sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	for _, kv := range sandbox.Env(ts.URL) {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	snap := filepath.Join(t.TempDir(), "snapshot.json")
	code, _, errOut := runCLI(t, "collect", "--regions", "us-east-1", "-o", snap)
	if code != ExitOK {
		t.Fatalf("collect exit %d; stderr:\n%s", code, errOut)
	}
	b, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "collect-sandbox.snapshot", strings.ReplaceAll(string(b), ts.URL, "http://SANDBOX"))
}

var (
	timeFieldRe = regexp.MustCompile(`"(collected_at|generated_at)": "[^"]*"`)
	toolRe      = regexp.MustCompile(`"tool": "[^"]*"`)
	portRe      = regexp.MustCompile(`127\.0\.0\.1:\d+`)
)

// redactGolden removes what changes from run to run or build to build.
func redactGolden(s string) string {
	s = redact(s)
	s = timeFieldRe.ReplaceAllString(s, `"$1": "TIME"`)
	s = toolRe.ReplaceAllString(s, `"tool": "VERSION"`)
	return portRe.ReplaceAllString(s, "127.0.0.1:PORT")
}

// checkGolden compares out, redacted, with testdata/golden/name.golden, or
// rewrites that file under -update.
func checkGolden(t *testing.T, name, out string) {
	t.Helper()
	out = redactGolden(out)
	if strings.TrimSpace(out) == "" {
		t.Fatalf("%s: empty output", name)
	}
	if len(out) > 10<<10 {
		t.Errorf("%s: %d bytes; keep each golden file to a few KB so a diff of it can be read", name, len(out))
	}
	path := filepath.Join("testdata", "golden", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -run TestGolden -update to create it)", err)
	}
	if string(want) != out {
		t.Errorf("output differs from %s (run go test ./internal/cli -run TestGolden -update if intended, and review the diff):\n%s", path, lineDiff(string(want), out))
	}
}

// lineDiff shows the first lines where want and got differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("line " + itoa(i+1) + ":\n  want: " + wl + "\n  got:  " + gl + "\n")
			if shown++; shown == 10 {
				break
			}
		}
	}
	return b.String()
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
