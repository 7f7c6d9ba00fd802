package access

import (
	"encoding/json"
	"flag"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/testutil/shareddata"
)

// loadSources reads the five public catalogues the method list is derived
// from (see ../shared/data/README.md beside the repository) and returns one Ref per entry.
func loadSources(t *testing.T) []Ref {
	t.Helper()
	var out []Ref
	var paths struct {
		Paths []struct{ ID string } `json:"paths"`
	}
	readJSON(t, shareddata.Path(t, "privesc-catalogs/pathfinding-cloud-paths-compact.json"), &paths)
	for _, p := range paths.Paths {
		out = append(out, Ref{pf, p.ID})
	}
	var tools struct {
		Cloudsplaining struct{ Methods map[string][]string }      `json:"cloudsplaining"`
		Prowler        struct{ Combinations map[string][]string } `json:"prowler"`
		Parliament     struct{ Methods map[string][]string }      `json:"parliament"`
		Rhino          struct {
			Methods []struct{ N int } `json:"methods"`
		} `json:"rhino"`
	}
	readJSON(t, shareddata.Path(t, "privesc-catalogs/privesc-methods-by-tool.json"), &tools)
	for n := range tools.Cloudsplaining.Methods {
		out = append(out, Ref{cs, n})
	}
	for n := range tools.Prowler.Combinations {
		out = append(out, Ref{pr, n})
	}
	for n := range tools.Parliament.Methods {
		out = append(out, Ref{pa, n})
	}
	for _, m := range tools.Rhino.Methods {
		out = append(out, Ref{rh, strconv.Itoa(m.N)})
	}
	return out
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatal(err)
	}
}

var update = flag.Bool("update", false, "rewrite the method table in docs/privilege-escalation.md")

const (
	docPath    = "../../docs/privilege-escalation.md"
	beginTable = "<!-- methods:begin (generated: go test ./internal/access -run TestMethodsDoc -update) -->\n"
	endTable   = "<!-- methods:end -->"
)

// TestMethodsDoc keeps the method table of docs/privilege-escalation.md in
// step with the catalogue.
func TestMethodsDoc(t *testing.T) {
	data, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	i, j := strings.Index(doc, beginTable), strings.Index(doc, endTable)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the method table markers", docPath)
	}
	want := doc[:i+len(beginTable)] + MethodsMarkdown() + doc[j:]
	if want == doc {
		return
	}
	if !*update {
		t.Fatalf("the method table in %s is stale: run go test ./internal/access -run TestMethodsDoc -update", docPath)
	}
	if err := os.WriteFile(docPath, []byte(want), 0o644); err != nil {
		t.Fatal(err)
	}
}
