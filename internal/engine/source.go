package engine

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/iamspect/iamspect/internal/importer"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// Source yields the snapshot a scan judges, with warnings for the person
// running it (files it did not understand, principals missing from an
// input). Load errors that are the input's fault are *InputError.
type Source interface {
	Load(ctx context.Context) (*snapshot.Snapshot, []string, error)
}

// SourceFunc adapts a function to Source (the CLI's live collection).
type SourceFunc func(ctx context.Context) (*snapshot.Snapshot, []string, error)

// Load calls f.
func (f SourceFunc) Load(ctx context.Context) (*snapshot.Snapshot, []string, error) { return f(ctx) }

// Files reads AWS CLI output files (docs/import.md).
type Files struct {
	AuthzDetails     []string
	CredentialReport string
	Dir              string
	// Stdin is read for the one file named "-".
	Stdin io.Reader
	// Now stamps the snapshot's collection time when no file says when it
	// was taken; nil means time.Now.
	Now Clock
}

// Load imports the files.
func (f Files) Load(context.Context) (*snapshot.Snapshot, []string, error) {
	now := f.Now
	if now == nil {
		now = time.Now
	}
	s, ws, err := importer.ImportWithWarnings(importer.Options{
		AuthzDetails: f.AuthzDetails, CredentialReport: f.CredentialReport, Dir: f.Dir, Stdin: f.Stdin, Now: now(),
	})
	if err != nil {
		return nil, nil, &InputError{Err: err}
	}
	warnings := make([]string, len(ws))
	for i, w := range ws {
		warnings[i] = w.String()
	}
	return s, warnings, nil
}

// SnapshotFile reads a snapshot written by 'iamspect collect'; Path "-"
// reads Stdin.
type SnapshotFile struct {
	Path  string
	Stdin io.Reader
}

// Load reads the snapshot.
func (f SnapshotFile) Load(context.Context) (*snapshot.Snapshot, []string, error) {
	var s *snapshot.Snapshot
	var err error
	if f.Path == "-" && f.Stdin != nil {
		if s, err = snapshot.Decode(f.Stdin); err != nil {
			err = fmt.Errorf("standard input: %w", err)
		}
	} else {
		s, err = snapshot.Load(f.Path)
	}
	if err != nil {
		return nil, nil, &InputError{Err: err}
	}
	var warnings []string
	if sh := s.Source.Shard; sh != nil {
		warnings = append(warnings, fmt.Sprintf("%s is part %s of a sharded collection: the rules that look across the organisation see only its accounts; merge the parts first ('iamspect merge')", f.Path, sh))
	}
	return s, warnings, nil
}

// InMemory is a snapshot already built (the demo, tests, a server's store).
type InMemory struct{ Snapshot *snapshot.Snapshot }

// Load returns the snapshot.
func (m InMemory) Load(context.Context) (*snapshot.Snapshot, []string, error) {
	return m.Snapshot, nil, nil
}
