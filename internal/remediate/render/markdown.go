package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/iamspect/iamspect/internal/remediate/plan"
)

// Markdown writes the plan as a change request for review.
func Markdown(out io.Writer, p *plan.Plan) error {
	w := bufio.NewWriter(out)
	fmt.Fprintf(w, "# Change request: iamspect %s plan\n\n", p.Kind)
	fmt.Fprintf(w, "Created %s by %s %s from a %s source. Accounts: %s.\n\n", p.CreatedAt.Format("2006-01-02 15:04 UTC"), p.Tool.Name, p.Tool.Version, orDash(p.Source.Type), accountList(p))
	if p.RequiresAcceptDifferences {
		fmt.Fprint(w, "> **Unexplained access differences**: `fix apply` needs `--accept-differences` after review.\n\n")
	}
	for _, s := range p.Warnings {
		fmt.Fprintf(w, "> Warning: %s\n\n", oneLine(s))
	}
	for _, s := range p.Notes {
		fmt.Fprintf(w, "Note: %s\n\n", mdEscape(s))
	}
	if len(p.Differences) > 0 {
		fmt.Fprint(w, "## Access differences\n\n| account | principal | lost/gained | action | resource | explained | why |\n|---|---|---|---|---|---|---|\n")
		for _, d := range p.Differences {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %t | %s |\n", d.AccountID, mdCell(d.Principal), d.Kind, mdCell(d.Action), mdCell(d.Resource), d.Explained, mdCell(d.Explanation))
		}
		fmt.Fprint(w, "\n")
	}
	fmt.Fprint(w, "| stage | actions | reversible | needs input | manual |\n|---|---|---|---|---|\n")
	for _, s := range plan.Stages() {
		as := p.ByStage(s)
		if len(as) == 0 {
			continue
		}
		rev, needs, manual := 0, 0, 0
		for _, a := range as {
			switch {
			case a.NeedsInput != "":
				needs++
			case a.Call == nil:
				manual++
			case a.Reversible:
				rev++
			}
		}
		fmt.Fprintf(w, "| %s | %d | %d | %d | %d |\n", s, len(as), rev, needs, manual)
	}
	fmt.Fprint(w, "\n")
	for _, s := range plan.Stages() {
		as := p.ByStage(s)
		if len(as) == 0 {
			continue
		}
		fmt.Fprintf(w, "## Stage: %s\n\n", s)
		for i, a := range as {
			fmt.Fprintf(w, "### %d. %s\n\n", i+1, mdEscape(a.Title))
			fmt.Fprintf(w, "- Action `%s`, account `%s`\n", a.ID, a.AccountID)
			if a.Case != "" {
				fmt.Fprintf(w, "- Case %s: %s\n", a.Case, mdEscape(a.CaseReason))
			}
			for _, r := range a.Resolves {
				fmt.Fprintf(w, "- Resolves `%s` (`%s`)\n", r.RuleID, r.Fingerprint)
			}
			if a.Precond != nil {
				fmt.Fprintf(w, "- Expects: %s\n", mdEscape(a.Precond.Description))
			}
			if a.NeedsInput != "" {
				fmt.Fprintf(w, "- **Needs input** (apply refuses it): %s\n", mdEscape(a.NeedsInput))
			}
			if a.Reversible && a.Inverse != nil {
				inv, _ := CLI(a.Inverse)
				fmt.Fprintf(w, "- Reversible: `%s`\n", inv)
			} else if a.Call != nil {
				fmt.Fprintf(w, "- **Irreversible**\n")
			}
			if a.Risk != "" {
				fmt.Fprintf(w, "- Risk: %s\n", mdEscape(a.Risk))
			}
			if len(a.DependsOn) > 0 {
				fmt.Fprintf(w, "- After: %s\n", "`"+strings.Join(a.DependsOn, "`, `")+"`")
			}
			if a.Call != nil {
				line, err := CLI(a.Call)
				if err != nil {
					return err
				}
				fmt.Fprintf(w, "\n```sh\n%s\n```\n", line)
			}
			for _, step := range a.Console {
				fmt.Fprintf(w, "- Console: %s\n", mdEscape(step))
			}
			if a.Diff != "" {
				fmt.Fprintf(w, "\n```diff\n%s```\n", a.Diff)
			}
			fmt.Fprint(w, "\n")
		}
	}
	if len(p.Unplanned) > 0 {
		fmt.Fprint(w, "## Findings without an action\n\n| rule | resource | why |\n|---|---|---|\n")
		for _, u := range p.Unplanned {
			fmt.Fprintf(w, "| %s | %s | %s |\n", u.RuleID, mdCell(u.Resource), mdCell(u.Reason))
		}
	}
	return w.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func accountList(p *plan.Plan) string {
	var ids []string
	for _, a := range p.Accounts {
		ids = append(ids, a.ID)
	}
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(ids, ", ")
}

func mdEscape(s string) string {
	return strings.NewReplacer("<", "&lt;", ">", "&gt;").Replace(oneLine(s))
}

func mdCell(s string) string { return strings.ReplaceAll(mdEscape(s), "|", `\|`) }

func pretty(doc string) string {
	var v any
	if err := jsonUnmarshal([]byte(doc), &v); err != nil {
		return doc
	}
	b, _ := jsonIndent(v)
	return string(b)
}
