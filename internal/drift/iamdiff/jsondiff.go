package iamdiff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// PathChange is one difference between two policy documents, after
// normalisation: Path names the element (Statement[Sid=Admin].Action,
// Statement[2].Condition.StringEquals.aws:SourceAccount); New (added), Old
// (removed) or both (changed) hold its value. In lists whose order AWS
// ignores (Action, Resource, principals, condition values), each added or
// removed entry is one change at the list's path.
type PathChange struct {
	Path   string `json:"path"`
	Change Change `json:"change"`
	Old    any    `json:"old,omitempty"`
	New    any    `json:"new,omitempty"`
}

// orderless are the policy elements whose value may be one string or a
// list, in any order, meaning the same.
var orderless = map[string]bool{"Action": true, "NotAction": true, "Resource": true, "NotResource": true}

// Normalize decodes a policy document into a form in which equivalent
// documents are equal: key order does not matter (maps), Statement is
// always a list (sorted by content), Action, NotAction, Resource,
// NotResource, each principal type's and each condition key's values are
// sorted lists without duplicates (one string is a list of one), condition
// values are strings ("true" and true are the same to IAM), and
// Principal "*" is {"AWS": ["*"]}. Anything else is kept as decoded.
func Normalize(doc []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if s, ok := v.(string); ok { // a document stored as a JSON string
		return Normalize([]byte(s))
	}
	m, ok := v.(map[string]any)
	if !ok {
		return v, nil
	}
	if st, ok := m["Statement"]; ok {
		var list []any
		switch st := st.(type) {
		case []any:
			list = st
		default:
			list = []any{st}
		}
		for i, s := range list {
			if sm, ok := s.(map[string]any); ok {
				list[i] = normalizeStatement(sm)
			}
		}
		slices.SortStableFunc(list, func(a, b any) int { return strings.Compare(canonical(a), canonical(b)) })
		m["Statement"] = list
	}
	return m, nil
}

func normalizeStatement(m map[string]any) map[string]any {
	for k, v := range m {
		switch {
		case orderless[k]:
			m[k] = stringSet(v)
		case k == "Principal" || k == "NotPrincipal":
			if s, ok := v.(string); ok && s == "*" {
				m[k] = map[string]any{"AWS": []any{"*"}}
			} else if pm, ok := v.(map[string]any); ok {
				for t, ids := range pm {
					pm[t] = stringSet(ids)
				}
			}
		case k == "Condition":
			if cm, ok := v.(map[string]any); ok {
				for _, keys := range cm {
					if km, ok := keys.(map[string]any); ok {
						for key, vals := range km {
							km[key] = stringSet(vals)
						}
					}
				}
			}
		}
	}
	return m
}

// stringSet turns a string, number, bool or list of them into a sorted
// list of distinct strings; other values are kept.
func stringSet(v any) any {
	var items []any
	switch v := v.(type) {
	case []any:
		items = v
	default:
		items = []any{v}
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		switch it := it.(type) {
		case string:
			out = append(out, it)
		case json.Number:
			out = append(out, it.String())
		case bool:
			out = append(out, fmt.Sprint(it))
		default:
			return v
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	list := make([]any, len(out))
	for i, s := range out {
		list[i] = s
	}
	return list
}

// canonical is the JSON of a decoded value (maps with sorted keys).
func canonical(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// DiffDocuments compares two policy documents after Normalize. Documents
// that are not JSON are compared as text: one change at the root.
func DiffDocuments(oldDoc, newDoc []byte) []PathChange {
	a, errA := Normalize(oldDoc)
	b, errB := Normalize(newDoc)
	if errA != nil || errB != nil {
		if bytes.Equal(bytes.TrimSpace(oldDoc), bytes.TrimSpace(newDoc)) {
			return nil
		}
		return []PathChange{{Path: "", Change: Changed, Old: string(oldDoc), New: string(newDoc)}}
	}
	var out []PathChange
	diffValue("", a, b, &out)
	return out
}

// SameDocument reports whether two documents are equivalent.
func SameDocument(oldDoc, newDoc []byte) bool { return len(DiffDocuments(oldDoc, newDoc)) == 0 }

func diffValue(path string, a, b any, out *[]PathChange) {
	if canonical(a) == canonical(b) {
		return
	}
	switch av := a.(type) {
	case map[string]any:
		if bv, ok := b.(map[string]any); ok {
			diffMaps(path, av, bv, out)
			return
		}
	case []any:
		if bv, ok := b.([]any); ok {
			switch {
			case lastElem(path) == "Statement":
				diffStatements(path, av, bv, out)
			case allStrings(av) && allStrings(bv):
				diffSets(path, av, bv, out)
			default:
				for i := range max(len(av), len(bv)) {
					p := fmt.Sprintf("%s[%d]", path, i)
					switch {
					case i >= len(av):
						*out = append(*out, PathChange{Path: p, Change: Added, New: bv[i]})
					case i >= len(bv):
						*out = append(*out, PathChange{Path: p, Change: Removed, Old: av[i]})
					default:
						diffValue(p, av[i], bv[i], out)
					}
				}
			}
			return
		}
	}
	*out = append(*out, PathChange{Path: path, Change: Changed, Old: a, New: b})
}

func diffMaps(path string, a, b map[string]any, out *[]PathChange) {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	for _, k := range sortedKeys(keys) {
		p := k
		if path != "" {
			p = path + "." + k
		}
		av, inA := a[k]
		bv, inB := b[k]
		switch {
		case !inA:
			*out = append(*out, PathChange{Path: p, Change: Added, New: bv})
		case !inB:
			*out = append(*out, PathChange{Path: p, Change: Removed, Old: av})
		default:
			diffValue(p, av, bv, out)
		}
	}
}

func diffSets(path string, a, b []any, out *[]PathChange) {
	in := func(list []any, s any) bool { return slices.Contains(list, s) }
	for _, s := range a {
		if !in(b, s) {
			*out = append(*out, PathChange{Path: path, Change: Removed, Old: s})
		}
	}
	for _, s := range b {
		if !in(a, s) {
			*out = append(*out, PathChange{Path: path, Change: Added, New: s})
		}
	}
}

// diffStatements matches statements by Sid when every statement of both
// documents has a distinct one; otherwise identical statements match and
// the rest are removed and added whole, except one removed and one added,
// which are compared.
func diffStatements(path string, a, b []any, out *[]PathChange) {
	if sa, sb := bySid(a), bySid(b); sa != nil && sb != nil {
		keys := map[string]bool{}
		for k := range sa {
			keys[k] = true
		}
		for k := range sb {
			keys[k] = true
		}
		for _, sid := range sortedKeys(keys) {
			p := fmt.Sprintf("%s[Sid=%s]", path, sid)
			av, inA := sa[sid]
			bv, inB := sb[sid]
			switch {
			case !inA:
				*out = append(*out, PathChange{Path: p, Change: Added, New: bv})
			case !inB:
				*out = append(*out, PathChange{Path: p, Change: Removed, Old: av})
			default:
				diffValue(p, av, bv, out)
			}
		}
		return
	}
	var removed, added []int
	for i, s := range a {
		if !containsCanonical(b, s) {
			removed = append(removed, i)
		}
	}
	for i, s := range b {
		if !containsCanonical(a, s) {
			added = append(added, i)
		}
	}
	if len(removed) == 1 && len(added) == 1 {
		diffValue(fmt.Sprintf("%s[%d]", path, added[0]), a[removed[0]], b[added[0]], out)
		return
	}
	for _, i := range removed {
		*out = append(*out, PathChange{Path: fmt.Sprintf("%s[%d]", path, i), Change: Removed, Old: a[i]})
	}
	for _, i := range added {
		*out = append(*out, PathChange{Path: fmt.Sprintf("%s[%d]", path, i), Change: Added, New: b[i]})
	}
}

// bySid indexes statements by Sid, or returns nil when one has none or two
// share one.
func bySid(list []any) map[string]any {
	out := map[string]any{}
	for _, s := range list {
		m, ok := s.(map[string]any)
		if !ok {
			return nil
		}
		sid, _ := m["Sid"].(string)
		if _, dup := out[sid]; sid == "" || dup {
			return nil
		}
		out[sid] = s
	}
	return out
}

func containsCanonical(list []any, v any) bool {
	c := canonical(v)
	for _, x := range list {
		if canonical(x) == c {
			return true
		}
	}
	return false
}

func allStrings(list []any) bool {
	for _, v := range list {
		if _, ok := v.(string); !ok {
			return false
		}
	}
	return true
}

func lastElem(path string) string {
	if i := strings.LastIndexAny(path, ".]"); i >= 0 {
		return path[i+1:]
	}
	return path
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
