package sarif_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"strings"
)

// schemaValidator checks a JSON document against a JSON Schema (draft-04 to
// draft-07): the subset the SARIF 2.1.0 schema uses — $ref within the
// document, type, enum, required, properties, additionalProperties,
// patternProperties, items, minItems, maxItems, uniqueItems, oneOf, anyOf,
// allOf, not, pattern, minimum, maximum, minLength. format is ignored, as
// validators may do.
type schemaValidator struct {
	root     any
	patterns map[string]*regexp.Regexp
}

func newSchemaValidator(schemaJSON []byte) (*schemaValidator, error) {
	root, err := decodeNumbers(schemaJSON)
	if err != nil {
		return nil, err
	}
	return &schemaValidator{root: root, patterns: map[string]*regexp.Regexp{}}, nil
}

// decodeNumbers decodes JSON keeping numbers exact (json.Number).
func decodeNumbers(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// Validate returns every violation, each with its JSON path.
func (v *schemaValidator) Validate(doc []byte) ([]string, error) {
	inst, err := decodeNumbers(doc)
	if err != nil {
		return nil, err
	}
	return v.check(v.root, inst, "$"), nil
}

func (v *schemaValidator) resolve(ref string) (any, error) {
	if !strings.HasPrefix(ref, "#") {
		return nil, fmt.Errorf("external $ref %q not supported", ref)
	}
	cur := v.root
	for _, tok := range strings.Split(strings.TrimPrefix(ref, "#"), "/")[1:] {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("$ref %q: not an object at %q", ref, tok)
		}
		if cur, ok = m[tok]; !ok {
			return nil, fmt.Errorf("$ref %q: no %q", ref, tok)
		}
	}
	return cur, nil
}

func (v *schemaValidator) check(schemaAny, inst any, path string) []string {
	switch s := schemaAny.(type) {
	case bool:
		if !s {
			return []string{path + ": schema false allows nothing"}
		}
		return nil
	case map[string]any:
		return v.checkObject(s, inst, path)
	}
	return []string{path + ": malformed schema"}
}

func (v *schemaValidator) checkObject(s map[string]any, inst any, path string) []string {
	if ref, ok := s["$ref"].(string); ok {
		target, err := v.resolve(ref)
		if err != nil {
			return []string{path + ": " + err.Error()}
		}
		// draft-04..07: $ref replaces its siblings.
		return v.check(target, inst, path)
	}
	var errs []string
	add := func(format string, args ...any) { errs = append(errs, path+": "+fmt.Sprintf(format, args...)) }
	if t, ok := s["type"]; ok && !typeMatches(t, inst) {
		add("want type %v, have %s", t, typeOf(inst))
		return errs
	}
	if e, ok := s["enum"].([]any); ok {
		found := false
		for _, want := range e {
			if canonical(want) == canonical(inst) {
				found = true
				break
			}
		}
		if !found {
			add("value %s not in enum %s", canonical(inst), canonical(e))
		}
	}
	for _, key := range []string{"allOf", "anyOf", "oneOf"} {
		subs, ok := s[key].([]any)
		if !ok {
			continue
		}
		passing := 0
		var subErrs []string
		for _, sub := range subs {
			if es := v.check(sub, inst, path); len(es) == 0 {
				passing++
			} else {
				subErrs = append(subErrs, es...)
			}
		}
		switch {
		case key == "allOf" && passing != len(subs):
			errs = append(errs, subErrs...)
		case key == "anyOf" && passing == 0:
			add("matches none of anyOf: %s", strings.Join(subErrs, "; "))
		case key == "oneOf" && passing != 1:
			add("matches %d of oneOf (want exactly 1): %s", passing, strings.Join(subErrs, "; "))
		}
	}
	if not, ok := s["not"]; ok && len(v.check(not, inst, path)) == 0 {
		add("matches a 'not' schema")
	}
	switch x := inst.(type) {
	case map[string]any:
		errs = append(errs, v.checkProperties(s, x, path)...)
	case []any:
		errs = append(errs, v.checkItems(s, x, path)...)
	case string:
		if p, ok := s["pattern"].(string); ok {
			re, err := v.pattern(p)
			if err != nil {
				add("pattern %q: %v", p, err)
			} else if !re.MatchString(x) {
				add("%q does not match pattern %q", x, p)
			}
		}
		if n, ok := s["minLength"].(json.Number); ok {
			if min, _ := n.Int64(); int64(len([]rune(x))) < min {
				add("string shorter than %d", min)
			}
		}
	case json.Number:
		have, _ := new(big.Rat).SetString(x.String())
		if n, ok := s["minimum"].(json.Number); ok {
			if min, _ := new(big.Rat).SetString(n.String()); have.Cmp(min) < 0 {
				add("%s below minimum %s", x, n)
			}
		}
		if n, ok := s["maximum"].(json.Number); ok {
			if max, _ := new(big.Rat).SetString(n.String()); have.Cmp(max) > 0 {
				add("%s above maximum %s", x, n)
			}
		}
	}
	return errs
}

func (v *schemaValidator) checkProperties(s map[string]any, obj map[string]any, path string) []string {
	var errs []string
	if req, ok := s["required"].([]any); ok {
		for _, r := range req {
			if _, ok := obj[r.(string)]; !ok {
				errs = append(errs, fmt.Sprintf("%s: missing required property %q", path, r))
			}
		}
	}
	props, _ := s["properties"].(map[string]any)
	patProps, _ := s["patternProperties"].(map[string]any)
	for name, val := range obj {
		sub := path + "." + name
		matched := false
		if ps, ok := props[name]; ok {
			matched = true
			errs = append(errs, v.check(ps, val, sub)...)
		}
		for p, ps := range patProps {
			if re, err := v.pattern(p); err == nil && re.MatchString(name) {
				matched = true
				errs = append(errs, v.check(ps, val, sub)...)
			}
		}
		if matched {
			continue
		}
		if ap, ok := s["additionalProperties"]; ok {
			if b, isBool := ap.(bool); isBool && !b {
				errs = append(errs, fmt.Sprintf("%s: property %q is not allowed", path, name))
			} else if !isBool {
				errs = append(errs, v.check(ap, val, sub)...)
			}
		}
	}
	return errs
}

func (v *schemaValidator) checkItems(s map[string]any, arr []any, path string) []string {
	var errs []string
	if n, ok := s["minItems"].(json.Number); ok {
		if min, _ := n.Int64(); int64(len(arr)) < min {
			errs = append(errs, fmt.Sprintf("%s: %d items, want at least %d", path, len(arr), min))
		}
	}
	if n, ok := s["maxItems"].(json.Number); ok {
		if max, _ := n.Int64(); int64(len(arr)) > max {
			errs = append(errs, fmt.Sprintf("%s: %d items, want at most %d", path, len(arr), max))
		}
	}
	if u, _ := s["uniqueItems"].(bool); u {
		seen := map[string]bool{}
		for _, it := range arr {
			c := canonical(it)
			if seen[c] {
				errs = append(errs, fmt.Sprintf("%s: duplicate item %s", path, c))
			}
			seen[c] = true
		}
	}
	switch items := s["items"].(type) {
	case map[string]any, bool:
		for i, it := range arr {
			errs = append(errs, v.check(items, it, fmt.Sprintf("%s[%d]", path, i))...)
		}
	case []any:
		for i, it := range arr {
			if i < len(items) {
				errs = append(errs, v.check(items[i], it, fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
	}
	return errs
}

func (v *schemaValidator) pattern(p string) (*regexp.Regexp, error) {
	if re, ok := v.patterns[p]; ok {
		return re, nil
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, err
	}
	v.patterns[p] = re
	return re, nil
}

func typeMatches(t any, inst any) bool {
	switch t := t.(type) {
	case string:
		return typeIs(t, inst)
	case []any:
		for _, one := range t {
			if s, ok := one.(string); ok && typeIs(s, inst) {
				return true
			}
		}
	}
	return false
}

func typeIs(t string, inst any) bool {
	switch t {
	case "integer":
		n, ok := inst.(json.Number)
		if !ok {
			return false
		}
		r, ok := new(big.Rat).SetString(n.String())
		return ok && r.IsInt()
	case "number":
		_, ok := inst.(json.Number)
		return ok
	}
	return typeOf(inst) == t
}

func typeOf(inst any) string {
	switch inst.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", inst)
}

// canonical renders a JSON value with sorted keys and normalised numbers,
// for enum and uniqueness comparisons.
func canonical(v any) string {
	switch x := v.(type) {
	case json.Number:
		if r, ok := new(big.Rat).SetString(x.String()); ok {
			return r.RatString()
		}
	case map[string]any, []any:
		b, _ := json.Marshal(normalise(x))
		return string(b)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func normalise(v any) any {
	switch x := v.(type) {
	case json.Number:
		return canonical(x)
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = normalise(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalise(e)
		}
		return out
	}
	return v
}
