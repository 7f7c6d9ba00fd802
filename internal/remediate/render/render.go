// Package render writes a remediation plan for people: an AWS CLI script
// (sh), Terraform (terraform) and a change request (markdown). The JSON plan
// itself is written by the plan package. Renderings never add actions: they
// show the plan's calls in the plan's order.
package render

import (
	"fmt"
	"io"
	"sort"

	"github.com/iamspect/iamspect/internal/remediate/plan"
)

// Formats lists the rendering names (json is the plan itself).
func Formats() []string { return []string{"json", "sh", "terraform", "markdown"} }

// Write renders p in format.
func Write(w io.Writer, p *plan.Plan, format string) error {
	switch format {
	case "", "json":
		return p.Encode(w)
	case "sh":
		return Shell(w, p)
	case "terraform":
		return Terraform(w, p)
	case "markdown":
		return Markdown(w, p)
	}
	return fmt.Errorf("plan format %q: want one of %v", format, Formats())
}

// byAccount groups a stage's actions by account, in plan order of first
// appearance, management account first.
func byAccount(p *plan.Plan, stage string) (order []string, groups map[string][]*plan.Action) {
	groups = map[string][]*plan.Action{}
	for _, a := range p.ByStage(stage) {
		if _, ok := groups[a.AccountID]; !ok {
			order = append(order, a.AccountID)
		}
		groups[a.AccountID] = append(groups[a.AccountID], a)
	}
	mgmt := managementID(p)
	sort.SliceStable(order, func(i, j int) bool { return order[i] == mgmt && order[j] != mgmt })
	return order, groups
}

func managementID(p *plan.Plan) string {
	for _, a := range p.Accounts {
		if a.Management {
			return a.ID
		}
	}
	if p.Source.ManagementAccountID != "" {
		return p.Source.ManagementAccountID
	}
	if len(p.Accounts) == 1 {
		return p.Accounts[0].ID
	}
	return ""
}
