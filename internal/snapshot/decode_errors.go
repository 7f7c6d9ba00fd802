package snapshot

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// describeDecodeError turns an encoding/json error about a snapshot into
// plain words with a line: "line 12: field "accounts[0].users[3].created_at":
// want a date-time like 2024-01-02T15:04:05Z, got 42". encoding/json names
// Go types and, for time values and unknown fields, no position at all, so
// the document is walked beside the Snapshot type to find the first value
// that does not fit. strict refuses unknown fields (this or an older
// minor version).
func describeDecodeError(data []byte, err error, strict bool) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := LineCol(data, max(se.Offset-1, 0))
		return fmt.Errorf("line %d, column %d: not valid JSON: %s", line, col, se.Error())
	}
	w := fitWalker{dec: json.NewDecoder(bytes.NewReader(data)), data: data, strict: strict}
	w.dec.UseNumber()
	if ferr := w.value(reflect.TypeOf(Snapshot{}), ""); ferr != nil {
		return ferr
	}
	return describeJSONError(data, err)
}

// fitWalker reads a JSON document token by token beside a Go type.
type fitWalker struct {
	dec    *json.Decoder
	data   []byte
	strict bool
}

var (
	timeType        = reflect.TypeOf(time.Time{})
	jsonUnmarshaler = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()
	textUnmarshaler = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()
	errWalkStopped  = errors.New("malformed JSON")
)

func (w *fitWalker) fail(path, format string, args ...any) error {
	line, _ := LineCol(w.data, w.dec.InputOffset())
	if path == "" {
		path = "the top-level value"
	} else {
		path = strconv.Quote(path)
	}
	return fmt.Errorf("line %d: field %s: %s", line, path, fmt.Sprintf(format, args...))
}

// value checks the next value against t (nil: anything).
func (w *fitWalker) value(t reflect.Type, path string) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok, err := w.dec.Token()
	if err != nil {
		return errWalkStopped
	}
	if tok == nil { // null leaves any Go value as it is
		return nil
	}
	if t == nil || (t != timeType && (reflect.PointerTo(t).Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) && t.Kind() != reflect.String)) {
		return w.skip(tok)
	}
	if t == timeType {
		if s, ok := tok.(string); ok {
			if _, err := time.Parse(time.RFC3339, s); err == nil {
				return nil
			}
		}
		return w.mismatch(tok, path, "a date-time like 2024-01-02T15:04:05Z")
	}
	switch t.Kind() {
	case reflect.String:
		if _, ok := tok.(string); !ok {
			return w.mismatch(tok, path, "a string")
		}
	case reflect.Bool:
		if _, ok := tok.(bool); !ok {
			return w.mismatch(tok, path, "true or false")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n, ok := tok.(json.Number); !ok || isInvalidInt(string(n), t.Bits(), true) {
			return w.mismatch(tok, path, "a whole number")
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if n, ok := tok.(json.Number); !ok || isInvalidInt(string(n), t.Bits(), false) {
			return w.mismatch(tok, path, "a whole number, 0 or more")
		}
	case reflect.Float32, reflect.Float64:
		if _, ok := tok.(json.Number); !ok {
			return w.mismatch(tok, path, "a number")
		}
	case reflect.Struct:
		if tok != json.Delim('{') {
			return w.mismatch(tok, path, "an object")
		}
		return w.object(fieldsOf(t), nil, path)
	case reflect.Map:
		if tok != json.Delim('{') {
			return w.mismatch(tok, path, "an object")
		}
		return w.object(nil, t.Elem(), path)
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 { // []byte is base64 text
			if _, ok := tok.(string); !ok {
				return w.mismatch(tok, path, "a base64 string")
			}
			return nil
		}
		if tok != json.Delim('[') {
			return w.mismatch(tok, path, "a list")
		}
		for i := 0; w.dec.More(); i++ {
			if err := w.value(t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		_, err := w.dec.Token()
		return err
	default:
		return w.skip(tok)
	}
	return nil
}

// object checks an object's members: against fields (a struct), or each
// against elem (a map).
func (w *fitWalker) object(fields map[string]reflect.Type, elem reflect.Type, path string) error {
	for w.dec.More() {
		ktok, err := w.dec.Token()
		if err != nil {
			return errWalkStopped
		}
		key, _ := ktok.(string)
		sub := key
		if path != "" {
			sub = path + "." + key
		}
		ft := elem
		if fields != nil {
			var ok bool
			if ft, ok = lookupField(fields, key); !ok {
				if w.strict {
					line, _ := LineCol(w.data, w.dec.InputOffset())
					return fmt.Errorf("line %d: unknown field %q: not part of the snapshot format this build reads (schema %s); remove it, or check its spelling", line, sub, SchemaVersion)
				}
				ft = nil
			}
		}
		if err := w.value(ft, sub); err != nil {
			return err
		}
	}
	_, err := w.dec.Token()
	return err
}

// skip consumes the rest of a value whose first token is tok.
func (w *fitWalker) skip(tok json.Token) error {
	if d, ok := tok.(json.Delim); ok && (d == '{' || d == '[') {
		for depth := 1; depth > 0; {
			t, err := w.dec.Token()
			if err != nil {
				return errWalkStopped
			}
			switch t {
			case json.Delim('{'), json.Delim('['):
				depth++
			case json.Delim('}'), json.Delim(']'):
				depth--
			}
		}
	}
	return nil
}

func (w *fitWalker) mismatch(tok json.Token, path, want string) error {
	if d, ok := tok.(json.Delim); ok {
		got := "an object"
		if d == '[' {
			got = "a list"
		}
		return w.fail(path, "want %s, got %s", want, got)
	}
	return w.fail(path, "want %s, got %s", want, literal(tok))
}

// literal shows a scalar as it appears in the file, shortened.
func literal(tok json.Token) string {
	switch v := tok.(type) {
	case string:
		if len(v) > 40 {
			v = v[:40] + "…"
		}
		return strconv.Quote(v)
	case json.Number:
		return string(v)
	case bool:
		return strconv.FormatBool(v)
	}
	return fmt.Sprint(tok)
}

func isInvalidInt(s string, bits int, signed bool) bool {
	if signed {
		_, err := strconv.ParseInt(s, 10, bits)
		return err != nil
	}
	_, err := strconv.ParseUint(s, 10, bits)
	return err != nil
}

// fieldsOf maps a struct's JSON names to field types, with the fields of
// embedded structs promoted, as encoding/json does.
func fieldsOf(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			for k, v := range fieldsOf(ft) {
				if _, dup := m[k]; !dup {
					m[k] = v
				}
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = f.Type
	}
	return m
}

// lookupField finds a key as encoding/json does: exactly, else ignoring
// case.
func lookupField(fields map[string]reflect.Type, key string) (reflect.Type, bool) {
	if t, ok := fields[key]; ok {
		return t, true
	}
	for k, t := range fields {
		if strings.EqualFold(k, key) {
			return t, true
		}
	}
	return nil, false
}
