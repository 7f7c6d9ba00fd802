// Package store keeps the history of a server's scans behind one small
// interface: every scan (target, times, status, source, gaps, summary), its
// results, its snapshot (gzip-compressed JSON, so any past state can be
// scanned again), the lifecycle of each finding by fingerprint, and the log
// of notification deliveries. Implementations: sqlstore (one SQL
// implementation) opened by sqlite (the embedded default) and postgres.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// ErrNotFound is returned for a scan, finding or target the store lacks.
var ErrNotFound = errors.New("not found")

// Scan statuses. A scan row is written "running" when it starts; it
// becomes one of the others when it ends. A row still "running" when the
// store is opened again belonged to a process that died: MarkInterrupted
// turns it "interrupted".
const (
	StatusRunning     = "running"
	StatusSucceeded   = "succeeded"
	StatusFailed      = "failed"
	StatusInterrupted = "interrupted"
)

// Finding lifecycle states.
const (
	StateNew      = "new"      // failing for the first time in the last scan
	StateOpen     = "open"     // failing, and already failing before
	StateResolved = "resolved" // no longer failing (passing, or gone)
	StateReopened = "reopened" // failing again in the last scan after being resolved
)

// Scan is one scan of a target.
type Scan struct {
	ID         int64      `json:"id"`
	Target     string     `json:"target"`
	Trigger    string     `json:"trigger"` // schedule, api, start
	Status     string     `json:"status"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	DurationMS int64      `json:"duration_ms"`
	Error      string     `json:"error,omitempty"`
	// Source, Accounts, Summary and Gaps come from the report.
	Source   snapshot.Source  `json:"source"`
	Accounts []report.Account `json:"accounts"`
	Summary  report.Summary   `json:"summary"`
	Gaps     []snapshot.Gap   `json:"gaps"`
	// APICalls counts AWS API calls per action (live targets).
	APICalls map[string]int `json:"api_calls,omitempty"`
	// Changes counts the lifecycle changes the scan made.
	New      int `json:"new"`
	Reopened int `json:"reopened"`
	Resolved int `json:"resolved"`
}

// Finished is what a finished scan hands the store, in one transaction.
type Finished struct {
	At       time.Time
	Report   *report.Report
	Snapshot *snapshot.Snapshot
	APICalls map[string]int
}

// Finding is a failing result's history on a target, by fingerprint.
type Finding struct {
	Target       string            `json:"target"`
	Fingerprint  string            `json:"fingerprint"`
	RuleID       string            `json:"rule_id"`
	Title        string            `json:"title,omitempty"`
	Severity     finding.Severity  `json:"severity"`
	AccountID    string            `json:"account_id"`
	ResourceType string            `json:"resource_type"`
	ResourceARN  string            `json:"resource_arn"`
	ResourceName string            `json:"resource_name"`
	Message      string            `json:"message"`
	Evidence     *finding.Evidence `json:"evidence,omitempty"`
	State        string            `json:"state"`
	FirstSeen    time.Time         `json:"first_seen"`
	LastSeen     time.Time         `json:"last_seen"`
	ResolvedAt   *time.Time        `json:"resolved_at,omitempty"`
	// StateSince is when the finding entered its state.
	StateSince time.Time `json:"state_since"`
	LastScanID int64     `json:"last_scan_id"`
	// Muted is set when a suppression muted the result in the last scan,
	// or someone muted it in the store (until MutedUntil, if set).
	Muted      bool       `json:"muted"`
	MuteReason string     `json:"mute_reason,omitempty"`
	MutedUntil *time.Time `json:"muted_until,omitempty"`
	// MuteSource is "suppression" (muted by the scan's suppressions file)
	// or "manual" (Store.Mute).
	MuteSource string `json:"mute_source,omitempty"`
}

// Event is one change of a finding's state.
type Event struct {
	Fingerprint string    `json:"-"`
	ScanID      int64     `json:"scan_id"`
	At          time.Time `json:"at"`
	State       string    `json:"state"`
}

// FindingQuery filters and pages findings. Empty fields match everything.
type FindingQuery struct {
	Target   string
	Severity []finding.Severity
	RuleID   string
	Account  string
	// State is one of the lifecycle states, or "active" (new, open or
	// reopened: still failing).
	State string
	// Since keeps findings first seen at or after it.
	Since  time.Time
	Limit  int
	Offset int
}

// Delivery is one notification attempt sequence, as logged.
type Delivery struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	Channel    string    `json:"channel"` // the notification's name
	Kind       string    `json:"kind"`    // webhook, slack, sns
	Event      string    `json:"event"`   // findings, scan_failed
	Target     string    `json:"target"`
	ScanID     int64     `json:"scan_id"`
	OK         bool      `json:"ok"`
	Attempts   int       `json:"attempts"`
	HTTPStatus int       `json:"http_status,omitempty"`
	Error      string    `json:"error,omitempty"`
}

// TrendPoint is the count of active findings by severity after a scan.
type TrendPoint struct {
	ScanID int64                    `json:"scan_id"`
	At     time.Time                `json:"at"`
	Fail   map[finding.Severity]int `json:"fail_by_severity"`
}

// Count is the number of findings with a severity, state and account.
type Count struct {
	Severity  finding.Severity `json:"severity"`
	State     string           `json:"state"`
	AccountID string           `json:"account_id"`
	N         int              `json:"count"`
}

// Retention bounds what is kept per target: at most KeepScans finished
// scans and none older than KeepDays (zero: no bound).
type Retention struct {
	KeepScans int
	KeepDays  int
}

// Store is the history of scans. Every method is safe for concurrent use.
type Store interface {
	// BeginScan records a scan as running and returns its ID.
	BeginScan(ctx context.Context, target, trigger string, at time.Time) (int64, error)
	// FinishScan records a scan's report, results and snapshot and updates
	// the target's findings, all in one transaction, and returns the
	// findings that became new or reopened.
	FinishScan(ctx context.Context, id int64, f Finished) ([]Finding, error)
	// FailScan ends a scan that produced no report.
	FailScan(ctx context.Context, id int64, status, msg string, at time.Time) error
	// MarkInterrupted turns every running scan interrupted (at start: a
	// process died mid-scan) and returns how many.
	MarkInterrupted(ctx context.Context, at time.Time) (int, error)

	Scans(ctx context.Context, target string, limit, offset int) ([]Scan, error)
	Scan(ctx context.Context, id int64) (*Scan, error)
	// Results are a finished scan's results; Rules the rule metadata its
	// report carried.
	Results(ctx context.Context, scanID int64) ([]finding.Result, error)
	Rules(ctx context.Context, scanID int64) ([]report.RuleInfo, error)
	Snapshot(ctx context.Context, scanID int64) (*snapshot.Snapshot, error)

	Findings(ctx context.Context, q FindingQuery) ([]Finding, int, error)
	Finding(ctx context.Context, target, fingerprint string) (*Finding, []Event, error)
	Mute(ctx context.Context, target, fingerprint, reason string, until *time.Time) error
	Trend(ctx context.Context, target string, limit int) ([]TrendPoint, error)
	// CountFindings counts a target's findings (every target's when
	// target is "") by severity, state and account.
	CountFindings(ctx context.Context, target string) ([]Count, error)

	LogDelivery(ctx context.Context, d Delivery) error
	Deliveries(ctx context.Context, limit int) ([]Delivery, error)

	Prune(ctx context.Context, r Retention, now time.Time) (int, error)
	Close() error
}
