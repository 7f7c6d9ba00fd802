package sqlstore

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/store"
)

// BeginScan records a running scan.
func (s *Store) BeginScan(ctx context.Context, target, trigger string, at time.Time) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, s.q(`INSERT INTO scans (target, trigger_kind, status, started_at) VALUES (?, ?, ?, ?) RETURNING id`),
		target, trigger, store.StatusRunning, ms(at)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("begin scan: %w", err)
	}
	return id, nil
}

// FinishScan writes the scan's outcome, results, snapshot and the target's
// findings in one transaction: until it commits, none of it is visible.
func (s *Store) FinishScan(ctx context.Context, id int64, f store.Finished) ([]store.Finding, error) {
	rep := f.Report
	snap, err := compress(f.Snapshot)
	if err != nil {
		return nil, err
	}
	var fresh []store.Finding
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var target, status string
		var started int64
		if err := tx.QueryRowContext(ctx, s.q(`SELECT target, status, started_at FROM scans WHERE id = ?`), id).Scan(&target, &status, &started); err != nil {
			return fmt.Errorf("scan %d: %w", id, err)
		}
		if status != store.StatusRunning {
			return fmt.Errorf("scan %d is %s, not running", id, status)
		}
		stmt, err := tx.PrepareContext(ctx, s.q(`INSERT INTO results (scan_id, fingerprint, rule_id, status, severity, account_id,
			resource_type, resource_arn, resource_name, message, evidence, missing_inputs, mute_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`))
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, r := range rep.Results.All() {
			r.Finish()
			if _, err := stmt.ExecContext(ctx, id, r.Fingerprint, r.RuleID, string(r.Status), string(r.Severity), r.AccountID,
				r.ResourceType, r.ResourceARN, r.ResourceName, r.Message, jsonOrEmpty(r.Evidence), jsonOrEmpty(r.MissingInputs), r.MuteReason); err != nil {
				return fmt.Errorf("result: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO snapshots (scan_id, data) VALUES (?, ?)`), id, snap); err != nil {
			return fmt.Errorf("snapshot: %w", err)
		}
		prev, err := s.loadFindings(ctx, tx, target)
		if err != nil {
			return err
		}
		changed, events := store.Advance(prev, rep, id, f.At)
		var nNew, nReopened, nResolved int
		for _, e := range events {
			switch e.State {
			case store.StateNew:
				nNew++
			case store.StateReopened:
				nReopened++
			case store.StateResolved:
				nResolved++
			}
		}
		for _, fd := range changed {
			fd.Target = target
			if err := s.upsertFinding(ctx, tx, fd); err != nil {
				return err
			}
			if fd.StateSince.Equal(f.At) && (fd.State == store.StateNew || fd.State == store.StateReopened) {
				fresh = append(fresh, *fd)
			}
		}
		for _, e := range events {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO finding_events (target, fingerprint, scan_id, at, state) VALUES (?, ?, ?, ?, ?)`),
				target, e.Fingerprint, e.ScanID, ms(e.At), e.State); err != nil {
				return fmt.Errorf("event: %w", err)
			}
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE scans SET status = ?, finished_at = ?, duration_ms = ?, source = ?, accounts = ?, summary = ?,
			gaps = ?, api_calls = ?, rules = ?, n_new = ?, n_reopened = ?, n_resolved = ? WHERE id = ?`),
			store.StatusSucceeded, ms(f.At), f.At.Sub(fromMS(started)).Milliseconds(), mustJSON(rep.Source), mustJSON(rep.Accounts),
			mustJSON(rep.Summary), mustJSON(rep.Gaps), mustJSON(f.APICalls), mustJSON(rep.Rules), nNew, nReopened, nResolved, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("finish scan %d: %w", id, err)
	}
	return fresh, nil
}

// FailScan ends a scan without a report.
func (s *Store) FailScan(ctx context.Context, id int64, status, msg string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE scans SET status = ?, error = ?, finished_at = ?, duration_ms = ? - started_at WHERE id = ? AND status = ?`),
		status, msg, ms(at), ms(at), id, store.StatusRunning)
	return err
}

// MarkInterrupted ends every running scan as interrupted.
func (s *Store) MarkInterrupted(ctx context.Context, at time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE scans SET status = ?, error = ?, finished_at = ?, duration_ms = ? - started_at WHERE status = ?`),
		store.StatusInterrupted, "the server stopped before the scan finished", ms(at), ms(at), store.StatusRunning)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

const scanCols = `id, target, trigger_kind, status, started_at, finished_at, duration_ms, error, source, accounts, summary, gaps, api_calls, n_new, n_reopened, n_resolved`

func scanRow(row interface{ Scan(...any) error }) (store.Scan, error) {
	var sc store.Scan
	var started int64
	var finished sql.NullInt64
	var src, accts, sum, gaps, calls string
	err := row.Scan(&sc.ID, &sc.Target, &sc.Trigger, &sc.Status, &started, &finished, &sc.DurationMS, &sc.Error,
		&src, &accts, &sum, &gaps, &calls, &sc.New, &sc.Reopened, &sc.Resolved)
	if err != nil {
		return sc, err
	}
	sc.StartedAt, sc.FinishedAt = fromMS(started), fromNull(finished)
	for _, f := range []struct {
		raw string
		v   any
	}{{src, &sc.Source}, {accts, &sc.Accounts}, {sum, &sc.Summary}, {gaps, &sc.Gaps}, {calls, &sc.APICalls}} {
		if err := json.Unmarshal([]byte(f.raw), f.v); err != nil {
			return sc, fmt.Errorf("scan %d: %w", sc.ID, err)
		}
	}
	if sc.Gaps == nil {
		sc.Gaps = []snapshot.Gap{}
	}
	if sc.Accounts == nil {
		sc.Accounts = []report.Account{}
	}
	return sc, nil
}

// Scans lists a target's scans (every target's when target is ""), newest first.
func (s *Store) Scans(ctx context.Context, target string, limit, offset int) ([]store.Scan, error) {
	if limit <= 0 {
		limit = 50
	}
	q := `SELECT ` + scanCols + ` FROM scans`
	args := []any{}
	if target != "" {
		q += ` WHERE target = ?`
		args = append(args, target)
	}
	q += ` ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?`
	rows, err := s.db.QueryContext(ctx, s.q(q), append(args, limit, offset)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []store.Scan{}
	for rows.Next() {
		sc, err := scanRow(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, rows.Err()
}

// Scan returns one scan.
func (s *Store) Scan(ctx context.Context, id int64) (*store.Scan, error) {
	sc, err := scanRow(s.db.QueryRowContext(ctx, s.q(`SELECT `+scanCols+` FROM scans WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &sc, nil
}

// Results returns a scan's results in report order (failures first).
func (s *Store) Results(ctx context.Context, scanID int64) ([]finding.Result, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT fingerprint, rule_id, status, severity, account_id, resource_type, resource_arn,
		resource_name, message, evidence, missing_inputs, mute_reason FROM results WHERE scan_id = ?`), scanID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []finding.Result{}
	for rows.Next() {
		var r finding.Result
		var ev, missing string
		if err := rows.Scan(&r.Fingerprint, &r.RuleID, &r.Status, &r.Severity, &r.AccountID, &r.ResourceType, &r.ResourceARN,
			&r.ResourceName, &r.Message, &ev, &missing, &r.MuteReason); err != nil {
			return nil, err
		}
		if ev != "" {
			r.Evidence = &finding.Evidence{}
			if err := json.Unmarshal([]byte(ev), r.Evidence); err != nil {
				return nil, fmt.Errorf("result %s: evidence: %w", r.Fingerprint, err)
			}
		}
		if missing != "" {
			if err := json.Unmarshal([]byte(missing), &r.MissingInputs); err != nil {
				return nil, fmt.Errorf("result %s: missing inputs: %w", r.Fingerprint, err)
			}
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	finding.Sort(out)
	return out, nil
}

// Rules returns the rule metadata of a scan's report.
func (s *Store) Rules(ctx context.Context, scanID int64) ([]report.RuleInfo, error) {
	var raw string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT rules FROM scans WHERE id = ?`), scanID).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	var out []report.RuleInfo
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Snapshot returns the snapshot a scan judged.
func (s *Store) Snapshot(ctx context.Context, scanID int64) (*snapshot.Snapshot, error) {
	var data []byte
	err := s.db.QueryRowContext(ctx, s.q(`SELECT data FROM snapshots WHERE scan_id = ?`), scanID).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("snapshot of scan %d: %w", scanID, err)
	}
	return snapshot.Decode(io.LimitReader(zr, snapshot.MaxFileSize+1))
}

// Prune deletes the finished scans beyond the retention of each target
// (their results and snapshots), never a target's latest successful scan,
// and deliveries older than the oldest scan kept.
func (s *Store) Prune(ctx context.Context, r store.Retention, now time.Time) (int, error) {
	if r.KeepScans <= 0 && r.KeepDays <= 0 {
		return 0, nil
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, target, status, started_at FROM scans WHERE status <> ? ORDER BY target, started_at DESC, id DESC`), store.StatusRunning)
	if err != nil {
		return 0, err
	}
	type row struct {
		id      int64
		target  string
		status  string
		started int64
	}
	var all []row
	for rows.Next() {
		var x row
		if err := rows.Scan(&x.id, &x.target, &x.status, &x.started); err != nil {
			rows.Close()
			return 0, err
		}
		all = append(all, x)
	}
	rows.Close()
	cutoff := now.Add(-time.Duration(r.KeepDays) * 24 * time.Hour)
	var drop []int64
	n, keptSuccess := map[string]int{}, map[string]bool{}
	for _, x := range all {
		n[x.target]++
		old := r.KeepScans > 0 && n[x.target] > r.KeepScans || r.KeepDays > 0 && fromMS(x.started).Before(cutoff)
		if x.status == store.StatusSucceeded && !keptSuccess[x.target] {
			keptSuccess[x.target] = true
			continue
		}
		if old {
			drop = append(drop, x.id)
		}
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		for _, id := range drop {
			for _, q := range []string{`DELETE FROM results WHERE scan_id = ?`, `DELETE FROM snapshots WHERE scan_id = ?`, `DELETE FROM scans WHERE id = ?`} {
				if _, err := tx.ExecContext(ctx, s.q(q), id); err != nil {
					return err
				}
			}
		}
		if r.KeepDays > 0 {
			if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM deliveries WHERE at < ?`), ms(cutoff)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("prune: %w", err)
	}
	return len(drop), nil
}

// LogDelivery records a notification delivery.
func (s *Store) LogDelivery(ctx context.Context, d store.Delivery) error {
	ok := 0
	if d.OK {
		ok = 1
	}
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO deliveries (at, channel, kind, event, target, scan_id, ok, attempts, http_status, error)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), ms(d.At), d.Channel, d.Kind, d.Event, d.Target, d.ScanID, ok, d.Attempts, d.HTTPStatus, d.Error)
	return err
}

// Deliveries lists the latest deliveries, newest first.
func (s *Store) Deliveries(ctx context.Context, limit int) ([]store.Delivery, error) {
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, at, channel, kind, event, target, scan_id, ok, attempts, http_status, error
		FROM deliveries ORDER BY at DESC, id DESC LIMIT ?`), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []store.Delivery{}
	for rows.Next() {
		var d store.Delivery
		var at int64
		var ok int
		if err := rows.Scan(&d.ID, &at, &d.Channel, &d.Kind, &d.Event, &d.Target, &d.ScanID, &ok, &d.Attempts, &d.HTTPStatus, &d.Error); err != nil {
			return nil, err
		}
		d.At, d.OK = fromMS(at), ok == 1
		out = append(out, d)
	}
	return out, rows.Err()
}

func compress(s *snapshot.Snapshot) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := s.Write(zw); err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}

// jsonOrEmpty encodes v, or "" for a nil pointer or empty slice.
func jsonOrEmpty(v any) string {
	switch x := v.(type) {
	case *finding.Evidence:
		if x == nil {
			return ""
		}
	case []string:
		if len(x) == 0 {
			return ""
		}
	}
	return mustJSON(v)
}
