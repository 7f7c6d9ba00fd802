// Package migrate holds what the migration planners (identitycenter,
// githuboidc) share: references from one plan action to a value an earlier
// action's response gives, the plan header both write, the deletion of an
// IAM user in AWS's dependency order, and the sh and markdown renderings of
// their plans.
package migrate

import (
	"regexp"
	"strings"

	"github.com/iamspect/iamspect/internal/remediate/plan"
)

// Ref is a placeholder, inside a call's parameter, for a value of an earlier
// action's response: ${ACTION_ID.Path.To.Field}, e.g.
// ${111122223333-0a1b2c3d4e5f.PermissionSet.PermissionSetArn}. The
// identifiers Identity Center and IAM assign (user, group and permission
// set IDs, policy ARNs) are only known once the creating call has answered.
// The applier substitutes the value from its journal; the sh rendering
// captures it in a shell variable (--query Path --output text).
func Ref(actionID, path string) string { return "${" + actionID + "." + path + "}" }

// RefPattern matches a Ref.
var RefPattern = regexp.MustCompile(`\$\{([0-9]{12}-[0-9a-f]{12})\.([A-Za-z0-9.]+)\}`)

// Refs lists the references in a call's parameters.
func Refs(c *plan.Call) [][2]string {
	if c == nil {
		return nil
	}
	var out [][2]string
	for _, m := range RefPattern.FindAllStringSubmatch(string(c.Params), -1) {
		out = append(out, [2]string{m[1], m[2]})
	}
	return out
}

// Resolve replaces every reference in s with the value outputs gives it
// (outputs[actionID][path]); ok is false when one is missing.
func Resolve(s string, outputs map[string]map[string]string) (string, bool) {
	ok := true
	out := RefPattern.ReplaceAllStringFunc(s, func(m string) string {
		sub := RefPattern.FindStringSubmatch(m)
		v, found := outputs[sub[1]][sub[2]]
		if !found {
			ok = false
			return m
		}
		return v
	})
	return out, ok
}

// shVar is the shell variable the sh rendering keeps a reference's value in.
func shVar(actionID, path string) string {
	return "R_" + strings.ReplaceAll(actionID, "-", "_") + "_" + strings.ReplaceAll(path, ".", "_")
}
