package access

import (
	"fmt"
	"strings"
)

// MethodsMarkdown renders the catalogue as the table in
// docs/privilege-escalation.md (kept in sync by a test; regenerate with
// `go test ./internal/access -run TestMethodsDoc -update`).
func MethodsMarkdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d methods (%d retired).\n\n", len(Methods), countRetired())
	b.WriteString("| ID | Method | Category | Actions | Target | Listed by |\n|---|---|---|---|---|---|\n")
	for _, m := range Methods {
		name := m.Name
		if m.Retired != "" {
			name += " *(retired: " + m.Retired + ")*"
		}
		acts := make([]string, 0, len(m.Steps))
		for _, a := range m.Actions() {
			acts = append(acts, "`"+a+"`")
		}
		var refs []string
		for _, r := range m.Sources {
			refs = append(refs, r.Tool+" "+r.Name)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", m.ID, name, m.Category, strings.Join(acts, ", "),
			targetText(m), strings.Join(refs, "; "))
	}
	return b.String()
}

func countRetired() int {
	n := 0
	for _, m := range Methods {
		if m.Retired != "" {
			n++
		}
	}
	return n
}

func targetText(m *Method) string {
	var t string
	switch m.Target {
	case TargetNone:
		t = "none"
	case TargetSelf:
		t = "itself"
	case TargetSelfPolicy:
		t = "a customer managed policy attached to it"
	case TargetSelfGroup:
		t = "one of its groups"
	case TargetUser:
		t = "another user"
	case TargetGroup:
		t = "a more privileged group"
	case TargetRole:
		t = "another role"
	case TargetAssumableRole:
		t = "a role it can assume"
	case TargetPassRole:
		t = "a passable role trusting " + strings.Join(m.Services, " or ")
	case TargetServiceRole:
		t = "an existing resource's role trusting " + strings.Join(m.Services, " or ")
	case TargetIdentityCenter:
		t = "the account's Identity Center instance"
	}
	switch m.Prereq {
	case PrereqKeySlot:
		t += " (with fewer than 2 access keys)"
	case PrereqTwoKeys:
		t += " (with 2 access keys)"
	case PrereqNoPassword:
		t += " (without a console password)"
	case PrereqPassword:
		t += " (with a console password)"
	case PrereqBoundary:
		t += " (with a permissions boundary)"
	}
	return t
}
