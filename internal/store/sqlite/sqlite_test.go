package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/finding"

	"github.com/iamspect/iamspect/internal/store"
	"github.com/iamspect/iamspect/internal/store/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := Open(context.Background(), filepath.Join(t.TempDir(), "iamspect.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// Opening again applies no migration twice and keeps the data.
func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "iamspect.db")
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Scan(t, s, "prod", storetest.T0, storetest.Result("r-a", "FAIL", "high", "alice"))
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	scans, err := s.Scans(ctx, "", 10, 0)
	if err != nil || len(scans) != 1 {
		t.Fatalf("%v %d scans", err, len(scans))
	}
	var v int
	if err := s.DB().QueryRow(`SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil || v != 1 {
		t.Fatalf("schema version %d %v", v, err)
	}
}

// BenchmarkFinishScan records a scan of 5,000 results (the size of a
// mid-sized organisation) with its snapshot and findings.
func BenchmarkFinishScan(b *testing.B) {
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	rs := make([]finding.Result, 5000)
	for i := range rs {
		st := finding.Pass
		if i%5 == 0 {
			st = finding.Fail
		}
		rs[i] = storetest.Result(fmt.Sprintf("rule-%d", i%40), st, finding.High, fmt.Sprintf("user-%d", i))
	}
	rep, snap := storetest.Report(rs...)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id, err := s.BeginScan(ctx, "bench", "schedule", storetest.T0)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.FinishScan(ctx, id, store.Finished{At: storetest.T0.Add(time.Duration(i+1) * time.Minute), Report: rep, Snapshot: snap}); err != nil {
			b.Fatal(err)
		}
	}
}

// A store written by a newer iamspect (a schema version this build does not
// know) is refused by name, not misread.
func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "iamspect.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (99, 0)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = Open(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), "schema version 99, newer than this iamspect knows") {
		t.Fatalf("err = %v", err)
	}
}

// A path with a space, '#' and '?' is a path, not a URI's parts.
func TestOddPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a b#c?d")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "x.db")
	s, err := Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("the store is not at %s: %v", p, err)
	}
}

// Processes opening a new store together all succeed: migrations run once.
// Two connections switching a new file to WAL can be refused as busy at
// once (no busy wait); a few rounds make that race show if Open stops
// retrying.
func TestConcurrentOpen(t *testing.T) {
	const rounds, openers = 10, 6
	for round := range rounds {
		path := filepath.Join(t.TempDir(), fmt.Sprintf("iamspect-%d.db", round))
		errs := make(chan error, openers)
		for range openers {
			go func() {
				s, err := Open(context.Background(), path)
				if err == nil {
					s.Close()
				}
				errs <- err
			}()
		}
		for range openers {
			if err := <-errs; err != nil {
				t.Errorf("round %d: %v", round, err)
			}
		}
	}
}
