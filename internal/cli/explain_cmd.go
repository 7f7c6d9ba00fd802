package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iamspect/iamspect/internal/access"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/wording"
)

func newExplainCommand(stdout, stderr io.Writer) *cobra.Command {
	var opts accessOptions
	cmd := &cobra.Command{
		Use:   "explain PRINCIPAL",
		Short: "Summarise what a user or role can do, and how it could escalate",
		Long: `Explain one IAM user, group or role (by ARN, or by name): the policies that
apply to it and where they come from, whether it is an administrator, the
services in which it can write or manage permissions, the privilege-escalation
methods it can use (with the statements that allow each step and the
targets), its shortest paths to administrator, the roles it can assume, and
who can assume it or take it over.`,
		Example: `  iamspect explain arn:aws:iam::111122223333:role/build-runner --demo
  iamspect explain ci-deploy --from ./iam-export --format json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usage(fmt.Errorf("%s takes one principal ARN or name", cmd.CommandPath()))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Validate(); err != nil {
				return err
			}
			s, err := opts.snapshot(stderr)
			if err != nil {
				return err
			}
			a, err := opts.pickFor(s, args[0])
			if err != nil {
				return err
			}
			an := analyze(s, a)
			p := findPrincipal(an.Model, args[0])
			if p == nil {
				return usage(fmt.Errorf("no user, group or role %q in account %s", args[0], a.ID))
			}
			e := an.Explain(p)
			return opts.write(stdout, func(w io.Writer) error {
				if opts.format == "json" {
					return writeIndentedJSON(w, explainJSON(e))
				}
				return writeExplanation(w, e)
			})
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// pickFor chooses the account of explain's principal: --account, the
// account an ARN names, else the one account of the snapshot whose users,
// roles or groups have that name; a name found in several accounts needs
// --account.
func (o *accessOptions) pickFor(s *snapshot.Snapshot, ref string) (*snapshot.Account, error) {
	if o.account != "" || snapshot.AccountIDFromARN(ref) != "" || len(s.Accounts) < 2 {
		return o.pick(s, ref)
	}
	var ids []string
	for _, a := range s.Accounts {
		if namesPrincipal(a, ref) {
			ids = append(ids, a.ID)
		}
	}
	switch len(ids) {
	case 0:
		return nil, usage(fmt.Errorf("no user, group or role %q in any of the %d accounts of the snapshot", ref, len(s.Accounts)))
	case 1:
		return s.Account(ids[0]), nil
	}
	return nil, usage(fmt.Errorf("%q names a user, group or role in %d accounts (%s): give --account ID, or the principal's ARN",
		ref, len(ids), wording.Capped(ids, 20)))
}

// namesPrincipal reports whether the account has a user, role or group
// of that name.
func namesPrincipal(a *snapshot.Account, name string) bool {
	return slices.ContainsFunc(a.Users, func(u *snapshot.User) bool { return u.Name == name }) ||
		slices.ContainsFunc(a.Roles, func(r *snapshot.Role) bool { return r.Name == name }) ||
		slices.ContainsFunc(a.Groups, func(g *snapshot.Group) bool { return g.Name == name })
}

// findPrincipal accepts an ARN, or a name when it is unambiguous (users
// first, then roles, then groups).
func findPrincipal(m *access.Model, ref string) *access.Principal {
	if p := m.Principal(ref); p != nil {
		return p
	}
	for _, kind := range []access.Kind{access.KindUser, access.KindRole, access.KindGroup} {
		for _, p := range m.Principals {
			if p.Kind == kind && p.Name == ref {
				return p
			}
		}
	}
	return nil
}

// findingView is a Finding with its method spelled out, for JSON.
type findingView struct {
	Method      string   `json:"method"`
	Name        string   `json:"name"`
	Category    string   `json:"category"`
	Sources     []string `json:"listed_by"`
	Conditional bool     `json:"conditional,omitempty"`
	access.FindingJSON
}

func explainJSON(e *access.Explanation) any {
	views := make([]findingView, 0, len(e.Escalations))
	for _, f := range e.Escalations {
		views = append(views, findingView{Method: f.Method.ID, Name: f.Method.Name, Category: string(f.Method.Category),
			Sources: f.Method.Tools(), Conditional: f.Conditional(), FindingJSON: f.JSON()})
	}
	return struct {
		*access.Explanation
		Escalations []findingView `json:"escalations"`
	}{e, views}
}

func writeExplanation(w io.Writer, e *access.Explanation) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n  %s\n", strings.ToUpper(string(e.Kind[:1]))+string(e.Kind[1:]), e.Name, e.ARN)
	switch {
	case e.Admin:
		b.WriteString("  Administrator: its policies allow every action on every resource.\n")
	case e.ServiceLinked:
		b.WriteString("  Service-linked role: only its AWS service uses it.\n")
	}

	b.WriteString("\nPolicies\n")
	if len(e.Sources) == 0 {
		b.WriteString("  none\n")
	}
	for _, s := range e.Sources {
		line := "  " + s.Kind + ": " + s.Name
		if s.Via != "" {
			line += " (via " + s.Via + ")"
		}
		if s.Admin {
			line += "  [allows everything]"
		}
		b.WriteString(line + "\n")
	}
	for _, p := range e.Problems {
		b.WriteString("  not counted: " + p + "\n")
	}

	if !e.Admin {
		b.WriteString("\nWrite and permissions-management access\n")
		if len(e.Services) == 0 {
			b.WriteString("  none\n")
		}
		for _, sa := range e.Services {
			line := fmt.Sprintf("  %-20s %3d permissions-management, %3d write", sa.Service, sa.PermissionsManagement, sa.Write)
			if sa.Conditional > 0 {
				line += fmt.Sprintf(" (%d only under conditions)", sa.Conditional)
			}
			line += "  e.g. " + strings.Join(sa.Examples, ", ")
			b.WriteString(line + "\n")
		}
	}

	if e.Kind != access.KindGroup {
		b.WriteString("\nPrivilege escalation\n")
		switch {
		case e.Admin:
			b.WriteString("  moot: already administrator\n")
		case len(e.Escalations) == 0:
			fmt.Fprintf(&b, "  none of the %d methods is usable\n", access.ActiveMethods())
		}
		for _, f := range e.Escalations {
			line := "  " + f.Method.ID + "  " + f.Method.Name
			if f.TargetName() != "" {
				line += " -> " + f.TargetKind() + " " + f.TargetName()
			}
			if f.ToAdmin {
				line += "  [to administrator"
				if f.Then() != "" && f.Then() != access.Membership {
					line += ", then " + f.Then()
				}
				line += "]"
			}
			if f.Conditional() {
				line += "  [conditional]"
			}
			b.WriteString(line + "\n")
			for _, g := range f.Grants {
				fmt.Fprintf(&b, "      %s on %s: %s", g.Action, g.Resource, strings.Join(g.Statements, "; "))
				if g.Conditional {
					b.WriteString(" (only if " + g.Conditions + ")")
				}
				b.WriteString("\n")
			}
		}
		if len(e.Chains) > 0 {
			b.WriteString("\nShortest paths to administrator\n")
			for _, c := range e.Chains {
				b.WriteString("  " + c.String() + "\n")
			}
		}
		b.WriteString("\nCan assume\n")
		writeList(&b, e.CanAssume)
		b.WriteString("\nCan be assumed or taken over by\n")
		var by []string
		for _, x := range e.BecomableBy {
			s := string(x.Kind) + " " + x.Name + " (" + x.Via
			if x.Conditional {
				s += ", conditional"
			}
			by = append(by, s+")")
		}
		writeList(&b, by)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeList(b *strings.Builder, items []string) {
	if len(items) == 0 {
		b.WriteString("  none known\n")
		return
	}
	for _, it := range items {
		b.WriteString("  " + it + "\n")
	}
}
