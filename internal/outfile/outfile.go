// Package outfile writes iamspect's output files (reports, snapshots) without
// ever replacing a file iamspect did not create.
//
// A new path is written to a temporary file beside it and renamed into place,
// so a failed run never leaves a truncated report a pipeline might read as
// complete. An existing path is written through, never replaced: a symlink
// keeps pointing where it pointed, a FIFO or device (/dev/stdout) receives the
// bytes, and a regular file keeps its inode, owner, mode and hard links. The
// content is rendered completely before an existing file is opened, so a
// rendering error leaves it untouched; beyond a few MiB it is rendered into
// a private temporary file rather than memory (a 200 MB JSON report would
// otherwise be held whole, twice over while the buffer grows).
package outfile

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Error is a failure to store the output at Path (not a rendering error,
// which Write returns as render returned it). Err is the operating system's
// reason, without the temporary file's name, which the user never chose.
type Error struct {
	Path string
	Err  error
}

func (e *Error) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// fail wraps an operating-system error as an Error about path.
func fail(path string, err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	return &Error{Path: path, Err: err}
}

// Write renders through render and stores the result at path. mode is used
// only for a file Write creates.
func Write(path string, mode fs.FileMode, render func(io.Writer) error) error {
	if _, err := os.Lstat(path); err == nil {
		return writeThrough(path, render)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fail(path, err)
	}
	return createNew(path, mode, render)
}

// writeThrough renders first (into memory, or a temporary file once the
// output is large: spill), then opens the existing path (following
// symlinks) and copies the bytes into it.
func writeThrough(path string, render func(io.Writer) error) error {
	sp := &spill{limit: spillLimit}
	defer sp.discard()
	err := render(sp)
	if sp.err != nil { // the temporary file failed: name the user's path
		return fail(path, sp.err)
	}
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return fail(path, err)
	}
	if err := sp.copyTo(f); err != nil {
		f.Close()
		return fail(path, err)
	}
	if err := f.Close(); err != nil {
		return fail(path, err)
	}
	return nil
}

// spillLimit is how much rendered output is kept in memory before spill
// moves it to a temporary file.
const spillLimit = 8 << 20

// spill holds rendered output: in memory up to limit bytes, then in a
// temporary file (mode 0600, in the system's temporary folder: the
// destination's own folder may be /dev).
type spill struct {
	limit int
	buf   bytes.Buffer
	f     *os.File
	err   error
}

func (s *spill) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if s.f == nil && s.buf.Len()+len(p) <= s.limit {
		return s.buf.Write(p)
	}
	if s.f == nil {
		f, err := os.CreateTemp("", ".iamspect-out-*")
		if err != nil {
			s.err = err
			return 0, err
		}
		s.f = f
		if _, err := f.Write(s.buf.Bytes()); err != nil {
			s.err = err
			return 0, err
		}
		s.buf = bytes.Buffer{}
	}
	n, err := s.f.Write(p)
	if err != nil {
		s.err = err
	}
	return n, err
}

func (s *spill) copyTo(w io.Writer) error {
	if s.f == nil {
		_, err := w.Write(s.buf.Bytes())
		return err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err := io.Copy(w, s.f)
	return err
}

// discard removes the temporary file, if any.
func (s *spill) discard() {
	if s.f != nil {
		s.f.Close()
		os.Remove(s.f.Name())
	}
}

// createNew writes a temporary file beside path and links it into place;
// if another process created path meanwhile, that file is left alone.
func createNew(path string, mode fs.FileMode, render func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".iamspect-*")
	if err != nil {
		return fail(path, err)
	}
	defer os.Remove(tmp.Name())
	if err := render(tmp); err != nil {
		tmp.Close()
		// A write to the temporary file failed (a full disk): say so
		// about path.
		if pe := (*fs.PathError)(nil); errors.As(err, &pe) && pe.Path == tmp.Name() {
			return fail(path, err)
		}
		return err
	}
	if err := tmp.Close(); err != nil {
		return fail(path, err)
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		return fail(path, err)
	}
	// Link, not rename: it fails rather than replace a file that appeared
	// at path while we rendered.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return &Error{Path: path, Err: errors.New("appeared while the output was written; not replacing it")}
		}
		// Filesystems without hard links: fall back to a rename.
		if err := os.Rename(tmp.Name(), path); err != nil {
			return fail(path, err)
		}
	}
	return nil
}
