package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --as-of earlier than the data would make every age negative (and pass
// every "unused for N days" check): refused, naming the data's date.
func TestAsOfEarlierThanDataRefused(t *testing.T) {
	code, stdout, stderr := runCLI(t, "scan", "--authz-details", authzFile, "--credential-report", reportFile, "--as-of", "1990-01-01")
	if code != ExitUsage || stdout != "" {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
	want := "--as-of 1990-01-01T00:00:00Z is before the data of account 123456789012 (2026-01-05T10:00:00Z): ages would be negative"
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr %q\nwant %q", stderr, want)
	}
	// The day of the report itself is accepted (a date-only --as-of).
	if code, _, stderr := runCLI(t, "scan", "--authz-details", authzFile, "--credential-report", reportFile, "--as-of", "2026-01-05", "--fail-on", "none", "--allow-incomplete"); code != ExitOK {
		t.Errorf("--as-of the report's day: exit %d: %s", code, stderr)
	}
}

// Data dated after the snapshot was collected is an input error.
func TestFutureDatedDataRefused(t *testing.T) {
	dir := t.TempDir()
	snap := filepath.Join(dir, "snapshot.json")
	if code, _, stderr := runCLI(t, "collect", "--authz-details", authzFile, "--credential-report", reportFile, "--output", snap); code != ExitOK {
		t.Fatalf("collect: exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}
	// One role's creation date moved to 2099.
	s := string(b)
	i := strings.Index(s, `"roles"`)
	j := i + strings.Index(s[i:], `"created_at": "`) + len(`"created_at": "`)
	s = s[:j] + "2099" + s[j+4:]
	if err := os.WriteFile(snap, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "scan", "--snapshot", snap)
	if code != ExitUsage || !strings.Contains(stderr, "the data is dated after it was collected") || !strings.Contains(stderr, "was created on 2099-") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
