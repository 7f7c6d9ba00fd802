package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/store"
)

const findingCols = `target, fingerprint, rule_id, title, severity, account_id, resource_type, resource_arn, resource_name, message,
	evidence, state, first_seen, last_seen, resolved_at, state_since, last_scan_id, mute_reason, mute_source, muted_until`

func findingRow(row interface{ Scan(...any) error }) (*store.Finding, error) {
	var f store.Finding
	var ev string
	var first, last, since int64
	var resolved, until sql.NullInt64
	if err := row.Scan(&f.Target, &f.Fingerprint, &f.RuleID, &f.Title, &f.Severity, &f.AccountID, &f.ResourceType, &f.ResourceARN,
		&f.ResourceName, &f.Message, &ev, &f.State, &first, &last, &resolved, &since, &f.LastScanID, &f.MuteReason, &f.MuteSource, &until); err != nil {
		return nil, err
	}
	f.FirstSeen, f.LastSeen, f.StateSince = fromMS(first), fromMS(last), fromMS(since)
	f.ResolvedAt, f.MutedUntil = fromNull(resolved), fromNull(until)
	if ev != "" {
		f.Evidence = &finding.Evidence{}
		if err := json.Unmarshal([]byte(ev), f.Evidence); err != nil {
			return nil, fmt.Errorf("finding %s: evidence: %w", f.Fingerprint, err)
		}
	}
	f.Muted = f.IsMuted(time.Now())
	return &f, nil
}

func (s *Store) loadFindings(ctx context.Context, tx *sql.Tx, target string) (map[string]*store.Finding, error) {
	rows, err := tx.QueryContext(ctx, s.q(`SELECT `+findingCols+` FROM findings WHERE target = ?`), target)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]*store.Finding{}
	for rows.Next() {
		f, err := findingRow(rows)
		if err != nil {
			return nil, err
		}
		out[f.Fingerprint] = f
	}
	return out, rows.Err()
}

func (s *Store) upsertFinding(ctx context.Context, tx *sql.Tx, f *store.Finding) error {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO findings (`+findingCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (target, fingerprint) DO UPDATE SET rule_id = excluded.rule_id, title = excluded.title, severity = excluded.severity,
		account_id = excluded.account_id, resource_type = excluded.resource_type, resource_arn = excluded.resource_arn,
		resource_name = excluded.resource_name, message = excluded.message, evidence = excluded.evidence, state = excluded.state,
		first_seen = excluded.first_seen, last_seen = excluded.last_seen, resolved_at = excluded.resolved_at,
		state_since = excluded.state_since, last_scan_id = excluded.last_scan_id, mute_reason = excluded.mute_reason,
		mute_source = excluded.mute_source, muted_until = excluded.muted_until`),
		f.Target, f.Fingerprint, f.RuleID, f.Title, string(f.Severity), f.AccountID, f.ResourceType, f.ResourceARN, f.ResourceName,
		f.Message, jsonOrEmpty(f.Evidence), f.State, ms(f.FirstSeen), ms(f.LastSeen), msPtr(f.ResolvedAt), ms(f.StateSince),
		f.LastScanID, f.MuteReason, f.MuteSource, msPtr(f.MutedUntil))
	if err != nil {
		return fmt.Errorf("finding %s: %w", f.Fingerprint, err)
	}
	return nil
}

const severityRank = `CASE severity WHEN 'critical' THEN 5 WHEN 'high' THEN 4 WHEN 'medium' THEN 3 WHEN 'low' THEN 2 WHEN 'info' THEN 1 ELSE 0 END`

// Findings filters and pages findings, worst severity first, then the most
// recently changed.
func (s *Store) Findings(ctx context.Context, q store.FindingQuery) ([]store.Finding, int, error) {
	var where []string
	var args []any
	if q.Target != "" {
		where, args = append(where, "target = ?"), append(args, q.Target)
	}
	if len(q.Severity) > 0 {
		ph := make([]string, len(q.Severity))
		for i, sev := range q.Severity {
			ph[i] = "?"
			args = append(args, string(sev))
		}
		where = append(where, "severity IN ("+strings.Join(ph, ", ")+")")
	}
	if q.RuleID != "" {
		where, args = append(where, "rule_id = ?"), append(args, q.RuleID)
	}
	if q.Account != "" {
		where, args = append(where, "account_id = ?"), append(args, q.Account)
	}
	switch q.State {
	case "":
	case "active":
		where = append(where, "state IN ('new', 'open', 'reopened')")
	default:
		where, args = append(where, "state = ?"), append(args, q.State)
	}
	if !q.Since.IsZero() {
		where, args = append(where, "first_seen >= ?"), append(args, ms(q.Since))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM findings`+cond), args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := q.Limit
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+findingCols+` FROM findings`+cond+` ORDER BY `+severityRank+
		` DESC, state_since DESC, rule_id, account_id, resource_arn LIMIT ? OFFSET ?`), append(args, limit, q.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []store.Finding{}
	for rows.Next() {
		f, err := findingRow(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *f)
	}
	return out, total, rows.Err()
}

// Finding returns one finding and its events, oldest first.
func (s *Store) Finding(ctx context.Context, target, fp string) (*store.Finding, []store.Event, error) {
	f, err := findingRow(s.db.QueryRowContext(ctx, s.q(`SELECT `+findingCols+` FROM findings WHERE target = ? AND fingerprint = ?`), target, fp))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, store.ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT scan_id, at, state FROM finding_events WHERE target = ? AND fingerprint = ? ORDER BY at, scan_id`), target, fp)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	events := []store.Event{}
	for rows.Next() {
		var e store.Event
		var at int64
		if err := rows.Scan(&e.ScanID, &at, &e.State); err != nil {
			return nil, nil, err
		}
		e.At, e.Fingerprint = fromMS(at), fp
		events = append(events, e)
	}
	return f, events, rows.Err()
}

// Mute mutes a finding by hand, with a reason and an optional expiry; an
// empty reason unmutes it.
func (s *Store) Mute(ctx context.Context, target, fp, reason string, until *time.Time) error {
	source := store.MuteManual
	if reason == "" {
		source, until = "", nil
	}
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE findings SET mute_reason = ?, mute_source = ?, muted_until = ? WHERE target = ? AND fingerprint = ?`),
		reason, source, msPtr(until), target, fp)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// Trend returns the failing results by severity of a target's latest
// successful scans (every target's, summed per scan, when target is ""),
// oldest first.
func (s *Store) Trend(ctx context.Context, target string, limit int) ([]store.TrendPoint, error) {
	if limit <= 0 {
		limit = 60
	}
	q := `SELECT id, finished_at, summary FROM scans WHERE status = ?`
	args := []any{store.StatusSucceeded}
	if target != "" {
		q, args = q+` AND target = ?`, append(args, target)
	}
	rows, err := s.db.QueryContext(ctx, s.q(q+` ORDER BY finished_at DESC, id DESC LIMIT ?`), append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.TrendPoint
	for rows.Next() {
		var p store.TrendPoint
		var at sql.NullInt64
		var sum string
		if err := rows.Scan(&p.ScanID, &at, &sum); err != nil {
			return nil, err
		}
		var summary struct {
			FailBySeverity map[finding.Severity]int `json:"fail_by_severity"`
		}
		if err := json.Unmarshal([]byte(sum), &summary); err != nil {
			return nil, fmt.Errorf("scan %d: summary: %w", p.ScanID, err)
		}
		p.At, p.Fail = fromMS(at.Int64), summary.FailBySeverity
		if p.Fail == nil {
			p.Fail = map[finding.Severity]int{}
		}
		out = append(out, p)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, rows.Err()
}

// CountFindings counts findings by severity, state and account.
func (s *Store) CountFindings(ctx context.Context, target string) ([]store.Count, error) {
	q := `SELECT severity, state, account_id, COUNT(*) FROM findings`
	var args []any
	if target != "" {
		q, args = q+` WHERE target = ?`, append(args, target)
	}
	rows, err := s.db.QueryContext(ctx, s.q(q+` GROUP BY severity, state, account_id ORDER BY account_id, severity, state`), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []store.Count{}
	for rows.Next() {
		var c store.Count
		if err := rows.Scan(&c.Severity, &c.State, &c.AccountID, &c.N); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
