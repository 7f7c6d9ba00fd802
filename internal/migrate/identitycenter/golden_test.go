package identitycenter

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/migrate"
)

var update = flag.Bool("update", false, "rewrite golden files")

// The demo's plan, as markdown (the change request a reviewer reads: every
// action, the differences, the notes), is pinned by golden files (go test -update rewrites them).
func TestDemoPlanGolden(t *testing.T) {
	res, err := Plan(demo.Snapshot(), Options{Now: fixedNow, SourceType: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{migrate.FormatMarkdown} {
		var buf bytes.Buffer
		if err := migrate.Render(&buf, res.Plan, f); err != nil {
			t.Fatal(err)
		}
		got := bytes.ReplaceAll(buf.Bytes(), []byte(`"version": "`+res.Plan.Tool.Version+`"`), []byte(`"version": "VERSION"`))
		got = bytes.ReplaceAll(got, []byte("iamspect "+res.Plan.Tool.Version+";"), []byte("iamspect VERSION;"))
		path := filepath.Join("testdata", "golden", "demo."+f+".golden")
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the golden file; run go test -update and review the diff", path)
		}
	}
}
