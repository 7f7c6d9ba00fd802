package snapshot_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// Decoding errors name the line and the field's path, in plain words,
// never Go type names.
func TestDecodeErrorsArePlainWithLines(t *testing.T) {
	var b strings.Builder
	if err := demo.Snapshot().Write(&b); err != nil {
		t.Fatal(err)
	}
	doc := b.String()
	lineOf := func(needle string) int {
		i := strings.Index(doc, needle)
		if i < 0 {
			t.Fatalf("%q not in the demo snapshot", needle)
		}
		return 1 + strings.Count(doc[:i], "\n")
	}
	rootCreated := lineOf(`"created_at": "`)
	for _, tc := range []struct{ old, new, want string }{
		{`"created_at": "`, `"created_at": 42, "x": "`,
			`line %d: field "accounts[0].root.created_at": want a date-time like 2024-01-02T15:04:05Z, got 42`},
		{`"created_at": "2`, `"created_at": "yesterday 2`,
			`line %d: field "accounts[0].root.created_at": want a date-time like 2024-01-02T15:04:05Z, got "yesterday 2021-02-01T09:00:00Z"`},
		{`"created_at": "`, `"surprise": true, "created_at": "`,
			`line %d: unknown field "accounts[0].root.surprise": not part of the snapshot format this build reads (schema ` + snapshot.SchemaVersion + `); remove it, or check its spelling`},
		{`"created_at": "`, `"mfa_active": "yes", "created_at": "`,
			`line %d: field "accounts[0].root.mfa_active": want true or false, got "yes"`},
		{`"created_at": "`, `"access_keys": {}, "created_at": "`,
			`line %d: field "accounts[0].root.access_keys": want a list, got an object`},
	} {
		in := strings.Replace(doc, tc.old, tc.new, 1)
		_, err := snapshot.Decode(strings.NewReader(in))
		want := strings.Replace(tc.want, "%d", strconv.Itoa(rootCreated), 1)
		if err == nil || err.Error() != want {
			t.Errorf("%s:\n got %v\nwant %s", tc.new, err, want)
		}
		if err != nil && (strings.Contains(err.Error(), "Go struct") || strings.Contains(err.Error(), "time.Time")) {
			t.Errorf("Go type names in %q", err)
		}
	}
}
