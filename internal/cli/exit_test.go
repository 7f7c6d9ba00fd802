package cli

import (
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/report"
)

// A run cancelled by a signal exits 128+signal with a message saying so,
// whatever error the cancellation surfaced as.
func TestSignalledRunExitsWithSignalCode(t *testing.T) {
	for sig, want := range map[syscall.Signal]int{syscall.SIGINT: 130, syscall.SIGTERM: 143} {
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(signalled{sig})
		var stdout, stderr bytes.Buffer
		code := Run(ctx, []string{"demo", "--format", "json"}, &stdout, &stderr)
		if code != want {
			t.Errorf("%v: exit %d, want %d (stderr %q)", sig, code, want, stderr.String())
		}
		if !strings.Contains(stderr.String(), "interrupted by "+sig.String()) || stdout.Len() != 0 {
			t.Errorf("%v: stderr %q, stdout %d bytes", sig, stderr.String(), stdout.Len())
		}
	}
}

// A report that cannot be written is iamspect's failure (4), not a usage
// error, and says where it tried to write. (A missing directory is found
// before the scan runs: a usage error.)
func TestReportWriteFailureIsExit4(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-dir", "report.json")
	if code := Run(context.Background(), []string{"demo", "--output", missing}, io.Discard, io.Discard); code != ExitUsage {
		t.Errorf("missing directory: exit %d, want %d", code, ExitUsage)
	}
	out := "/dev/full" // every write fails with ENOSPC
	if _, err := os.Stat(out); err != nil {
		t.Skip("no /dev/full")
	}
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), []string{"demo", "--format", "json", "--output", out}, &stdout, &stderr)
	if code != ExitFailure {
		t.Fatalf("exit %d, want %d; stderr %q", code, ExitFailure, stderr.String())
	}
	if !strings.Contains(stderr.String(), "writing the json report to "+out) {
		t.Fatalf("stderr %q", stderr.String())
	}
}

// --output through a symlink writes the target and keeps the link.
func TestOutputThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target.json")
	os.WriteFile(target, []byte("old"), 0o600)
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(target, link); err != nil {
		t.Skip(err)
	}
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), []string{"demo", "--format", "json", "--output", link}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	b, _ := os.ReadFile(target)
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 || !bytes.Contains(b, []byte(`"schema_version"`)) {
		t.Fatalf("link replaced, or target not written (%d bytes)", len(b))
	}
}

// The real process: SIGINT during a live scan that waits on an endpoint
// that accepts connections and never answers stops it promptly with 130.
func TestProcessInterruptedDuringLiveScan(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "iamspect")
	build := exec.Command("go", "build", "-o", bin, "../../cmd/iamspect")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // accept and hold every connection, answering nothing
		var held []net.Conn
		for {
			c, err := ln.Accept()
			if err != nil {
				for _, c := range held {
					c.Close()
				}
				return
			}
			held = append(held, c)
		}
	}()
	cmd := exec.Command(bin, "scan")
	cmd.Env = append(os.Environ(), "AWS_ENDPOINT_URL=http://"+ln.Addr().String(),
		"AWS_ACCESS_KEY_ID=AKIAEXAMPLEEXAMPLE00", "AWS_SECRET_ACCESS_KEY=not-a-secret", "AWS_REGION=us-east-1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(700 * time.Millisecond)
	start := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("still running 10 s after SIGINT; stderr %q", stderr.String())
	}
	if code := cmd.ProcessState.ExitCode(); code != ExitInterrupted {
		t.Fatalf("exit %d, want %d; stderr %q", code, ExitInterrupted, stderr.String())
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %v to stop", took)
	}
	if !strings.Contains(stderr.String(), "interrupted by interrupt") {
		t.Errorf("stderr %q", stderr.String())
	}
}

// A report saved by schema 1 renders as a table and as JSON at the current
// schema, with the exit code its results call for.
func TestConvertRendersOldReport(t *testing.T) {
	old := "../report/testdata/report-schema1.json"
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), []string{"convert", old}, &stdout, &stderr)
	if code != ExitFindings {
		t.Fatalf("exit %d, want 1; stderr %q", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "root-access-keys") || !strings.Contains(stdout.String(), "7 failing") {
		t.Fatalf("table:\n%s", stdout.String())
	}
	stdout.Reset()
	if code := Run(context.Background(), []string{"convert", old, "--format", "json", "--fail-on", "none"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d", code)
	}
	r := decodeReport(t, stdout.String())
	if r.SchemaVersion != report.SchemaVersion || r.Rule("root-access-keys").Remediation.Summary == "" {
		t.Fatalf("not migrated: %s %+v", r.SchemaVersion, r.Rule("root-access-keys"))
	}
	stdout.Reset()
	stderr.Reset()
	if code := Run(context.Background(), []string{"convert", "no-such.json"}, &stdout, &stderr); code != ExitUsage || !strings.Contains(stderr.String(), "no-such.json") {
		t.Fatalf("missing file: exit %d, %q", code, stderr.String())
	}
}

// `demo -o NODE` on a character device node (made in a temporary folder,
// not the real /dev/null) writes through it and leaves it a device.
func TestOutputToDeviceNodeKeepsIt(t *testing.T) {
	p := filepath.Join(t.TempDir(), "null")
	if err := syscall.Mknod(p, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		t.Skipf("cannot make a device node here (needs root): %v", err)
	}
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), []string{"demo", "-o", p}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if fi, err := os.Lstat(p); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("device node replaced: %v %v", fi.Mode(), err)
	}
}
