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
	bw  *bufio.Writer
	buf bytes.Buffer
	enc *json.Encoder
	n   int
}

// New starts an array on w.
func New(w io.Writer) *Writer {
	a := &Writer{bw: bufio.NewWriter(w)}
	a.enc = json.NewEncoder(&a.buf)
	a.enc.SetIndent("  ", "  ")
	a.enc.SetEscapeHTML(false)
	return a
}

// Add encodes one element.
func (a *Writer) Add(v any) error {
	a.buf.Reset()
	if err := a.enc.Encode(v); err != nil {
		return err
	}
	sep := ",\n  "
	if a.n == 0 {
		sep = "[\n  "
	}
	a.n++
	if _, err := a.bw.WriteString(sep); err != nil {
		return err
	}
	_, err := a.bw.Write(bytes.TrimSuffix(a.buf.Bytes(), []byte("\n")))
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
