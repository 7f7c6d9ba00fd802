package render

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/iamspect/iamspect/internal/remediate/plan"
)

// Kebab turns an AWS API name into its AWS CLI spelling
// (DeleteSSHPublicKey → delete-ssh-public-key, OpenIDConnectProviderArn →
// open-id-connect-provider-arn).
func Kebab(s string) string {
	r := []rune(s)
	var b strings.Builder
	for i, c := range r {
		if unicode.IsUpper(c) && i > 0 {
			prev := r[i-1]
			nextLower := i+1 < len(r) && unicode.IsLower(r[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				b.WriteByte('-')
			}
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

// quote is POSIX single quoting.
func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// CLI renders a call as an AWS CLI command line.
func CLI(c *plan.Call) (string, error) {
	var params []struct {
		k string
		v json.RawMessage
	}
	dec := json.NewDecoder(strings.NewReader(string(c.Params)))
	if len(strings.TrimSpace(string(c.Params))) > 0 {
		if _, err := dec.Token(); err != nil {
			return "", err
		}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return "", err
			}
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return "", err
			}
			params = append(params, struct {
				k string
				v json.RawMessage
			}{kt.(string), v})
		}
	}
	parts := []string{"aws", c.Service, Kebab(c.Operation)}
	for _, p := range params {
		flag := "--" + Kebab(p.k)
		var v any
		_ = json.Unmarshal(p.v, &v)
		switch x := v.(type) {
		case bool:
			if x {
				parts = append(parts, flag)
			} else {
				parts = append(parts, "--no-"+Kebab(p.k))
			}
		case string:
			parts = append(parts, flag, quote(x))
		case float64:
			parts = append(parts, flag, string(p.v))
		default:
			parts = append(parts, flag, quote(string(p.v)))
		}
	}
	return strings.Join(parts, " "), nil
}

// Shell writes the plan as a POSIX sh script of AWS CLI commands, one
// function per stage, actions grouped per account; member accounts are
// reached by assuming the plan's member role in a subshell.
func Shell(out io.Writer, p *plan.Plan) error {
	w := bufio.NewWriter(out)
	role := p.Source.MemberRole
	if role == "" {
		role = "OrganizationAccountAccessRole"
	}
	mgmt := managementID(p)
	fmt.Fprintf(w, "#!/bin/sh\n# iamspect fix plan (%s), created %s by %s %s.\n", p.Kind, p.CreatedAt.Format("2006-01-02T15:04:05Z"), p.Tool.Name, p.Tool.Version)
	fmt.Fprintf(w, "# Review every command before running. Usage: sh %s STAGE (", "plan.sh")
	var stages []string
	for _, s := range plan.Stages() {
		if s != plan.StageManual && len(p.ByStage(s)) > 0 {
			stages = append(stages, s)
		}
	}
	fmt.Fprintf(w, "%s, or all).\n", strings.Join(stages, ", "))
	fmt.Fprint(w, "# Unlike `iamspect fix apply`, this script checks no precondition and keeps no journal.\n")
	for _, warn := range p.Warnings {
		fmt.Fprintf(w, "# WARNING: %s\n", oneLine(warn))
	}
	fmt.Fprint(w, "set -eu\n\n")
	fmt.Fprint(w, "# Old AWS CLI versions ignore AWS_ENDPOINT_URL: pass it on when set.\n")
	fmt.Fprint(w, "aws() { command aws ${AWS_ENDPOINT_URL:+--endpoint-url \"$AWS_ENDPOINT_URL\"} \"$@\"; }\n\n")
	fmt.Fprint(w, "assume() {\n  set -- $(aws sts assume-role --role-arn \"$1\" --role-session-name iamspect-fix \\\n    --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)\n  export AWS_ACCESS_KEY_ID=\"$1\" AWS_SECRET_ACCESS_KEY=\"$2\" AWS_SESSION_TOKEN=\"$3\"\n}\n\n")
	for _, s := range stages {
		fmt.Fprintf(w, "stage_%s() {\n", s)
		order, groups := byAccount(p, s)
		for _, acct := range order {
			member := mgmt != "" && acct != mgmt
			if member {
				fmt.Fprintf(w, "  ( # account %s: assume the member role first\n  assume %s\n", acct, quote("arn:aws:iam::"+acct+":role/"+role))
			} else {
				fmt.Fprintf(w, "  # account %s\n", acct)
			}
			for _, a := range groups[acct] {
				fmt.Fprintf(w, "  # %s: %s\n", a.ID, oneLine(a.Title))
				for _, r := range a.Resolves {
					fmt.Fprintf(w, "  #   resolves %s %s\n", r.RuleID, r.Fingerprint)
				}
				if a.Precond != nil {
					fmt.Fprintf(w, "  #   expects: %s\n", oneLine(a.Precond.Description))
				}
				switch {
				case a.NeedsInput != "":
					fmt.Fprintf(w, "  #   SKIPPED, needs input: %s\n", oneLine(a.NeedsInput))
				case a.Call == nil:
					for _, step := range a.Console {
						fmt.Fprintf(w, "  #   manual: %s\n", oneLine(step))
					}
				default:
					line, err := CLI(a.Call)
					if err != nil {
						return fmt.Errorf("%s: %w", a.ID, err)
					}
					if a.Inverse != nil {
						inv, _ := CLI(a.Inverse)
						fmt.Fprintf(w, "  #   undo: %s\n", oneLine(inv))
					} else {
						fmt.Fprintf(w, "  #   irreversible: %s\n", oneLine(a.Risk))
					}
					fmt.Fprintf(w, "  %s\n", line)
				}
			}
			if member {
				fmt.Fprint(w, "  )\n")
			}
		}
		fmt.Fprint(w, "  :\n}\n\n")
	}
	if m := p.ByStage(plan.StageManual); len(m) > 0 {
		fmt.Fprint(w, "# Manual steps (no API; do them in the console):\n")
		for _, a := range m {
			fmt.Fprintf(w, "#   account %s, %s:\n", a.AccountID, oneLine(a.Title))
			for _, step := range a.Console {
				fmt.Fprintf(w, "#     - %s\n", oneLine(step))
			}
		}
		fmt.Fprint(w, "\n")
	}
	fmt.Fprint(w, "case \"${1:-}\" in\n")
	for _, s := range stages {
		fmt.Fprintf(w, "  %s) stage_%s ;;\n", s, s)
	}
	fmt.Fprint(w, "  all)")
	for _, s := range stages {
		fmt.Fprintf(w, " stage_%s;", s)
	}
	fmt.Fprint(w, " ;;\n")
	fmt.Fprintf(w, "  *) echo \"usage: $0 %s|all\" >&2; exit 2 ;;\nesac\n", strings.Join(stages, "|"))
	return w.Flush()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
