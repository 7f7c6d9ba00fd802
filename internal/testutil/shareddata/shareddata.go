// Package shareddata locates the third-party AWS data that tests may read in
// place from ../shared/data, beside the repository (see that folder's
// README). None of it is part of the repository: a clean clone has nothing
// beside it, so every test that uses it calls Path, which skips the test with
// a clear message when the data is absent. CI lays the folder beside its
// clone, so there these tests always run.
package shareddata

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// root finds the module root (the folder holding go.mod) from the working
// directory, which go test sets to the package's folder.
var root = sync.OnceValues(func() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
})

// Dir returns the shared data folder, <module root>/../shared/data, or ""
// when it is not there.
func Dir() string {
	r, err := root()
	if err != nil {
		return ""
	}
	d := filepath.Join(r, "..", "shared", "data")
	if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
		return ""
	}
	return d
}

// Path returns the path of rel (slash-separated, relative to the shared data
// folder) and skips the test when that file or folder is not present.
func Path(t testing.TB, rel string) string {
	t.Helper()
	return pathIn(t, Dir(), rel)
}

func pathIn(t testing.TB, d, rel string) string {
	t.Helper()
	if d == "" {
		t.Skipf("third-party data ../shared/data not present (clean clone): skipping %s, which reads %s", t.Name(), rel)
		return "" // Skipf does not return; a fake testing.TB in tests may
	}
	p := filepath.Join(d, filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		t.Skipf("third-party data ../shared/data/%s not present: skipping %s", rel, t.Name())
		return ""
	}
	return p
}
