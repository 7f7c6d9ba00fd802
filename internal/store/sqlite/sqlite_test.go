package sqlite

import (
	"context"
	"path/filepath"
	"testing"

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
