package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// migrations are the schema's versions, in order. A released migration is
// never edited: a change is a new entry. {{id}} and {{blob}} take the
// dialect's types.
var migrations = []string{
	// 1: scans, results, snapshots, findings and their events, deliveries.
	`CREATE TABLE scans (
	id {{id}},
	target TEXT NOT NULL,
	trigger_kind TEXT NOT NULL,
	status TEXT NOT NULL,
	started_at BIGINT NOT NULL,
	finished_at BIGINT,
	duration_ms BIGINT NOT NULL DEFAULT 0,
	error TEXT NOT NULL DEFAULT '',
	source TEXT NOT NULL DEFAULT '{}',
	accounts TEXT NOT NULL DEFAULT '[]',
	summary TEXT NOT NULL DEFAULT '{}',
	gaps TEXT NOT NULL DEFAULT '[]',
	api_calls TEXT NOT NULL DEFAULT '{}',
	rules TEXT NOT NULL DEFAULT '[]',
	n_new INTEGER NOT NULL DEFAULT 0,
	n_reopened INTEGER NOT NULL DEFAULT 0,
	n_resolved INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX scans_target ON scans (target, started_at);
CREATE TABLE results (
	scan_id BIGINT NOT NULL,
	fingerprint TEXT NOT NULL,
	rule_id TEXT NOT NULL,
	status TEXT NOT NULL,
	severity TEXT NOT NULL,
	account_id TEXT NOT NULL,
	resource_type TEXT NOT NULL,
	resource_arn TEXT NOT NULL,
	resource_name TEXT NOT NULL,
	message TEXT NOT NULL,
	evidence TEXT NOT NULL DEFAULT '',
	missing_inputs TEXT NOT NULL DEFAULT '',
	mute_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX results_scan ON results (scan_id);
CREATE TABLE snapshots (
	scan_id BIGINT PRIMARY KEY,
	data {{blob}} NOT NULL
);
CREATE TABLE findings (
	target TEXT NOT NULL,
	fingerprint TEXT NOT NULL,
	rule_id TEXT NOT NULL,
	title TEXT NOT NULL DEFAULT '',
	severity TEXT NOT NULL,
	account_id TEXT NOT NULL,
	resource_type TEXT NOT NULL,
	resource_arn TEXT NOT NULL,
	resource_name TEXT NOT NULL,
	message TEXT NOT NULL,
	evidence TEXT NOT NULL DEFAULT '',
	state TEXT NOT NULL,
	first_seen BIGINT NOT NULL,
	last_seen BIGINT NOT NULL,
	resolved_at BIGINT,
	state_since BIGINT NOT NULL,
	last_scan_id BIGINT NOT NULL,
	mute_reason TEXT NOT NULL DEFAULT '',
	mute_source TEXT NOT NULL DEFAULT '',
	muted_until BIGINT,
	PRIMARY KEY (target, fingerprint)
);
CREATE INDEX findings_state ON findings (state, severity);
CREATE TABLE finding_events (
	target TEXT NOT NULL,
	fingerprint TEXT NOT NULL,
	scan_id BIGINT NOT NULL,
	at BIGINT NOT NULL,
	state TEXT NOT NULL
);
CREATE INDEX finding_events_fp ON finding_events (target, fingerprint);
CREATE TABLE deliveries (
	id {{id}},
	at BIGINT NOT NULL,
	channel TEXT NOT NULL,
	kind TEXT NOT NULL,
	event TEXT NOT NULL,
	target TEXT NOT NULL,
	scan_id BIGINT NOT NULL,
	ok INTEGER NOT NULL,
	attempts INTEGER NOT NULL,
	http_status INTEGER NOT NULL DEFAULT 0,
	error TEXT NOT NULL DEFAULT ''
)`,
}

// SchemaVersion is the schema version this build writes.
func SchemaVersion() int { return len(migrations) }

// migrate applies the migrations the database lacks, each in its own
// transaction with its version row, so a crash leaves it at a version.
// A database at a newer version than this build knows is refused.
func (s *Store) migrate(ctx context.Context) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if s.d.MigrationLock != "" {
			if _, err := tx.ExecContext(ctx, s.d.MigrationLock); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`)
		return err
	})
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	var cur sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&cur); err != nil {
		return fmt.Errorf("schema version: %w", err)
	}
	if int(cur.Int64) > len(migrations) {
		return fmt.Errorf("the database is at schema version %d, newer than this iamspect knows (%d): upgrade iamspect", cur.Int64, len(migrations))
	}
	for v := int(cur.Int64) + 1; v <= len(migrations); v++ {
		ddl := strings.NewReplacer("{{id}}", s.d.AutoID, "{{blob}}", s.d.Blob).Replace(migrations[v-1])
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			if s.d.MigrationLock != "" {
				if _, err := tx.ExecContext(ctx, s.d.MigrationLock); err != nil {
					return err
				}
			}
			// Another process may have applied it while this one waited.
			var now sql.NullInt64
			if err := tx.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&now); err != nil {
				return err
			}
			if int(now.Int64) >= v {
				return nil
			}
			for _, stmt := range strings.Split(ddl, ";\n") {
				if strings.TrimSpace(stmt) == "" {
					continue
				}
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, s.q(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`), v, ms(time.Now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("schema migration %d: %w", v, err)
		}
	}
	return nil
}
