// Package jsonreport writes the report as the stable JSON document described
// in docs/output.md.
package jsonreport

import (
	"encoding/json"
	"io"

	"github.com/iamspect/iamspect/internal/report"
)

// Write encodes the report as indented JSON.
func Write(w io.Writer, r *report.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
