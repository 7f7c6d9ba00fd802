// Package sqlite opens the embedded default store: a SQLite file through
// modernc.org/sqlite (pure Go, so the binary stays static), in WAL mode
// with a busy timeout, one connection at a time.
package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"

	"github.com/iamspect/iamspect/internal/store/sqlstore"
)

// Open opens (creating if needed) the SQLite database at path and applies
// the schema migrations.
func Open(ctx context.Context, path string) (*sqlstore.Store, error) {
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	// One writer at a time is SQLite's model; one connection keeps
	// transactions from waiting on each other's locks.
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	s, err := sqlstore.New(ctx, db, sqlstore.SQLite)
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	return s, nil
}
