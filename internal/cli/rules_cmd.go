package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/iamspect/iamspect/internal/rules"
)

// ruleView is a rule as `iamspect rules --format json` prints it.
type ruleView struct {
	ID          string                       `json:"id"`
	Title       string                       `json:"title"`
	Severity    rules.Severity               `json:"severity"`
	Description string                       `json:"description"`
	Frameworks  map[rules.Framework][]string `json:"frameworks"`
	Remediation rules.Remediation            `json:"remediation"`
	References  []string                     `json:"references"`
	Inputs      []string                     `json:"inputs,omitempty"`
}

func viewOf(r *rules.Rule) ruleView {
	r = r.WithThresholds(rules.Defaults())
	v := ruleView{ID: r.ID, Title: r.Title, Severity: r.Severity, Description: r.Description,
		Frameworks: r.Frameworks, Remediation: r.Remediation, References: r.References}
	if v.Frameworks == nil {
		v.Frameworks = map[rules.Framework][]string{}
	}
	for _, in := range append(slices.Clone(r.Needs), r.NeedsAny...) {
		v.Inputs = append(v.Inputs, string(in))
	}
	return v
}

func newRulesCommand(stdout io.Writer) *cobra.Command {
	var (
		format     string
		severity   string
		frameworks []string
		output     string
	)
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the rule catalogue",
		Long: `List iamspect's rules with their severity and the framework controls they
map to. 'iamspect rules show ID' prints one rule in full: why it matters, how
to fix it (console, AWS CLI, Terraform), references and framework mappings.`,
		Example: `  iamspect rules
  iamspect rules --framework cis-aws-v3.0 --severity high
  iamspect rules --format json
  iamspect rules show root-access-keys`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			if format != "table" && format != "json" {
				return usage(fmt.Errorf("--format %q: want table or json", format))
			}
			if err := checkOutput(output); err != nil {
				return err
			}
			sel, err := selectRules(rules.Catalog(), nil, nil, severity, frameworks)
			if err != nil {
				return usage(err)
			}
			return writeOutput(stdout, output, 0o644, "rule list", func(w io.Writer) error { return writeRuleList(w, sel, format) })
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "table", "output `FORMAT`: table or json")
	cmd.Flags().StringVar(&severity, "severity", "", "only rules of this `SEVERITY` or worse, or of exactly the listed ones")
	cmd.Flags().StringSliceVar(&frameworks, "framework", nil, "only rules mapped to this `FRAMEWORK` ("+frameworkNames()+")")
	addOutputFlag(cmd.Flags(), &output, "rule list")
	cmd.AddCommand(newRulesShowCommand(stdout))
	return cmd
}

func writeRuleList(w io.Writer, sel []*rules.Rule, format string) error {
	if format == "json" {
		views := make([]ruleView, 0, len(sel))
		for _, r := range sel {
			views = append(views, viewOf(r))
		}
		return writeJSON(w, views)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tTITLE\tFRAMEWORKS")
	for _, r := range sel {
		var fws []string
		for _, fw := range r.FrameworkList() {
			fws = append(fws, string(fw)+" "+strings.Join(r.Frameworks[fw], ","))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, r.Title, strings.Join(fws, "; "))
	}
	return tw.Flush()
}

func newRulesShowCommand(stdout io.Writer) *cobra.Command {
	var format, output string
	return withShowFlags(&cobra.Command{
		Use:     "show ID",
		Short:   "Print one rule in full",
		Example: "  iamspect rules show iam-user-unnecessary\n  iamspect rules show root-access-keys --format markdown",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usage(fmt.Errorf("%s takes one rule ID", cmd.CommandPath()))
			}
			if err := rules.CheckPattern(rules.Catalog(), args[0]); err != nil || strings.ContainsAny(args[0], "*?") {
				if err == nil {
					err = fmt.Errorf("rules show takes a rule ID, not a pattern")
				}
				return usage(err)
			}
			r := rules.ByID(args[0])
			var render func(io.Writer) error
			switch format {
			case "json":
				render = func(w io.Writer) error { return writeJSON(w, viewOf(r)) }
			case "markdown":
				render = func(w io.Writer) error { _, err := io.WriteString(w, r.Markdown()); return err }
			case "text":
				render = func(w io.Writer) error { return writeRuleText(w, r) }
			default:
				return usage(fmt.Errorf("--format %q: want text, json or markdown", format))
			}
			if err := checkOutput(output); err != nil {
				return err
			}
			return writeOutput(stdout, output, 0o644, "rule", render)
		},
	}, &format, &output)
}

func withShowFlags(cmd *cobra.Command, format, output *string) *cobra.Command {
	cmd.Flags().StringVarP(format, "format", "f", "text", "output `FORMAT`: text, json or markdown")
	addOutputFlag(cmd.Flags(), output, "rule")
	return cmd
}

func writeRuleText(w io.Writer, r *rules.Rule) error {
	r = r.WithThresholds(rules.Defaults())
	var b strings.Builder
	fmt.Fprintf(&b, "%s  [%s]\n%s\n\n", r.ID, r.Severity, r.Title)
	fmt.Fprintf(&b, "Why it matters\n  %s\n\n", r.Description)
	if in := r.InputsNeeded(); in != "" {
		fmt.Fprintf(&b, "Inputs\n  %s\n\n", in)
	}
	fmt.Fprintf(&b, "Remediation\n  %s\n", r.Remediation.Summary)
	if r.Remediation.Console != "" {
		fmt.Fprintf(&b, "\n  Console: %s\n", r.Remediation.Console)
	}
	if r.Remediation.CLI != "" {
		fmt.Fprintf(&b, "\n  AWS CLI:\n    %s\n", strings.ReplaceAll(r.Remediation.CLI, "\n", "\n    "))
	}
	if r.Remediation.Terraform != "" {
		fmt.Fprintf(&b, "\n  Terraform:\n    %s\n", strings.ReplaceAll(r.Remediation.Terraform, "\n", "\n    "))
	}
	if fws := r.FrameworkList(); len(fws) > 0 {
		b.WriteString("\nFrameworks\n")
		for _, fw := range fws {
			fmt.Fprintf(&b, "  %-22s %s\n", fw, strings.Join(r.Frameworks[fw], ", "))
		}
	}
	b.WriteString("\nReferences\n")
	for _, ref := range r.References {
		fmt.Fprintf(&b, "  %s\n", ref)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
