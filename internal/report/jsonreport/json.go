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
	// A bufio.Writer keeps its first error and ignores later writes;
	// Flush returns it.
	bw := bufio.NewWriterSize(w, 64<<10)
	put := func(b []byte) { _, _ = bw.Write(b) }
	puts := func(s string) { _, _ = bw.WriteString(s) }
	put(doc.Bytes()[:i])
	puts("\n  \"results\": ")
	if r.Results == nil {
		puts("null")
	} else if len(r.Results) == 0 {
		puts("[]")
	} else {
		var one bytes.Buffer
		re := json.NewEncoder(&one)
		re.SetIndent("    ", "  ")
		re.SetEscapeHTML(false)
		puts("[")
		for k := range r.Results {
			one.Reset()
			if err := re.Encode(&r.Results[k]); err != nil {
				return err
			}
			if k > 0 {
				puts(",")
			}
			puts("\n    ")
			put(bytes.TrimSuffix(one.Bytes(), []byte("\n")))
		}
		puts("\n  ]")
	}
	put(doc.Bytes()[i+len(resultsKey):])
	return bw.Flush()
}
