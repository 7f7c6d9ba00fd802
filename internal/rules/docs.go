package rules

//go:generate go test -run TestDocsUpToDate -update .

import (
	"fmt"
	"slices"
	"strings"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// Markdown renders a rule's documentation page (docs/rules/ID.md). The pages
// are generated from the catalogue: run `go test ./internal/rules -update`.
func (r *Rule) Markdown() string {
	r = r.WithThresholds(Defaults())
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", r.ID)
	fmt.Fprintf(&b, "**%s**\n\n", r.Title)
	fmt.Fprintf(&b, "Severity: `%s`\n\n", r.Severity)
	fmt.Fprintf(&b, "## Why it matters\n\n%s\n\n", r.Description)
	if in := r.InputsNeeded(); in != "" {
		fmt.Fprintf(&b, "## Inputs\n\n%s\n\n", in)
	}
	b.WriteString("## Remediation\n\n" + r.Remediation.Summary + "\n\n")
	if r.Remediation.Console != "" {
		fmt.Fprintf(&b, "**Console:** %s\n\n", r.Remediation.Console)
	}
	if r.Remediation.CLI != "" {
		fmt.Fprintf(&b, "**AWS CLI:**\n\n```sh\n%s\n```\n\n", r.Remediation.CLI)
	}
	if tf := r.Remediation.Terraform; strings.Contains(tf, "{") {
		fmt.Fprintf(&b, "**Terraform:**\n\n```hcl\n%s\n```\n\n", tf)
	} else if tf != "" {
		fmt.Fprintf(&b, "**Terraform:** %s\n\n", tf)
	}
	if fws := r.FrameworkList(); len(fws) > 0 {
		b.WriteString("## Frameworks\n\n| framework | controls |\n|---|---|\n")
		for _, fw := range fws {
			fmt.Fprintf(&b, "| `%s` | %s |\n", fw, strings.Join(r.Frameworks[fw], ", "))
		}
		b.WriteString("\n")
	}
	b.WriteString("## References\n\n")
	for _, ref := range r.References {
		fmt.Fprintf(&b, "- <%s>\n", ref)
	}
	b.WriteString("\n---\nGenerated from the rule catalogue (`go test ./internal/rules -update`); do not edit.\n")
	return b.String()
}

// InputsNeeded describes the snapshot inputs a rule reads, for docs.
func (r *Rule) InputsNeeded() string {
	var parts []string
	for _, in := range r.Needs {
		parts = append(parts, "`"+string(in)+"` ("+in.API()+")")
	}
	if len(r.NeedsAny) > 0 {
		var any []string
		for _, in := range r.NeedsAny {
			any = append(any, "`"+string(in)+"` ("+in.API()+")")
		}
		parts = append(parts, "one of "+strings.Join(any, " or "))
	}
	text := ""
	if len(parts) > 0 {
		text = "Needs " + strings.Join(parts, ", ") + ". When an input is missing the rule reports UNKNOWN, never PASS."
	}
	if per := coverText(r.Covers); per != "" {
		text = strings.TrimSpace(text + " " + per)
	}
	return text
}

// coverText says which per-principal inputs the rule reads.
func coverText(c Covers) string {
	var parts []string
	names := func(ins []snapshot.Input) string {
		var q []string
		for _, in := range ins {
			q = append(q, "`"+string(in)+"`")
		}
		return strings.Join(q, " and ")
	}
	if len(c.Users) > 0 {
		parts = append(parts, "each IAM user from "+names(c.Users))
	}
	if len(c.Roles) > 0 {
		parts = append(parts, "each role from "+names(c.Roles))
	}
	if len(parts) == 0 {
		return ""
	}
	return "It judges " + strings.Join(parts, ", and ") + ": a principal that input did not list (created between two exports, or files from different times) is UNKNOWN, whatever else the scan knows of it."
}

// FrameworkList returns the rule's frameworks in rules.Frameworks order.
func (r *Rule) FrameworkList() []Framework {
	var out []Framework
	for _, fw := range Frameworks {
		if len(r.Frameworks[fw]) > 0 {
			out = append(out, fw)
		}
	}
	for fw := range r.Frameworks {
		if !slices.Contains(out, fw) && len(r.Frameworks[fw]) > 0 {
			out = append(out, fw)
		}
	}
	return out
}

// IndexMarkdown renders docs/rules/README.md, the catalogue's index.
func IndexMarkdown(rs []*Rule) string {
	var b strings.Builder
	b.WriteString("# Rule catalogue\n\n")
	fmt.Fprintf(&b, "iamspect has %d rules. `iamspect rules` lists them; `iamspect rules show ID` prints one.\n\n", len(rs))
	b.WriteString("| ID | severity | title | frameworks |\n|---|---|---|---|\n")
	for _, r := range rs {
		var fws []string
		for _, fw := range r.FrameworkList() {
			fws = append(fws, fmt.Sprintf("%s %s", fw, strings.Join(r.Frameworks[fw], ", ")))
		}
		fmt.Fprintf(&b, "| [`%s`](%s.md) | %s | %s | %s |\n", r.ID, r.ID, r.Severity, r.Title, strings.Join(fws, "; "))
	}
	b.WriteString(coverageSection)
	b.WriteString("\n---\nGenerated from the rule catalogue (`go test ./internal/rules -update`); do not edit.\n")
	return b.String()
}

// coverageSection explains per-principal coverage in the index.
const coverageSection = `
## UNKNOWN, never PASS: how inputs are checked

A rule names the inputs it reads. When the scanned account lacks one (a file
not given, an API call denied), the rule answers one UNKNOWN for the account
naming the input, the API that provides it and the file an offline scan reads,
plus the reason the collection failed when there is one.

Some inputs list principals one by one: the authorization details and the
credential report list users, the role list (` + "`role_details`" + `) lists roles. Files
taken minutes apart, or a user created between two API calls, leave a
principal in one of them and not in the other. A rule declares which of these
inputs it reads about each principal (the *Inputs* section of its page); the
scanner, not the rule, answers UNKNOWN for every principal such an input did
not list, and drops anything the rule said about it. The scan prints a warning
naming those principals and the JSON report lists them under ` + "`coverage`" + `.
A catalogue-wide test adds such "ghost" principals to the demo organisation and
fails if any rule gives them a verdict.
`
