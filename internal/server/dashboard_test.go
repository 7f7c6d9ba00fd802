package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/store"
	"github.com/iamspect/iamspect/internal/store/sqlite"
	"github.com/iamspect/iamspect/internal/store/storetest"
)

const hostile = `<script>alert("x")</script><img src=x onerror=alert(1)>`

func writeSnapshot(t *testing.T, path string, s *snapshot.Snapshot) {
	t.Helper()
	var buf bytes.Buffer
	if err := s.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// seeded is a server whose store holds two scans of the demo (the second
// after the account changed) and a finding with hostile text.
func seeded(t *testing.T) (*running, *Server) {
	t.Helper()
	dir := t.TempDir()
	snap := filepath.Join(dir, "northwind.json")
	writeSnapshot(t, snap, demo.Snapshot())
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "iamspect.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// A hostile finding on another target.
	h := storetest.Result("r-hostile", finding.Fail, finding.High, hostile)
	h.Message = hostile
	storetest.Scan(t, st, "lab", storetest.T0, h)
	r := startServer(t, "targets:\n  - name: northwind\n    schedule: 1h\n    snapshot: "+snap+"\n  - name: lab\n    schedule: 1h\n    snapshot: "+snap+"\n", st)
	waitScans(t, r.base, "northwind", 1, 20*time.Second)
	idle(t, r.srv, "northwind")
	writeSnapshot(t, snap, stateB())
	if _, err := r.srv.Trigger("northwind", "api"); err != nil {
		t.Fatal(err)
	}
	waitScans(t, r.base, "northwind", 2, 20*time.Second)
	idle(t, r.srv, "northwind")
	return r, r.srv
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Every page renders, with its content, and user data is escaped.
func TestDashboardPages(t *testing.T) {
	r, _ := seeded(t)
	var fs struct{ Findings []store.Finding }
	getJSON(t, r.base+"/api/v1/findings?target=northwind&state=new", &fs)
	if len(fs.Findings) == 0 {
		t.Fatal("no new finding")
	}
	newF := fs.Findings[0]
	scans := waitScans(t, r.base, "northwind", 2, time.Second)
	pages := []struct{ path, want string }{
		{"/", "Open findings over time"},
		{"/", "<polyline"},
		{"/", "northwind"},
		{"/findings?state=active", "</span> findings"},
		{"/findings?state=new&target=northwind", newF.ResourceName},
		{"/findings?severity=high&state=resolved", "resolved"},
		{"/findings/northwind/" + newF.Fingerprint, "Fix"},
		{"/findings/northwind/" + newF.Fingerprint, "History"},
		{"/findings/northwind/" + newF.Fingerprint, `class="mute filters"`},
		{"/drift?target=northwind", "vendor-access"},
		{"/drift?target=northwind", "removed"},
		{"/scans", "succeeded"},
		{"/scans/" + itoa(scans[0].ID), "Gaps"},
		{"/findings?target=lab", "&lt;script&gt;"},
	}
	for _, p := range pages {
		code, body := get(t, r.base+p.path)
		if code != 200 || !strings.Contains(body, p.want) {
			t.Errorf("%s: HTTP %d, lacks %q", p.path, code, p.want)
		}
		if strings.Contains(body, hostile) || strings.Contains(body, "<script>alert") {
			t.Errorf("%s: hostile text unescaped", p.path)
		}
	}
	for _, p := range []string{"/findings/northwind/nope", "/scans/999", "/drift?target=nope"} {
		if code, _ := get(t, r.base+p); code != 404 {
			t.Errorf("%s: HTTP %d, want 404", p, code)
		}
	}
	if code, _ := get(t, r.base+"/findings?severity=bad"); code != 400 {
		t.Errorf("bad filter: HTTP %d", code)
	}
	code, css := get(t, r.base+"/assets/style.css")
	if code != 200 || !strings.Contains(css, ".sev-critical") {
		t.Errorf("style.css: %d", code)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// chromium finds Debian's headless browser, or skips.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium is not on PATH (apt-get install chromium; .ci/run installs it): the dashboard is not checked in a browser")
	return ""
}

func runChromium(t *testing.T, browser string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	base := []string{"--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-extensions",
		"--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, browser, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.String()
}

// The pages in headless Chromium: the DOM after scripts ran holds what the
// page should show (no script error, no injected element), and with
// IAMSPECT_SCREENSHOTS=DIR the overview and a finding are saved as PNGs
// (docs/img holds the ones in docs/serve.md).
func TestDashboardInChromium(t *testing.T) {
	browser := chromium(t)
	r, _ := seeded(t)
	var fs struct{ Findings []store.Finding }
	getJSON(t, r.base+"/api/v1/findings?target=northwind&state=new", &fs)
	if len(fs.Findings) == 0 {
		t.Fatal("no new finding")
	}
	checks := []struct{ path, want string }{
		{"/", `class="line sev-line-`},
		{"/findings?target=lab", "&lt;script&gt;alert"},
		{"/findings/northwind/" + fs.Findings[0].Fingerprint, "vendor-access"},
		{"/drift?target=northwind", "dave.contractor"},
	}
	for _, c := range checks {
		dom := runChromium(t, browser, "--dump-dom", r.base+c.path)
		if !strings.Contains(dom, c.want) {
			t.Errorf("%s in Chromium lacks %q", c.path, c.want)
		}
		if strings.Contains(dom, "<img src=\"x\"") || strings.Contains(dom, "<script>alert") {
			t.Errorf("%s: the hostile text became markup", c.path)
		}
	}
	if dir := os.Getenv("IAMSPECT_SCREENSHOTS"); dir != "" {
		for name, path := range map[string]string{"serve-overview.png": "/", "serve-findings.png": "/findings?state=active&target=northwind",
			"serve-drift.png": "/drift?target=northwind", "serve-finding.png": "/findings/northwind/" + fs.Findings[0].Fingerprint} {
			out := filepath.Join(dir, name)
			runChromium(t, browser, "--window-size=1100,760", "--screenshot="+out, r.base+path)
			if fi, err := os.Stat(out); err != nil || fi.Size() == 0 {
				t.Errorf("screenshot %s: %v", out, err)
			}
		}
	}
}
