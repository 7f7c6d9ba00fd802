package rules_test

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/compliance"
	"github.com/iamspect/iamspect/internal/rules"
)

var update = flag.Bool("update", false, "rewrite docs/rules from the catalogue")

var kebab = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestCatalogMetadata(t *testing.T) {
	cat := rules.Catalog()
	seen := map[string]bool{}
	for i, r := range cat {
		if i > 0 && cat[i-1].ID >= r.ID {
			t.Errorf("catalogue not sorted at %s", r.ID)
		}
		if seen[r.ID] {
			t.Errorf("duplicate rule ID %s", r.ID)
		}
		seen[r.ID] = true
		if !kebab.MatchString(r.ID) {
			t.Errorf("%s: ID is not kebab-case", r.ID)
		}
		if r.Title == "" || r.Description == "" || r.Remediation.Summary == "" {
			t.Errorf("%s: empty title, description or remediation summary", r.ID)
		}
		if r.Remediation.Console == "" && r.Remediation.CLI == "" {
			t.Errorf("%s: remediation has neither console steps nor CLI", r.ID)
		}
		if len(r.References) == 0 {
			t.Errorf("%s: no references", r.ID)
		}
		for _, ref := range r.References {
			if !strings.HasPrefix(ref, "https://") {
				t.Errorf("%s: reference %q is not an https URL", r.ID, ref)
			}
		}
		if !slices.Contains(rules.Severities, r.Severity) {
			t.Errorf("%s: bad severity %q", r.ID, r.Severity)
		}
		if (r.Check == nil) == (r.CheckAccount == nil) {
			t.Errorf("%s: exactly one of Check and CheckAccount must be set", r.ID)
		}
		for fw, controls := range r.Frameworks {
			f, ok := compliance.Get(fw)
			if !ok || !slices.Contains(rules.Frameworks, fw) {
				t.Errorf("%s: unknown framework %q", r.ID, fw)
				continue
			}
			if len(controls) == 0 {
				t.Errorf("%s: empty control list for %s", r.ID, fw)
			}
			for _, c := range controls {
				if _, ok := f.Control(c); !ok {
					t.Errorf("%s: %s has no control %q", r.ID, fw, c)
				}
			}
		}
		if got := rules.ByID(r.ID); got == nil || got.ID != r.ID || got.Title != r.Title {
			t.Errorf("%s: ByID does not find it", r.ID)
		}
	}
}

// TestFixedIDs guards the IDs rules.md marks as fixed (the ones this
// catalogue already holds).
func TestFixedIDs(t *testing.T) {
	for _, id := range []string{"iam-user-unnecessary", "iam-user-password-and-access-keys", "iam-user-console-without-mfa",
		"iam-access-key-not-rotated", "iam-access-key-unused", "root-access-keys", "root-mfa-disabled", "identity-center-not-enabled"} {
		if rules.ByID(id) == nil {
			t.Errorf("fixed rule ID %s missing", id)
		}
	}
}

// TestDocsUpToDate fails when docs/rules differs from the catalogue; run
// `go test ./internal/rules -update` to regenerate it.
func TestDocsUpToDate(t *testing.T) {
	dir := filepath.Join("..", "..", "docs", "rules")
	want := map[string]string{"README.md": rules.IndexMarkdown(rules.Catalog())}
	for _, r := range rules.Catalog() {
		want[r.ID+".md"] = r.Markdown()
	}
	if *update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if _, ok := want[e.Name()]; !ok && strings.HasSuffix(e.Name(), ".md") {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
		for name, text := range want {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	for name, text := range want {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(got) != text {
			t.Errorf("docs/rules/%s is stale or missing: run go test ./internal/rules -update", name)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if _, ok := want[e.Name()]; !ok && strings.HasSuffix(e.Name(), ".md") {
			t.Errorf("docs/rules/%s documents no rule in the catalogue: run go test ./internal/rules -update", e.Name())
		}
	}
}

// A caller changing what Catalog or ByID returned changes nothing for the
// next caller: the catalogue is immutable for the life of the process.
func TestCatalogIsImmutable(t *testing.T) {
	first := rules.Catalog()
	first[0].Severity = "bogus"
	first[0].References = append(first[0].References[:0], "changed")
	for fw := range first[0].Frameworks {
		first[0].Frameworks[fw][0] = "changed"
	}
	r := rules.ByID(first[0].ID)
	r.Title = "changed"
	again := rules.Catalog()
	if again[0].Severity == "bogus" || again[0].Title == "changed" || slices.Contains(again[0].References, "changed") {
		t.Fatalf("catalogue changed through a copy: %+v", again[0])
	}
	for fw, cs := range again[0].Frameworks {
		if slices.Contains(cs, "changed") {
			t.Fatalf("framework %s changed through a copy", fw)
		}
	}
	if rules.ByID("no-such-rule") != nil {
		t.Fatal("unknown ID found")
	}
}
