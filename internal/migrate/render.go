package migrate

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/iamspect/iamspect/internal/remediate/plan"
	"github.com/iamspect/iamspect/internal/remediate/render"
	"github.com/iamspect/iamspect/internal/wording"
)

// Formats the migration plans render to.
const (
	FormatJSON      = "json"
	FormatSh        = "sh"
	FormatMarkdown  = "markdown"
	FormatTerraform = "terraform"
)

// Formats lists the formats, for flag help.
func Formats() []string { return []string{FormatJSON, FormatSh, FormatMarkdown, FormatTerraform} }

// Render writes the plan in a format.
func Render(w io.Writer, pl *plan.Plan, format string) error {
	switch format {
	case FormatJSON, "":
		return pl.Encode(w)
	case FormatSh:
		return RenderSh(w, pl)
	case FormatMarkdown:
		return RenderMarkdown(w, pl)
	case FormatTerraform:
		return render.Terraform(w, pl) // the fix renderer: resources where Terraform fits, notes elsewhere
	}
	return fmt.Errorf("unknown format %q: want %s", format, wording.Or(Formats()))
}

// CLICommand is the AWS CLI command of an API operation:
// CreatePermissionSet → create-permission-set, OpenIDConnect → open-id-connect.
func CLICommand(op string) string {
	rs := []rune(op)
	var b strings.Builder
	for i, r := range rs {
		if i > 0 && unicode.IsUpper(r) {
			prevLower := unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1])
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if prevLower || (unicode.IsUpper(rs[i-1]) && nextLower) {
				b.WriteByte('-')
			}
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// shQuote quotes s for sh in single quotes.
func shQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// shJSON quotes a call's JSON parameters for sh, turning every reference
// into the shell variable that holds its value.
func shJSON(params string) string {
	q := shQuote(params)
	return RefPattern.ReplaceAllStringFunc(q, func(m string) string {
		sub := RefPattern.FindStringSubmatch(m)
		return `'"$` + shVar(sub[1], sub[2]) + `"'`
	})
}

// RenderSh writes the plan as a POSIX sh script of AWS CLI commands, one
// per action, stage by stage: `sh plan.sh` runs the first stage (create),
// `sh plan.sh delete` a named one. Values an action's response gives
// (permission set ARNs, user IDs) are captured in shell variables with
// --query and used by the later commands. Actions of other accounts run
// after assuming MEMBER_ROLE (default: the plan's member role, else
// OrganizationAccountAccessRole) there. Console steps and actions that need
// input are comments.
func RenderSh(w io.Writer, pl *plan.Plan) error {
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	captured := map[string]string{} // action ID → query path
	for _, a := range pl.Actions {
		for _, r := range Refs(a.Call) {
			if prev, ok := captured[r[0]]; ok && prev != r[1] {
				return fmt.Errorf("action %s is referenced by two fields (%s, %s): the sh rendering keeps one", r[0], prev, r[1])
			}
			captured[r[0]] = r[1]
		}
	}
	mgmt := pl.Source.ManagementAccountID
	for _, a := range pl.Accounts {
		if a.Management {
			mgmt = a.ID
		}
	}
	role := pl.Source.MemberRole
	if role == "" {
		role = "OrganizationAccountAccessRole"
	}
	p("#!/bin/sh\n# iamspect %s plan (schema %s), %d actions, written %s by %s %s.\n", pl.Kind, pl.SchemaVersion, len(pl.Actions),
		pl.CreatedAt.Format("2006-01-02T15:04:05Z"), pl.Tool.Name, pl.Tool.Version)
	p("# Review it before running: sh plan.sh [STAGE]   (stages: %s; default create)\n", strings.Join(plan.Stages(), ", "))
	if pl.RequiresAcceptDifferences {
		p("#\n# WARNING: the migration changes what some principals can do, and not every\n# difference is explained. Read the differences below; set ACCEPT_DIFFERENCES=yes to run.\n")
	}
	for _, d := range pl.Differences {
		p("#   %s %s in %s: %s%s — %s\n", d.Kind, d.Principal, d.AccountID, d.Action, prefixed(" on ", d.Resource), d.Explanation)
	}
	p("set -eu\nSTAGE=\"${1:-create}\"\nMEMBER_ROLE=\"${MEMBER_ROLE:-%s}\"\n", role)
	if pl.RequiresAcceptDifferences {
		p("if [ \"${ACCEPT_DIFFERENCES:-}\" != yes ]; then echo 'unexplained access differences: set ACCEPT_DIFFERENCES=yes after reviewing them' >&2; exit 2; fi\n")
	}
	p(`iamspect_assume() {
  set -- $(aws sts assume-role --role-arn "arn:aws:iam::$1:role/$MEMBER_ROLE" --role-session-name iamspect-migrate \
    --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)
  export AWS_ACCESS_KEY_ID="$1" AWS_SECRET_ACCESS_KEY="$2" AWS_SESSION_TOKEN="$3"
}
`)
	for _, st := range plan.Stages() {
		acts := pl.ByStage(st)
		if len(acts) == 0 {
			continue
		}
		p("\nif [ \"$STAGE\" = %s ]; then\n", st)
		for _, a := range acts {
			p("  # %s [%s] %s\n", a.AccountID, a.ID, oneLine(a.Title))
			if a.Risk != "" {
				p("  #   risk: %s\n", oneLine(a.Risk))
			}
			for _, c := range a.Console {
				p("  #   console: %s\n", oneLine(c))
			}
			switch {
			case a.Call == nil && len(a.Console) > 0:
				p("  echo %s >&2\n", shQuote("console step (not scripted): "+oneLine(a.Title)))
				continue
			case a.NeedsInput != "":
				p("  #   needs input: %s\n  #   (not run: plan again once it is given)\n", oneLine(a.NeedsInput))
				continue
			case a.Call == nil:
				continue
			}
			cmd := fmt.Sprintf("aws %s %s --cli-input-json %s", a.Call.Service, CLICommand(a.Call.Operation), shJSON(string(a.Call.Params)))
			if path, ok := captured[a.ID]; ok {
				cmd = fmt.Sprintf("%s=$(%s --query %s --output text)", shVar(a.ID, path), cmd, shQuote(path))
			} else {
				cmd += " >/dev/null"
			}
			if a.AccountID != mgmt && mgmt != "" {
				if _, ok := captured[a.ID]; ok {
					return fmt.Errorf("action %s in member account %s is referenced: the sh rendering cannot carry its value out of the assumed-role subshell", a.ID, a.AccountID)
				}
				cmd = "( iamspect_assume " + a.AccountID + "; " + cmd + " )"
			}
			p("  %s\n", cmd)
		}
		p("fi\n")
	}
	return bw.Flush()
}

func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// RenderMarkdown writes the plan as a change request: the differences
// first, then warnings, notes and each stage's actions.
func RenderMarkdown(w io.Writer, pl *plan.Plan) error {
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	p("# iamspect %s plan\n\n", pl.Kind)
	p("Schema %s, written %s by %s %s; %d actions in %d accounts.\n\n", pl.SchemaVersion, pl.CreatedAt.Format("2006-01-02 15:04 UTC"),
		pl.Tool.Name, pl.Tool.Version, len(pl.Actions), len(pl.Accounts))
	p("## Access differences\n\n")
	switch {
	case pl.Kind == plan.KindMigrateGitHubOIDC && len(pl.Differences) == 0:
		p("None: each role gets its IAM user's identity policies unchanged (the same managed policies, the inline policies copied, the same boundary), and the proof found no policy that depends on the principal being the user. What changes is who can use them: the trust policy, instead of whoever holds the key.\n\n")
	case len(pl.Differences) == 0:
		p("None: the proof found that every principal keeps exactly the access it had.\n\n")
	default:
		if pl.RequiresAcceptDifferences {
			p("**Some differences are unexplained: `fix apply` needs `--accept-differences`.**\n\n")
		}
		p("| account | principal | kind | action | explained | why |\n|---|---|---|---|---|---|\n")
		for _, d := range pl.Differences {
			act := d.Action
			if d.Resource != "" {
				act += " on " + d.Resource
			}
			p("| %s | %s | %s | %s | %v | %s |\n", d.AccountID, mdCell(d.Principal), d.Kind, mdCell(act), d.Explained, mdCell(d.Explanation))
		}
		p("\n")
	}
	section := func(title string, items []string) {
		if len(items) == 0 {
			return
		}
		p("## %s\n\n", title)
		for _, it := range items {
			p("- %s\n", it)
		}
		p("\n")
	}
	section("Warnings", pl.Warnings)
	section("Notes", pl.Notes)
	for _, st := range plan.Stages() {
		acts := pl.ByStage(st)
		if len(acts) == 0 {
			continue
		}
		p("## Stage %s (%d actions)\n\n| # | account | action | call | reversible |\n|---|---|---|---|---|\n", st, len(acts))
		for i, a := range acts {
			call := "console"
			if a.Call != nil {
				call = "`aws " + a.Call.Service + " " + CLICommand(a.Call.Operation) + "`"
			}
			if a.NeedsInput != "" {
				call += " (needs input: " + mdCell(a.NeedsInput) + ")"
			}
			p("| %d | %s | %s | %s | %v |\n", i+1, a.AccountID, mdCell(a.Title), call, a.Reversible)
		}
		p("\n")
		for _, a := range acts {
			if a.Diff != "" {
				p("### %s\n\n```diff\n%s```\n\n", a.Title, a.Diff)
			}
			if len(a.Console) > 0 {
				p("**%s**\n\n", mdCell(a.Title))
				for _, c := range a.Console {
					p("1. %s\n", c)
				}
				p("\n")
			}
		}
	}
	return bw.Flush()
}

func mdCell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(oneLine(s), "|", `\|`), "\n", " ")
}
