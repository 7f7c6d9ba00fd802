package iamdata

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestCatalogueSize(t *testing.T) {
	// Figures from the source export's header (serviceCount, actionCount).
	if got := Len(); got != 21788 {
		t.Errorf("Len() = %d, want 21788", got)
	}
	if got := len(Services()); got != 455 {
		t.Errorf("len(Services()) = %d, want 455", got)
	}
	if n := len(actionsGz); n > 1<<20 {
		t.Errorf("embedded catalogue is %d bytes, keep it under 1 MiB", n)
	}
}

func TestLookup(t *testing.T) {
	cases := []struct {
		in    string
		want  string
		level AccessLevel
	}{
		{"iam:PassRole", "iam:PassRole", Write},
		{"IAM:passrole", "iam:PassRole", Write},
		{"iam:PutRolePolicy", "iam:PutRolePolicy", PermissionsManagement},
		{"iam:TagRole", "iam:TagRole", Tagging},
		{"s3:GetObject", "s3:GetObject", Read},
		{"s3:ListAllMyBuckets", "s3:ListAllMyBuckets", List},
	}
	for _, c := range cases {
		a, ok := Lookup(c.in)
		if !ok || a.String() != c.want || a.Level != c.level {
			t.Errorf("Lookup(%q) = %v %v %v, want %s %v", c.in, a, a.Level, ok, c.want, c.level)
		}
	}
	for _, bad := range []string{"", "iam", "iam:*", "iam:NoSuchAction", "nosuchsvc:GetObject"} {
		if _, ok := Lookup(bad); ok {
			t.Errorf("Lookup(%q) found an action", bad)
		}
	}
}

func TestServices(t *testing.T) {
	iam := ServiceActions("IAM")
	if len(iam) < 100 {
		t.Fatalf("ServiceActions(iam) has %d actions", len(iam))
	}
	for _, a := range iam {
		if a.Service != "iam" {
			t.Fatalf("ServiceActions(iam) returned %v", a)
		}
	}
	if !KnownService("s3") || !KnownService("S3") || KnownService("s33") || KnownService("") {
		t.Error("KnownService is wrong")
	}
	if got := ServiceActions("nosuch"); len(got) != 0 {
		t.Errorf("ServiceActions(nosuch) = %d actions", len(got))
	}
	s, e := SearchPrefix("iam:passr")
	if e-s != 1 || Actions()[s].Name != "PassRole" {
		t.Errorf("SearchPrefix(iam:passr) = %d..%d", s, e)
	}
	// Ranges of all services tile the catalogue.
	total := 0
	for _, svc := range Services() {
		s, e := ServiceRange(svc)
		total += e - s
	}
	if total != Len() {
		t.Errorf("service ranges cover %d of %d actions", total, Len())
	}
}

func TestDecodeRejectsCorruptData(t *testing.T) {
	if _, err := decode([]byte("not gzip")); err == nil {
		t.Error("decode accepted non-gzip data")
	}
}

// TestGeneratedFileIsCurrent regenerates the catalogue from the shared data
// (when present) and compares it with the embedded copy.
func TestGeneratedFileIsCurrent(t *testing.T) {
	src := filepath.Join("..", "..", "..", "shared", "data", "iam-definitions", "iam-actions-flat.json.gz")
	if _, err := os.Stat(src); err != nil {
		t.Skip("shared data not present")
	}
	if testing.Short() {
		t.Skip("short mode")
	}
	out := filepath.Join(t.TempDir(), "actions.txt.gz")
	cmd := exec.Command("go", "run", "./gen", "-in", src, "-out", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gen: %v\n%s", err, b)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, actionsGz) {
		t.Error("actions.txt.gz is stale: run go generate ./internal/iamdata")
	}
}

func TestLicenceKept(t *testing.T) {
	b, err := os.ReadFile("LICENSE-iam-data.txt")
	if err != nil || !strings.Contains(string(b), "MIT License") {
		t.Errorf("licence file missing or wrong: %v", err)
	}
}

func BenchmarkLookup(b *testing.B) {
	Len()
	for b.Loop() {
		Lookup("iam:PassRole")
	}
}
