package snapshot_test

import (
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
)

var update = flag.Bool("update", false, "rewrite testdata/schema-VERSION.txt")

// jsonPaths lists every JSON field path the type can write, e.g.
// "accounts[].users[].not_in", with "!" marking fields written even when
// empty (no omitempty).
func jsonPaths(t reflect.Type, prefix string, out *[]string, depth int) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		if t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 {
			prefix += "[]"
		}
		if t == reflect.TypeFor[json.RawMessage]() {
			return
		}
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == reflect.TypeFor[time.Time]() || depth > 12 {
		return
	}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		p := name
		if prefix != "" {
			p = prefix + "." + name
		}
		mark := ""
		if !strings.Contains(opts, "omitempty") {
			mark = "!"
		}
		*out = append(*out, p+mark+" "+f.Type.String())
		jsonPaths(f.Type, p, out, depth+1)
	}
}

// The snapshot's JSON shape is recorded per schema version: a change to it
// without a new SchemaVersion would make snapshots that old builds of the
// same version refuse (a new field), or misread (a changed one).
func TestSchemaShapeMatchesVersion(t *testing.T) {
	var paths []string
	jsonPaths(reflect.TypeFor[snapshot.Snapshot](), "", &paths, 0)
	slices.Sort(paths)
	got := strings.Join(paths, "\n") + "\n"
	file := "testdata/schema-" + snapshot.SchemaVersion + ".txt"
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v: a new SchemaVersion needs its shape recorded: go test ./internal/snapshot -run TestSchemaShapeMatchesVersion -update", err)
	}
	if string(want) != got {
		t.Errorf("the snapshot's JSON fields differ from %s, but SchemaVersion is still %s: bump the minor version (new optional fields) "+
			"or the major (renamed, removed or changed fields), add the step to migrations in migrate.go and the row to docs/snapshot.md, "+
			"then record the shape with -update.\n%s", file, snapshot.SchemaVersion, diffLines(string(want), got))
	}
}

func diffLines(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for _, l := range al {
		if !slices.Contains(bl, l) {
			out = append(out, "- "+l)
		}
	}
	for _, l := range bl {
		if !slices.Contains(al, l) {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}
