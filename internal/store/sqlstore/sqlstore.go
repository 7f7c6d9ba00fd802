// Package sqlstore implements store.Store once, over database/sql, for the
// SQL databases iamspect supports (SQLite and PostgreSQL). The differences
// between them are a Dialect: placeholders, the auto-increment column type
// and the binary column type. Schema migrations are versioned (migrations.go)
// and applied when the store opens.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Dialect is what differs between the SQL databases.
type Dialect struct {
	Name string
	// Dollar: placeholders are $1, $2 (PostgreSQL), not ?.
	Dollar bool
	// AutoID is the column type of an auto-increment primary key; Blob the
	// type of a binary column.
	AutoID string
	Blob   string
	// MigrationLock, when set, is run first in each migration's
	// transaction, so that processes starting together migrate one at a
	// time (PostgreSQL: a transaction-level advisory lock). SQLite's
	// transactions take the write lock when they begin (_txlock=immediate).
	MigrationLock string
}

// SQLite and Postgres are the dialects.
var (
	SQLite   = Dialect{Name: "sqlite", AutoID: "INTEGER PRIMARY KEY AUTOINCREMENT", Blob: "BLOB"}
	Postgres = Dialect{Name: "postgres", Dollar: true, AutoID: "BIGSERIAL PRIMARY KEY", Blob: "BYTEA",
		MigrationLock: "SELECT pg_advisory_xact_lock(7215746563740001)"}
)

// Store is a store.Store over a database/sql handle.
type Store struct {
	db *sql.DB
	d  Dialect
}

// New applies the migrations and returns the store. It owns db.
func New(ctx context.Context, db *sql.DB, d Dialect) (*Store, error) {
	s := &Store{db: db, d: d}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// DB is the handle, for tests.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// q rewrites ? placeholders for the dialect.
func (s *Store) q(query string) string {
	if !s.d.Dollar {
		return query
	}
	var b strings.Builder
	n := 0
	for _, c := range query {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// ms and fromMS store times as Unix milliseconds (UTC).
func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func msPtr(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

func fromNull(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

// inTx runs f in a transaction, committed if f returns nil.
func (s *Store) inTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			return errors.Join(err, fmt.Errorf("rollback: %w", rerr))
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
