package outfile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func text(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

func TestNewFileIsCreatedWithMode(t *testing.T) {
	p := filepath.Join(t.TempDir(), "r.json")
	if err := Write(p, 0o600, text("hello")); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	st, _ := os.Stat(p)
	if string(b) != "hello" || st.Mode().Perm() != 0o600 {
		t.Fatalf("content %q mode %v", b, st.Mode())
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(p), ".iamspect-*"))
	if len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

func TestFailedRenderLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "r.json")
	boom := errors.New("boom")
	err := Write(p, 0o644, func(w io.Writer) error { io.WriteString(w, "partial"); return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 0 {
		t.Fatalf("left %v", ents)
	}
	// An existing file is untouched by a failed render.
	os.WriteFile(p, []byte("old"), 0o644)
	Write(p, 0o644, func(w io.Writer) error { return boom })
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("existing file changed to %q", b)
	}
}

func TestExistingFileKeepsInodeModeAndLinks(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "r.json")
	os.WriteFile(p, []byte("a much longer old content"), 0o640)
	other := filepath.Join(dir, "hardlink")
	if err := os.Link(p, other); err != nil {
		t.Skip("no hard links here")
	}
	before, _ := os.Stat(p)
	if err := Write(p, 0o600, text("new")); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(p)
	if !os.SameFile(before, after) || after.Mode().Perm() != 0o640 {
		t.Fatalf("file replaced or mode changed: %v", after.Mode())
	}
	if b, _ := os.ReadFile(other); string(b) != "new" {
		t.Fatalf("hard link sees %q", b)
	}
}

func TestSymlinkIsWrittenThrough(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	os.WriteFile(target, nil, 0o644)
	link := filepath.Join(dir, "link")
	os.Symlink(target, link)
	if err := Write(link, 0o644, text("via link")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Fatal("symlink replaced by a file")
	}
	if b, _ := os.ReadFile(target); string(b) != "via link" {
		t.Fatalf("target has %q", b)
	}
}

func TestFIFOReceivesTheBytes(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(p)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	if err := Write(p, 0o644, text("through the pipe")); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-got:
		if s != "through the pipe" {
			t.Fatalf("reader got %q", s)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("reader got nothing")
	}
	if fi, _ := os.Lstat(p); fi.Mode()&os.ModeNamedPipe == 0 {
		t.Fatal("FIFO replaced")
	}
}

// A character device in a temporary folder (the null device's numbers, made
// with mknod, which needs root) is written through and stays a device: the
// test never touches the real /dev/null.
func TestDeviceIsWrittenThrough(t *testing.T) {
	p := filepath.Join(t.TempDir(), "null")
	if err := syscall.Mknod(p, syscall.S_IFCHR|0o666, int(mkdev(1, 3))); err != nil {
		t.Skipf("cannot make a device node here (needs root): %v", err)
	}
	if err := Write(p, 0o644, text("discard")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(p)
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("the device node was replaced: %v %v", fi.Mode(), err)
	}
}

// mkdev packs a device number as Linux does.
func mkdev(major, minor uint32) uint64 {
	return uint64(major&0xfff)<<8 | uint64(minor&0xff) | uint64(minor&^0xff)<<12 | uint64(major&^0xfff)<<32
}

// Errors name the path the user gave, never the temporary file beside it,
// with the operating system's reason.
func TestErrorsNameTheUsersPath(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes into read-only directories")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	p := filepath.Join(dir, "r.json")
	err := Write(p, 0o644, text("x"))
	if err == nil || err.Error() != p+": permission denied" {
		t.Fatalf("err %v, want %q", err, p+": permission denied")
	}
}

func TestMissingDirectoryNamesTheUsersPath(t *testing.T) {
	p := filepath.Join(t.TempDir(), "no-such-dir", "r.json")
	err := Write(p, 0o644, text("x"))
	var oe *Error
	if !errors.As(err, &oe) || oe.Path != p || err.Error() != p+": no such file or directory" {
		t.Fatalf("err %v, want %q", err, p+": no such file or directory")
	}
}

// A large output for an existing file is rendered into a private temporary
// file, not memory, then copied through; nothing is left behind, and a
// render that fails after spilling leaves the file untouched.
func TestLargeOutputSpillsAndIsWrittenThrough(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dir := t.TempDir()
	p := filepath.Join(dir, "r.json")
	os.WriteFile(p, []byte("old"), 0o640)
	before, _ := os.Stat(p)
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 1<<12) // 64 KiB
	n := spillLimit/len(chunk) + 10
	var sawTemp bool
	render := func(fail bool) func(io.Writer) error {
		return func(w io.Writer) error {
			for i := range n {
				if _, err := w.Write(chunk); err != nil {
					return err
				}
				if i == n-1 {
					ents, _ := os.ReadDir(tmp)
					sawTemp = len(ents) == 1
				}
			}
			if fail {
				return errors.New("boom")
			}
			return nil
		}
	}
	if err := Write(p, 0o600, render(true)); err == nil {
		t.Fatal("a failed render returned no error")
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("a failed render changed the file to %d bytes", len(b))
	}
	if err := Write(p, 0o600, render(false)); err != nil {
		t.Fatal(err)
	}
	if !sawTemp {
		t.Error("the output was not spilled to a temporary file")
	}
	b, _ := os.ReadFile(p)
	if len(b) != n*len(chunk) || !bytes.Equal(b[len(b)-len(chunk):], chunk) {
		t.Errorf("file holds %d bytes, want %d", len(b), n*len(chunk))
	}
	after, _ := os.Stat(p)
	if !os.SameFile(before, after) || after.Mode().Perm() != 0o640 {
		t.Errorf("file replaced or mode changed: %v", after.Mode())
	}
	if ents, _ := os.ReadDir(tmp); len(ents) != 0 {
		t.Errorf("temporary files left: %v", ents)
	}
}
