// Package engine is iamspect's pipeline as a library: load inputs into a
// snapshot, scan it (with per-principal coverage), mute suppressed findings,
// judge compliance controls and assemble the self-contained report. The CLI
// calls it, and so will the server, fix and migrate: none of them wires the
// stages itself.
package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/iamspect/iamspect/internal/compliance"
	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/scan"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/suppress"
	"github.com/iamspect/iamspect/internal/version"
)

// Clock is the one wall-clock read of a scan: the report's generated_at.
// Rules never see it; ages come from the snapshot or Options.AsOf.
type Clock func() time.Time

// Options shape a scan. The zero value runs every rule with default
// thresholds, no suppressions and no compliance report.
type Options struct {
	// Rules to run; nil means the whole catalogue.
	Rules []*rules.Rule
	// Config holds thresholds; zero fields take their defaults.
	Config rules.Config
	// AsOf, when set, is the time ages are measured against.
	AsOf time.Time
	// Suppressions mute accepted findings; SuppressionsFile names their
	// file in the report.
	Suppressions     *suppress.Set
	SuppressionsFile string
	// Compliance, when set, adds a per-control report for the framework.
	Compliance *compliance.Framework
	// Clock stamps generated_at; nil means time.Now.
	Clock Clock
	// SpillFrom is the number of accounts from which the results wait in
	// an unlinked temporary file rather than in memory (finding.Spool):
	// 0 means DefaultSpillFrom, a negative number never.
	SpillFrom int
}

// DefaultSpillFrom: an organisation's results cost about 1.2 MB of memory
// per account held; from 16 accounts they are spilled, account by account.
const DefaultSpillFrom = 16

// Outcome is a finished scan: the report and what to tell the person who
// ran it.
type Outcome struct {
	Report   *report.Report
	Snapshot *snapshot.Snapshot
	// Warnings are for standard error: inputs that skipped principals,
	// suppressions that expired or matched nothing, files not understood.
	Warnings []string
	// Stacks are the stacks of rules that panicked, for --verbose.
	Stacks []string
}

// InputError is a problem with what the person gave iamspect to read: a
// file that is missing or malformed, a snapshot of an unknown version. The
// CLI maps it to the usage/input exit code.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// Run loads the source and scans it.
func Run(ctx context.Context, src Source, o Options) (*Outcome, error) {
	s, warnings, err := src.Load(ctx)
	if err != nil {
		return nil, err
	}
	out, err := Scan(ctx, s, o)
	if err != nil {
		return nil, err
	}
	out.Warnings = append(warnings, out.Warnings...)
	return out, nil
}

// Scan judges a snapshot: rules, suppressions, compliance, report.
func Scan(ctx context.Context, s *snapshot.Snapshot, o Options) (*Outcome, error) {
	if s == nil || len(s.Accounts) == 0 {
		return nil, &InputError{Err: errors.New("the snapshot holds no account")}
	}
	if err := checkAsOf(s, o.AsOf); err != nil {
		return nil, &InputError{Err: err}
	}
	if err := rules.CheckDates(s); err != nil {
		return nil, &InputError{Err: err}
	}
	sopts := scan.Options{Rules: o.Rules, Context: rules.Context{AsOf: o.AsOf, Config: o.Config}}
	if o.Suppressions != nil {
		ref := o.AsOf
		if ref.IsZero() {
			ref = s.CollectedAt
		}
		sopts.Suppress = o.Suppressions.At(ref).Apply
	}
	var spillWarning string
	sopts.Spool, spillWarning = spool(len(s.Accounts), o.SpillFrom)
	res, err := scan.Run(ctx, s, sopts)
	if err != nil {
		return nil, err
	}
	clock := o.Clock
	if clock == nil {
		clock = time.Now
	}
	rep := report.New(s, res, version.String(), clock(), o.AsOf)
	out := &Outcome{Report: rep, Snapshot: s}
	if spillWarning != "" {
		out.Warnings = append(out.Warnings, spillWarning)
	}
	for _, g := range res.Coverage {
		out.Warnings = append(out.Warnings, g.String())
	}
	for _, e := range res.Errors {
		if e.Stack != "" {
			out.Stacks = append(out.Stacks, fmt.Sprintf("rule %s (account %s): %s\n%s", e.RuleID, e.AccountID, e.Error, e.Stack))
		}
	}
	if o.Compliance != nil {
		ran := o.Rules
		if ran == nil {
			ran = rules.Catalog()
		}
		// Controls that name a threshold are judged at it: their rules
		// run again at the control's values (compliance.EvaluateWith).
		rerun := func(rs []*rules.Rule, cfg rules.Config) []rules.Result {
			ro := sopts
			ro.Rules, ro.Context.Config, ro.Spool = rs, cfg, nil
			if again, err := scan.Run(ctx, s, ro); err == nil {
				return again.Results.Slice()
			}
			return nil
		}
		rep.Compliance = compliance.EvaluateWith(*o.Compliance, ran, rep.Results.Slice(), compliance.Options{Config: res.Config, Rerun: rerun})
	}
	if o.Suppressions != nil {
		rep.Suppressions = o.Suppressions.Summarize(o.SuppressionsFile)
		out.Warnings = append(out.Warnings, suppressionWarnings(rep.Suppressions)...)
	}
	return out, nil
}

// spool is where a scan of n accounts keeps its results: nil (memory)
// below the threshold, or when no temporary file can be made, which the
// warning then says.
func spool(n, from int) (*finding.Spool, string) {
	if from == 0 {
		from = DefaultSpillFrom
	}
	if from < 0 || n < from {
		return nil, ""
	}
	sp, err := finding.NewSpool("")
	if err != nil {
		return nil, fmt.Sprintf("results held in memory: %v", err)
	}
	return sp, ""
}

// suppressionWarnings tells about entries that expired or matched nothing.
func suppressionWarnings(sum *suppress.Summary) []string {
	var out []string
	for _, e := range sum.Expired {
		out = append(out, fmt.Sprintf("suppression %s (%s) expired on %s and no longer applies", e.Where(), e.Rule, e.Expires.Format("2006-01-02")))
	}
	for _, e := range sum.Unused {
		out = append(out, fmt.Sprintf("suppression %s (%s) matched no failing result", e.Where(), e.Rule))
	}
	return append(out, sum.Warnings...)
}

// checkAsOf refuses an --as-of earlier than the data it judges: ages would
// be negative and every age rule would pass.
func checkAsOf(s *snapshot.Snapshot, asOf time.Time) error {
	if asOf.IsZero() {
		return nil
	}
	for _, a := range s.Accounts {
		if ref := s.ReferenceTime(a); asOf.Before(ref.Truncate(24 * time.Hour)) {
			return fmt.Errorf("--as-of %s is before the data of account %s (%s): ages would be negative; give a time on or after it",
				asOf.UTC().Format(time.RFC3339), a.ID, ref.UTC().Format(time.RFC3339))
		}
	}
	return nil
}
