package collect

import (
	"context"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// The organisation pipeline. Most of a small account's collection time is
// AWS generating its credential report (seconds to minutes), so an account
// must not hold a collection slot while that happens:
//
//  1. start: assume the member role and ask for the credential report
//     (GenerateCredentialReport), Options.Parallel accounts at a time;
//  2. work: collect every input, Options.Parallel accounts at a time; an
//     account whose report is still being generated gives its slot back
//     while it polls (credentialReport), and takes one again to finish
//     (applies, per-user probes).
//
// At most window accounts are between the two ends at once: the start
// runs that far ahead of the work, and an account's collected state is
// handed to emit as soon as it is complete, so the pipeline holds a bounded
// number of accounts whatever the organisation's size.
type pipeline struct {
	caller    Identity
	partition string
	o         *Options
	prog      *progress
	start     slots
	work      slots
	window    int
}

func newPipeline(caller Identity, partition string, o *Options, prog *progress) *pipeline {
	return &pipeline{caller: caller, partition: partition, o: o, prog: prog,
		start: make(slots, o.Parallel), work: make(slots, o.Parallel), window: pipelineWindow(o.Parallel)}
}

// pipelineWindow is how many accounts may be in the pipeline at once: 4
// rounds of work ahead (at least 32), so that each account's report has had
// about 3 rounds of other accounts' work to be generated in.
func pipelineWindow(parallel int) int { return max(4*parallel, 32) }

// run collects the accounts and hands each, with its gaps, to emit (from
// several goroutines at once). It fails only when ctx ends.
func (p *pipeline) run(ctx context.Context, accounts []string, emit func(*snapshot.Account, []snapshot.Gap)) error {
	window := make(slots, p.window)
	g, gctx := errgroup.WithContext(ctx)
	for _, id := range accounts {
		if err := window.acquire(gctx); err != nil {
			break // g.Wait returns the cause
		}
		g.Go(func() error {
			defer window.release()
			a, gaps, err := p.member(gctx, id)
			if err != nil {
				return err
			}
			emit(a, gaps)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}

// member takes one account through both stages. Its time budget starts
// with the role assumption.
func (p *pipeline) member(ctx context.Context, acctID string) (*snapshot.Account, []snapshot.Gap, error) {
	if err := p.start.acquire(ctx); err != nil {
		return nil, nil, err
	}
	deadline := time.Now().Add(p.o.AccountTimeout)
	cfg, roleARN, err := assumeMember(ctx, deadline, acctID, p.partition, p.caller, p.o)
	if err != nil {
		p.start.release()
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		return &snapshot.Account{ID: acctID, Partition: p.partition, Collected: []snapshot.Input{}}, unreachableGaps(acctID, roleARN, err), nil
	}
	c := newIAMCollector(cfg, p.o)
	sctx, cancel := context.WithDeadline(ctx, deadline)
	c.startReport(sctx)
	cancel()
	p.start.release()
	return collectAccountWith(ctx, deadline, cfg, c, acctID, p.partition, p.o, p.prog, p.work)
}

// slots is a counting semaphore; the nil value never blocks.
type slots chan struct{}

func (s slots) acquire(ctx context.Context) error {
	if s == nil {
		return ctx.Err()
	}
	select {
	case s <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s slots) release() {
	if s != nil {
		<-s
	}
}
