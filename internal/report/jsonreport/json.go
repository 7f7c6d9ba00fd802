// Package jsonreport writes the report as the stable JSON document described
// in docs/output.md.
package jsonreport

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"

	"github.com/iamspect/iamspect/internal/report"
)

// resultsKey is where the results list sits in the indented document: the
// only member at the top level's indentation with this name.
var resultsKey = []byte("\n  \"results\": null")

// Write encodes the report as indented JSON, exactly as encoding/json
// would encode the whole value, but streaming the results one by one: a
// report of hundreds of thousands of results is never held in memory as
// one encoded document (which took gigabytes for a 200,000-user account).
func Write(w io.Writer, r *report.Report) error {
	head := *r
	head.Results = nil
	var doc bytes.Buffer
	enc := json.NewEncoder(&doc)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&head); err != nil {
		return err
	}
	i := bytes.Index(doc.Bytes(), resultsKey)
	if i < 0 {
		return errors.New("jsonreport: results member not found")
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(doc.Bytes()[:i])
	bw.WriteString("\n  \"results\": ")
	if r.Results == nil {
		bw.WriteString("null")
	} else if len(r.Results) == 0 {
		bw.WriteString("[]")
	} else {
		var one bytes.Buffer
		re := json.NewEncoder(&one)
		re.SetIndent("    ", "  ")
		re.SetEscapeHTML(false)
		bw.WriteString("[")
		for k := range r.Results {
			one.Reset()
			if err := re.Encode(&r.Results[k]); err != nil {
				return err
			}
			if k > 0 {
				bw.WriteString(",")
			}
			bw.WriteString("\n    ")
			bw.Write(bytes.TrimSuffix(one.Bytes(), []byte("\n")))
		}
		bw.WriteString("\n  ]")
	}
	bw.Write(doc.Bytes()[i+len(resultsKey):])
	return bw.Flush()
}
