// Package apply runs a remediation plan against AWS — the only part of
// iamspect that writes to IAM. It validates the plan, picks the stage to
// run, re-reads each action's precondition live just before its call,
// refuses what drifted, keeps guard rails (the running credentials, the
// last recently used key), journals every call (fsynced before and after)
// and resumes from the journal after an interruption. Rollback runs the
// inverses of a journal's done actions in reverse order.
package apply

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamspect/iamspect/internal/collect"
	"github.com/iamspect/iamspect/internal/remediate/plan"
)

// DefaultGrace is how long the delete stage waits after the deactivate stage.
const DefaultGrace = 7 * 24 * time.Hour

// MaxPlanAge is how old a plan may be without AllowStale.
const MaxPlanAge = 7 * 24 * time.Hour

// Options shape an apply or a rollback.
type Options struct {
	// Config reaches AWS with the credentials apply runs as.
	Config aws.Config
	// Org allows the plan's other accounts, reached by assuming MemberRole
	// (default: the plan's member role) with ExternalID.
	Org         bool
	MemberRole  string
	ExternalID  string
	SessionName string
	// Yes applies; without it apply is a dry run that only reads.
	Yes bool
	// Stage, when set, names the stage to run; otherwise the first stage
	// with actions still to do.
	Stage             string
	AllowStale        bool
	AcceptDifferences bool
	// Grace is the wait between deactivation and deletion (DefaultGrace
	// when zero; negative means none).
	Grace time.Duration
	// Journal is the journal file.
	Journal string
	// PlanBytes are the plan file's bytes (the journal records their hash).
	PlanBytes []byte
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Out receives one line per action.
	Out io.Writer
}

// Summary is what a run did.
type Summary struct {
	Stage   string
	DryRun  bool
	Done    []string // action IDs done in this run
	Already []string // done in an earlier run (journal) or found done
	Would   []string // dry run: would run
	Refused []Refusal
	Manual  []string // console-only actions listed
}

// Refusal says why an action did not run.
type Refusal struct {
	ActionID string
	Title    string
	Why      string
}

// ErrRefused is wrapped when at least one action was refused.
var ErrRefused = errors.New("some actions were refused")

// PlanError is a plan apply will not run at all (stale, wrong account,
// differences not accepted, wrong stage).
type PlanError struct{ Err error }

func (e *PlanError) Error() string { return e.Err.Error() }
func (e *PlanError) Unwrap() error { return e.Err }

func (o *Options) now() time.Time {
	if o.Now != nil {
		return o.Now().UTC()
	}
	return time.Now().UTC()
}

func (o *Options) printf(format string, a ...any) {
	if o.Out != nil {
		fmt.Fprintf(o.Out, format+"\n", a...)
	}
}

// accounts resolves an AWS config per account of the plan, checking that
// every account is the credentials' own or reachable with --org.
func (o *Options) accounts(ctx context.Context, p *plan.Plan) (map[string]aws.Config, collect.Identity, error) {
	id, err := collect.CallerIdentity(ctx, o.Config)
	if err != nil {
		return nil, id, err
	}
	role := o.MemberRole
	if role == "" {
		role = p.Source.MemberRole
	}
	if role == "" {
		role = collect.DefaultMemberRole
	}
	part := "aws"
	if parts := strings.SplitN(id.ARN, ":", 3); len(parts) > 1 && parts[1] != "" {
		part = parts[1]
	}
	cfgs := map[string]aws.Config{}
	for _, a := range p.Accounts {
		switch {
		case a.ID == id.Account:
			cfgs[a.ID] = o.Config
		case o.Org:
			cfgs[a.ID] = collect.AssumeRole(o.Config, "arn:"+part+":iam::"+a.ID+":role/"+role, o.ExternalID, o.SessionName)
		default:
			return nil, id, &PlanError{fmt.Errorf("the plan changes account %s, but the credentials are in account %s: run with the credentials of %s, or with --org to assume --member-role %s there", a.ID, id.Account, a.ID, role)}
		}
	}
	return cfgs, id, nil
}

// Validate checks what can be checked without AWS: age, differences, stage.
func Validate(p *plan.Plan, o Options) error {
	if age := o.now().Sub(p.CreatedAt); age > MaxPlanAge && !o.AllowStale {
		return &PlanError{fmt.Errorf("the plan was made %s ago (%s), more than %s: the account has likely changed; plan again, or pass --allow-stale", age.Round(time.Hour), p.CreatedAt.Format(time.RFC3339), MaxPlanAge)}
	}
	if p.RequiresAcceptDifferences && !o.AcceptDifferences {
		return &PlanError{errors.New("the plan lists access differences that are not explained (see its differences): review them and pass --accept-differences")}
	}
	if o.Stage != "" && plan.StageIndex(o.Stage) < 0 {
		return &PlanError{fmt.Errorf("--stage %q: want one of %s", o.Stage, strings.Join(plan.Stages(), ", "))}
	}
	for i := range p.Actions {
		a := &p.Actions[i]
		if c := a.Call; c != nil && !Supported(c) {
			return &PlanError{fmt.Errorf("actions[%d] (%s): %s:%s is not applied by this build", i, a.ID, c.Service, c.Operation)}
		}
		if a.Precond != nil {
			for _, c := range a.Precond.Checks {
				if _, ok := checkReads[c.Kind]; !ok {
					return &PlanError{fmt.Errorf("actions[%d] (%s): this build cannot read precondition checks of kind %q", i, a.ID, c.Kind)}
				}
			}
		}
	}
	return nil
}

// HashPlan is the journal's name for a plan file.
func HashPlan(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// pickStage returns the stage to run: the named one, or the first stage
// with a runnable action not yet done.
func pickStage(p *plan.Plan, st state, named string) string {
	if named != "" {
		return named
	}
	for _, s := range plan.Stages() {
		if s == plan.StageManual || s == plan.StageDelete {
			continue // deletions run only when named
		}
		for _, a := range p.ByStage(s) {
			if a.Call != nil && a.NeedsInput == "" {
				if _, done := st.done[a.ID]; !done {
					return s
				}
			}
		}
	}
	return ""
}

// Apply runs one stage of the plan (a dry run unless o.Yes).
func Apply(ctx context.Context, p *plan.Plan, o Options) (*Summary, error) {
	if err := Validate(p, o); err != nil {
		return nil, err
	}
	// With --yes the journal is locked before it is read, so that a second
	// apply cannot read it meanwhile and run the same actions.
	var j *Journal
	if o.Yes {
		var err error
		if j, err = OpenJournal(o.Journal); err != nil {
			return nil, err
		}
		defer j.Close()
	}
	entries, err := ReadJournal(o.Journal)
	if err != nil {
		return nil, err
	}
	st := summarize(entries)
	sha := HashPlan(o.PlanBytes)
	if st.planSHA != "" && st.planSHA != sha {
		return nil, &PlanError{fmt.Errorf("journal %s belongs to another plan (sha256 %s, this plan %s): use a new --journal", o.Journal, st.planSHA[:12], sha[:12])}
	}
	sum := &Summary{DryRun: !o.Yes, Stage: pickStage(p, st, o.Stage)}
	if sum.Stage == "" {
		if n := pending(p, st, plan.StageDelete); n > 0 {
			o.printf("the reversible stages are done; %d irreversible actions of the delete stage run only when named: --stage delete (after the grace period)", n)
			listManual(p, sum, &o)
			return sum, nil
		}
		o.printf("nothing to do: every action with a call is done (journal %s)", o.Journal)
		listManual(p, sum, &o)
		return sum, nil
	}
	if sum.Stage == plan.StageDelete {
		if err := o.graceOK(p, st); err != nil {
			return sum, err
		}
	}
	cfgs, id, err := o.accounts(ctx, p)
	if err != nil {
		return nil, err
	}
	if o.Yes {
		if err := j.Append(Entry{Time: o.now(), Event: EvBegin, PlanSHA256: sha, Stage: sum.Stage, Note: "caller " + id.ARN}); err != nil {
			return nil, err
		}
	}
	mode := "dry run (nothing is changed; --yes applies)"
	if o.Yes {
		mode = "applying"
	}
	o.printf("stage %s: %s; journal %s", sum.Stage, mode, o.Journal)
	refused := map[string]bool{}
	for _, a := range p.ByStage(sum.Stage) {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		if _, done := st.done[a.ID]; done {
			sum.Already = append(sum.Already, a.ID)
			o.printf("  done before   %s  %s", a.ID, a.Title)
			continue
		}
		refuse := func(why string) error {
			refused[a.ID] = true
			sum.Refused = append(sum.Refused, Refusal{a.ID, a.Title, why})
			o.printf("  REFUSED       %s  %s: %s", a.ID, a.Title, why)
			if j != nil {
				return j.Append(Entry{Time: o.now(), Event: EvRefused, ActionID: a.ID, Stage: a.Stage, AccountID: a.AccountID, Title: a.Title, Note: why})
			}
			return nil
		}
		switch {
		case a.NeedsInput != "":
			if err := refuse("needs input: " + a.NeedsInput); err != nil {
				return sum, err
			}
			continue
		case a.Call == nil:
			sum.Manual = append(sum.Manual, a.ID)
			o.printf("  manual        %s  %s: %s", a.ID, a.Title, strings.Join(a.Console, " "))
			continue
		}
		if dep := blockedBy(a, st, refused, sum); dep != "" {
			if err := refuse("depends on " + dep + ", which is not done"); err != nil {
				return sum, err
			}
			continue
		}
		cfg := cfgs[a.AccountID]
		rd := &reader{cl: iam.NewFromConfig(cfg), cfg: cfg}
		why := guard(ctx, rd, a, id, o.now())
		if why == "" {
			if why, err = lastAdmin(ctx, rd, a.Call); err != nil {
				return sum, fmt.Errorf("%s: reading who holds administrator access: %w", a.ID, err)
			}
		}
		if why != "" {
			if err := refuse("guard rail: " + why); err != nil {
				return sum, err
			}
			continue
		}
		before, failed, err := evaluate(ctx, rd, a.Precond)
		if err != nil {
			return sum, fmt.Errorf("%s: reading the precondition: %w", a.ID, err)
		}
		if failed != "" {
			// Already in the wanted state (an earlier interrupted run, or
			// someone did it)? Then it is done, not drifted.
			if ok, _ := effectVisible(ctx, rd, a.Call); ok {
				sum.Already = append(sum.Already, a.ID)
				// Our own interrupted call (a start without done) is ours to
				// roll back; a change made outside iamspect is not.
				ours := st.started[a.ID]
				note := "found in effect: made outside this apply, so rollback leaves it"
				if ours {
					note = "found in effect after an interrupted call of this apply"
				}
				o.printf("  already done  %s  %s (%s)", a.ID, a.Title, note)
				if j != nil {
					if err := j.Append(Entry{Time: o.now(), Event: EvDone, ActionID: a.ID, Stage: a.Stage, AccountID: a.AccountID, Title: a.Title,
						Call: a.Call, Reversible: a.Reversible && ours, Inverse: inverseIf(ours, a.Inverse), StateBefore: before, Note: note}); err != nil {
						return sum, err
					}
				}
				continue
			}
			if err := refuse("precondition no longer holds (the account changed since the plan): " + failed); err != nil {
				return sum, err
			}
			continue
		}
		if !o.Yes {
			sum.Would = append(sum.Would, a.ID)
			o.printf("  would run     %s  %s  [%s:%s]", a.ID, a.Title, a.Call.Service, a.Call.Operation)
			continue
		}
		if err := j.Append(Entry{Time: o.now(), Event: EvStart, ActionID: a.ID, Stage: a.Stage, AccountID: a.AccountID, Title: a.Title,
			Call: a.Call, Reversible: a.Reversible, Inverse: a.Inverse, StateBefore: before}); err != nil {
			return sum, err
		}
		reqID, outs, callErr := runCall(ctx, cfg, a.Call, st)
		note := ""
		if callErr != nil {
			// A retried call whose first attempt took effect answers
			// NoSuchEntity or similar: accept it when the effect is there.
			if ok, _ := effectVisible(ctx, rd, a.Call); ok && ctx.Err() == nil {
				note = "the call answered " + ErrorCode(callErr) + ", but its effect is in place"
				callErr = nil
			}
		}
		if callErr != nil && ctx.Err() != nil {
			// Interrupted: whether the call took effect is unknown; the
			// start entry stays open and the next run finds out.
			return sum, ctx.Err()
		}
		if callErr != nil {
			_ = j.Append(Entry{Time: o.now(), Event: EvFailed, ActionID: a.ID, Stage: a.Stage, AccountID: a.AccountID, Title: a.Title,
				RequestID: reqID, Error: callErr.Error()})
			o.printf("  FAILED        %s  %s: %v", a.ID, a.Title, callErr)
			return sum, fmt.Errorf("%s (%s): %w; stopped at the first unexpected error, the journal says what was done", a.ID, a.Title, callErr)
		}
		if err := j.Append(Entry{Time: o.now(), Event: EvDone, ActionID: a.ID, Stage: a.Stage, AccountID: a.AccountID, Title: a.Title,
			Call: a.Call, Reversible: a.Reversible, Inverse: a.Inverse, RequestID: reqID, Note: note, Outputs: outs}); err != nil {
			return sum, err
		}
		st.done[a.ID] = Entry{Outputs: outs}
		sum.Done = append(sum.Done, a.ID)
		o.printf("  done          %s  %s  (request %s)", a.ID, a.Title, reqID)
	}
	listManual(p, sum, &o)
	if len(sum.Refused) > 0 {
		return sum, fmt.Errorf("%w: %d of stage %s", ErrRefused, len(sum.Refused), sum.Stage)
	}
	return sum, nil
}

func listManual(p *plan.Plan, sum *Summary, o *Options) {
	if sum.Stage == plan.StageManual {
		return
	}
	n := len(p.ByStage(plan.StageManual))
	if n > 0 {
		o.printf("%d manual actions (console steps) are listed in the plan's manual stage; apply never runs them", n)
	}
}

// blockedBy returns a dependency that is not done (refused now, or of a
// stage not yet run).
func blockedBy(a *plan.Action, st state, refused map[string]bool, sum *Summary) string {
	for _, d := range a.DependsOn {
		if _, ok := st.done[d]; ok {
			continue
		}
		if slices.Contains(sum.Would, d) {
			continue // dry run: it would have run
		}
		return d
	}
	return ""
}

// graceOK holds the delete stage until the grace period has passed since
// the deactivate stage finished.
func (o *Options) graceOK(p *plan.Plan, st state) error {
	grace := o.Grace
	if grace == 0 {
		grace = DefaultGrace
	}
	hasDeact := false
	for _, a := range p.ByStage(plan.StageDeactivate) {
		if a.Call != nil && a.NeedsInput == "" {
			hasDeact = true
		}
	}
	if !hasDeact {
		return nil
	}
	last, ok := st.lastDone[plan.StageDeactivate]
	if !ok {
		return &PlanError{fmt.Errorf("the delete stage runs after the deactivate stage: run fix apply --stage deactivate first (journal %s has no deactivation)", o.Journal)}
	}
	if grace > 0 {
		if wait := last.Add(grace).Sub(o.now()); wait > 0 {
			return &PlanError{fmt.Errorf("the delete stage waits %s after the deactivation (done %s): %s left; --grace-period shortens it", grace, last.Format(time.RFC3339), wait.Round(time.Minute))}
		}
	}
	return nil
}

// evaluate reads every check; failed describes the first that does not hold.
func evaluate(ctx context.Context, rd *reader, pc *plan.Precondition) (map[string]string, string, error) {
	if pc == nil {
		return nil, "", nil
	}
	before := map[string]string{}
	failed := ""
	for _, c := range pc.Checks {
		got, err := rd.observe(ctx, c)
		if err != nil {
			return before, "", err
		}
		key := c.Kind + ":" + c.Resource + ":" + c.Field
		before[key] = got
		if failed == "" && !holds(c, got) {
			failed = fmt.Sprintf("%s %s %s: expected %s, found %s", c.Kind, c.Resource, c.Field, c.Expect, got)
		}
	}
	return before, failed, nil
}

// effectVisible reports whether the call's effect is already in place.
func effectVisible(ctx context.Context, rd *reader, c *plan.Call) (bool, error) {
	post := postconditions(c)
	if len(post) == 0 {
		return false, nil
	}
	_, failed, err := evaluate(ctx, rd, &plan.Precondition{Checks: post})
	return err == nil && failed == "", err
}

// guard keeps the guard rails: never the running credentials' own user or
// role, never the last active key of a user used in the last 24 hours
// (unless the action says Explicit).
func guard(ctx context.Context, rd *reader, a *plan.Action, id collect.Identity, now time.Time) string {
	c := a.Call
	if acct, kind, name := callerEntity(id); acct == a.AccountID {
		if (kind == "user" && c.Str("UserName") == name) || (kind == "role" && c.Str("RoleName") == name) {
			return fmt.Sprintf("it changes %s %s, whose credentials are running this apply", kind, name)
		}
	}
	if (c.Operation == "UpdateAccessKey" && c.Str("Status") == "Inactive") || c.Operation == "DeleteAccessKey" {
		if a.Explicit {
			return ""
		}
		out, err := rd.cl.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(c.Str("UserName"))})
		if err != nil {
			return ""
		}
		others := 0
		thisActive := false
		for _, k := range out.AccessKeyMetadata {
			if string(k.Status) != "Active" {
				continue
			}
			if aws.ToString(k.AccessKeyId) == c.Str("AccessKeyId") {
				thisActive = true
			} else {
				others++
			}
		}
		if !thisActive || others > 0 {
			return ""
		}
		lu, err := rd.cl.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(c.Str("AccessKeyId"))})
		if err == nil && lu.AccessKeyLastUsed != nil && lu.AccessKeyLastUsed.LastUsedDate != nil && now.Sub(*lu.AccessKeyLastUsed.LastUsedDate) < 24*time.Hour {
			return fmt.Sprintf("%s is the last active key of %s and was used %s ago; the plan must mark the action explicit", c.Str("AccessKeyId"), c.Str("UserName"), now.Sub(*lu.AccessKeyLastUsed.LastUsedDate).Round(time.Minute))
		}
	}
	return ""
}

// callerEntity names the IAM user or role behind the credentials.
func callerEntity(id collect.Identity) (account, kind, name string) {
	parts := strings.SplitN(id.ARN, ":", 6)
	if len(parts) < 6 {
		return "", "", ""
	}
	res := parts[5]
	switch {
	case strings.HasPrefix(res, "user/"):
		n := res[strings.LastIndex(res, "/")+1:]
		return parts[4], "user", n
	case strings.HasPrefix(res, "assumed-role/"):
		seg := strings.Split(res, "/")
		if len(seg) >= 2 {
			return parts[4], "role", seg[1]
		}
	}
	return "", "", ""
}

// ReadPlanFile reads a plan file's bytes and the validated plan.
func ReadPlanFile(path string) ([]byte, *plan.Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	if len(b) > plan.MaxPlanBytes {
		return nil, nil, fmt.Errorf("%s: more than %d bytes", path, plan.MaxPlanBytes)
	}
	p, err := plan.Read(strings.NewReader(string(b)))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, p, nil
}

func inverseIf(ok bool, c *plan.Call) *plan.Call {
	if ok {
		return c
	}
	return nil
}

// pending counts the runnable actions of a stage not yet done.
func pending(p *plan.Plan, st state, stage string) int {
	n := 0
	for _, a := range p.ByStage(stage) {
		if a.Call != nil && a.NeedsInput == "" {
			if _, done := st.done[a.ID]; !done {
				n++
			}
		}
	}
	return n
}
