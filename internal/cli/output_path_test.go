package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// demoReportFile writes the demo's JSON report once per test.
func demoReportFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "report.json")
	if code, _, errOut := runCLI(t, "demo", "-f", "json", "-o", p); code != ExitOK {
		t.Fatalf("demo: exit %d\n%s", code, errOut)
	}
	return p
}

// Every command that writes something takes -o: nothing or - is standard
// output, a FILE gets the same bytes, and a directory is refused (exit 2,
// naming it) before any work is done.
func TestOutputFlagIsUniform(t *testing.T) {
	snap := demoSnapshotFile()
	rep := demoReportFile(t)
	for _, args := range [][]string{
		{"scan", "--snapshot", snap, "-f", "json"},
		{"demo", "-f", "csv"},
		{"collect", "--snapshot", snap},
		{"convert", rep, "-f", "markdown"},
		{"diff", rep, rep},
		{"drift", snap, snap},
		{"fix", "plan", "--snapshot", snap},
		{"migrate", "identity-center", "--demo"},
		{"export-commands"},
		{"rules", "--format", "json"},
		{"rules", "show", "root-access-keys"},
		{"who-can", "iam:PassRole", "--demo"},
		{"explain", "arn:aws:iam::111122223333:role/build-runner", "--demo", "-f", "json"},
	} {
		t.Run(strings.Join(args[:min(2, len(args))], " "), func(t *testing.T) {
			wantCode, want, errOut := runCLI(t, args...)
			if want == "" {
				t.Fatalf("%v wrote nothing to standard output (exit %d)\n%s", args, wantCode, errOut)
			}
			code, got, _ := runCLI(t, append(args, "-o", "-")...)
			if code != wantCode || got != want {
				t.Errorf("-o -: exit %d, %d bytes; want exit %d and the same %d bytes as without -o", code, len(got), wantCode, len(want))
			}
			file := filepath.Join(t.TempDir(), "out")
			code, got, errOut = runCLI(t, append(args, "-o", file)...)
			b, err := os.ReadFile(file)
			if code != wantCode || err != nil || string(b) != want || strings.TrimSpace(got) != "" {
				t.Errorf("-o FILE: exit %d (want %d), read %v, file %d bytes (want %d), stdout %q\n%s", code, wantCode, err, len(b), len(want), got, errOut)
			}
			dir := t.TempDir()
			code, got, errOut = runCLI(t, append(args, "-o", dir)...)
			if code != ExitUsage || got != "" || !strings.Contains(errOut, "iamspect: "+dir+" is a directory; give a file name") {
				t.Errorf("-o DIR: exit %d, stdout %d bytes, stderr:\n%s\nwant exit 2 and %q", code, len(got), errOut, dir+" is a directory; give a file name")
			}
		})
	}
}

// Commands whose work needs more than this test gives (a store, shards)
// still refuse a directory before starting it.
func TestOutputDirectoryRefusedFirst(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"history", "--target", "prod", "--db", "sqlite:" + filepath.Join(dir, "none.db")},
		{"merge", demoSnapshotFile()},
		{"scan", "--org"}, // would collect from AWS
		{"collect"},
	} {
		code, _, errOut := runCLI(t, append(args, "-o", dir)...)
		if code != ExitUsage || !strings.Contains(errOut, dir+" is a directory; give a file name") || strings.Contains(errOut, "collecting") {
			t.Errorf("%v -o DIR: exit %d, stderr:\n%s", args, code, errOut)
		}
	}
}

// An output that cannot be written names the path the user gave (not a
// temporary file), and says why.
func TestOutputErrorNamesUsersPath(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-dir", "r.json")
	code, _, errOut := runCLI(t, "demo", "-o", missing)
	want := "iamspect: cannot write " + missing + ": the directory " + filepath.Dir(missing) + " does not exist"
	if code != ExitUsage || strings.TrimSpace(errOut) != want {
		t.Errorf("exit %d, stderr %q, want %q", code, errOut, want)
	}
}

// --authz-details - reads standard input.
func TestAuthzDetailsFromStdin(t *testing.T) {
	f, err := os.Open(authzFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	old := stdin
	stdin = f
	t.Cleanup(func() { stdin = old })
	code, out, errOut := runCLI(t, "collect", "--authz-details", "-", "--credential-report", reportFile)
	if code != ExitOK || !strings.Contains(out, `"id": "123456789012"`) {
		t.Fatalf("exit %d; stderr:\n%s\nstdout:\n%.300s", code, errOut, out)
	}
	fromFile := func() string {
		_, s, _ := runCLI(t, "collect", "--authz-details", authzFile, "--credential-report", reportFile)
		return s
	}()
	// The snapshots differ only in the recorded source file name.
	if strings.Replace(out, `"-"`, `"`+authzFile+`"`, 1) != fromFile {
		t.Errorf("standard input read differently from the file")
	}

	stdin = strings.NewReader(`{"UserDetailList": 42}`)
	code, _, errOut = runCLI(t, "scan", "--authz-details", "-")
	if code != ExitUsage || !strings.Contains(errOut, "standard input") {
		t.Errorf("bad stdin: exit %d, stderr %q; want 2 naming standard input", code, errOut)
	}
	code, _, errOut = runCLI(t, "scan", "--authz-details", "-", "--credential-report", "-")
	if code != ExitUsage || !strings.Contains(errOut, "only one input can be - (standard input)") {
		t.Errorf("two stdin inputs: exit %d, stderr %q", code, errOut)
	}
}
