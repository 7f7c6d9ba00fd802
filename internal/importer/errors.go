package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
)

// InputError is a problem with an input file: malformed, of the wrong kind,
// empty, too large or inconsistent with the other files. The CLI maps it to
// exit code 2.
type InputError struct {
	File string // path as given; "" when the problem spans several inputs
	Line int    // 1-based; 0 when unknown
	Col  int    // 1-based; 0 when unknown
	Msg  string // what is wrong and what was expected
	Err  error  // underlying error, if any
}

func (e *InputError) Error() string {
	var b bytes.Buffer
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
			if e.Col > 0 {
				fmt.Fprintf(&b, ":%d", e.Col)
			}
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

func (e *InputError) Unwrap() error { return e.Err }

// withFile sets the file name on an InputError that the decoders (which only
// see bytes) returned without one; other errors are wrapped into one.
func withFile(file string, err error) error {
	if err == nil {
		return nil
	}
	var ie *InputError
	if errors.As(err, &ie) {
		if ie.File == "" {
			c := *ie
			c.File = file
			return &c
		}
		return err
	}
	return &InputError{File: file, Msg: err.Error(), Err: err}
}

// jsonError turns an encoding/json error into an InputError with a line and
// column computed from the byte offset, and says what the file should hold.
func jsonError(data []byte, err error, expected string) *InputError {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		// Offset counts the offending byte; point at it.
		line, col := lineCol(data, se.Offset-1)
		return &InputError{Line: line, Col: col, Err: err,
			Msg: fmt.Sprintf("malformed JSON (%v); expected %s", se, expected)}
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "the top-level value"
		}
		ie := &InputError{Err: err}
		if te.Offset > 0 {
			ie.Line, ie.Col = lineCol(data, te.Offset)
		}
		if te.Type == timeType {
			ie.Msg = fmt.Sprintf("%s: %s is not a date (expected e.g. 2021-03-13T18:42:09+00:00)", field, te.Value)
		} else {
			ie.Msg = fmt.Sprintf("%s is a JSON %s where %s was expected (the file should be %s)", field, te.Value, jsonKind(te.Type), expected)
		}
		return ie
	}
	return &InputError{Err: err, Msg: fmt.Sprintf("%v; expected %s", err, expected)}
}

// jsonKind names a Go type the way a JSON user thinks of it.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return t.String()
}

// lineCol converts a byte offset into a 1-based line and column (in bytes).
// json.SyntaxError offsets point just past the offending byte.
func lineCol(data []byte, off int64) (line, col int) {
	if off < 0 {
		off = 0
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line = 1 + bytes.Count(data[:off], []byte("\n"))
	col = int(off) - bytes.LastIndexByte(data[:off], '\n')
	return line, col
}
