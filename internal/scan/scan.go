package scan

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/parallel"
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
	Suppress func(*finding.Result)
	// Spool, when set, receives the results account by account, and the
	// outcome's list is read back from it: an organisation scan then holds
	// one account's results at a time, not the organisation's. Run owns
	// the spool from the call on.
	Spool *finding.Spool
}

// Outcome is what a scan produced.
type Outcome struct {
	Results finding.List
	// Errors are rules that crashed; their results are missing.
	Errors []RuleError
	// Coverage lists the principals that an input the account has did not
	// list, so that the rules reading that input answered UNKNOWN for them.
	Coverage []CoverageGap
	// Config is the thresholds the rules ran with (defaults filled in), for
	// rule texts that name them (rules.Rule.WithThresholds).
	Config rules.Config
}

// RuleError is a rule that failed to run.
type RuleError struct {
	RuleID    string `json:"rule_id"`
	AccountID string `json:"account_id,omitempty"`
	Error     string `json:"error"`
	// Stack is the panic's stack, for --verbose output; never in reports.
	Stack string `json:"-"`
}

// Run applies the rules to the snapshot. It never reads the wall clock: ages
// come from the snapshot or Options.Context.AsOf. It stops between rules and
// inside long analyses when ctx is cancelled, returning ctx's error.
//
// Accounts are judged one at a time, every per-account rule in turn, and
// the account's permission model is dropped before the next: a scan holds
// one account's analysis, not the organisation's (docs/scaling.md). Results
// are gathered per rule, so their order is what a rule-by-rule run gives.
func Run(ctx context.Context, s *snapshot.Snapshot, opts Options) (*Outcome, error) {
	rs := opts.Rules
	if rs == nil {
		rs = rules.Catalog()
	}
	rc := opts.Context
	rc.Config = rc.Config.WithDefaults()
	rc.Ctx = ctx
	rc.Share() // the account rules run concurrently (eachRule)
	out := &Outcome{Coverage: coverageGaps(s), Config: rc.Config}
	byRule := make([]gathered, len(rs))
	spill := func() error { return nil } // sends what byRule holds to the spool
	handedOver := false                  // the spool became the outcome's list
	if sp := opts.Spool; sp != nil {
		defer func() {
			if !handedOver {
				sp.Discard() // ended early: nothing will read the spool
			}
		}()
		spill = func() error { return sp.Add(slices.Concat(finished(byRule, opts.Suppress)...)) }
	}
	for i, r := range rs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if r.Check != nil {
			res, err := runSafely(func() []finding.Result { return r.Check(r, &rc, s) })
			byRule[i].add(r, "", res, err)
		}
	}
	if err := spill(); err != nil {
		return nil, err
	}
	for _, a := range s.Accounts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		// The rules that use the access analysis go first; the analysis,
		// most of an account's heap, is dropped before the others run.
		for _, usesAnalysis := range [2]bool{true, false} {
			eachRule(rs, func(i int, r *rules.Rule) {
				if r.UsesAnalysis != usesAnalysis || r.Check != nil || r.CheckAccount == nil || ctx.Err() != nil {
					return
				}
				if u, ok := unknownFor(r, s, a); ok {
					byRule[i].chunks = append(byRule[i].chunks, []finding.Result{u})
					return
				}
				res, err := runSafely(func() []finding.Result { return r.CheckAccount(r, &rc, s, a) })
				if err == nil {
					res = enforceCoverage(r, s, a, res)
				}
				byRule[i].add(r, a.ID, res, err)
			})
			if err := ctx.Err(); err != nil {
				return nil, err // no forced collection for a scan given up
			}
			if usesAnalysis {
				releaseAnalysis(&rc, a)
			}
		}
		rc.Release(a)
		if err := spill(); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i := range byRule {
		out.Errors = append(out.Errors, byRule[i].errors...)
	}
	if opts.Spool != nil {
		handedOver = true // List closes the file itself when it fails
		l, err := opts.Spool.List()
		if err != nil {
			return nil, err
		}
		out.Results = l
		return out, nil
	}
	out.Results = finding.ListOf(sortedConcat(finished(byRule, opts.Suppress)))
	return out, nil
}

// finished takes the results byRule holds, in rule order, fingerprinted
// (on every CPU) and seen by suppress (in order: suppressions count their
// matches), and leaves byRule without them.
func finished(byRule []gathered, suppress func(*finding.Result)) [][]finding.Result {
	var chunks [][]finding.Result
	for i := range byRule {
		chunks = append(chunks, byRule[i].chunks...)
		byRule[i].chunks = nil
	}
	parallel.For(len(chunks), 1, nil, func(i int) {
		for j := range chunks[i] {
			chunks[i][j].Finish()
		}
	})
	if suppress != nil {
		for _, c := range chunks {
			for i := range c {
				suppress(&c[i])
			}
		}
	}
	return chunks
}

// gathered is one rule's answers: its result slices as it returned them,
// per account, and its errors; only the rule's own worker writes it. The
// scan owns those slices (enforceCoverage filters them in place) and
// copies each result once, into the sorted list.
type gathered struct {
	chunks [][]finding.Result
	errors []RuleError
}

func (g *gathered) add(r *rules.Rule, accountID string, res []finding.Result, err error) {
	if err != nil {
		re := RuleError{RuleID: r.ID, AccountID: accountID, Error: err.Error()}
		var p panicError
		if asPanic(err, &p) {
			re.Stack = p.stack
		}
		g.errors = append(g.errors, re)
		return
	}
	// Cut long evidence lists as each rule answers, before results pile up.
	for i := range res {
		res[i].Evidence.CapPrincipals()
	}
	if len(res) > 0 {
		g.chunks = append(g.chunks, res)
	}
}

// panicError is a rule's panic, with the stack where it happened.
type panicError struct {
	value any
	stack string
}

func (p panicError) Error() string { return fmt.Sprintf("rule panicked: %v", p.value) }

func asPanic(err error, p *panicError) bool {
	pe, ok := err.(panicError)
	if ok {
		*p = pe
	}
	return ok
}

// runSafely turns a panic inside a rule into an error for that rule alone.
func runSafely(f func() []finding.Result) (res []finding.Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = panicError{value: p, stack: string(debug.Stack())}
		}
	}()
	return f(), nil
}

// needs is every input a rule needs in an account: its Needs plus the
// inputs it reads per principal.
func needs(r *rules.Rule) []snapshot.Input {
	out := append([]snapshot.Input(nil), r.Needs...)
	for _, in := range r.Covers.Inputs() {
		if !contains(out, in) {
			out = append(out, in)
		}
	}
	return out
}

func contains(ins []snapshot.Input, in snapshot.Input) bool {
	for _, x := range ins {
		if x == in {
			return true
		}
	}
	return false
}

// unknownFor returns an UNKNOWN result when the account lacks inputs the
// rule needs, naming them and the gaps that explain why.
func unknownFor(r *rules.Rule, s *snapshot.Snapshot, a *snapshot.Account) (finding.Result, bool) {
	need := needs(r)
	missing := a.Missing(need...)
	if len(r.NeedsAny) > 0 && len(a.Missing(r.NeedsAny...)) == len(r.NeedsAny) {
		missing = append(missing, r.NeedsAny...)
	}
	if len(missing) == 0 {
		return finding.Result{}, false
	}
	what := "needs"
	if len(r.NeedsAny) > 0 && len(a.Missing(need...)) == 0 {
		what = "needs one of"
	}
	name := a.ID
	if a.Alias != "" {
		name = a.Alias
	}
	res := r.Result(rules.Unknown, a.ID, rules.TypeAccount, a.RootARN(), name, "%s", rules.NotChecked(s, a.ID, what, missing))
	res.MissingInputs = names(missing)
	return res, true
}

func names(ins []snapshot.Input) []string {
	out := make([]string, len(ins))
	for i, in := range ins {
		out[i] = string(in)
	}
	return out
}

// releaseAnalysis drops the account's access analysis. After a large one it
// also collects and hands the freed pages back to the system: the pages
// the analysis leaves are scattered, the report's large buffers cannot
// reuse them, and the process would otherwise grow by those buffers on top
// of the analysis's peak (about 500 MB at 20,000 principals). The forced
// collection costs a fraction of a second, well under what such an
// analysis takes; small accounts (an organisation's members) skip it.
func releaseAnalysis(rc *rules.Context, a *snapshot.Account) {
	if rc.ReleaseAnalysis(a) >= bigAnalysis {
		debug.FreeOSMemory()
	}
}

// bigAnalysis is the number of principals from which releaseAnalysis
// returns the analysis's memory to the system.
const bigAnalysis = 2000

// eachRule calls fn for every rule on every CPU and returns when all are
// done. The rules of one account are independent: they share only the
// account's model and analysis, which are built once under a lock and
// answer concurrent questions (internal/access), and each writes only its
// own slot of the results, so the outcome is the one a rule-by-rule run
// gives.
func eachRule(rs []*rules.Rule, fn func(i int, r *rules.Rule)) {
	parallel.For(len(rs), 1, nil, func(i int) { fn(i, rs[i]) })
}
