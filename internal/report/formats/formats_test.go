package formats_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/engine"
	"github.com/iamspect/iamspect/internal/report/formats"
)

// Every registered format renders the demo report; json is valid JSON and
// the table ends with the summary line.
func TestEveryFormatRendersTheDemo(t *testing.T) {
	out, err := engine.Scan(context.Background(), demo.Snapshot(), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range formats.Names() {
		f, err := formats.Get(name)
		if err != nil || f.Description == "" {
			t.Fatalf("%s: %v", name, err)
		}
		var buf bytes.Buffer
		if err := f.Write(&buf, out.Report, formats.Options{}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		switch name {
		case "json":
			var v map[string]any
			if err := json.Unmarshal(buf.Bytes(), &v); err != nil || v["schema_version"] == nil {
				t.Errorf("json: %v", err)
			}
		case "table":
			if !strings.Contains(buf.String(), "failing (") {
				t.Errorf("table has no summary line")
			}
		case "asff":
			var v []map[string]any
			if err := json.Unmarshal(buf.Bytes(), &v); err != nil || len(v) != out.Report.Results.Len() {
				t.Errorf("asff: %v, %d findings", err, len(v))
			}
		case "html":
			if !strings.HasPrefix(buf.String(), "<!DOCTYPE html>") || !strings.Contains(buf.String(), `id="iamspect-data"`) {
				t.Errorf("html: not the page")
			}
		}
	}
	if _, err := formats.Get("yaml"); err == nil || !strings.Contains(err.Error(), "table, json") {
		t.Errorf("unknown format: %v", err)
	}
}
