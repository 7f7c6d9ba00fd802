package ocsf_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// ocsfSchema validates events against the OCSF schema source (the files of
// the ocsf-schema repository, not the compiled JSON): classes extend their
// parents (detection_finding → finding → base_event), objects extend theirs,
// profiles are pulled in with $include and gate their attributes, and an
// attribute's type, is_array, enum and sibling come from dictionary.json,
// overridden (enums merged) by the class or object that uses it.
type ocsfSchema struct {
	dir        string
	dict       map[string]attr
	types      map[string]dataType
	categories map[string]category
	classes    map[string]rawDef // by name
	objects    map[string]rawDef // by name
	resolved   map[string]*def   // cache, by kind and name
}

type attr struct {
	Caption     string          `json:"caption"`
	Type        string          `json:"type"`
	IsArray     bool            `json:"is_array"`
	Sibling     string          `json:"sibling"`
	Requirement string          `json:"requirement"`
	Enum        map[string]enum `json:"enum"`
	// Profile is the profile an attribute belongs to ("" for none). In the
	// source, "profile": null on a class attribute lifts the gate.
	Profile *string `json:"profile"`
	// Deprecated is set on attributes (and enum values) OCSF deprecates.
	Deprecated json.RawMessage `json:"@deprecated"`
}

type enum struct {
	Caption    string          `json:"caption"`
	Deprecated json.RawMessage `json:"@deprecated"`
}

type dataType struct {
	Type   string `json:"type"`
	Regex  string `json:"regex"`
	MaxLen int    `json:"max_len"`
	Range  []int  `json:"range"`
}

type category struct {
	UID     int    `json:"uid"`
	Caption string `json:"caption"`
}

type rawDef struct {
	UID         int                        `json:"uid"`
	Name        string                     `json:"name"`
	Caption     string                     `json:"caption"`
	Category    string                     `json:"category"`
	Extends     string                     `json:"extends"`
	Attributes  map[string]json.RawMessage `json:"attributes"`
	Constraints map[string][]string        `json:"constraints"`
}

// def is a resolved class or object: every attribute with its details.
type def struct {
	name, caption, category string
	uid                     int
	attrs                   map[string]attr
	constraints             map[string][]string
}

func loadOCSF(dir string) (*ocsfSchema, error) {
	s := &ocsfSchema{dir: dir, classes: map[string]rawDef{}, objects: map[string]rawDef{}, resolved: map[string]*def{}}
	var dict struct {
		Attributes map[string]attr `json:"attributes"`
		Types      struct {
			Attributes map[string]dataType `json:"attributes"`
		} `json:"types"`
	}
	if err := readJSON(filepath.Join(dir, "dictionary.json"), &dict); err != nil {
		return nil, err
	}
	s.dict, s.types = dict.Attributes, dict.Types.Attributes
	var cats struct {
		Attributes map[string]category `json:"attributes"`
	}
	if err := readJSON(filepath.Join(dir, "categories.json"), &cats); err != nil {
		return nil, err
	}
	s.categories = cats.Attributes
	for _, sub := range []string{"events", "objects"} {
		err := filepath.WalkDir(filepath.Join(dir, sub), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
				return err
			}
			var raw rawDef
			if err := readJSON(path, &raw); err != nil {
				return err
			}
			if sub == "events" {
				s.classes[raw.Name] = raw
			} else {
				s.objects[raw.Name] = raw
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// resolve merges a definition with its ancestors and included profiles.
func (s *ocsfSchema) resolve(defs map[string]rawDef, name string) (*def, error) {
	key := fmt.Sprintf("%p/%s", defs, name)
	if d, ok := s.resolved[key]; ok {
		return d, nil
	}
	d, err := s.resolveUncached(defs, name)
	if err == nil {
		s.resolved[key] = d
	}
	return d, err
}

func (s *ocsfSchema) resolveUncached(defs map[string]rawDef, name string) (*def, error) {
	raw, ok := defs[name]
	if !ok {
		return nil, fmt.Errorf("no definition %q", name)
	}
	d := &def{name: raw.Name, caption: raw.Caption, category: raw.Category, uid: raw.UID, attrs: map[string]attr{}, constraints: raw.Constraints}
	if raw.Extends != "" && raw.Extends != name {
		parent, err := s.resolve(defs, raw.Extends)
		if err != nil {
			return nil, err
		}
		d.attrs = maps.Clone(parent.attrs)
		if d.category == "" {
			d.category = parent.category
		}
		if d.constraints == nil {
			d.constraints = parent.constraints
		}
	}
	if inc, ok := raw.Attributes["$include"]; ok {
		var files []string
		if err := json.Unmarshal(inc, &files); err != nil {
			return nil, err
		}
		for _, f := range files {
			var prof struct {
				Name       string                     `json:"name"`
				Attributes map[string]json.RawMessage `json:"attributes"`
			}
			if err := readJSON(filepath.Join(s.dir, f), &prof); err != nil {
				return nil, err
			}
			for an, body := range prof.Attributes {
				a, err := overlay(d.attrs[an], body)
				if err != nil {
					return nil, err
				}
				if a.Profile == nil {
					p := prof.Name
					a.Profile = &p
				}
				d.attrs[an] = a
			}
		}
	}
	for an, body := range raw.Attributes {
		if an == "$include" {
			continue
		}
		a, err := overlay(d.attrs[an], body)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", name, an, err)
		}
		d.attrs[an] = a
	}
	return d, nil
}

// overlay applies a definition's attribute body over what the parent had:
// present keys replace (profile: null clears the gate), enums merge.
func overlay(prev attr, body json.RawMessage) (attr, error) {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(body, &keys); err != nil {
		return prev, err
	}
	var next attr
	if err := json.Unmarshal(body, &next); err != nil {
		return prev, err
	}
	out := prev
	if _, ok := keys["caption"]; ok {
		out.Caption = next.Caption
	}
	if _, ok := keys["type"]; ok {
		out.Type = next.Type
	}
	if _, ok := keys["is_array"]; ok {
		out.IsArray = next.IsArray
	}
	if _, ok := keys["sibling"]; ok {
		out.Sibling = next.Sibling
	}
	if _, ok := keys["requirement"]; ok {
		out.Requirement = next.Requirement
	}
	if _, ok := keys["@deprecated"]; ok {
		out.Deprecated = next.Deprecated
	}
	if _, ok := keys["profile"]; ok {
		if next.Profile == nil {
			empty := ""
			out.Profile = &empty
		} else {
			out.Profile = next.Profile
		}
	}
	if len(next.Enum) > 0 {
		merged := maps.Clone(out.Enum)
		if merged == nil {
			merged = map[string]enum{}
		}
		maps.Copy(merged, next.Enum)
		out.Enum = merged
	}
	return out, nil
}

// full completes an attribute from the dictionary: type, array-ness,
// sibling, and the dictionary's enum under the definition's.
func (s *ocsfSchema) full(name string, a attr) attr {
	d := s.dict[name]
	if a.Type == "" {
		a.Type = d.Type
	}
	if !a.IsArray {
		a.IsArray = d.IsArray
	}
	if a.Sibling == "" {
		a.Sibling = d.Sibling
	}
	if a.Deprecated == nil {
		a.Deprecated = d.Deprecated
	}
	if len(d.Enum) > 0 {
		merged := maps.Clone(d.Enum)
		maps.Copy(merged, a.Enum)
		a.Enum = merged
	}
	return a
}

// ValidateEvent checks one event of the given class against the schema and
// returns every violation.
func (s *ocsfSchema) ValidateEvent(event map[string]any, className string) []string {
	cls, err := s.resolve(s.classes, className)
	if err != nil {
		return []string{err.Error()}
	}
	v := &ocsfValidation{s: s, profiles: map[string]bool{}}
	if md, ok := event["metadata"].(map[string]any); ok {
		if ps, ok := md["profiles"].([]any); ok {
			for _, p := range ps {
				name, _ := p.(string)
				if _, err := os.Stat(filepath.Join(s.dir, "profiles", name+".json")); name == "" || err != nil {
					v.errorf("$.metadata.profiles: no profile %q in the schema", p)
					continue
				}
				v.profiles[name] = true
			}
		}
	}
	cat := s.categories[cls.category]
	classUID := cat.UID*1000 + cls.uid
	activity, _ := asInt(event["activity_id"])
	want := map[string]any{
		"class_uid": classUID, "class_name": cls.caption,
		"category_uid": cat.UID, "category_name": cat.Caption,
		"type_uid": classUID*100 + activity,
	}
	if act, ok := s.full("activity_id", cls.attrs["activity_id"]).Enum[strconv.Itoa(activity)]; ok {
		want["type_name"] = cls.caption + ": " + act.Caption
	}
	for k, w := range want {
		got, present := event[k]
		if !present {
			continue // required-ness is checked below
		}
		if n, ok := asInt(got); ok {
			got = n
		}
		if fmt.Sprint(got) != fmt.Sprint(w) {
			v.errorf("$.%s: %v, want %v for class %s", k, got, w, className)
		}
	}
	v.object(cls, event, "$")
	return v.errs
}

type ocsfValidation struct {
	s        *ocsfSchema
	profiles map[string]bool
	errs     []string
}

func (v *ocsfValidation) errorf(format string, args ...any) {
	v.errs = append(v.errs, fmt.Sprintf(format, args...))
}

func (v *ocsfValidation) active(a attr) bool {
	return a.Profile == nil || *a.Profile == "" || v.profiles[*a.Profile]
}

func (v *ocsfValidation) object(d *def, obj map[string]any, path string) {
	for _, name := range slices.Sorted(maps.Keys(d.attrs)) {
		a := d.attrs[name]
		if _, ok := obj[name]; !ok && a.Requirement == "required" && v.active(a) {
			v.errorf("%s: missing required attribute %q", path, name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(obj)) {
		a, ok := d.attrs[name]
		switch {
		case !ok:
			v.errorf("%s: unknown attribute %q in %s", path, name, d.name)
			continue
		case !v.active(a):
			v.errorf("%s: attribute %q belongs to profile %q, which metadata.profiles does not declare", path, name, *a.Profile)
			continue
		}
		a = v.s.full(name, a)
		if path == "$" && (name == "class_uid" || name == "category_uid") {
			// The compiled schema fills these enums from the class and
			// category files; ValidateEvent checks the computed values.
			a.Enum = nil
		}
		v.value(a, obj[name], path+"."+name, name, obj)
	}
	for kind, names := range d.constraints {
		n := 0
		for _, name := range names {
			if _, ok := obj[name]; ok {
				n++
			}
		}
		if (kind == "at_least_one" && n == 0) || (kind == "just_one" && n != 1) {
			v.errorf("%s: constraint %s of %v not met", path, kind, names)
		}
	}
}

func (v *ocsfValidation) value(a attr, val any, path, name string, parent map[string]any) {
	if a.Deprecated != nil {
		v.errorf("%s: attribute %q is deprecated: %s", path, name, a.Deprecated)
	}
	if a.IsArray {
		arr, ok := val.([]any)
		if !ok {
			v.errorf("%s: want an array of %s", path, a.Type)
			return
		}
		for i, e := range arr {
			v.scalar(a, e, fmt.Sprintf("%s[%d]", path, i))
		}
		return
	}
	v.scalar(a, val, path)
	if len(a.Enum) > 0 {
		key := fmt.Sprint(val)
		if n, ok := asInt(val); ok {
			key = strconv.Itoa(n)
		}
		e, ok := a.Enum[key]
		if !ok {
			v.errorf("%s: %v is not one of %v", path, val, slices.Sorted(maps.Keys(a.Enum)))
			return
		}
		if e.Deprecated != nil {
			v.errorf("%s: value %s is deprecated: %s", path, key, e.Deprecated)
		}
		if a.Sibling != "" && key != "99" {
			if sib, present := parent[a.Sibling]; present && sib != e.Caption {
				v.errorf("%s: %s is %q, want %q (the caption of %s %s)", path, a.Sibling, sib, e.Caption, name, key)
			}
		}
	}
}

func (v *ocsfValidation) scalar(a attr, val any, path string) {
	if a.Type == "object" {
		if _, ok := val.(map[string]any); !ok {
			v.errorf("%s: want a JSON object", path)
		}
		return
	}
	if !strings.HasSuffix(a.Type, "_t") {
		obj, ok := val.(map[string]any)
		if !ok {
			v.errorf("%s: want a %s object", path, a.Type)
			return
		}
		d, err := v.s.resolve(v.s.objects, a.Type)
		if err != nil {
			v.errorf("%s: %v", path, err)
			return
		}
		v.object(d, obj, path)
		return
	}
	t, base := a.Type, a.Type
	for {
		next := v.s.types[base].Type
		if next == "" {
			break
		}
		base = next
	}
	dt := v.s.types[t]
	switch base {
	case "string_t":
		str, ok := val.(string)
		if !ok {
			v.errorf("%s: want a string (%s)", path, t)
			return
		}
		if dt.Regex != "" && !regexp.MustCompile(dt.Regex).MatchString(str) {
			v.errorf("%s: %q is not a valid %s", path, str, t)
		}
		if dt.MaxLen > 0 && len(str) > dt.MaxLen {
			v.errorf("%s: longer than %d", path, dt.MaxLen)
		}
	case "integer_t", "long_t":
		n, ok := val.(json.Number)
		i, err := n.Int64()
		if !ok || err != nil {
			v.errorf("%s: want an integer (%s), have %v", path, t, val)
			return
		}
		if base == "integer_t" && (i < math.MinInt32 || i > math.MaxInt32) {
			v.errorf("%s: %d overflows a 32-bit integer", path, i)
		}
		if len(dt.Range) == 2 && (i < int64(dt.Range[0]) || i > int64(dt.Range[1])) {
			v.errorf("%s: %d outside %v", path, i, dt.Range)
		}
	case "float_t":
		if _, ok := val.(json.Number); !ok {
			v.errorf("%s: want a number", path)
		}
	case "boolean_t":
		if _, ok := val.(bool); !ok {
			v.errorf("%s: want a boolean", path)
		}
	case "json_t":
	default:
		v.errorf("%s: unknown type %s", path, t)
	}
}

func asInt(v any) (int, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return int(i), err == nil
}

// decodeEvents decodes a JSON array of events keeping numbers exact.
func decodeEvents(data []byte) ([]map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var evs []map[string]any
	err := dec.Decode(&evs)
	return evs, err
}
