package postgres

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/store"
	"github.com/iamspect/iamspect/internal/store/storetest"
	"github.com/iamspect/iamspect/internal/testutil/pgtest"
)

func TestStore(t *testing.T) {
	url := pgtest.Start(t)
	n := 0
	storetest.Run(t, func(t *testing.T) store.Store {
		// A database per run keeps runs apart.
		n++
		ctx := context.Background()
		admin, err := Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		db := fmt.Sprintf("iamspect_%d", n)
		if _, err := admin.DB().Exec("CREATE DATABASE " + db); err != nil {
			t.Fatal(err)
		}
		admin.Close()
		s, err := Open(ctx, url[:len(url)-len("postgres?sslmode=disable")]+db+"?sslmode=disable")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// A wrong password or an unreachable server is an error that does not
// repeat the URL's password.
func TestOpenErrorHidesPassword(t *testing.T) {
	_, err := Open(context.Background(), "postgres://u:s3cret-pw@127.0.0.1:9/db?sslmode=disable&connect_timeout=2")
	if err == nil {
		t.Fatal("opened a closed port")
	}
	if strings.Contains(err.Error(), "s3cret-pw") {
		t.Fatalf("error shows the password: %v", err)
	}
}

// Servers starting together on a new database all succeed: each migration
// runs once, under an advisory lock.
func TestConcurrentOpen(t *testing.T) {
	url := pgtest.Start(t)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			s, err := Open(context.Background(), url)
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
