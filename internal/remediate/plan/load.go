package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
)

// MaxPlanBytes bounds a plan file: far above any real plan, low enough to
// refuse a hostile file before decoding it.
const MaxPlanBytes = 64 << 20

// Load reads a plan file and validates it (Validate).
func Load(path string) (*Plan, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > MaxPlanBytes {
		return nil, fmt.Errorf("%s: %d bytes, more than the %d a plan can hold", path, st.Size(), MaxPlanBytes)
	}
	p, err := Read(io.LimitReader(f, MaxPlanBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// Read decodes and validates a plan. Fields unknown to this build are
// refused (with their line) unless the plan's minor version is newer than
// this build's, in which case they are ignored; a newer major is refused.
func Read(in io.Reader) (*Plan, error) {
	data, err := io.ReadAll(in)
	if err != nil {
		return nil, err
	}
	if len(data) > MaxPlanBytes {
		return nil, fmt.Errorf("more than the %d bytes a plan can hold", MaxPlanBytes)
	}
	var head struct {
		SchemaVersion *string `json:"schema_version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, locate(data, err, "not an iamspect plan")
	}
	if head.SchemaVersion == nil {
		return nil, errors.New("line 1: field schema_version: missing: not an iamspect plan")
	}
	newerMinor, err := checkVersion(*head.SchemaVersion)
	if err != nil {
		return nil, fmt.Errorf("line %d: field schema_version: %w", lineOfKey(data, "schema_version"), err)
	}
	if !newerMinor {
		if err := strictFields(data, reflect.TypeOf(Plan{})); err != nil {
			return nil, err
		}
	}
	var pl Plan
	if err := json.Unmarshal(data, &pl); err != nil {
		return nil, locate(data, err, "invalid plan")
	}
	if err := pl.Validate(); err != nil {
		return nil, withLine(data, err)
	}
	return &pl, nil
}

// checkVersion accepts this major; newerMinor reports a minor above ours.
func checkVersion(v string) (newerMinor bool, err error) {
	maj, min, ok := parseVersion(v)
	if !ok {
		return false, fmt.Errorf("%q is not a MAJOR.MINOR version", v)
	}
	cmaj, cmin, _ := parseVersion(SchemaVersion)
	if maj != cmaj {
		if maj > cmaj {
			return false, fmt.Errorf("plan schema %s is newer than this build reads (%d.x): upgrade iamspect", v, cmaj)
		}
		return false, fmt.Errorf("plan schema %s is not one this build reads (%d.x)", v, cmaj)
	}
	return min > cmin, nil
}

func parseVersion(v string) (int, int, bool) {
	a, b, ok := strings.Cut(v, ".")
	if !ok {
		return 0, 0, false
	}
	maj, err1 := strconv.Atoi(a)
	min, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || maj < 1 || min < 0 {
		return 0, 0, false
	}
	return maj, min, true
}

// lineAt is the 1-based line of a byte offset.
func lineAt(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	return 1 + bytes.Count(data[:off], []byte{'\n'})
}

func lineOfKey(data []byte, key string) int {
	i := bytes.Index(data, []byte(`"`+key+`"`))
	if i < 0 {
		return 1
	}
	return lineAt(data, int64(i))
}

// locate turns encoding/json errors into "line N: field F: …".
func locate(data []byte, err error, what string) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("line %d: %s: %v", lineAt(data, se.Offset), what, se)
	case errors.As(err, &te):
		return fmt.Errorf("line %d: field %s: %s where the plan format has %s", lineAt(data, te.Offset), te.Field, te.Value, te.Type)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// FieldError is a validation error at a JSON path ("actions[3].call.operation").
type FieldError struct {
	Path string
	Msg  string
	// Line is set by Read.
	Line int
}

func (e *FieldError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: field %s: %s", e.Line, e.Path, e.Msg)
	}
	return fmt.Sprintf("field %s: %s", e.Path, e.Msg)
}

// withLine finds the line of each FieldError's path in data.
func withLine(data []byte, err error) error {
	var fe *FieldError
	if errors.As(err, &fe) && fe.Line == 0 {
		fe.Line = lineOfPath(data, fe.Path)
	}
	return err
}

// strictFields walks the document beside t and refuses keys t lacks.
func strictFields(data []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	w := walker{dec: dec, data: data}
	return w.value(t, "")
}

type walker struct {
	dec  *json.Decoder
	data []byte
	// stop, when set, ends the walk at this path (lineOfPath).
	stop  string
	found int64
}

var rawType = reflect.TypeOf(json.RawMessage{})

func (w *walker) value(t reflect.Type, path string) error {
	if w.stop != "" && path == w.stop {
		w.found = w.dec.InputOffset()
		return errStop
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok, err := w.dec.Token()
	if err != nil {
		return locate(w.data, err, "invalid plan")
	}
	d, isDelim := tok.(json.Delim)
	if !isDelim {
		return nil
	}
	if t == rawType {
		t = nil
	}
	switch d {
	case '{':
		var fields map[string]reflect.Type
		if t != nil && t.Kind() == reflect.Struct {
			fields = jsonFields(t)
		}
		for w.dec.More() {
			ktok, err := w.dec.Token()
			if err != nil {
				return locate(w.data, err, "invalid plan")
			}
			key, _ := ktok.(string)
			sub := join(path, key)
			var ft reflect.Type
			if fields != nil {
				var ok bool
				if ft, ok = fields[key]; !ok {
					return &FieldError{Path: sub, Msg: "not a field of plan schema " + SchemaVersion, Line: lineAt(w.data, w.dec.InputOffset())}
				}
			} else if t != nil && t.Kind() == reflect.Map {
				ft = t.Elem()
			}
			if err := w.value(ft, sub); err != nil {
				return err
			}
		}
	case '[':
		var et reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			et = t.Elem()
		}
		for i := 0; w.dec.More(); i++ {
			if err := w.value(et, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	}
	_, err = w.dec.Token() // closing delimiter
	if err != nil {
		return locate(w.data, err, "invalid plan")
	}
	return nil
}

var errStop = errors.New("stop")

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func jsonFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = f.Type
	}
	return m
}

// lineOfPath returns the line where the value at path starts (1 if unknown).
func lineOfPath(data []byte, path string) int {
	dec := json.NewDecoder(bytes.NewReader(data))
	w := walker{dec: dec, data: data, stop: path}
	if err := w.value(nil, ""); errors.Is(err, errStop) {
		return lineAt(data, w.found)
	}
	// The path may name a field that is absent: try its parent.
	if i := strings.LastIndexAny(path, ".["); i > 0 {
		return lineOfPath(data, path[:i])
	}
	return 1
}
