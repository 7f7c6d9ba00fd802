package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/iamspect/iamspect/internal/access"
	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// accessOptions are the flags of the access questions (who-can, explain):
// the same inputs as scan, or the built-in demo, plus the account to ask
// about and the output format.
type accessOptions struct {
	in      inputOptions
	demo    bool
	account string
	format  string
	output  string
}

func (o *accessOptions) AddFlags(fs *pflag.FlagSet) {
	o.in.AddFlags(fs)
	fs.BoolVar(&o.demo, "demo", false, "use the built-in demo account instead of input files")
	fs.StringVar(&o.account, "account", "", "account `ID` to ask about, when the snapshot holds several (default: the account an ARN names; for explain NAME, the one account with that name; else the first)")
	fs.StringVarP(&o.format, "format", "f", "table", "output `FORMAT`: table or json")
	addOutputFlag(fs, &o.output, "answer")
}

// write renders the answer to standard output or --output.
func (o *accessOptions) write(stdout io.Writer, render func(io.Writer) error) error {
	return writeOutput(stdout, o.output, 0o644, "answer", render)
}

func (o *accessOptions) Validate() error {
	if o.format != "table" && o.format != "json" {
		return usage(fmt.Errorf("--format %q: want table or json", o.format))
	}
	if err := checkOutput(o.output); err != nil {
		return err
	}
	if o.demo {
		if o.in.fromFiles() || o.in.snapshotFile != "" {
			return usage(errors.New("--demo cannot be combined with input files"))
		}
		return nil
	}
	return o.in.Validate()
}

// load reads the snapshot and picks the account: --account, else the one
// the principal ARN names (hint), else the first.
func (o *accessOptions) load(stderr io.Writer, hint string) (*snapshot.Snapshot, *snapshot.Account, error) {
	s, err := o.snapshot(stderr)
	if err != nil {
		return nil, nil, err
	}
	a, err := o.pick(s, hint)
	return s, a, err
}

// snapshot reads the demo or the input the flags name.
func (o *accessOptions) snapshot(stderr io.Writer) (*snapshot.Snapshot, error) {
	if o.demo {
		return demo.Snapshot(), nil
	}
	return o.in.Load(context.Background(), stderr)
}

// pick chooses the account: --account, else the one the ARN hint names,
// else the first.
func (o *accessOptions) pick(s *snapshot.Snapshot, hint string) (*snapshot.Account, error) {
	id := o.account
	if id == "" {
		id = snapshot.AccountIDFromARN(hint)
	}
	if id == "" {
		if len(s.Accounts) == 0 {
			return nil, usage(errors.New("the snapshot holds no account"))
		}
		return s.Accounts[0], nil
	}
	a := s.Account(id)
	if a == nil {
		return nil, usage(fmt.Errorf("account %s is not in the snapshot", id))
	}
	return a, nil
}

// analyze builds the effective-permission model and its analysis, at the
// snapshot's reference time.
func analyze(s *snapshot.Snapshot, a *snapshot.Account) *access.Analysis {
	return access.Analyze(access.Build(s, a, nil), s.ReferenceTime(a))
}

func writeIndentedJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func newWhoCanCommand(stdout, stderr io.Writer) *cobra.Command {
	var (
		opts     accessOptions
		resource string
	)
	cmd := &cobra.Command{
		Use:   "who-can ACTION",
		Short: "List the users and roles allowed an action",
		Long: `List the IAM users and roles of an account whose combined policies (identity
policies from every source, permissions boundary, SCPs) allow ACTION, on
--resource or, without it, on some resource. Each principal is listed with
the statements that allow it and, when the answer depends on the request
(MFA, source IP, tags), the conditions. Conditions on time are decided at the
snapshot's time. For sts:AssumeRole on a role of the account, the role's
trust policy must admit the principal, as AWS requires even within the
account: a trust naming the principal suffices, one naming the account also
needs the principal's own allow. ACTION must be an action IAM defines: a
misspelt one is refused with the nearest names, and a wildcard must match
exactly one action.`,
		Example: `  iamspect who-can iam:PassRole --demo
  iamspect who-can s3:GetObject --resource arn:aws:s3:::backups/db.dump --from ./iam-export
  iamspect who-can sts:AssumeRole --resource arn:aws:iam::111122223333:role/report-builder-lambda --demo --format json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 || !strings.Contains(args[0], ":") {
				return usage(fmt.Errorf("%s takes one ACTION such as iam:PassRole", cmd.CommandPath()))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Validate(); err != nil {
				return err
			}
			action, err := access.ResolveAction(args[0])
			if err != nil {
				return usage(err)
			}
			if !strings.EqualFold(action, args[0]) {
				fmt.Fprintf(stderr, "who-can: %s matches one action: %s\n", args[0], action)
			}
			args[0] = action
			s, a, err := opts.load(stderr, resource)
			if err != nil {
				return err
			}
			perms := analyze(s, a).WhoCan(action, resource)
			return opts.write(stdout, func(w io.Writer) error {
				if opts.format == "json" {
					if perms == nil {
						perms = []access.Permission{}
					}
					return writeIndentedJSON(w, struct {
						Account    string              `json:"account_id"`
						Action     string              `json:"action"`
						Resource   string              `json:"resource,omitempty"`
						Principals []access.Permission `json:"principals"`
					}{a.ID, args[0], resource, perms})
				}
				return writeWhoCanTable(w, a.ID, args[0], resource, perms)
			})
		},
	}
	opts.AddFlags(cmd.Flags())
	cmd.Flags().StringVar(&resource, "resource", "", "the target `ARN` (default: any resource)")
	return cmd
}

func writeWhoCanTable(w io.Writer, account, action, resource string, perms []access.Permission) error {
	on := "some resource"
	if resource != "" {
		on = resource
	}
	fmt.Fprintf(w, "Account %s: who can %s on %s\n\n", account, action, on)
	if len(perms) == 0 {
		_, err := fmt.Fprintln(w, "No user or role is allowed.")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PRINCIPAL\tKIND\tALLOWED\tBY")
	for _, p := range perms {
		allowed := "yes"
		if p.Conditional {
			allowed = "only if " + p.Conditions
		}
		kind := string(p.Kind)
		if p.Admin {
			kind += " (admin)"
		}
		if p.ServiceLinked {
			kind += " (service-linked)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.Name, kind, allowed, strings.Join(p.Statements, "; "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%d principal(s).\n", len(perms))
	return err
}
