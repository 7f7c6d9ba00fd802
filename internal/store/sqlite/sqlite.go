// Package sqlite opens the embedded default store: a SQLite file through
// modernc.org/sqlite (pure Go, so the binary stays static), in WAL mode
// with a busy timeout, one connection at a time.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"time"

	"modernc.org/sqlite" // also registers the database/sql driver "sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/iamspect/iamspect/internal/store/sqlstore"
)

// busyWait bounds how long Open retries a connection SQLite refused as
// busy; it matches the busy_timeout the connection sets for itself.
const busyWait = 10 * time.Second

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
	if err := connect(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	s, err := sqlstore.New(ctx, db, sqlstore.SQLite)
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	return s, nil
}

// connect opens the first connection. Two processes switching a new file
// to WAL at once can each hold a shared lock while wanting the exclusive
// one; SQLite then answers SQLITE_BUSY at once, without waiting out the
// busy timeout (waiting could never end). A failed connection is dropped,
// so a fresh attempt after a short random pause goes through.
func connect(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(busyWait)
	pause := 5 * time.Millisecond
	for {
		err := db.PingContext(ctx)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(pause + rand.N(pause)):
		}
		pause = min(2*pause, 200*time.Millisecond)
	}
}

// isBusy reports SQLITE_BUSY, whatever its extended code.
func isBusy(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_BUSY
}
