// Package migrate holds what the migration planners (identitycenter,
// githuboidc) share: references from one plan action to a value an earlier
// action's response gives, the plan header both write, the deletion of an
// IAM user in AWS's dependency order, and the sh and markdown renderings of
// their plans.
package migrate

import (
	"strings"

	"github.com/iamspect/iamspect/internal/remediate/plan"
)

// Ref is plan.Ref: a placeholder for a value of an earlier action's
// response (see internal/remediate/plan/refs.go).
func Ref(actionID, path string) string { return plan.Ref(actionID, path) }

// RefPattern is plan.RefPattern.
var RefPattern = plan.RefPattern

// Refs is plan.Refs.
func Refs(c *plan.Call) [][2]string { return plan.Refs(c) }

// shVar is the shell variable the sh rendering keeps a reference's value in.
func shVar(actionID, path string) string {
	return "R_" + strings.ReplaceAll(actionID, "-", "_") + "_" + strings.ReplaceAll(path, ".", "_")
}
