package shareddata

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeTB records a skip instead of ending the test, so that this test does
// not itself show up as skipped.
type fakeTB struct {
	testing.TB
	skipped string
}

func (f *fakeTB) Helper()                          {}
func (f *fakeTB) Name() string                     { return "TestExample" }
func (f *fakeTB) Skipf(format string, args ...any) { f.skipped = fmt.Sprintf(format, args...) }

func outcome(dir, rel string) (path, skip string) {
	f := &fakeTB{}
	path = pathIn(f, dir, rel)
	return path, f.skipped
}

func TestPathSkipsWhenAbsent(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "authz-details"), 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "authz-details", "a.json")
	if err := os.WriteFile(file, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if p, skip := outcome(dir, "authz-details/a.json"); skip != "" || p != file {
		t.Errorf("present file: %q, skipped %q", p, skip)
	}
	if _, skip := outcome(dir, "authz-details/missing.json"); !strings.Contains(skip, "../shared/data/authz-details/missing.json not present: skipping TestExample") {
		t.Errorf("missing file: skip message %q", skip)
	}
	if _, skip := outcome("", "authz-details/a.json"); !strings.Contains(skip, "not present (clean clone): skipping TestExample, which reads authz-details/a.json") {
		t.Errorf("missing folder: skip message %q", skip)
	}
}

func TestDirIsBesideTheModule(t *testing.T) {
	r, err := root()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(r, "go.mod")); err != nil {
		t.Fatalf("module root %q: %v", r, err)
	}
	if d := Dir(); d != "" && filepath.Clean(d) != filepath.Join(r, "..", "shared", "data") {
		t.Errorf("Dir() = %q, want %s/../shared/data", d, r)
	}
}
