package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/iamspect/iamspect/internal/collect"
	"github.com/iamspect/iamspect/internal/engine"
	"github.com/iamspect/iamspect/internal/remediate/apply"
	"github.com/iamspect/iamspect/internal/remediate/fixplan"
	"github.com/iamspect/iamspect/internal/remediate/render"
	"github.com/iamspect/iamspect/internal/version"
	"github.com/iamspect/iamspect/internal/wording"
)

func newFixCommand(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fix",
		Short: "Plan, apply and roll back remediations of failing findings (docs/remediation.md)",
		Long: `Remediation in three explicit steps. 'fix plan' reads the same inputs as
scan and writes a reviewed plan: the exact AWS calls that resolve each
failing finding, in stages, with the state each expects and how to undo it.
'fix apply PLAN' runs one stage of a plan — a dry run unless --yes — and
journals every call; 'fix rollback JOURNAL' undoes what can be undone.
Only fix apply and fix rollback write to AWS. See docs/remediation.md.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usage(errors.New("fix needs a subcommand: plan, apply or rollback"))
		},
	}
	cmd.AddCommand(newFixPlanCommand(stdout, stderr), newFixApplyCommand(stdout, stderr), newFixRollbackCommand(stdout, stderr))
	return cmd
}

func newFixPlanCommand(stdout, stderr io.Writer) *cobra.Command {
	var (
		in        inputOptions
		live      liveOptions
		ro        ruleOptions
		output    string
		format    string
		caseFlag  string
		asOf      string
		pins      []string
		pinsFile  string
		asOfTime  time.Time
		trustPins map[string]fixplan.TrustPin
	)
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Write a remediation plan for the failing findings (reads only)",
		Example: `  iamspect fix plan -o plan.json
  iamspect fix plan --snapshot snapshot.json --rules 'iam-*' -o plan.json
  iamspect fix plan --from ./iam-export --format sh -o plan.sh
  iamspect fix plan --org --trust-pin github-actions-deploy=sub=repo:acme/app:ref:refs/heads/main -o plan.json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := validateInputOrLive(cmd, &in, &live); err != nil {
				return err
			}
			if err := ro.Validate(); err != nil {
				return err
			}
			if !slices.Contains(render.Formats(), format) {
				return usage(fmt.Errorf("--format %q: want %s", format, wording.Or(render.Formats())))
			}
			if err := checkOutput(output); err != nil {
				return err
			}
			if caseFlag != "" && caseFlag != "a" && caseFlag != "b" {
				return usage(fmt.Errorf("--case %q: want a or b", caseFlag))
			}
			if asOf != "" {
				t, err := parseAsOf(asOf)
				if err != nil {
					return usage(err)
				}
				asOfTime = t
			}
			var err error
			if trustPins, err = parseTrustPins(pins, pinsFile); err != nil {
				return usage(err)
			}
			live.credentialIDs = true
			res, err := engine.Run(cmd.Context(), sourceOf(stderr, &in, &live), ro.engineOptions(asOfTime))
			if err != nil {
				return err
			}
			warn(stderr, res.Warnings)
			memberRole := ""
			if live.org {
				memberRole = live.memberRole
			}
			p, err := fixplan.Build(res.Snapshot, res.Report, fixplan.Options{Config: ro.cfg, AsOf: asOfTime, Case: caseFlag,
				TrustPins: trustPins, MemberRole: memberRole, Now: now().UTC(), Version: version.String()})
			if err != nil {
				return err
			}
			if err := writeOutput(stdout, output, 0o644, "plan", func(w io.Writer) error { return render.Write(w, p, format) }); err != nil {
				return err
			}
			runnable, needs, manual := 0, 0, 0
			for _, a := range p.Actions {
				switch {
				case a.NeedsInput != "":
					needs++
				case a.Call == nil:
					manual++
				default:
					runnable++
				}
			}
			fmt.Fprintf(stderr, "iamspect: plan: %d actions to apply, %d need input, %d manual; %d findings without an action\n", runnable, needs, manual, len(p.Unplanned))
			return nil
		},
	}
	fs := cmd.Flags()
	in.AddFlags(fs)
	live.AddFlags(fs)
	ro.AddFlags(fs)
	addOutputFlag(fs, &output, "plan")
	fs.StringVarP(&format, "format", "f", "json", "plan `FORMAT`: json (what fix apply reads), sh (AWS CLI script), terraform, markdown (change request)")
	fs.StringVar(&caseFlag, "case", "", "iam-user-password-and-access-keys: force case a (remove the access keys) or b (remove the console password) instead of choosing from last use")
	fs.StringVar(&asOf, "as-of", "", "measure credential ages at this `TIME` (2024-05-01 or RFC 3339)")
	fs.StringArrayVar(&pins, "trust-pin", nil, "what a trust-policy fix pins, as `ROLE=KEY=VALUE`; KEY is sub (OIDC subject), aud (OIDC audience), external-id or account (repeatable)")
	fs.StringVar(&pinsFile, "trust-pins", "", "read --trust-pin lines (ROLE=KEY=VALUE, # comments) from `FILE`")
	return cmd
}

// parseTrustPins reads ROLE=KEY=VALUE pins from flags and a file.
func parseTrustPins(flags []string, file string) (map[string]fixplan.TrustPin, error) {
	lines := append([]string(nil), flags...)
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		sc := bufio.NewScanner(io.LimitReader(f, 1<<20))
		for sc.Scan() {
			l := strings.TrimSpace(sc.Text())
			if l != "" && !strings.HasPrefix(l, "#") {
				lines = append(lines, l)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	out := map[string]fixplan.TrustPin{}
	for _, l := range lines {
		role, rest, ok1 := strings.Cut(l, "=")
		key, val, ok2 := strings.Cut(rest, "=")
		if !ok1 || !ok2 || role == "" || val == "" {
			return nil, fmt.Errorf("trust pin %q: want ROLE=KEY=VALUE", l)
		}
		p := out[role]
		switch key {
		case "sub":
			p.Subject = val
		case "aud":
			p.Audience = val
		case "external-id":
			p.ExternalID = val
		case "account":
			if !accountIDPattern.MatchString(val) {
				return nil, fmt.Errorf("trust pin %q: account must be 12 digits", l)
			}
			p.Account = val
		default:
			return nil, fmt.Errorf("trust pin %q: KEY must be sub, aud, external-id or account", l)
		}
		out[role] = p
	}
	return out, nil
}

// credOptions are the credentials fix apply and rollback write with.
type credOptions struct {
	profile, region, roleARN, externalID, sessionName string
	org                                               bool
	memberRole                                        string
}

func (o *credOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.profile, "profile", "", "AWS `PROFILE` from ~/.aws/config")
	fs.StringVar(&o.region, "region", "", "AWS `REGION` for signing (default: AWS_REGION, the profile's, or us-east-1)")
	fs.StringVar(&o.roleARN, "role-arn", "", "assume this remediation role `ARN` first")
	fs.StringVar(&o.externalID, "external-id", "", "external `ID` for --role-arn and --member-role")
	fs.StringVar(&o.sessionName, "role-session-name", "iamspect-fix", "role session `NAME` shown in CloudTrail")
	fs.BoolVar(&o.org, "org", false, "the plan spans an organisation: reach member accounts by assuming --member-role")
	fs.StringVar(&o.memberRole, "member-role", "", "role `NAME` to assume in member accounts (default: the plan's, else "+collect.DefaultMemberRole+")")
}

func (o *credOptions) options(cmd *cobra.Command) (apply.Options, error) {
	cfg, err := collect.LoadConfig(cmd.Context(), collect.ConfigOptions{Profile: o.profile, Region: o.region,
		RoleARN: o.roleARN, ExternalID: o.externalID, SessionName: o.sessionName})
	if err != nil {
		return apply.Options{}, usage(err)
	}
	return apply.Options{Config: cfg, Org: o.org, MemberRole: o.memberRole, ExternalID: o.externalID, SessionName: o.sessionName, Now: now}, nil
}

func newFixApplyCommand(stdout, stderr io.Writer) *cobra.Command {
	var (
		creds             credOptions
		yes               bool
		stage             string
		journal           string
		allowStale        bool
		acceptDifferences bool
		grace             time.Duration
	)
	cmd := &cobra.Command{
		Use:   "apply PLAN",
		Short: "Run one stage of a plan: a dry run unless --yes (the only IAM writer)",
		Long: `Validate the plan (schema, known actions, accounts, age), pick the stage (the
first with actions left, or --stage), and for each action re-read its
precondition live: an action whose precondition no longer holds is refused,
with why. Without --yes nothing is written. With --yes every call is
journaled (fsynced before and after) to --journal, so that an interrupted
apply resumes where it stopped without repeating an action. The delete
stage runs only when named, after --grace-period since the deactivation.`,
		Example: `  iamspect fix apply plan.json
  iamspect fix apply plan.json --yes
  iamspect fix apply plan.json --stage delete --yes
  iamspect fix apply plan.json --org --member-role OrganizationAccountAccessRole --yes`,
		Args: exactFile,
		RunE: func(cmd *cobra.Command, args []string) error {
			raw, p, err := apply.ReadPlanFile(args[0])
			if err != nil {
				return usage(err)
			}
			o, err := creds.options(cmd)
			if err != nil {
				return err
			}
			if journal == "" {
				journal = args[0] + ".journal.jsonl"
			}
			if grace == 0 {
				grace = -1
			}
			o.Yes, o.Stage, o.Journal, o.PlanBytes = yes, stage, journal, raw
			o.AllowStale, o.AcceptDifferences, o.Grace, o.Out = allowStale, acceptDifferences, grace, stdout
			_, err = apply.Apply(cmd.Context(), p, o)
			return err
		},
	}
	fs := cmd.Flags()
	creds.AddFlags(fs)
	fs.BoolVar(&yes, "yes", false, "apply (without it: a dry run that only reads)")
	fs.StringVar(&stage, "stage", "", "run this `STAGE` (create, deactivate, cutover, delete); default: the first stage with actions left")
	fs.StringVar(&journal, "journal", "", "journal `FILE` (default: PLAN.journal.jsonl beside the plan)")
	fs.BoolVar(&allowStale, "allow-stale", false, "apply a plan made more than 7 days ago")
	fs.BoolVar(&acceptDifferences, "accept-differences", false, "apply a migration plan whose proof lists unexplained access differences")
	fs.DurationVar(&grace, "grace-period", apply.DefaultGrace, "wait `DURATION` after the deactivate stage before the delete stage may run (0: no wait)")
	return cmd
}

func newFixRollbackCommand(stdout, stderr io.Writer) *cobra.Command {
	var (
		creds credOptions
		yes   bool
	)
	cmd := &cobra.Command{
		Use:   "rollback JOURNAL",
		Short: "Undo the reversible actions of a journal, newest first: a dry run unless --yes",
		Args:  exactFile,
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := creds.options(cmd)
			if err != nil {
				return err
			}
			o.Yes, o.Journal, o.Out = yes, args[0], stdout
			_, err = apply.Rollback(cmd.Context(), o)
			return err
		},
	}
	creds.AddFlags(cmd.Flags())
	cmd.Flags().BoolVar(&yes, "yes", false, "roll back (without it: a dry run that only reads)")
	return cmd
}
