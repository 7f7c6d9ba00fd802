package access

import (
	"encoding/json"
	"os"
	"strconv"
	"testing"
)

const shared = "../../../shared/data/"

// loadSources reads the five public catalogues the method list is derived
// from (see /work/shared/data/README.md) and returns one Ref per entry.
func loadSources(t *testing.T) []Ref {
	t.Helper()
	var out []Ref
	var paths struct {
		Paths []struct{ ID string } `json:"paths"`
	}
	readJSON(t, shared+"privesc-catalogs/pathfinding-cloud-paths-compact.json", &paths)
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
	readJSON(t, shared+"privesc-catalogs/privesc-methods-by-tool.json", &tools)
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
	if os.IsNotExist(err) {
		t.Skipf("shared data not available: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatal(err)
	}
}
