// Package outfile writes iamspect's output files (reports, snapshots) without
// ever replacing a file iamspect did not create.
//
// A new path is written to a temporary file beside it and renamed into place,
// so a failed run never leaves a truncated report a pipeline might read as
// complete. An existing path is written through, never replaced: a symlink
// keeps pointing where it pointed, a FIFO or device (/dev/stdout) receives the
// bytes, and a regular file keeps its inode, owner, mode and hard links. The
// content is rendered completely before an existing file is opened, so a
// rendering error leaves it untouched.
package outfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Write renders through render and stores the result at path. mode is used
// only for a file Write creates.
func Write(path string, mode fs.FileMode, render func(io.Writer) error) error {
	if _, err := os.Lstat(path); err == nil {
		return writeThrough(path, render)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return createNew(path, mode, render)
}

// writeThrough renders into memory first, then opens the existing path
// (following symlinks) and writes the bytes into it.
func writeThrough(path string, render func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// createNew writes a temporary file beside path and links it into place;
// if another process created path meanwhile, that file is left alone.
func createNew(path string, mode fs.FileMode, render func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".iamspect-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := render(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		return err
	}
	// Link, not rename: it fails rather than replace a file that appeared
	// at path while we rendered.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s appeared while the output was written; not replacing it", path)
		}
		// Filesystems without hard links: fall back to a rename.
		return os.Rename(tmp.Name(), path)
	}
	return nil
}
