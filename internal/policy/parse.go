package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// Parse reads a policy document in any of the forms AWS hands out: a JSON
// object (CLI output), a JSON string holding the document, or URL-encoded
// text (the raw IAM API). Structural errors fail; unknown actions, operators
// and similar soft problems are kept for Validate.
func Parse(data []byte) (*Document, error) {
	return parse(data, 0)
}

// ParseString is Parse for a string.
func ParseString(s string) (*Document, error) { return Parse([]byte(s)) }

// ParseValue parses a document already decoded by encoding/json (a
// map[string]any from a larger file) or given as a string in any Parse form.
func ParseValue(v any) (*Document, error) {
	switch t := v.(type) {
	case string:
		return ParseString(t)
	case []byte:
		return Parse(t)
	case json.RawMessage:
		return Parse(t)
	case nil:
		return nil, errAt("", "no document")
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, errAt("", "re-encode: %v", err)
	}
	return Parse(b)
}

func parse(data []byte, layer int) (*Document, error) {
	if len(data) > MaxDocumentBytes {
		return nil, errAt("", "document is %d bytes, over the %d-byte limit", len(data), MaxDocumentBytes)
	}
	if layer > 2 {
		return nil, errAt("", "document is encoded too many times")
	}
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, errAt("", "empty document")
	}
	switch data[0] {
	case '{':
		return parseJSON(data)
	case '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return nil, errAt("", "bad JSON string: %v", err)
		}
		return parse([]byte(s), layer+1)
	}
	// PathUnescape, not QueryUnescape: IAM encodes a space as %20, and a
	// literal '+' must stay a '+'.
	s, err := url.PathUnescape(string(data))
	if err != nil {
		return nil, errAt("", "neither JSON nor URL-encoded JSON: %v", err)
	}
	if s == string(data) {
		return nil, errAt("", "not a JSON object")
	}
	return parse([]byte(s), layer+1)
}

func parseJSON(data []byte) (*Document, error) {
	if d := jsonDepth(data); d > MaxDepth {
		return nil, errAt("", "JSON nests %d levels, over the limit of %d", d, MaxDepth)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var top any
	if err := dec.Decode(&top); err != nil {
		return nil, errAt("", "bad JSON: %v", err)
	}
	if dec.More() {
		return nil, errAt("", "trailing data after the document")
	}
	obj, ok := top.(map[string]any)
	if !ok {
		return nil, errAt("", "document is not a JSON object")
	}
	return parseDocument(obj)
}

// jsonDepth returns the deepest nesting of objects and arrays, skipping
// strings, so that hostile input is refused before it is decoded.
func jsonDepth(data []byte) int {
	depth, deepest, inStr, esc := 0, 0, false, false
	for _, c := range data {
		switch {
		case inStr:
			if esc {
				esc = false
			} else if c == '\\' {
				esc = true
			} else if c == '"' {
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '{' || c == '[':
			depth++
			deepest = max(deepest, depth)
		case c == '}' || c == ']':
			depth--
		}
	}
	return deepest
}

func parseDocument(obj map[string]any) (*Document, error) {
	d := &Document{}
	for _, k := range sortedKeys(obj) {
		v := obj[k]
		switch k {
		case "Version":
			s, ok := v.(string)
			if !ok {
				return nil, errAt("Version", "must be a string, got %s", kindOf(v))
			}
			d.Version = s
		case "Id":
			s, ok := v.(string)
			if !ok {
				return nil, errAt("Id", "must be a string, got %s", kindOf(v))
			}
			d.ID = s
		case "Statement":
			if err := d.parseStatements(v); err != nil {
				return nil, err
			}
		default:
			d.issues = append(d.issues, Issue{Path: k, Code: CodeUnknownElement, Message: fmt.Sprintf("unknown top-level element %q", k)})
		}
	}
	if _, ok := obj["Statement"]; !ok {
		return nil, errAt("", "no Statement element")
	}
	if d.Version != "" && d.Version != VersionCurrent && d.Version != VersionLegacy {
		d.issues = append(d.issues, Issue{Path: "Version", Code: CodeBadVersion, Message: fmt.Sprintf("unknown Version %q (want %s)", d.Version, VersionCurrent)})
	}
	return d, nil
}

func (d *Document) parseStatements(v any) error {
	switch t := v.(type) {
	case map[string]any:
		st, err := d.parseStatement("Statement", 0, t)
		if err != nil {
			return err
		}
		d.Statements = []*Statement{st}
	case []any:
		if len(t) > MaxStatements {
			return errAt("Statement", "%d statements, over the limit of %d", len(t), MaxStatements)
		}
		d.listForm = true
		d.Statements = make([]*Statement, 0, len(t))
		for i, e := range t {
			path := fmt.Sprintf("Statement[%d]", i)
			m, ok := e.(map[string]any)
			if !ok {
				return errAt(path, "must be an object, got %s", kindOf(e))
			}
			st, err := d.parseStatement(path, i, m)
			if err != nil {
				return err
			}
			d.Statements = append(d.Statements, st)
		}
	default:
		return errAt("Statement", "must be an object or a list, got %s", kindOf(v))
	}
	return nil
}

func (d *Document) parseStatement(path string, index int, m map[string]any) (*Statement, error) {
	st := &Statement{Index: index}
	var err error
	for _, k := range sortedKeys(m) {
		v, p := m[k], path+"."+k
		switch k {
		case "Sid":
			s, ok := v.(string)
			if !ok {
				return nil, errAt(p, "must be a string, got %s", kindOf(v))
			}
			st.Sid = s
		case "Effect":
			s, ok := v.(string)
			if !ok {
				return nil, errAt(p, "must be a string, got %s", kindOf(v))
			}
			st.RawEffect = s
			switch s {
			case "Allow":
				st.Effect = Allow
			case "Deny":
				st.Effect = Deny
			}
		case "Action":
			st.Action, err = stringList(p, v)
		case "NotAction":
			st.NotAction, err = stringList(p, v)
		case "Resource":
			st.Resource, err = stringList(p, v)
		case "NotResource":
			st.NotResource, err = stringList(p, v)
		case "Principal":
			st.Principal, err = d.parsePrincipal(p, v)
		case "NotPrincipal":
			st.NotPrincipal, err = d.parsePrincipal(p, v)
		case "Condition":
			st.Conditions, err = d.parseConditions(p, v)
		default:
			d.issues = append(d.issues, Issue{Path: p, Code: CodeUnknownElement, Message: fmt.Sprintf("unknown statement element %q", k)})
		}
		if err != nil {
			return nil, err
		}
	}
	return st, nil
}

// stringList reads an element written as one string or a list of strings.
func stringList(path string, v any) ([]string, error) {
	switch t := v.(type) {
	case string:
		return []string{t}, nil
	case []any:
		if len(t) > MaxValues {
			return nil, errAt(path, "%d values, over the limit of %d", len(t), MaxValues)
		}
		out := make([]string, 0, len(t))
		for i, e := range t {
			s, ok := e.(string)
			if !ok {
				return nil, errAt(fmt.Sprintf("%s[%d]", path, i), "must be a string, got %s", kindOf(e))
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, errAt(path, "must be a string or a list of strings, got %s", kindOf(v))
}

// scalarList reads condition values: strings, numbers or booleans, alone or
// in a list. Numbers keep their written form.
func scalarList(path string, v any) ([]string, error) {
	one := func(p string, e any) (string, error) {
		switch t := e.(type) {
		case string:
			return t, nil
		case json.Number:
			return t.String(), nil
		case bool:
			if t {
				return "true", nil
			}
			return "false", nil
		}
		return "", errAt(p, "condition value must be a string, number or boolean, got %s", kindOf(e))
	}
	if list, ok := v.([]any); ok {
		if len(list) > MaxValues {
			return nil, errAt(path, "%d values, over the limit of %d", len(list), MaxValues)
		}
		out := make([]string, 0, len(list))
		for i, e := range list {
			s, err := one(fmt.Sprintf("%s[%d]", path, i), e)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := one(path, v)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", v), "*")
}
