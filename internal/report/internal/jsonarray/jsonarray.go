// Package jsonarray writes a JSON array one element at a time, laid out as
// json.MarshalIndent(v, "", "  ") would lay out the whole array, so a writer
// never holds every encoded element at once (ASFF and OCSF output for tens of
// thousands of results; SARIF's results, nested in its run).
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
	prefix   string // the indentation of the line the array starts on
	end      string // after the last element: "]", a newline if top-level
}

// New starts an array on w.
func New(w io.Writer) *Writer {
	return start(bufio.NewWriter(w), "", "\n")
}

// Nested starts an array that is a member's value inside a document
// indented by two spaces, on a line indented by prefix (SARIF's results,
// the document around it written by encoding/json). Close ends it without
// a newline and flushes bw.
func Nested(bw *bufio.Writer, prefix string) *Writer {
	return start(bw, prefix, "")
}

func start(bw *bufio.Writer, prefix, end string) *Writer {
	a := &Writer{bw: bw, prefix: prefix, end: end}
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
	sep := ",\n"
	if a.n == 0 {
		sep = "[\n"
	}
	a.n++
	inner := a.prefix + "  "
	a.indented = append(append(a.indented[:0], sep...), inner...)
	a.indented = appendIndented(a.indented, bytes.TrimSuffix(a.compact.Bytes(), []byte("\n")), inner, "  ")
	_, err := a.bw.Write(a.indented)
	return err
}

// Close ends the array ("[]" when nothing was added) and flushes.
func (a *Writer) Close() error {
	end := "\n" + a.prefix + "]" + a.end
	if a.n == 0 {
		end = "[]" + a.end
	}
	if _, err := a.bw.WriteString(end); err != nil {
		return err
	}
	return a.bw.Flush()
}
