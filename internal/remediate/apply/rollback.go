package apply

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamspect/iamspect/internal/remediate/plan"
)

// RollbackSummary is what a rollback did or would do.
type RollbackSummary struct {
	DryRun bool
	Undone []string // action IDs whose inverse ran (or would run)
	Before []string // rolled back by an earlier run
	// Cannot lists what cannot be undone, with why.
	Cannot  []Refusal
	Refused []Refusal
}

// Rollback undoes the reversible done actions of a journal, newest first.
// It journals into the same file, so an interrupted rollback resumes.
func Rollback(ctx context.Context, o Options) (*RollbackSummary, error) {
	var j *Journal
	if o.Yes {
		if _, err := os.Stat(o.Journal); err != nil {
			return nil, &PlanError{fmt.Errorf("journal %s: %w", o.Journal, err)}
		}
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
	if len(entries) == 0 {
		return nil, &PlanError{fmt.Errorf("journal %s is empty or missing: nothing to roll back", o.Journal)}
	}
	st := summarize(entries)
	var done []Entry
	seen := map[string]bool{}
	for _, e := range entries {
		if e.Event == EvDone && !seen[e.ActionID] {
			seen[e.ActionID] = true
			done = append(done, e)
		}
	}
	deleted := map[string]bool{} // "user/NAME", "group/NAME", "role/NAME"
	for _, e := range done {
		if e.Call == nil {
			continue
		}
		switch e.Call.Operation {
		case "DeleteUser":
			deleted["user/"+e.Call.Str("UserName")] = true
		case "DeleteGroup":
			deleted["group/"+e.Call.Str("GroupName")] = true
		case "DeleteRole":
			deleted["role/"+e.Call.Str("RoleName")] = true
		case "DeleteAccessKey":
			deleted["access key "+e.Call.Str("UserName")+"/"+e.Call.Str("AccessKeyId")] = true
		case "DeleteSigningCertificate":
			deleted["signing certificate "+e.Call.Str("UserName")+"/"+e.Call.Str("CertificateId")] = true
		}
	}
	p := &plan.Plan{}
	for _, e := range done {
		if !containsAccount(p.Accounts, e.AccountID) {
			p.Accounts = append(p.Accounts, plan.Account{ID: e.AccountID})
		}
	}
	cfgs, _, err := o.accounts(ctx, p)
	if err != nil {
		return nil, err
	}
	sum := &RollbackSummary{DryRun: !o.Yes}
	mode := "dry run (nothing is changed; --yes rolls back)"
	if o.Yes {
		mode = "rolling back"
	}
	o.printf("rollback of %s: %s", o.Journal, mode)
	for i := len(done) - 1; i >= 0; i-- {
		e := done[i]
		if st.rolled[e.ActionID] {
			sum.Before = append(sum.Before, e.ActionID)
			o.printf("  undone before %s  %s", e.ActionID, e.Title)
			continue
		}
		if !e.Reversible || e.Inverse == nil {
			why := "irreversible (" + opName(e.Call) + ")"
			if strings.Contains(e.Note, "outside") {
				why = "not made by this apply (" + e.Note + ")"
			}
			sum.Cannot = append(sum.Cannot, Refusal{e.ActionID, e.Title, why})
			o.printf("  cannot undo   %s  %s: irreversible", e.ActionID, e.Title)
			continue
		}
		if ent := touches(e.Inverse, deleted); ent != "" {
			sum.Cannot = append(sum.Cannot, Refusal{e.ActionID, e.Title, ent + " was deleted later in the journal"})
			o.printf("  cannot undo   %s  %s: %s was deleted", e.ActionID, e.Title, ent)
			continue
		}
		cfg := cfgs[e.AccountID]
		rd := &reader{cl: iam.NewFromConfig(cfg), cfg: cfg}
		if ok, _ := effectVisible(ctx, rd, e.Inverse); ok {
			sum.Before = append(sum.Before, e.ActionID)
			o.printf("  already undone %s  %s", e.ActionID, e.Title)
			if j != nil {
				if err := j.Append(Entry{Time: o.now(), Event: EvRollbackDone, ActionID: e.ActionID, AccountID: e.AccountID, Title: e.Title, Call: e.Inverse, Note: "found undone"}); err != nil {
					return sum, err
				}
			}
			continue
		}
		if ok, err := effectVisible(ctx, rd, e.Call); !ok && err == nil && len(postconditions(e.Call)) > 0 {
			sum.Refused = append(sum.Refused, Refusal{e.ActionID, e.Title, "the change is no longer in place: the account changed since"})
			o.printf("  REFUSED       %s  %s: the change is no longer in place", e.ActionID, e.Title)
			continue
		}
		if !o.Yes {
			sum.Undone = append(sum.Undone, e.ActionID)
			o.printf("  would undo    %s  %s  [%s]", e.ActionID, e.Title, opName(e.Inverse))
			continue
		}
		if err := j.Append(Entry{Time: o.now(), Event: EvRollbackStart, ActionID: e.ActionID, AccountID: e.AccountID, Title: e.Title, Call: e.Inverse}); err != nil {
			return sum, err
		}
		reqID, _, callErr := runCall(ctx, cfg, e.Inverse, st)
		if callErr != nil {
			if ok, _ := effectVisible(ctx, rd, e.Inverse); !ok {
				_ = j.Append(Entry{Time: o.now(), Event: EvRollbackFailed, ActionID: e.ActionID, AccountID: e.AccountID, RequestID: reqID, Error: callErr.Error()})
				return sum, fmt.Errorf("undo %s (%s): %w; stopped", e.ActionID, e.Title, callErr)
			}
		}
		if err := j.Append(Entry{Time: o.now(), Event: EvRollbackDone, ActionID: e.ActionID, AccountID: e.AccountID, Title: e.Title, Call: e.Inverse, RequestID: reqID}); err != nil {
			return sum, err
		}
		sum.Undone = append(sum.Undone, e.ActionID)
		o.printf("  undone        %s  %s  (request %s)", e.ActionID, e.Title, reqID)
	}
	if len(sum.Cannot) > 0 {
		o.printf("%d actions cannot be undone (listed above)", len(sum.Cannot))
	}
	if len(sum.Refused) > 0 {
		return sum, fmt.Errorf("%w: %d", ErrRefused, len(sum.Refused))
	}
	return sum, nil
}

func containsAccount(as []plan.Account, id string) bool {
	for _, a := range as {
		if a.ID == id {
			return true
		}
	}
	return false
}

func opName(c *plan.Call) string {
	if c == nil {
		return "no call"
	}
	return c.Service + ":" + c.Operation
}

func touches(c *plan.Call, deleted map[string]bool) string {
	for _, k := range []string{"user/" + c.Str("UserName"), "group/" + c.Str("GroupName"), "role/" + c.Str("RoleName"),
		"access key " + c.Str("UserName") + "/" + c.Str("AccessKeyId"), "signing certificate " + c.Str("UserName") + "/" + c.Str("CertificateId")} {
		if !strings.HasSuffix(k, "/") && deleted[k] {
			return k
		}
	}
	return ""
}
