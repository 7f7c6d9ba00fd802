package cli

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/synth"
)

// readProfile checks that path holds a gzip-compressed pprof profile and
// returns it decompressed.
func readProfile(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s is not gzip: %v", path, err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return data
}

// --cpuprofile and --memprofile write pprof profiles of the scan; the
// sample types and our own functions are in their string tables, and
// go tool pprof reads them when Go is installed.
func TestScanProfiles(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	if err := os.Mkdir(in, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := synth.WriteFiles(in, synth.Shapes()[1].Account(synth.AccountID, synth.SizeOf(40), 1)); err != nil {
		t.Fatal(err)
	}
	cpu, mem := filepath.Join(dir, "cpu.pprof"), filepath.Join(dir, "mem.pprof")
	// An existing link is written through, never replaced.
	target := filepath.Join(dir, "mem-target")
	if err := os.WriteFile(target, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, mem); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := Main([]string{"scan", "--from", in, "--format", "json", "--output", filepath.Join(dir, "r.json"),
		"--allow-incomplete", "--fail-on", "none", "--cpuprofile", cpu, "--memprofile", mem}, &stdout, &stderr)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if st, err := os.Lstat(mem); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symlink at --memprofile was replaced (%v)", err)
	}
	for path, want := range map[string][]string{
		cpu:    {"samples", "cpu", "nanoseconds"},
		target: {"alloc_space", "inuse_space", "bytes", "internal/engine.Run"},
	} {
		data := readProfile(t, path)
		for _, w := range want {
			if !bytes.Contains(data, []byte(w)) {
				t.Errorf("%s: %q not in the profile", filepath.Base(path), w)
			}
		}
		if goBin, err := exec.LookPath("go"); err == nil {
			out, err := exec.Command(goBin, "tool", "pprof", "-raw", path).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "PeriodType") {
				t.Errorf("go tool pprof %s: %v\n%s", filepath.Base(path), err, out)
			}
		} else {
			t.Log("go is not installed: the profiles were checked without go tool pprof")
		}
	}
}

func TestScanProfileMissingFolder(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := Main([]string{"scan", "--snapshot", "x.json", "--cpuprofile", filepath.Join(t.TempDir(), "no", "cpu.pprof")}, &stdout, &stderr)
	if code != ExitUsage || !strings.Contains(stderr.String(), "folder does not exist") {
		t.Errorf("exit %d: %s", code, stderr.String())
	}
}
