package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/drift/iamdiff"
	"github.com/iamspect/iamspect/internal/engine"
	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/notify"
	"github.com/iamspect/iamspect/internal/sandbox"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/store"
	"github.com/iamspect/iamspect/internal/store/postgres"
	"github.com/iamspect/iamspect/internal/store/sqlite"
	"github.com/iamspect/iamspect/internal/testutil/pgtest"
)

// The two states of the demo account the sandbox serves, one after the
// other: in the second, the contractor's IAM user is gone (its findings are
// fixed) and a role that anyone may assume appeared (a new finding).
const (
	goneUser    = "dave.contractor"
	publicTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`
)

var newRoleARN = "arn:aws:iam::" + demo.AccountID + ":role/vendor-access"

func stateB() *snapshot.Snapshot {
	s := demo.Snapshot()
	a := s.Account(demo.AccountID)
	kept := a.Users[:0]
	for _, u := range a.Users {
		if u.Name != goneUser {
			kept = append(kept, u)
		}
	}
	a.Users = kept
	a.Roles = append(a.Roles, &snapshot.Role{Name: "vendor-access", ID: "AROAEXAMPLEVENDOR001", ARN: newRoleARN, Path: "/",
		CreatedAt: demo.CollectedAt.Add(-time.Hour), TrustPolicy: snapshot.RawJSON(publicTrust)})
	return s
}

// switchable serves one sandbox, then another.
type switchable struct {
	cur atomic.Pointer[sandbox.Server]
}

func (s *switchable) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.cur.Load().ServeHTTP(w, r) }

func newSandbox(t *testing.T, snap *snapshot.Snapshot, opts sandbox.Options) *sandbox.Server {
	t.Helper()
	srv, err := sandbox.New(snap, opts)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// hook records the webhook's deliveries.
type hook struct {
	mu     sync.Mutex
	bodies [][]byte
	sigs   []string
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.bodies, h.sigs = append(h.bodies, b), append(h.sigs, r.Header.Get(notify.SignatureHeader))
	h.mu.Unlock()
}

func (h *hook) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.bodies)
}

// running is a server serving on a loopback port.
type running struct {
	srv  *Server
	base string
	stop func()
	logs *syncBuffer
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

func startServer(t *testing.T, cfgYAML string, st store.Store) *running {
	t.Helper()
	dir := t.TempDir()
	cfg, err := ParseConfig([]byte(cfgYAML), dir)
	if err != nil {
		t.Fatal(err)
	}
	n, err := BuildNotifier(context.Background(), cfg, st)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range n.Channels {
		ch.Backoff = 10 * time.Millisecond
	}
	tokens, err := LoadTokens(cfg.Auth, dir)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	srv, err := New(context.Background(), Options{Config: cfg, Store: st, Notifier: n, Tokens: tokens,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}
	t.Cleanup(stop)
	return &running{srv: srv, base: "http://" + ln.Addr().String(), stop: stop, logs: logs}
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if v != nil && resp.StatusCode == 200 {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v\n%s", url, err, b)
		}
	}
	return resp.StatusCode
}

// idle waits until no scan of the target runs: a scan is visible as
// finished in the store a moment before the server frees its target.
func idle(t *testing.T, srv *Server, target string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for srv.byName[target].busy.Load() {
		if time.Now().After(deadline) {
			t.Fatalf("%s still busy", target)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitScans waits until the target has n scans that are no longer running.
func waitScans(t *testing.T, base, target string, n int, within time.Duration) []store.Scan {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var body struct{ Scans []store.Scan }
		getJSON(t, base+"/api/v1/scans?target="+target, &body)
		done := 0
		for _, sc := range body.Scans {
			if sc.Status != store.StatusRunning {
				done++
			}
		}
		if done >= n {
			return body.Scans
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %d finished scan(s), want %d: %+v", within, done, n, body.Scans)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// failing lists the fingerprints of FAIL results on a resource in an
// offline scan of the snapshot.
func failing(t *testing.T, s *snapshot.Snapshot, arn string) []string {
	t.Helper()
	out, err := engine.Scan(context.Background(), s, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var fps []string
	for _, r := range out.Report.Results.Slice() {
		if r.Status == finding.Fail && r.ResourceARN == arn {
			fps = append(fps, r.Fingerprint)
		}
	}
	if len(fps) == 0 {
		t.Fatalf("no failing result on %s: the fixture no longer shows the change", arn)
	}
	return fps
}

// The acceptance test: serve scans a live target through the
// sandbox, the account changes, a scan triggered through the API sees it.
func testServeLifecycle(t *testing.T, st store.Store) {
	sw := &switchable{}
	sw.cur.Store(newSandbox(t, demo.Snapshot(), sandbox.Options{}))
	sb := httptest.NewServer(sw)
	defer sb.Close()
	for _, kv := range sandbox.Env(sb.URL) {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	h := &hook{}
	hs := httptest.NewServer(h)
	defer hs.Close()
	t.Setenv("TEST_HOOK_SECRET", "s3cret-hmac-key")
	r := startServer(t, fmt.Sprintf(`
targets:
  - name: northwind
    schedule: 1h
    org: true
    regions: [us-east-1]
notifications:
  - name: sec-hook
    type: webhook
    url: %s
    secret_env: TEST_HOOK_SECRET
    min_severity: low
`, hs.URL), st)

	// The first scan runs at start: the baseline, notified to no one.
	scans := waitScans(t, r.base, "northwind", 1, 30*time.Second)
	if scans[0].Status != store.StatusSucceeded || scans[0].Trigger != "start" {
		t.Fatalf("first scan: %+v", scans[0])
	}
	// The account changes; a scan is asked for through the API.
	sw.cur.Store(newSandbox(t, stateB(), sandbox.Options{}))
	idle(t, r.srv, "northwind")
	resp, err := http.Post(r.base+"/api/v1/targets/northwind/scans", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("trigger: HTTP %d", resp.StatusCode)
	}
	scans = waitScans(t, r.base, "northwind", 2, 30*time.Second)
	if scans[0].Status != store.StatusSucceeded || scans[0].Trigger != "api" || scans[0].New == 0 || scans[0].Resolved == 0 {
		t.Fatalf("second scan: %+v", scans[0])
	}

	state := func(fp string) string {
		var f store.Finding
		if code := getJSON(t, r.base+"/api/v1/findings/northwind/"+fp, &f); code != 200 {
			t.Fatalf("finding %s: HTTP %d", fp, code)
		}
		return f.State
	}
	newFPs := failing(t, stateB(), newRoleARN)
	for _, fp := range newFPs {
		if got := state(fp); got != store.StateNew {
			t.Errorf("finding %s on the new role: %s, want new", fp, got)
		}
	}
	for _, fp := range failing(t, demo.Snapshot(), "arn:aws:iam::"+demo.AccountID+":user/"+goneUser) {
		if got := state(fp); got != store.StateResolved {
			t.Errorf("finding %s of the removed user: %s, want resolved", fp, got)
		}
	}
	var list struct {
		Findings []store.Finding
		Total    int
	}
	getJSON(t, r.base+"/api/v1/findings?target=northwind&state=new", &list)
	if list.Total != len(newFPs) {
		t.Errorf("state=new lists %d findings, want %d", list.Total, len(newFPs))
	}

	// Drift lists the IAM changes.
	var d Drift
	if code := getJSON(t, r.base+"/api/v1/targets/northwind/drift", &d); code != 200 {
		t.Fatalf("drift: HTTP %d", code)
	}
	var sawUser, sawRole bool
	for _, c := range d.IAM.Changes {
		sawUser = sawUser || c.Kind == iamdiff.KindUser && strings.HasSuffix(c.Resource, ":user/"+goneUser) && c.Change == iamdiff.Removed
		sawRole = sawRole || c.Kind == iamdiff.KindRole && c.Resource == newRoleARN && c.Change == iamdiff.Added
		if !strings.Contains(c.Resource, goneUser) && !strings.Contains(c.Resource, "vendor-access") {
			t.Errorf("drift lists an unrelated change: %+v", c)
		}
	}
	if !sawUser || !sawRole || d.From.ID != scans[1].ID || d.To.ID != scans[0].ID {
		t.Errorf("drift %d→%d: user removed %v, role added %v: %+v", d.From.ID, d.To.ID, sawUser, sawRole, d.IAM.Changes)
	}

	// One signed event, about the new findings.
	deadline := time.Now().Add(5 * time.Second)
	for h.count() < 1 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	h.mu.Lock()
	if len(h.bodies) != 1 {
		t.Fatalf("webhook got %d events, want 1", len(h.bodies))
	}
	body, sig := h.bodies[0], h.sigs[0]
	h.mu.Unlock()
	if !notify.Verify([]byte("s3cret-hmac-key"), body, sig) {
		t.Errorf("bad signature %q", sig)
	}
	var ev notify.Event
	json.Unmarshal(body, &ev)
	if ev.Kind != notify.KindFindings || ev.Target != "northwind" || len(ev.Findings) != len(newFPs) || strings.Contains(string(body), "s3cret") {
		t.Errorf("event %s", body)
	}
	// The delivery is logged after the webhook has answered: wait for it.
	var ds struct{ Deliveries []store.Delivery }
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		getJSON(t, r.base+"/api/v1/deliveries", &ds)
		if len(ds.Deliveries) > 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(ds.Deliveries) != 1 || !ds.Deliveries[0].OK || ds.Deliveries[0].Channel != "sec-hook" {
		t.Errorf("delivery log %+v", ds.Deliveries)
	}

	// The metrics count two scans.
	mresp, err := http.Get(r.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(mresp.Body)
	mresp.Body.Close()
	for _, want := range []string{
		`iamspect_scans_total{target="northwind",status="succeeded"} 2`,
		`iamspect_scan_duration_seconds_count{target="northwind"} 2`,
		`iamspect_aws_api_calls_total{target="northwind",action="iam:GetAccountAuthorizationDetails"}`,
		`iamspect_last_success_timestamp_seconds{target="northwind"}`,
		`iamspect_findings{target="northwind",severity="`,
		`iamspect_notifications_total{channel="sec-hook",outcome="delivered"} 1`,
		`iamspect_http_requests_total{route="POST /api/v1/targets/{name}/scans",code="202"} 1`,
	} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if code := getJSON(t, r.base+p, nil); code != 200 {
			t.Errorf("%s: HTTP %d", p, code)
		}
	}
	r.stop()
	// The log tells what happened, and no secret.
	logs := r.logs.String()
	if !strings.Contains(logs, "scan succeeded") || strings.Contains(logs, "s3cret-hmac-key") || strings.Contains(logs, sandbox.DummySecretAccessKey) {
		t.Errorf("server log:\n%s", logs)
	}
}

func TestServeLifecycleSQLite(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "iamspect.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	testServeLifecycle(t, st)
}

func TestServeLifecyclePostgres(t *testing.T) {
	url := pgtest.Start(t)
	st, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	testServeLifecycle(t, st)
}

// An offline target on a one-second interval is scanned at start and then
// by its schedule; a failing target (no snapshot file) records failed scans
// and notifies them.
func TestScheduledScans(t *testing.T) {
	dir := t.TempDir()
	snap := filepath.Join(dir, "demo.json")
	writeSnapshot(t, snap, demo.Snapshot())
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "iamspect.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h := &hook{}
	hs := httptest.NewServer(h)
	defer hs.Close()
	r := startServer(t, fmt.Sprintf(`
targets:
  - name: every-second
    schedule: 1s
    snapshot: %s
  - name: broken
    schedule: 1h
    snapshot: %s
notifications:
  - {name: hook, type: webhook, url: %s, on: [scan_failed]}
`, snap, filepath.Join(dir, "missing.json"), hs.URL), st)
	scans := waitScans(t, r.base, "every-second", 3, 20*time.Second)
	triggers := map[string]int{}
	for _, sc := range scans {
		if sc.Status == store.StatusSucceeded {
			triggers[sc.Trigger]++
		}
	}
	if triggers["start"] != 1 || triggers["schedule"] < 1 {
		t.Fatalf("triggers %v", triggers)
	}
	failed := waitScans(t, r.base, "broken", 1, 10*time.Second)
	if failed[0].Status != store.StatusFailed || !strings.Contains(failed[0].Error, "missing.json") {
		t.Fatalf("broken target: %+v", failed[0])
	}
	deadline := time.Now().Add(5 * time.Second)
	for h.count() == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.bodies) != 1 || !strings.Contains(string(h.bodies[0]), `"event":"scan_failed"`) || !strings.Contains(string(h.bodies[0]), `"target":"broken"`) {
		t.Fatalf("scan_failed events: %d %s", len(h.bodies), h.bodies)
	}
	if h.sigs[0] != "" {
		t.Errorf("an unsigned channel sent a signature %q", h.sigs[0])
	}
}
