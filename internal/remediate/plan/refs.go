package plan

import "regexp"

// References let a call use a value that an earlier action's response
// gives: the identifiers AWS assigns when something is created (an
// Identity Store user or group ID, a permission set ARN, a policy ARN) are
// unknown when the plan is written. A parameter value, or part of one,
// written ${ACTION_ID.Path.To.Field} (e.g.
// ${111122223333-0a1b2c3d4e5f.PermissionSet.PermissionSetArn}) is replaced,
// before the call, by that field of the response of the named action —
// which must come earlier in the plan (apply keeps each done action's
// response fields in its journal, so a resumed apply and a rollback
// resolve them too). The migration planners write them; see
// docs/migration.md.

// Ref is the reference to a field of an action's response.
func Ref(actionID, path string) string { return "${" + actionID + "." + path + "}" }

// RefPattern matches a reference: group 1 is the action ID, group 2 the
// field path.
var RefPattern = regexp.MustCompile(`\$\{([0-9]{12}-[0-9a-f]{12})\.([A-Za-z0-9.]+)\}`)

// Refs lists the references in a call's parameters as (action ID, path).
func Refs(c *Call) [][2]string {
	if c == nil {
		return nil
	}
	var out [][2]string
	for _, m := range RefPattern.FindAllStringSubmatch(string(c.Params), -1) {
		out = append(out, [2]string{m[1], m[2]})
	}
	return out
}

// ResolveRefs returns the call with every reference replaced by the value
// outputs gives it (outputs[actionID][path]); missing names the first
// reference without a value.
func ResolveRefs(c *Call, outputs map[string]map[string]string) (*Call, string) {
	if c == nil || len(Refs(c)) == 0 {
		return c, ""
	}
	missing := ""
	params := RefPattern.ReplaceAllStringFunc(string(c.Params), func(m string) string {
		sub := RefPattern.FindStringSubmatch(m)
		v, ok := outputs[sub[1]][sub[2]]
		if !ok {
			if missing == "" {
				missing = m
			}
			return m
		}
		return jsonEscape(v)
	})
	out := *c
	out.Params = []byte(params)
	return &out, missing
}

// jsonEscape escapes a value for the inside of a JSON string.
func jsonEscape(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r < 0x20:
			b = append(b, []byte(`\u00`+string("0123456789abcdef"[r>>4])+string("0123456789abcdef"[r&15]))...)
		default:
			b = append(b, string(r)...)
		}
	}
	return string(b)
}
