package cli

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/migrate"
	"github.com/iamspect/iamspect/internal/migrate/githuboidc"
	"github.com/iamspect/iamspect/internal/migrate/identitycenter"
	"github.com/iamspect/iamspect/internal/remediate/plan"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/wording"
)

// migrateOptions are the flags both planners share: the inputs of scan (or
// the demo), the plan file and its format.
type migrateOptions struct {
	in     inputOptions
	live   liveOptions
	demo   bool
	output string
	format string
}

func (o *migrateOptions) addFlags(cmd *cobra.Command) {
	fs := cmd.Flags()
	o.in.AddFlags(fs)
	o.live.AddFlags(fs)
	fs.BoolVar(&o.demo, "demo", false, "plan for the built-in demo organisation instead of AWS or input files")
	addOutputFlag(fs, &o.output, "plan")
	fs.StringVarP(&o.format, "format", "f", migrate.FormatJSON, "plan `FORMAT`: "+wording.Or(migrate.Formats())+" (apply reads json)")
}

func (o *migrateOptions) validate(cmd *cobra.Command) error {
	if !slices.Contains(migrate.Formats(), o.format) {
		return usage(fmt.Errorf("--format %q: want %s", o.format, wording.Or(migrate.Formats())))
	}
	if err := checkOutput(o.output); err != nil {
		return err
	}
	if o.demo {
		if o.in.given() {
			return usage(errors.New("--demo cannot be combined with input files"))
		}
		return o.live.Validate(cmd.Flags(), false)
	}
	return validateInputOrLive(cmd, &o.in, &o.live)
}

func (o *migrateOptions) load(cmd *cobra.Command, stderr io.Writer) (*snapshot.Snapshot, string, error) {
	if o.demo {
		return demo.Snapshot(), "demo", nil
	}
	// The clean-up stage names access keys, certificates and MFA devices
	// by ID, as fix plan does.
	o.live.credentialIDs = true
	s, err := loadInputOrLive(cmd.Context(), stderr, &o.in, &o.live)
	kind := "live"
	switch {
	case o.in.snapshotFile != "":
		kind = "snapshot"
	case o.in.fromFiles():
		kind = "files"
	}
	return s, kind, err
}

func (o *migrateOptions) write(stdout io.Writer, pl *plan.Plan) error {
	return writeOutput(stdout, o.output, 0o644, "plan", func(w io.Writer) error { return migrate.Render(w, pl, o.format) })
}

func newMigrateCommand(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Plan the move from IAM users to IAM Identity Center, and from CI access keys to OIDC roles",
		Long: `Plan a migration away from IAM users, as a reviewed plan that 'iamspect fix
apply' applies (one applier, one journal, one rollback):

  migrate identity-center   people's IAM users → Identity Center users, groups,
                            permission sets and account assignments, with a
                            proof of what each person would lose or gain
  migrate github-oidc       static AWS keys in GitHub Actions workflows → an
                            OIDC role per repository, with the workflow patches

The planners only read; see docs/migration.md.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newMigrateIdentityCenterCommand(stdout, stderr), newMigrateGitHubOIDCCommand(stdout, stderr))
	return cmd
}

func newMigrateIdentityCenterCommand(stdout, stderr io.Writer) *cobra.Command {
	var (
		o          migrateOptions
		people     string
		session    string
		relayState string
		graceDays  int
	)
	cmd := &cobra.Command{
		Use:   "identity-center",
		Short: "Plan the move of people's IAM users to IAM Identity Center",
		Long: `Plan the move of the people among the IAM users (console password, MFA, or a
person's name, path or e-mail tag; --people overrides) to IAM Identity Center:
Identity Store users, groups from their IAM groups, permission sets from their
effective identity policies (deduplicated, within AWS's limits), account
assignments where they had users, then the clean-up of the old users. Users
that are programs are listed for the role or OIDC route instead.

The plan carries a proof: for each person and account, what the old IAM user
could do compared with the permission set's role, by iamspect's policy engine.
Unexplained differences are listed at the top, and apply then needs
--accept-differences.`,
		Example: `  iamspect migrate identity-center --demo -f markdown
  iamspect migrate identity-center --org -o plan.json
  iamspect migrate identity-center --snapshot org.json --people people.csv -o plan.json
  iamspect migrate identity-center --snapshot org.json -f sh -o plan.sh`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.validate(cmd); err != nil {
				return err
			}
			var entries []identitycenter.PeopleEntry
			if people != "" {
				var err error
				if entries, err = identitycenter.ReadPeople(people); err != nil {
					return usage(fmt.Errorf("--people: %w", err))
				}
			}
			s, kind, err := o.load(cmd, stderr)
			if err != nil {
				return err
			}
			res, err := identitycenter.Plan(s, identitycenter.Options{People: entries, SessionDuration: session, RelayState: relayState,
				GraceDays: graceDays, Now: now, SourceType: kind})
			if err != nil {
				return err
			}
			res.Plan.Source.MemberRole = o.live.memberRole
			fmt.Fprintf(stderr, "iamspect: %d people, %d workload users, %d permission sets, %d actions, %d access differences\n",
				len(res.People), len(res.Workloads), len(res.PermissionSets), len(res.Plan.Actions), len(res.Plan.Differences))
			if res.Plan.RequiresAcceptDifferences {
				fmt.Fprintln(stderr, "iamspect: the plan has unexplained access differences: review them; fix apply needs --accept-differences")
			}
			return o.write(stdout, res.Plan)
		},
	}
	o.addFlags(cmd)
	fs := cmd.Flags()
	fs.StringVar(&people, "people", "", "CSV `FILE` account_id,user_name,email,given_name,family_name,display_name naming the people (overrides the heuristics; rows with one e-mail are one person)")
	fs.StringVar(&session, "session-duration", "PT8H", "permission sets' session `DURATION` (ISO 8601, PT1H to PT12H)")
	fs.StringVar(&relayState, "relay-state", "", "`URL` the access portal opens after sign-in")
	fs.IntVar(&graceDays, "grace-days", 14, "`DAYS` after the first sign-in before the old users are deleted")
	return cmd
}

func newMigrateGitHubOIDCCommand(stdout, stderr io.Writer) *cobra.Command {
	var (
		o         migrateOptions
		workflows []string
		repo      string
		mapping   string
		branch    string
	)
	cmd := &cobra.Command{
		Use:   "github-oidc",
		Short: "Plan the move of GitHub Actions workflows from AWS access keys to OIDC roles",
		Long: `Find the static AWS keys the workflows of local repository checkouts use
(configure-aws-credentials key inputs, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY
from secrets in env at any level, aws configure set, reusable workflows,
matrix jobs, local composite actions), map each secret to its IAM user
(--mapping, else marked guesses), and plan: the GitHub OIDC provider if
missing, a role per repository (and IAM user) whose trust policy pins the
audience and a subject no broader than the workflows' triggers, the user's
policies on the role, the workflow patches as unified diffs, then the
deactivation of the keys once the role is in use, and the users' deletion.
Workflows already on OIDC whose role trusts too much are reported too.`,
		Example: `  iamspect migrate github-oidc --demo --workflows ./web --repo northwind/web -f markdown
  iamspect migrate github-oidc --snapshot acct.json --workflows ./web --workflows ./api --mapping secrets.csv -o plan.json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(workflows) == 0 {
				return usage(errors.New("--workflows DIR is required (a repository checkout; repeat for several)"))
			}
			if repo != "" && len(workflows) > 1 {
				return usage(errors.New("--repo names the repository of a single --workflows checkout"))
			}
			if err := o.validate(cmd); err != nil {
				return err
			}
			var m []githuboidc.Mapping
			if mapping != "" {
				var err error
				if m, err = githuboidc.ReadMapping(mapping); err != nil {
					return usage(fmt.Errorf("--mapping: %w", err))
				}
			}
			var repos []*githuboidc.Repo
			for _, dir := range workflows {
				r, err := githuboidc.LoadRepo(dir, repo)
				if err != nil {
					return usage(err)
				}
				r.Default = branch
				repos = append(repos, r)
			}
			s, kind, err := o.load(cmd, stderr)
			if err != nil {
				return err
			}
			res, err := githuboidc.Plan(s, repos, githuboidc.Options{Mapping: m, Now: now, SourceType: kind})
			if err != nil {
				return err
			}
			res.Plan.Source.MemberRole = o.live.memberRole
			guesses := 0
			for _, t := range res.Targets {
				if t.Guess {
					guesses++
				}
			}
			fmt.Fprintf(stderr, "iamspect: %d static key uses, %d roles, %d patched files, %d secrets guessed, %d unmapped, %d OIDC roles trusting too much\n",
				len(res.Uses), len(res.Roles), len(res.Patches), guesses, len(res.Unmapped), len(res.Broad))
			for _, u := range res.Uses {
				job := "job " + u.Job
				if u.Job == "" {
					job = "workflow env"
				}
				fmt.Fprintf(stderr, "  %s %s:%d %s: %s %s (%s)\n", u.Repo, u.File, u.Line, job, u.Kind, u.Field, strings.Join(u.Secrets, ", "))
			}
			return o.write(stdout, res.Plan)
		},
	}
	o.addFlags(cmd)
	fs := cmd.Flags()
	fs.StringArrayVar(&workflows, "workflows", nil, "repository checkout `DIR` (its .github/workflows and local actions; repeat for several)")
	fs.StringVar(&repo, "repo", "", "`OWNER/REPO` of a single checkout (default: its origin remote)")
	fs.StringVar(&mapping, "mapping", "", "CSV `FILE` repo,secret,account_id,user_name[,owner_id,repo_id] mapping secrets to IAM users")
	fs.StringVar(&branch, "default-branch", "main", "the repositories' default `BRANCH`, which workflows running on every branch are pinned to")
	return cmd
}
