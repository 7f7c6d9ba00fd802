package scan

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// Options selects rules and sets the context they run in.
type Options struct {
	// Rules to run; nil means the whole catalogue.
	Rules   []*rules.Rule
	Context rules.Context
	// Suppress, when set, sees every finished result and may mute it
	// (suppress.Set.Apply).
	Suppress func(*rules.Result)
}

// Outcome is what a scan produced.
type Outcome struct {
	Results []rules.Result
	// Errors are rules that crashed; their results are missing.
	Errors []RuleError
}

// RuleError is a rule that failed to run.
type RuleError struct {
	RuleID    string `json:"rule_id"`
	AccountID string `json:"account_id,omitempty"`
	Error     string `json:"error"`
}

// Run applies the rules to the snapshot. It never reads the wall clock: ages
// come from the snapshot or Options.Context.AsOf.
func Run(ctx context.Context, s *snapshot.Snapshot, opts Options) (*Outcome, error) {
	rs := opts.Rules
	if rs == nil {
		rs = rules.Catalog()
	}
	rc := opts.Context
	rc.Config = rc.Config.WithDefaults()
	out := &Outcome{}
	for _, r := range rs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		switch {
		case r.Check != nil:
			res, err := runSafely(func() []rules.Result { return r.Check(r, &rc, s) })
			out.add(r, "", res, err)
		case r.CheckAccount != nil:
			for _, a := range s.Accounts {
				if u, ok := unknownFor(r, s, a); ok {
					out.Results = append(out.Results, u)
					continue
				}
				res, err := runSafely(func() []rules.Result { return r.CheckAccount(r, &rc, s, a) })
				out.add(r, a.ID, res, err)
			}
		}
	}
	for i := range out.Results {
		finish(&out.Results[i])
		if opts.Suppress != nil {
			opts.Suppress(&out.Results[i])
		}
	}
	Sort(out.Results)
	return out, nil
}

func (o *Outcome) add(r *rules.Rule, accountID string, res []rules.Result, err error) {
	if err != nil {
		o.Errors = append(o.Errors, RuleError{RuleID: r.ID, AccountID: accountID, Error: err.Error()})
		return
	}
	o.Results = append(o.Results, res...)
}

// runSafely turns a panic inside a rule into an error for that rule alone.
func runSafely(f func() []rules.Result) (res []rules.Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("rule panicked: %v", p)
		}
	}()
	return f(), nil
}

// unknownFor returns an UNKNOWN result when the account lacks inputs the
// rule needs, naming them and the gaps that explain why.
func unknownFor(r *rules.Rule, s *snapshot.Snapshot, a *snapshot.Account) (rules.Result, bool) {
	missing := a.Missing(r.Needs...)
	if len(r.NeedsAny) > 0 && len(a.Missing(r.NeedsAny...)) == len(r.NeedsAny) {
		missing = append(missing, r.NeedsAny...)
	}
	if len(missing) == 0 {
		return rules.Result{}, false
	}
	what := "needs"
	if len(r.NeedsAny) > 0 && len(a.Missing(r.Needs...)) == 0 {
		what = "needs one of"
	}
	name := a.ID
	if a.Alias != "" {
		name = a.Alias
	}
	res := r.Result(rules.Unknown, a.ID, rules.TypeAccount, a.RootARN(), name, "%s", rules.NotChecked(s, a.ID, what, missing))
	res.MissingInputs = missing
	return res, true
}

// finish fills in defaults and the fingerprint.
func finish(r *rules.Result) {
	if r.Fingerprint == "" {
		r.Fingerprint = Fingerprint(r.RuleID, r.AccountID, r.ResourceARN)
	}
}

// Fingerprint identifies a result across scans: rule, account and resource.
func Fingerprint(ruleID, accountID, resourceARN string) string {
	sum := sha256.Sum256([]byte(ruleID + "\x00" + accountID + "\x00" + resourceARN))
	return hex.EncodeToString(sum[:16])
}

// Sort orders results: failures first, worst severity first, then by rule,
// account and resource, so output is stable.
func Sort(rs []rules.Result) {
	slices.SortStableFunc(rs, func(a, b rules.Result) int {
		return cmp.Or(
			cmp.Compare(statusRank(b.Status), statusRank(a.Status)),
			cmp.Compare(b.Severity.Rank(), a.Severity.Rank()),
			strings.Compare(a.RuleID, b.RuleID),
			strings.Compare(a.AccountID, b.AccountID),
			strings.Compare(a.ResourceARN, b.ResourceARN),
		)
	})
}

func statusRank(s rules.Status) int {
	switch s {
	case rules.Fail:
		return 4
	case rules.Unknown:
		return 3
	case rules.Muted:
		return 2
	}
	return 1
}
