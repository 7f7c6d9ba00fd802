package jsonarray

import (
	"bytes"
	"encoding/json"
	"testing"
)

// The streamed array is byte for byte what MarshalIndent writes for the
// whole slice (plus a newline), empty or not.
func TestMatchesMarshalIndent(t *testing.T) {
	type item struct {
		A string            `json:"a"`
		B []int             `json:"b,omitempty"`
		C map[string]string `json:"c,omitempty"`
	}
	for _, items := range [][]item{{}, {{A: "x"}}, {{A: "<&>", B: []int{1, 2}}, {A: "y", C: map[string]string{"k": "v"}}}} {
		var got bytes.Buffer
		w := New(&got)
		for _, it := range items {
			if err := w.Add(it); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(items); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("got\n%s\nwant\n%s", got.String(), want.String())
		}
	}
}
