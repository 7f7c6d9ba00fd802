// Package jsonreport writes the report as the stable JSON document described
// in docs/output.md.
package jsonreport

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
)

// resultsKey is where the results list sits in the indented document: the
// only member at the top level's indentation with this name.
var resultsKey = []byte("\n  \"results\": []")

// Write encodes the report as indented JSON, exactly as encoding/json
// would encode the whole value, but streaming the results in batches: a
// report of hundreds of thousands of results is never held in memory as
// one encoded document (which took gigabytes for a 200,000-user account).
// The rest of the report is small and goes through encoding/json.
func Write(w io.Writer, r *report.Report) error {
	head := *r
	head.Results = finding.List{}
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
	if _, err := w.Write(doc.Bytes()[:i]); err != nil {
		return err
	}
	if err := writeResults(w, r.Results); err != nil {
		return err
	}
	_, err := w.Write(doc.Bytes()[i+len(resultsKey):])
	return err
}

// writeResults writes the "results" member, from the newline before it to
// the list's closing bracket.
func writeResults(w io.Writer, rs finding.List) error {
	if rs.Len() == 0 {
		_, err := io.WriteString(w, "\n  \"results\": []")
		return err
	}
	if _, err := io.WriteString(w, "\n  \"results\": ["); err != nil {
		return err
	}
	if err := writeBatches(w, rs); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n  ]")
	return err
}

// appendBatch appends results as items of the list; first says whether
// the batch opens the list (no comma before its first item).
func appendBatch(b []byte, rs []finding.Result, first bool) ([]byte, error) {
	for k := range rs {
		if k > 0 || !first {
			b = append(b, ',')
		}
		b = append(b, "\n    "...)
		var err error
		if b, err = appendResult(b, &rs[k]); err != nil {
			return nil, err
		}
	}
	return b, nil
}
