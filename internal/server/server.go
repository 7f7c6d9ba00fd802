// Package server is 'iamspect serve': it scans targets on their schedules
// through the engine, keeps every scan in the store, follows each finding's
// lifecycle, notifies about new and reopened findings and failed scans, and
// serves a dashboard, a JSON API (/api/v1, openapi.yaml), health checks and
// Prometheus metrics.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/iamspect/iamspect/internal/collect"
	"github.com/iamspect/iamspect/internal/engine"
	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/notify"
	"github.com/iamspect/iamspect/internal/store"
)

// Errors of Trigger.
var (
	ErrUnknownTarget = errors.New("no such target")
	ErrBusy          = errors.New("a scan of the target is already running")
	ErrShuttingDown  = errors.New("the server is shutting down")
)

// errShutdown is the cause given to scans stopped by a shutdown.
var errShutdown = errors.New("the server shut down before the scan finished")

// Options build a server.
type Options struct {
	Config   *Config
	Store    store.Store
	Tokens   *Tokens
	Notifier *notify.Notifier
	Logger   *slog.Logger
	// Now is the clock (time.Now by default).
	Now func() time.Time
}

// Server runs scheduled scans and serves the dashboard and API.
type Server struct {
	cfg      *Config
	st       store.Store
	tokens   *Tokens
	notifier *notify.Notifier
	log      *slog.Logger
	now      func() time.Time
	metrics  *Metrics

	runners []*runner
	byName  map[string]*runner

	scanCtx   context.Context
	stopScans context.CancelCauseFunc
	scans     sync.WaitGroup
	ready     atomic.Bool
	closing   atomic.Bool

	handler http.Handler
	driftMu sync.Mutex
	drift   map[[2]int64]*Drift
}

type runner struct {
	t    *Target
	busy atomic.Bool
	// next is when the loop will scan next (Unix ms; 0 before it runs).
	next atomic.Int64
}

// New prepares a server: scans left running by a process that died are
// marked interrupted, and the retention is applied.
func New(ctx context.Context, o Options) (*Server, error) {
	if o.Config == nil || o.Store == nil {
		return nil, errors.New("server: a configuration and a store are needed")
	}
	s := &Server{cfg: o.Config, st: o.Store, tokens: o.Tokens, notifier: o.Notifier, log: o.Logger, now: o.Now,
		metrics: NewMetrics(), byName: map[string]*runner{}, drift: map[[2]int64]*Drift{}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.notifier == nil {
		s.notifier = &notify.Notifier{}
	}
	for i := range s.cfg.Targets {
		r := &runner{t: &s.cfg.Targets[i]}
		s.runners = append(s.runners, r)
		s.byName[r.t.Name] = r
	}
	s.scanCtx, s.stopScans = context.WithCancelCause(context.Background())
	n, err := s.st.MarkInterrupted(ctx, s.now())
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if n > 0 {
		s.log.Warn("scans left running by a stopped server are marked interrupted", "scans", n)
	}
	s.prune(ctx)
	for _, r := range s.runners {
		s.refreshFindingMetrics(ctx, r.t.Name)
	}
	s.handler = s.routes()
	return s, nil
}

// Handler is the HTTP handler (dashboard, API, health, metrics).
func (s *Server) Handler() http.Handler { return s.handler }

// Metrics are the server's metrics.
func (s *Server) Metrics() *Metrics { return s.metrics }

func (s *Server) targetNames() []string {
	names := make([]string, len(s.runners))
	for i, r := range s.runners {
		names[i] = r.t.Name
	}
	return names
}

// Serve serves HTTP on ln and runs the schedules until ctx is cancelled;
// then it stops taking scans, lets running scans finish within the
// configured grace (then stops them: they are recorded as interrupted), and
// shuts the HTTP server down.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	var loops sync.WaitGroup
	for _, r := range s.runners {
		loops.Add(1)
		go func() {
			defer loops.Done()
			s.loop(ctx, r)
		}()
	}
	s.ready.Store(true)
	s.log.Info("serving", "addr", ln.Addr().String(), "targets", len(s.runners))
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	s.ready.Store(false)
	s.closing.Store(true)
	loops.Wait()
	s.drain()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		s.log.Warn("HTTP shutdown", "err", err)
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return nil
}

// drain waits for running scans for the grace period, then stops them and
// waits (bounded) for them to record themselves interrupted.
func (s *Server) drain() {
	done := make(chan struct{})
	go func() { s.scans.Wait(); close(done) }()
	select {
	case <-done:
		return
	case <-time.After(s.cfg.ShutdownGrace.D()):
	}
	s.log.Warn("stopping running scans: the shutdown grace period is over", "grace", s.cfg.ShutdownGrace.D().String())
	s.stopScans(errShutdown)
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		s.log.Error("scans did not stop; they will be marked interrupted at the next start")
	}
}

// loop runs a target's schedule. A target with no successful scan in the
// store is scanned at once.
func (s *Server) loop(ctx context.Context, r *runner) {
	if scans, err := s.st.Scans(ctx, r.t.Name, 20, 0); err == nil && !anySucceeded(scans) {
		if _, err := s.trigger(r, "start"); err != nil {
			s.log.Warn("first scan not started", "target", r.t.Name, "err", err)
		}
	}
	for {
		next := r.t.schedule.Next(s.now())
		if next.IsZero() {
			s.log.Warn("the schedule never fires", "target", r.t.Name, "schedule", r.t.schedule.String())
			return
		}
		r.next.Store(next.UnixMilli())
		timer := time.NewTimer(time.Until(next))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		if _, err := s.trigger(r, "schedule"); errors.Is(err, ErrBusy) {
			s.log.Warn("scheduled scan skipped: the previous scan is still running", "target", r.t.Name)
		}
	}
}

func anySucceeded(scans []store.Scan) bool {
	for _, sc := range scans {
		if sc.Status == store.StatusSucceeded {
			return true
		}
	}
	return false
}

// Trigger starts a scan of the named target now and returns its ID.
func (s *Server) Trigger(name, trigger string) (int64, error) {
	r := s.byName[name]
	if r == nil {
		return 0, ErrUnknownTarget
	}
	return s.trigger(r, trigger)
}

func (s *Server) trigger(r *runner, trigger string) (int64, error) {
	if s.closing.Load() {
		return 0, ErrShuttingDown
	}
	if !r.busy.CompareAndSwap(false, true) {
		return 0, ErrBusy
	}
	started := s.now()
	id, err := s.st.BeginScan(context.Background(), r.t.Name, trigger, started)
	if err != nil {
		r.busy.Store(false)
		return 0, err
	}
	s.scans.Add(1)
	s.metrics.scanStarted(r.t.Name)
	go s.run(r, id, trigger, started)
	return id, nil
}

// run performs one scan through the engine and records it.
//
// The target is free for its next scan as soon as this one is recorded;
// notifications and retention follow without holding it.
func (s *Server) run(r *runner, id int64, trigger string, started time.Time) {
	defer s.scans.Done()
	var once sync.Once
	release := func() { once.Do(func() { r.busy.Store(false) }) }
	defer release()
	log := s.log.With("target", r.t.Name, "scan", id, "trigger", trigger)
	log.Info("scan started")
	ctx, cancel := context.WithTimeout(s.scanCtx, s.cfg.ScanTimeout.D())
	defer cancel()
	// The first successful scan of a target is its baseline: every finding
	// in it is new, and none is sent as a notification.
	prior, _ := s.st.Scans(ctx, r.t.Name, 25, 0)
	baseline := !anySucceeded(prior)
	counter := collect.NewCounter()
	out, err := func() (*engine.Outcome, error) {
		opts, err := r.t.engineOptions(engine.Clock(s.now))
		if err != nil {
			return nil, err
		}
		return engine.Run(ctx, r.t.source(counter, log), opts)
	}()
	end := s.now()
	bg, cancelBG := context.WithTimeout(context.Background(), time.Minute)
	defer cancelBG()
	if err != nil {
		status := store.StatusFailed
		if errors.Is(context.Cause(s.scanCtx), errShutdown) {
			status = store.StatusInterrupted
		}
		msg := oneLine(err.Error())
		if ferr := s.st.FailScan(bg, id, status, msg, end); ferr != nil {
			log.Error("recording the failed scan", "err", ferr)
		}
		s.metrics.scanEnded(r.t.Name, status, end.Sub(started), counter.Calls(), end)
		release()
		log.Warn("scan "+status, "err", msg)
		if status == store.StatusFailed {
			s.deliver(bg, notify.Event{Kind: notify.KindScanFailed, Target: r.t.Name, ScanID: id, At: end, Error: msg})
		}
		return
	}
	defer out.Report.Results.Close() // a spilled organisation's temporary file
	for _, w := range out.Warnings {
		log.Debug("scan warning", "warning", w)
	}
	fresh, err := s.st.FinishScan(bg, id, store.Finished{At: end, Report: out.Report, Snapshot: out.Snapshot, APICalls: counter.Calls()})
	if err != nil {
		log.Error("recording the scan", "err", err)
		if ferr := s.st.FailScan(bg, id, store.StatusFailed, "recording the scan: "+oneLine(err.Error()), end); ferr != nil {
			log.Error("recording the failed scan", "err", ferr)
		}
		s.metrics.scanEnded(r.t.Name, store.StatusFailed, end.Sub(started), counter.Calls(), end)
		return
	}
	s.metrics.scanEnded(r.t.Name, store.StatusSucceeded, end.Sub(started), counter.Calls(), end)
	s.refreshFindingMetrics(bg, r.t.Name)
	release()
	log.Info("scan succeeded", "results", out.Report.Summary.Total, "fail", out.Report.Summary.Fail, "new_or_reopened", len(fresh))
	var fs []notify.Finding
	for _, f := range fresh {
		if !f.IsMuted(end) {
			fs = append(fs, notify.FindingOf(f))
		}
	}
	if len(fs) > 0 && !baseline {
		s.deliver(bg, notify.Event{Kind: notify.KindFindings, Target: r.t.Name, ScanID: id, At: end, Findings: fs})
	}
	s.prune(bg)
}

func (s *Server) deliver(ctx context.Context, ev notify.Event) {
	for _, d := range s.notifier.Notify(ctx, ev) {
		s.metrics.delivery(d.Channel, d.OK)
		if !d.OK {
			s.log.Warn("notification not delivered", "channel", d.Channel, "attempts", d.Attempts, "err", d.Error)
		}
	}
}

func (s *Server) refreshFindingMetrics(ctx context.Context, target string) {
	counts, err := s.st.CountFindings(ctx, target)
	if err != nil {
		return
	}
	m := map[[2]string]int{}
	for _, c := range counts {
		m[[2]string{string(c.Severity), c.State}] += c.N
	}
	s.metrics.setFindings(target, m)
}

func (s *Server) prune(ctx context.Context) {
	r := store.Retention{KeepScans: s.cfg.Retention.KeepScans, KeepDays: s.cfg.Retention.KeepDays}
	if n, err := s.st.Prune(ctx, r, s.now()); err != nil {
		s.log.Error("retention", "err", err)
	} else if n > 0 {
		s.log.Info("retention: old scans deleted", "scans", n)
	}
}

func oneLine(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), "\n", "; ") }

// severities orders severity names for display, worst first.
var severities = finding.Severities
