package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/iamspect/iamspect/internal/store/sqlite"
)

// Every documented path and method is routed, and every routed API path
// (and /healthz, /readyz, /metrics) is documented.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string                    `yaml:"openapi"`
		Paths   map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi %q, want 3.x", doc.OpenAPI)
	}
	var documented []string
	for p, ops := range doc.Paths {
		for m := range ops {
			if m == "parameters" {
				continue
			}
			documented = append(documented, strings.ToUpper(m)+" "+p)
		}
	}
	s := testServer(t)
	var routed []string
	for _, r := range append(s.apiRoutes(), s.otherRoutes()...) {
		routed = append(routed, r.method+" "+r.pattern)
	}
	sort.Strings(documented)
	sort.Strings(routed)
	if !slices.Equal(documented, routed) {
		t.Fatalf("documented:\n  %s\nrouted:\n  %s", strings.Join(documented, "\n  "), strings.Join(routed, "\n  "))
	}
	// And the router really answers each documented operation (not 404
	// "no route" nor 405), with placeholders for path parameters.
	h := s.Handler()
	for _, op := range documented {
		method, path, _ := strings.Cut(op, " ")
		path = strings.NewReplacer("{name}", "demo", "{id}", "1", "{target}", "demo", "{fingerprint}", "ffff").Replace(path)
		req := httptest.NewRequest(method, path, strings.NewReader(`{"reason":""}`))
		req.Host = "127.0.0.1:8080"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code == http.StatusMethodNotAllowed || rec.Code == http.StatusMisdirectedRequest || rec.Code == http.StatusNotFound && !strings.Contains(rec.Body.String(), `"error"`) {
			t.Errorf("%s: HTTP %d %q: not routed", op, rec.Code, rec.Body.String())
		}
	}
	s.scans.Wait() // the scan POST started (it fails: no snapshot file)
}

// testServer is a server over an empty SQLite store with one offline
// target, not serving.
func testServer(t *testing.T) *Server {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg, err := ParseConfig([]byte("targets:\n  - name: demo\n    snapshot: demo.json\n"), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(context.Background(), Options{Config: cfg, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
