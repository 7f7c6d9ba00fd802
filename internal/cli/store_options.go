package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/iamspect/iamspect/internal/server"
	"github.com/iamspect/iamspect/internal/store"
	"github.com/iamspect/iamspect/internal/store/postgres"
	"github.com/iamspect/iamspect/internal/store/sqlite"
)

// storeOptions name the history store: --db sqlite:PATH or postgres://...
type storeOptions struct {
	db string
	// serveConfig, for history and drift: take the store from serve.yaml.
	serveConfig string
}

func (o *storeOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.db, "db", "", "history store: sqlite:`PATH` or postgres://user@host/db (default: sqlite: under $XDG_DATA_HOME or ~/.local/share/iamspect, else ./iamspect.db)")
}

// AddConfigFlag adds --config, for the commands that read the store of a
// serve configuration.
func (o *storeOptions) AddConfigFlag(fs *pflag.FlagSet) {
	fs.StringVar(&o.serveConfig, "config", "", "read the store's location (db:) from this serve.yaml `FILE` (--db wins)")
}

// configDB is the db: of --config, if given.
func (o *storeOptions) configDB() (string, error) {
	if o.serveConfig == "" {
		return "", nil
	}
	cfg, err := server.LoadConfig(o.serveConfig)
	if err != nil {
		return "", usage(fmt.Errorf("--config %w", err))
	}
	return cfg.DB, nil
}

// openForReading opens the store that history and drift read.
func (o *storeOptions) openForReading(ctx context.Context) (store.Store, error) {
	fromConfig, err := o.configDB()
	if err != nil {
		return nil, err
	}
	return o.open(ctx, o.dsn(fromConfig), true)
}

// defaultDB is the SQLite file under the user's data directory, or
// ./iamspect.db when there is no home directory.
func defaultDB() string {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		if home, err := os.UserHomeDir(); err == nil {
			dir = filepath.Join(home, ".local", "share")
		}
	}
	if dir == "" {
		return "sqlite:iamspect.db"
	}
	return "sqlite:" + filepath.Join(dir, "iamspect", "iamspect.db")
}

// dsn is --db, else the configuration's, else the default.
func (o *storeOptions) dsn(fromConfig string) string {
	switch {
	case o.db != "":
		return o.db
	case fromConfig != "":
		return fromConfig
	}
	return defaultDB()
}

// open opens the store. With mustExist, a SQLite file that is not there is
// an error (history and drift read an existing store; serve creates it).
func (o *storeOptions) open(ctx context.Context, dsn string, mustExist bool) (store.Store, error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, usage(errors.New("--db sqlite:PATH: the path is empty"))
		}
		if _, err := os.Stat(path); err != nil && mustExist {
			return nil, usage(fmt.Errorf("--db %s: no store there (iamspect serve creates it): %w", dsn, err))
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		// The store holds the accounts' IAM state: readable by its owner
		// only (SQLite gives its -wal and -shm files the same mode).
		if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
			f.Close()
		}
		return sqlite.Open(ctx, path)
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return postgres.Open(ctx, dsn)
	}
	return nil, usage(errors.New("--db: want sqlite:PATH or postgres://user@host:port/db"))
}
