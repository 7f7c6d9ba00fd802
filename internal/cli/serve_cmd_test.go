package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/sandbox"
	"github.com/iamspect/iamspect/internal/store"
	"github.com/iamspect/iamspect/internal/store/sqlite"
	"github.com/iamspect/iamspect/internal/store/storetest"
)

// serve refuses a non-loopback address without tokens, and takes one with.
func TestServeRefusesOpenAddrWithoutAuth(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "serve.yaml")
	os.WriteFile(cfg, []byte("targets:\n  - name: demo\n    snapshot: snap.json\n"), 0o600)
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), []string{"serve", "--config", cfg, "--addr", "0.0.0.0:0", "--db", "sqlite:" + filepath.Join(dir, "x.db")}, &stdout, &stderr)
	if code != ExitUsage || !strings.Contains(stderr.String(), "refusing to listen on 0.0.0.0:0 without authentication") {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "x.db")); err == nil {
		t.Error("the store was created before the refusal")
	}
	// --check validates and exits; a missing webhook secret is found then.
	os.WriteFile(cfg, []byte("targets:\n  - name: demo\n    snapshot: snap.json\nnotifications:\n  - {name: h, type: webhook, url: 'http://127.0.0.1:9/x', secret_env: TEST_UNSET_SECRET}\n"), 0o600)
	stderr.Reset()
	if code := Run(context.Background(), []string{"serve", "--config", cfg, "--check", "--db", "sqlite:" + filepath.Join(dir, "c.db")}, &stdout, &stderr); code != ExitUsage ||
		!strings.Contains(stderr.String(), "TEST_UNSET_SECRET is not set") {
		t.Fatalf("--check with a missing secret: exit %d, %q", code, stderr.String())
	}
	t.Setenv("TEST_UNSET_SECRET", "x")
	stderr.Reset()
	if code := Run(context.Background(), []string{"serve", "--config", cfg, "--check", "--db", "sqlite:" + filepath.Join(dir, "c.db")}, &stdout, &stderr); code != 0 ||
		!strings.Contains(stderr.String(), "is valid: 1 target(s), 1 notification channel(s)") {
		t.Fatalf("--check: exit %d, %q", code, stderr.String())
	}
	// A typo in the configuration names the key and line.
	os.WriteFile(cfg, []byte("targets:\n  - name: demo\n    shedule: 5m\n"), 0o600)
	stderr.Reset()
	if code := Run(context.Background(), []string{"serve", "--config", cfg}, &stdout, &stderr); code != ExitUsage ||
		!strings.Contains(stderr.String(), `line 3: unknown key "shedule"`) {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
}

// history and drift read a store that serve wrote.
func TestHistoryAndDriftCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "iamspect.db")
	st, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	a := storetest.Result("r-a", finding.Fail, finding.High, "alice")
	b := storetest.Result("r-b", finding.Fail, finding.Medium, "bob")
	storetest.Scan(t, st, "prod", storetest.T0, a, b)
	b.Status = finding.Pass
	storetest.Scan(t, st, "prod", storetest.T0.Add(time.Hour), a, b, storetest.Result("r-c", finding.Fail, finding.Critical, "carol"))
	st.Close()

	cfg := filepath.Join(t.TempDir(), "serve.yaml")
	os.WriteFile(cfg, []byte("db: sqlite:"+db+"\ntargets:\n  - name: prod\n    snapshot: x.json\n"), 0o600)
	code, out, errOut := runCLI(t, "history", "--config", cfg, "--target", "prod")
	if code != 0 {
		t.Fatalf("history: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"CRITICAL  new", "HIGH      open", "MEDIUM    resolved", "2026-11-01 11:00", "3 of 3 finding(s)"} {
		if !strings.Contains(out, want) {
			t.Errorf("history lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, "history", "--db", "sqlite:"+db, "--target", "prod", "--state", "active", "--format", "json")
	var h struct {
		Total    int
		Findings []store.Finding
	}
	if err := json.Unmarshal([]byte(out), &h); code != 0 || err != nil || h.Total != 2 {
		t.Fatalf("history json: exit %d, %v, %+v", code, err, h)
	}
	code, out, errOut = runCLI(t, "drift", "--db", "sqlite:"+db, "--target", "prod")
	if code != 0 || !strings.Contains(out, "prod: scan 1 (2026-11-01 10:00) → scan 2 (2026-11-01 11:00)") ||
		!strings.Contains(out, "Findings: 1 new, 1 resolved") || !strings.Contains(out, "IAM drift from") || !strings.Contains(out, "new       CRITICAL r-c carol") {
		t.Fatalf("drift: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "drift", "--db", "sqlite:"+db, "--target", "nope"); code != ExitUsage || !strings.Contains(errOut, "two successful scans") {
		t.Fatalf("drift of an unknown target: exit %d %q", code, errOut)
	}
	// JSON is the API's document; the two forms do not mix.
	code, out, _ = runCLI(t, "drift", "--db", "sqlite:"+db, "--target", "prod", "--format", "json")
	if code != 0 || !strings.Contains(out, `"iam": {`) || !strings.Contains(out, `"findings": {`) {
		t.Fatalf("drift json: exit %d\n%s", code, out)
	}
	if code, _, errOut := runCLI(t, "drift", "a.json", "b.json", "--target", "prod"); code != ExitUsage || !strings.Contains(errOut, "takes no files") {
		t.Fatalf("files with --target: exit %d %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "drift", "a.json", "b.json", "--db", "sqlite:"+db); code != ExitUsage || !strings.Contains(errOut, "--db applies with --target") {
		t.Fatalf("--db with files: exit %d %q", code, errOut)
	}
	// A past state, scanned again.
	code, out, errOut = runCLI(t, "history", "--db", "sqlite:"+db, "--snapshot-of", "2")
	snap := filepath.Join(t.TempDir(), "scan2.json")
	os.WriteFile(snap, []byte(out), 0o600)
	if code != 0 || !strings.Contains(out, `"schema_version"`) {
		t.Fatalf("--snapshot-of: exit %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "scan", "--snapshot", snap, "--format", "json", "--allow-incomplete", "--fail-on", "none"); code != 0 {
		t.Fatalf("scanning the stored snapshot: exit %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "history", "--db", "sqlite:"+db, "--snapshot-of", "9"); code != ExitUsage || !strings.Contains(errOut, "no snapshot of that scan") {
		t.Fatalf("--snapshot-of a missing scan: exit %d %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "history", "--db", "sqlite:"+filepath.Join(t.TempDir(), "none.db"), "--target", "prod"); code != ExitUsage || !strings.Contains(errOut, "no store there") {
		t.Fatalf("missing store: exit %d %q", code, errOut)
	}
}

// slowSandbox serves the demo with a latency that can be changed.
type slowSandbox struct {
	slow, fast *sandbox.Server
	isSlow     atomic.Bool
}

func (s *slowSandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.isSlow.Load() {
		s.slow.ServeHTTP(w, r)
		return
	}
	s.fast.ServeHTTP(w, r)
}

type serveProc struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	done   chan error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startServe(t *testing.T, bin string, env []string, args ...string) *serveProc {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	p := &serveProc{cmd: cmd, stderr: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	return p
}

func apiScans(base string) ([]store.Scan, error) {
	resp, err := http.Get(base + "/api/v1/scans?target=demo")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var body struct{ Scans []store.Scan }
	err = json.NewDecoder(resp.Body).Decode(&body)
	return body.Scans, err
}

func waitFor(t *testing.T, p *serveProc, what string, within time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s; serve's stderr:\n%s", within, what, p.stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// kill -9 during a scan, then restart: the store opens, the scan is
// interrupted with no results, and the next scan runs. Then SIGTERM during
// a scan: the server stops within its grace and records the scan
// interrupted.
func TestServeKilledMidScanRecovers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "iamspect")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/iamspect").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	sb := &slowSandbox{}
	var err error
	if sb.slow, err = sandbox.New(demo.Snapshot(), sandbox.Options{Latency: 400 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	if sb.fast, err = sandbox.New(demo.Snapshot(), sandbox.Options{}); err != nil {
		t.Fatal(err)
	}
	sb.isSlow.Store(true)
	ts := httptest.NewServer(sb)
	defer ts.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "serve.yaml")
	os.WriteFile(cfg, []byte("shutdown_grace: 1s\ntargets:\n  - name: demo\n    schedule: 2s\n    regions: [us-east-1]\n"), 0o600)
	db := filepath.Join(dir, "iamspect.db")
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	base := "http://" + addr
	args := []string{"--config", cfg, "--db", "sqlite:" + db, "--addr", addr}
	env := sandbox.Env(ts.URL)

	p := startServe(t, bin, env, args...)
	var first int64
	waitFor(t, p, "a running scan", 20*time.Second, func() bool {
		scans, err := apiScans(base)
		if err == nil && len(scans) == 1 && scans[0].Status == store.StatusRunning {
			first = scans[0].ID
			return true
		}
		return false
	})
	time.Sleep(500 * time.Millisecond)
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done

	if fi, err := os.Stat(db); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("store file: %v, mode %v; want 0600", err, fi.Mode())
	}
	// The store opens; the scan is still "running" there, with nothing else.
	st, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatalf("the store does not open after kill -9: %v", err)
	}
	sc, err := st.Scan(context.Background(), first)
	if err != nil || sc.Status != store.StatusRunning {
		t.Fatalf("scan after kill: %+v %v", sc, err)
	}
	if rs, _ := st.Results(context.Background(), first); len(rs) != 0 {
		t.Fatalf("%d partial results visible", len(rs))
	}
	st.Close()

	// Restart: the scan is marked interrupted, and scans run again: at
	// start (the target has no successful scan yet), then on schedule.
	sb.isSlow.Store(false)
	p = startServe(t, bin, env, args...)
	waitFor(t, p, "a successful scheduled scan after the restart", 30*time.Second, func() bool {
		scans, err := apiScans(base)
		if err != nil {
			return false
		}
		for _, sc := range scans {
			if sc.Trigger == "schedule" && sc.Status == store.StatusSucceeded {
				return true
			}
		}
		return false
	})
	scans, _ := apiScans(base)
	killed := scans[len(scans)-1]
	if killed.ID != first || killed.Status != store.StatusInterrupted || killed.Error == "" {
		t.Fatalf("the killed scan: %+v", killed)
	}
	resp, err := http.Get(fmt.Sprintf("%s/api/v1/scans/%d/results", base, first))
	if err != nil {
		t.Fatal(err)
	}
	var rs struct{ Results []finding.Result }
	json.NewDecoder(resp.Body).Decode(&rs)
	resp.Body.Close()
	if len(rs.Results) != 0 {
		t.Fatalf("the interrupted scan shows %d results", len(rs.Results))
	}

	// SIGTERM during a slow scan: stopped within the grace, recorded interrupted.
	sb.isSlow.Store(true)
	// Ask for a scan (409 when a scheduled one already runs: as good).
	waitFor(t, p, "a running scan", 10*time.Second, func() bool {
		resp, err := http.Post(base+"/api/v1/targets/demo/scans", "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		scans, err := apiScans(base)
		return err == nil && scans[0].Status == store.StatusRunning
	})
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		t.Fatalf("still running 20 s after SIGTERM:\n%s", p.stderr.String())
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit %d after SIGTERM, want 0:\n%s", code, p.stderr.String())
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %v to stop", took)
	}
	st, err = sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	all, _ := st.Scans(context.Background(), "demo", 10, 0)
	if all[0].Status != store.StatusInterrupted {
		t.Fatalf("after SIGTERM, the latest scan: %+v", all[0])
	}
	for _, sc := range all {
		if sc.Status == store.StatusRunning {
			t.Errorf("scan %d still running after SIGTERM", sc.ID)
		}
	}
}

// serve in-process with tokens from a file next to the configuration: the
// API wants the token; cancelling the run stops it with exit 0.
func TestServeWithTokensInProcess(t *testing.T) {
	dir := t.TempDir()
	snap := filepath.Join(dir, "demo.json")
	f, _ := os.Create(snap)
	demo.Snapshot().Write(f)
	f.Close()
	os.WriteFile(filepath.Join(dir, "tokens"), []byte("# team\nt0ken-for-tests\n"), 0o600)
	cfg := filepath.Join(dir, "serve.yaml")
	os.WriteFile(cfg, []byte("auth:\n  tokens_file: tokens\ntargets:\n  - name: demo\n    schedule: 1h\n    snapshot: demo.json\n"), 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--config", cfg, "--addr", "127.0.0.1:0", "--db", "sqlite:" + filepath.Join(dir, "s.db")}, io.Discard, stderr)
	}()
	var base string
	deadline := time.Now().Add(10 * time.Second)
	for base == "" && time.Now().Before(deadline) {
		if _, rest, ok := strings.Cut(stderr.String(), "serving on "); ok {
			base, _, _ = strings.Cut(rest, " ")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if base == "" {
		t.Fatalf("serve did not start: %s", stderr.String())
	}
	get := func(token string) int {
		req, _ := http.NewRequest("GET", base+"/api/v1/targets", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get(""); code != 401 {
		t.Errorf("no token: %d", code)
	}
	if code := get("t0ken-for-tests"); code != 200 {
		t.Errorf("token: %d", code)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d: %s", code, stderr.String())
		}
	case <-time.After(40 * time.Second):
		t.Fatal("serve did not stop")
	}
	if strings.Contains(stderr.String(), "t0ken-for-tests") {
		t.Error("the token is in the log")
	}
}
