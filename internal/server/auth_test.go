package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/store/sqlite"
)

func TestTokensHashedAndCompared(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "tokens"), []byte("# ops\nfile-token-1\n\n  file-token-2  \n"), 0o600)
	t.Setenv("TEST_TOKENS", "env-token-a, env-token-b")
	tk, err := LoadTokens(Auth{TokensFile: "tokens", TokensEnv: "TEST_TOKENS"}, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, ok := range []string{"file-token-1", "file-token-2", "env-token-a", "env-token-b"} {
		if !tk.Valid(ok) {
			t.Errorf("%q rejected", ok)
		}
	}
	for _, bad := range []string{"", "file-token", "# ops", "env-token-a, env-token-b"} {
		if tk.Valid(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
	for _, h := range tk.hashes {
		if strings.Contains(string(h[:]), "token") {
			t.Fatal("a token is kept in clear")
		}
	}
	if _, err := LoadTokens(Auth{TokensEnv: "TEST_NO_SUCH_VAR"}, dir); err == nil || !strings.Contains(err.Error(), "TEST_NO_SUCH_VAR is not set") {
		t.Fatalf("missing env: %v", err)
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:8080": true, "[::1]:80": true, "localhost:1": true, "127.0.0.2:1": true,
		":8080": false, "0.0.0.0:8080": false, "10.0.0.5:80": false, "example.com:80": false, "bad": false} {
		if got := IsLoopback(addr); got != want {
			t.Errorf("%s: %v, want %v", addr, got, want)
		}
	}
}

// With tokens, the API needs a bearer token, the dashboard a login;
// health checks stay open.
func TestAuthRequired(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	t.Setenv("TEST_TOKENS", "good-token")
	cfg, err := ParseConfig([]byte("auth:\n  tokens_env: TEST_TOKENS\ntargets:\n  - name: demo\n    snapshot: demo.json\n"), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := LoadTokens(cfg.Auth, "")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(context.Background(), Options{Config: cfg, Store: st, Tokens: tokens})
	if err != nil {
		t.Fatal(err)
	}
	s.ready.Store(true)
	do := func(method, path, token string, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if method == "POST" && body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		return rec
	}
	for _, p := range []string{"/api/v1/targets", "/metrics", "/api/v1/findings"} {
		if rec := do("GET", p, "", ""); rec.Code != 401 || rec.Header().Get("WWW-Authenticate") == "" {
			t.Errorf("%s without a token: %d", p, rec.Code)
		}
		if rec := do("GET", p, "wrong", ""); rec.Code != 401 {
			t.Errorf("%s with a wrong token: %d", p, rec.Code)
		}
		if rec := do("GET", p, "good-token", ""); rec.Code != 200 {
			t.Errorf("%s with the token: %d %s", p, rec.Code, rec.Body.String())
		}
	}
	if rec := do("POST", "/api/v1/targets/demo/scans", "", ""); rec.Code != 401 {
		t.Errorf("trigger without a token: %d", rec.Code)
	}
	for _, p := range []string{"/healthz", "/readyz", "/login", "/assets/style.css"} {
		if rec := do("GET", p, "", ""); rec.Code != 200 {
			t.Errorf("%s: %d", p, rec.Code)
		}
	}
	if rec := do("GET", "/", "", ""); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login" {
		t.Errorf("dashboard without login: %d %v", rec.Code, rec.Header())
	}
	if rec := do("POST", "/login", "", url.Values{"token": {"wrong"}}.Encode()); rec.Code != 401 || !strings.Contains(rec.Body.String(), "not valid") {
		t.Errorf("bad login: %d", rec.Code)
	}
	rec := do("POST", "/login", "", url.Values{"token": {"good-token"}}.Encode())
	cookies := rec.Result().Cookies()
	if rec.Code != http.StatusSeeOther || len(cookies) != 1 || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteStrictMode {
		t.Fatalf("login: %d %+v", rec.Code, cookies)
	}
	req := httptest.NewRequest("GET", "/", nil)
	req.AddCookie(cookies[0])
	rec = httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Overview") {
		t.Errorf("dashboard after login: %d", rec.Code)
	}
	if h := rec.Header().Get("Content-Security-Policy"); !strings.Contains(h, "default-src 'self'") {
		t.Errorf("CSP %q", h)
	}
}

// Without tokens, a cross-site POST (CSRF) and a request for a host name
// other than loopback (DNS rebinding) are refused.
func TestCrossSiteAndRebindingRefused(t *testing.T) {
	s := testServer(t)
	s.ready.Store(true)
	do := func(method, host string, h map[string]string) int {
		req := httptest.NewRequest(method, "/api/v1/targets/demo/scans", nil)
		req.Host = host
		for k, v := range h {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		return rec.Code
	}
	if code := do("POST", "127.0.0.1:8080", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}); code != http.StatusForbidden {
		t.Errorf("cross-site POST: %d, want 403", code)
	}
	if code := do("GET", "evil.example:8080", nil); code != http.StatusMisdirectedRequest {
		t.Errorf("rebound host: %d, want 421", code)
	}
	for _, host := range []string{"127.0.0.1:8080", "localhost:8080", "[::1]:8080"} {
		req := httptest.NewRequest("GET", "/healthz", nil)
		req.Host = host
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Errorf("%s: %d", host, rec.Code)
		}
	}
}
