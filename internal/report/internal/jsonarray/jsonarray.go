// Package jsonarray writes a JSON array one element at a time, laid out as
// json.MarshalIndent(v, "", "  ") would lay out the whole array, so a writer
// never holds every encoded element at once (ASFF and OCSF output for tens of
// thousands of results).
package jsonarray

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
)

// Writer streams the elements of one array.
type Writer struct {
	bw       *bufio.Writer
	compact  bytes.Buffer
	indented []byte
	enc      *json.Encoder
	n        int
}

// New starts an array on w.
func New(w io.Writer) *Writer {
	a := &Writer{bw: bufio.NewWriter(w)}
	a.enc = json.NewEncoder(&a.compact)
	a.enc.SetEscapeHTML(false)
	return a
}

// Add encodes one element: compact by encoding/json, then indented by
// appendIndented (encoding/json's own indenting pass cost twice the
// encoding).
func (a *Writer) Add(v any) error {
	a.compact.Reset()
	if err := a.enc.Encode(v); err != nil {
		return err
	}
	sep := ",\n  "
	if a.n == 0 {
		sep = "[\n  "
	}
	a.n++
	a.indented = append(a.indented[:0], sep...)
	a.indented = appendIndented(a.indented, bytes.TrimSuffix(a.compact.Bytes(), []byte("\n")), "  ", "  ")
	_, err := a.bw.Write(a.indented)
	return err
}

// Close ends the array ("[]" when nothing was added) and flushes.
func (a *Writer) Close() error {
	end := "\n]\n"
	if a.n == 0 {
		end = "[]\n"
	}
	if _, err := a.bw.WriteString(end); err != nil {
		return err
	}
	return a.bw.Flush()
}
