package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/iamspect/iamspect/internal/collect"
	"github.com/iamspect/iamspect/internal/engine"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/version"
)

// liveOptions say how to reach AWS when no file or snapshot is given:
// credentials (the SDK's default chain, a profile, an audit role to assume)
// and what to collect (one account, or an organisation's member accounts).
type liveOptions struct {
	profile     string
	region      string
	roleARN     string
	externalID  string
	sessionName string

	org             bool
	memberRole      string
	accounts        []string
	excludeAccounts []string
	parallel        int
	shard           string
	shardRun        string

	regions        []string
	ssoRegion      string
	maxProbedUsers int
	reportWait     time.Duration
	accountTimeout time.Duration
	verbose        bool

	// credentialIDs is set by fix plan: read access key IDs, signing
	// certificate IDs and MFA serials (collect.Options.CredentialIDs).
	credentialIDs bool
}

// liveFlagNames are the flags that only make sense when collecting live.
var liveFlagNames = []string{"profile", "region", "role-arn", "external-id", "role-session-name", "org",
	"member-role", "accounts", "exclude-accounts", "parallel", "shard", "shard-run", "regions", "sso-region",
	"max-probed-users", "credential-report-wait", "account-timeout"}

func (o *liveOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.profile, "profile", "", "live: AWS `PROFILE` from ~/.aws/config (default: AWS_PROFILE or the default chain; run 'aws sso login' first for IAM Identity Center profiles)")
	fs.StringVar(&o.region, "region", "", "live: AWS `REGION` for signing and regional APIs (default: AWS_REGION, the profile's, or us-east-1)")
	fs.StringVar(&o.roleARN, "role-arn", "", "live: assume this audit role `ARN` first (e.g. arn:aws:iam::123456789012:role/iamspect-audit)")
	fs.StringVar(&o.externalID, "external-id", "", "live: external `ID` for --role-arn and --member-role, when their trust policy requires one")
	fs.StringVar(&o.sessionName, "role-session-name", collect.DefaultSessionName, "live: role session `NAME` shown in CloudTrail")
	fs.BoolVar(&o.org, "org", false, "live: audit every member account of the organisation (run from the management or a delegated administrator account)")
	fs.StringVar(&o.memberRole, "member-role", collect.DefaultMemberRole, "live, --org: role `NAME` to assume in each member account")
	fs.StringSliceVar(&o.accounts, "accounts", nil, "live, --org: only these member account `IDS` (comma-separated)")
	fs.StringSliceVar(&o.excludeAccounts, "exclude-accounts", nil, "live, --org: skip these member account `IDS` (comma-separated)")
	fs.IntVar(&o.parallel, "parallel", 4, "live: collect `N` accounts at a time, and run up to N API calls at a time within each")
	fs.StringSliceVar(&o.regions, "regions", nil, "live: `REGIONS` to list IAM Access Analyzer analyzers in (default: every region enabled for the account, from account:ListRegions)")
	fs.StringVar(&o.ssoRegion, "sso-region", "", "live: `REGION` of the IAM Identity Center instance (default: --region)")
	fs.IntVar(&o.maxProbedUsers, "max-probed-users", 200, "live: list SSH keys for at most `N` users without password or access key (see docs/permissions.md)")
	fs.DurationVar(&o.reportWait, "credential-report-wait", 3*time.Minute, "live: wait at most `DURATION` for AWS to generate the credential report")
	fs.DurationVar(&o.accountTimeout, "account-timeout", 30*time.Minute, "live: time budget `DURATION` per account; what is not collected when it runs out becomes a gap (UNKNOWN results, exit 3)")
	fs.BoolVar(&o.verbose, "verbose", false, "print the AWS API calls made (per action) and collection details to standard error")
}

// AddShardFlags adds --shard and --shard-run, which only collect has: a
// part alone is not scanned (rules look across the organisation's
// accounts); 'iamspect merge' combines the parts first.
func (o *liveOptions) AddShardFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.shard, "shard", "", "live, --org: collect only the member accounts of shard `I/N` (1 ≤ I ≤ N, by a hash of the account ID); combine the N parts with 'iamspect merge' (docs/scaling.md)")
	fs.StringVar(&o.shardRun, "shard-run", "", "live, --shard: `NAME` of the collection run, recorded in the part; 'iamspect merge' refuses parts of different runs")
}

var accountIDPattern = regexp.MustCompile(`^\d{12}$`)

// Validate checks the live flags. live says whether the command collects
// live; otherwise setting a live-only flag is an error.
func (o *liveOptions) Validate(fs *pflag.FlagSet, live bool) error {
	if !live {
		var set []string
		for _, n := range liveFlagNames {
			if f := fs.Lookup(n); f != nil && f.Changed {
				set = append(set, "--"+n)
			}
		}
		if len(set) > 0 {
			return usage(fmt.Errorf("%s only apply when collecting from AWS, not with --snapshot, --from, --authz-details or --credential-report",
				strings.Join(set, ", ")))
		}
		return nil
	}
	var errs []error
	for _, list := range [][]string{o.accounts, o.excludeAccounts} {
		for _, id := range list {
			if !accountIDPattern.MatchString(id) {
				errs = append(errs, fmt.Errorf("account ID %q: want 12 digits", id))
			}
		}
	}
	if (len(o.accounts) > 0 || len(o.excludeAccounts) > 0 || fs.Changed("member-role")) && !o.org {
		errs = append(errs, errors.New("--accounts, --exclude-accounts and --member-role need --org"))
	}
	if o.shard != "" || fs.Changed("shard") {
		if _, err := o.shardValue(); err != nil {
			errs = append(errs, err)
		} else if !o.org {
			errs = append(errs, errors.New("--shard needs --org: it splits an organisation's member accounts"))
		}
	}
	if o.shardRun != "" && o.shard == "" {
		errs = append(errs, errors.New("--shard-run needs --shard"))
	}
	for _, r := range o.regions {
		if err := collect.CheckRegion(r); err != nil {
			errs = append(errs, fmt.Errorf("--regions: %w", err))
		}
	}
	for _, f := range []struct{ flag, value string }{{"--region", o.region}, {"--sso-region", o.ssoRegion}} {
		if f.value != "" {
			if err := collect.CheckRegion(f.value); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", f.flag, err))
			}
		}
	}
	if o.parallel < 1 || o.parallel > 64 {
		errs = append(errs, fmt.Errorf("--parallel %d: want 1 to 64", o.parallel))
	}
	if o.roleARN != "" && !strings.HasPrefix(o.roleARN, "arn:") {
		errs = append(errs, fmt.Errorf("--role-arn %q: want a role ARN like arn:aws:iam::123456789012:role/NAME", o.roleARN))
	}
	if o.maxProbedUsers < 0 {
		errs = append(errs, errors.New("--max-probed-users must not be negative"))
	}
	if o.reportWait <= 0 {
		errs = append(errs, errors.New("--credential-report-wait must be positive"))
	}
	if o.accountTimeout <= 0 {
		errs = append(errs, errors.New("--account-timeout must be positive"))
	}
	return usage(errors.Join(errs...))
}

// Collect reads the account (or organisation) of the current credentials
// into a snapshot, telling on stderr who it runs as. Credential problems are
// usage errors (exit 2): nothing was scanned. An endpoint that cannot be
// reached is collect.ErrEndpointUnreachable (exit 5).
func (o *liveOptions) Collect(ctx context.Context, stderr io.Writer) (*snapshot.Snapshot, error) {
	level := slog.LevelWarn
	if o.verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	counter := collect.NewCounter()
	cfg, err := collect.LoadConfig(ctx, collect.ConfigOptions{
		Profile: o.profile, Region: o.region,
		RoleARN: o.roleARN, ExternalID: o.externalID, SessionName: o.sessionName,
		Counter: counter,
	})
	if err != nil {
		return nil, usage(err)
	}
	id, err := collect.CallerIdentity(ctx, cfg)
	if errors.Is(err, collect.ErrEndpointUnreachable) {
		return nil, err
	}
	if err != nil {
		return nil, usage(err)
	}
	shard, err := o.shardValue()
	if err != nil {
		return nil, usage(err)
	}
	what := "account " + id.Account
	if o.org {
		what = "the organisation of account " + id.Account
	}
	if shard != nil {
		what = "shard " + shard.String() + " of " + what
	}
	fmt.Fprintf(stderr, "iamspect: collecting %s as %s\n", what, id.ARN)
	opts := collect.Options{
		Config: cfg, Counter: counter, Caller: &id,
		Regions: o.regions, SSORegion: o.ssoRegion, Parallel: o.parallel,
		Org: o.org, MemberRole: o.memberRole, ExternalID: o.externalID, SessionName: o.sessionName,
		Accounts: o.accounts, ExcludeAccounts: o.excludeAccounts, Shard: shard,
		CredentialReportWait: o.reportWait, MaxProbedUsers: o.maxProbedUsers,
		AccountTimeout: o.accountTimeout, Logger: logger, CredentialIDs: o.credentialIDs,
	}
	if max := o.maxProbedUsers; max == 0 {
		opts.MaxProbedUsers = -1 // never probe (Options treats 0 as the default)
	}
	if isTerminal(stderr) {
		opts.Progress = stderr
	}
	s, err := collect.Collect(ctx, opts)
	if o.verbose {
		counter.Print(stderr)
	}
	var nm *collect.NotMemberError
	if errors.As(err, &nm) {
		return nil, usage(err)
	}
	if err != nil {
		return nil, err
	}
	s.Source.Tool = version.String()
	if o.org && !s.OrganizationListed() {
		reason := "the organisation could not be read"
		if gs := s.GapsFor(id.Account, snapshot.InputOrganization); len(gs) > 0 {
			reason = gs[0].API + ": " + gs[0].Reason
		}
		fmt.Fprintf(stderr, "iamspect: warning: --org: cannot list the organisation's accounts (%s); no member account was scanned and the organisation rules answer UNKNOWN\n", reason)
	}
	if n := len(s.Gaps); n > 0 {
		fmt.Fprintf(stderr, "iamspect: %d input(s) could not be collected; the rules that need them answer UNKNOWN (see the report's gaps)\n", n)
	}
	return s, nil
}

// shardValue parses --shard (nil when not given).
func (o *liveOptions) shardValue() (*snapshot.Shard, error) {
	if o.shard == "" {
		return nil, nil
	}
	sh, err := snapshot.ParseShard(o.shard)
	if err != nil {
		return nil, fmt.Errorf("--shard %w", err)
	}
	sh.Run = o.shardRun
	return &sh, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// given reports whether any file or snapshot input was named; without one,
// scan and collect read from AWS.
func (o *inputOptions) given() bool { return o.snapshotFile != "" || o.fromFiles() }

// validateInputOrLive validates the file inputs when some are given, else
// the live flags.
func validateInputOrLive(cmd interface{ Flags() *pflag.FlagSet }, in *inputOptions, live *liveOptions) error {
	if in.given() {
		if err := in.Validate(); err != nil {
			return err
		}
	}
	return live.Validate(cmd.Flags(), !in.given())
}

// sourceOf is the engine source of the flags: the named files or
// snapshot, or a live collection from AWS when none is named.
func sourceOf(stderr io.Writer, in *inputOptions, live *liveOptions) engine.Source {
	if in.given() {
		return in.source()
	}
	return engine.SourceFunc(func(ctx context.Context) (*snapshot.Snapshot, []string, error) {
		s, err := live.Collect(ctx, stderr)
		return s, nil, err
	})
}

// loadInputOrLive reads the snapshot the flags name, warnings to stderr.
func loadInputOrLive(ctx context.Context, stderr io.Writer, in *inputOptions, live *liveOptions) (*snapshot.Snapshot, error) {
	s, warnings, err := sourceOf(stderr, in, live).Load(ctx)
	warn(stderr, warnings)
	return s, err
}
