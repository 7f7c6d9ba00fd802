package collect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"golang.org/x/sync/errgroup"

	"github.com/iamspect/iamspect/internal/importer"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// Options control a collection.
type Options struct {
	// Config is the base AWS configuration (from LoadConfig).
	Config aws.Config
	// Counter, when set, is the one LoadConfig installed; Collect only reads it.
	Counter *Counter
	// Caller, when set, is the identity CallerIdentity already returned for
	// Config, so that Collect does not ask again.
	Caller *Identity

	// Regions to look for Access Analyzer analyzers in; default: every
	// region enabled for the account (account:ListRegions).
	Regions []string
	// SSORegion is the region of the IAM Identity Center instance; default
	// Config.Region.
	SSORegion string
	// Parallel bounds concurrent API work per account and concurrent member
	// accounts with Org (default 4).
	Parallel int

	// Org collects the organisation and every member account, assuming
	// MemberRole in each (default OrganizationAccountAccessRole).
	Org             bool
	MemberRole      string
	ExternalID      string // for member roles too
	SessionName     string
	Accounts        []string // only these member accounts (IDs)
	ExcludeAccounts []string
	// Shard, with Org, collects only the member accounts of that shard
	// (snapshot.ShardOf) and records it in the snapshot's source; the
	// organisation is listed in every part. snapshot.Merge combines parts.
	Shard *snapshot.Shard

	// CredentialReportWait bounds how long to wait for AWS to generate the
	// credential report (default 3 min); CredentialReportPoll is the first
	// delay between polls, doubled up to 16x (default 2 s).
	CredentialReportWait time.Duration
	CredentialReportPoll time.Duration

	// AccountTimeout is the time budget of one account (default 30 min):
	// what is not collected when it runs out becomes a gap (error code
	// "Timeout") and the collection goes on with the next account.
	AccountTimeout time.Duration

	// CredentialIDs reads the access key IDs, signing certificate IDs and
	// MFA serial numbers of users whose credential report shows such a
	// credential (credids.go): what fix plan needs, not scan.
	CredentialIDs bool

	// MaxProbedUsers bounds the per-user SSH key and service credential
	// calls (see users.go; default 200, negative for none).
	MaxProbedUsers int

	// Progress, when set, receives a progress line (stderr on a terminal).
	Progress io.Writer
	// Logger receives debug details; nil discards them. Secrets are never logged.
	Logger *slog.Logger
	// Now is the clock for collected_at (default time.Now).
	Now func() time.Time

	// assumeClient assumes the member roles of an organisation collection
	// (one client, so one client-side limiter, for all of them).
	assumeClient *sts.Client
}

func (o *Options) defaults() {
	if o.Parallel <= 0 {
		o.Parallel = 4
	}
	if o.MemberRole == "" {
		o.MemberRole = DefaultMemberRole
	}
	if o.SSORegion == "" {
		o.SSORegion = o.Config.Region
	}
	if o.CredentialReportWait <= 0 {
		o.CredentialReportWait = 3 * time.Minute
	}
	if o.CredentialReportPoll <= 0 {
		o.CredentialReportPoll = 2 * time.Second
	}
	if o.AccountTimeout <= 0 {
		o.AccountTimeout = 30 * time.Minute
	}
	if o.MaxProbedUsers == 0 {
		o.MaxProbedUsers = 200
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Collect collects the account of the configured credentials, or with
// Org the organisation and its member accounts, into a snapshot. Problems
// with one input, region or member account become gaps; Collect fails only
// when the caller cannot be identified or ctx ends.
func Collect(ctx context.Context, o Options) (*snapshot.Snapshot, error) {
	o.defaults()
	var id Identity
	var err error
	if o.Caller != nil {
		id = *o.Caller
	} else if id, err = CallerIdentity(ctx, o.Config); err != nil {
		return nil, err
	}
	s := &snapshot.Snapshot{
		SchemaVersion: snapshot.SchemaVersion,
		CollectedAt:   o.Now().UTC().Truncate(time.Second),
		Source:        snapshot.Source{Kind: "live", Caller: id.ARN},
	}
	prog := newProgress(o.Progress, o.Counter)
	defer prog.finish()
	if o.Org {
		err = collectOrg(ctx, s, id, &o, prog)
	} else {
		var a *snapshot.Account
		var gaps []snapshot.Gap
		deadline := time.Now().Add(o.AccountTimeout)
		a, gaps, err = collectAccount(ctx, deadline, o.Config, id.Account, snapshot.PartitionFromARN(id.ARN), &o, prog)
		if err == nil {
			s.Accounts = []*snapshot.Account{a}
			s.Gaps = append(s.Gaps, gaps...)
			var orgGaps []snapshot.Gap
			s.Organization, orgGaps, err = collectOrganizationWithin(ctx, deadline, o.Config, a, false, &o)
			s.Gaps = append(s.Gaps, orgGaps...)
		}
	}
	if err != nil {
		return nil, err
	}
	sortGaps(s.Gaps)
	return s, nil
}

// task fetches one input (see fetchFunc).
type task struct {
	input snapshot.Input
	fetch fetchFunc
}

// collectAccount collects one account with cfg's credentials, until the
// account's deadline (its time budget). A returned error means ctx ended;
// everything else is a gap.
func collectAccount(ctx context.Context, deadline time.Time, cfg aws.Config, accountID, partition string, o *Options, prog *progress) (*snapshot.Account, []snapshot.Gap, error) {
	return collectAccountWith(ctx, deadline, cfg, newIAMCollector(cfg, o), accountID, partition, o, prog, nil)
}

// collectAccountWith is collectAccount with the account's IAM collector
// (which may have started the credential report) and the organisation
// pipeline's work slots: it holds one while it calls AWS, and none while
// only the credential report is left to wait for.
func collectAccountWith(ctx context.Context, deadline time.Time, cfg aws.Config, c *iamCollector, accountID, partition string, o *Options, prog *progress, work slots) (*snapshot.Account, []snapshot.Gap, error) {
	if partition == "" {
		partition = "aws"
	}
	acct := &snapshot.Account{ID: accountID, Partition: partition, Collected: []snapshot.Input{}}
	actx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	if err := work.acquire(ctx); err != nil {
		return nil, nil, err
	}
	held := true
	defer func() {
		if held {
			work.release()
		}
	}()
	tasks := accountTasks(&accountEnv{cfg: cfg, o: o, iam: c})
	prog.add(accountID, len(tasks))

	results := make([]func(*snapshot.Account) error, len(tasks))
	errs := make([]error, len(tasks))
	var others sync.WaitGroup // every task but the credential report
	g, gctx := errgroup.WithContext(actx)
	g.SetLimit(o.Parallel)
	for i, t := range tasks {
		waits := t.input == snapshot.InputCredentialReport
		if !waits {
			others.Add(1)
		}
		g.Go(func() error {
			if !waits {
				defer others.Done()
			}
			results[i], errs[i] = t.fetch(gctx)
			prog.done(accountID)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return nil
		})
	}
	others.Wait()
	// Only the credential report may be left: wait for it without a slot.
	work.release()
	held = false
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	if err := work.acquire(ctx); err != nil {
		return nil, nil, err
	}
	held = true
	var gaps []snapshot.Gap
	for i, t := range tasks {
		err := errs[i]
		if err == nil && results[i] != nil {
			err = results[i](acct)
		}
		if err != nil && actx.Err() != nil {
			err = budgetErr(o, err)
		}
		if err != nil {
			gaps = append(gaps, gapFor(accountID, t.input, err)...)
			o.Logger.Debug("input not collected", "account", accountID, "input", t.input, "error", err)
		}
	}
	// Second phase: needs the credential report and authorization details.
	if err := c.probeUsers(actx, acct); err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		if actx.Err() != nil {
			err = budgetErr(o, err)
		}
		gaps = append(gaps, gapFor(accountID, snapshot.InputSSHKeys, err)...)
	}
	// MFA device types from the credential report and the virtual device
	// list (users with MFA and no virtual device have a hardware one).
	if acct.Has(snapshot.InputCredentialReport) {
		importer.AssignMFATypes(acct)
	}
	if o.CredentialIDs {
		c.credentialIDs(actx, acct)
	}
	if acct.Root == nil && acct.Has(snapshot.InputAuthorizationDetails) {
		acct.Root = &snapshot.Root{ARN: acct.RootARN()}
	}
	return acct, gaps, nil
}

// budgetErr says that an error came from the account's time budget
// running out.
func budgetErr(o *Options, err error) error {
	return fmt.Errorf("account time budget (%s) used up: %w", o.AccountTimeout, err)
}

// collectOrganizationWithin is collectOrganization within the account time
// budget: when the budget (not ctx) runs out, the organisation is a gap.
func collectOrganizationWithin(ctx context.Context, deadline time.Time, cfg aws.Config, a *snapshot.Account, required bool, o *Options) (*snapshot.Organization, []snapshot.Gap, error) {
	octx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	org, gaps, err := collectOrganization(octx, cfg, a, required)
	if err != nil && ctx.Err() == nil {
		return nil, gapFor(a.ID, snapshot.InputOrganization, apiErr("organizations:DescribeOrganization", budgetErr(o, err))), nil
	}
	return org, gaps, err
}

// APIError is a failed AWS call: the action ("iam:GetCredentialReport") and
// the error. Gaps name the action.
type APIError struct {
	API string
	Err error
}

func (e *APIError) Error() string { return e.API + ": " + e.Err.Error() }
func (e *APIError) Unwrap() error { return e.Err }

func apiErr(api string, err error) error {
	if err == nil {
		return nil
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return err
	}
	return &APIError{API: api, Err: err}
}

// inputsErr is an error that leaves several inputs missing.
type inputsErr struct {
	inputs []snapshot.Input
	err    error
}

func (e *inputsErr) Error() string { return e.err.Error() }
func (e *inputsErr) Unwrap() error { return e.err }

// gapFor turns an error into gaps for the input (and any others it names).
func gapFor(accountID string, in snapshot.Input, err error) []snapshot.Gap {
	var multi *multiInputsErr
	if errors.As(err, &multi) {
		var out []snapshot.Gap
		for _, e := range multi.errs {
			out = append(out, gapFor(accountID, in, e)...)
		}
		return out
	}
	inputs := []snapshot.Input{in}
	var ie *inputsErr
	if errors.As(err, &ie) {
		inputs = ie.inputs
	}
	api := in.API()
	var ae *APIError
	if errors.As(err, &ae) {
		api = ae.API
	}
	var out []snapshot.Gap
	for _, i := range inputs {
		out = append(out, snapshot.Gap{AccountID: accountID, Input: i, API: api, ErrorCode: gapCode(err), Reason: Reason(err)})
	}
	return out
}

func sortGaps(gs []snapshot.Gap) {
	slices.SortStableFunc(gs, func(a, b snapshot.Gap) int {
		if a.AccountID != b.AccountID {
			if a.AccountID < b.AccountID {
				return -1
			}
			return 1
		}
		if a.Input != b.Input {
			if a.Input < b.Input {
				return -1
			}
			return 1
		}
		return 0
	})
}
