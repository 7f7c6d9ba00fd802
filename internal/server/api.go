package server

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/store"
)

// OpenAPI documents the API; a test holds it to the routes.
//
//go:embed openapi.yaml
var OpenAPI []byte

// route is one handler; routes() is the whole table, which the OpenAPI
// test compares with openapi.yaml.
type route struct {
	method, pattern string
	h               http.HandlerFunc
}

func (s *Server) apiRoutes() []route {
	return []route{
		{"GET", "/api/v1/targets", s.apiTargets},
		{"GET", "/api/v1/targets/{name}", s.apiTarget},
		{"POST", "/api/v1/targets/{name}/scans", s.apiTrigger},
		{"GET", "/api/v1/targets/{name}/drift", s.apiDrift},
		{"GET", "/api/v1/scans", s.apiScans},
		{"GET", "/api/v1/scans/{id}", s.apiScan},
		{"GET", "/api/v1/scans/{id}/results", s.apiResults},
		{"GET", "/api/v1/findings", s.apiFindings},
		{"GET", "/api/v1/findings/{target}/{fingerprint}", s.apiFinding},
		{"POST", "/api/v1/findings/{target}/{fingerprint}/mute", s.apiMute},
		{"GET", "/api/v1/deliveries", s.apiDeliveries},
		{"GET", "/api/v1/openapi.yaml", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/yaml")
			_, _ = w.Write(OpenAPI) // a client gone away is not the server's error
		}},
	}
}

func (s *Server) otherRoutes() []route {
	return []route{
		{"GET", "/healthz", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, map[string]string{"status": "ok"}) }},
		{"GET", "/readyz", s.handleReady},
		{"GET", "/metrics", s.handleMetrics},
	}
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	for _, r := range append(append(s.apiRoutes(), s.otherRoutes()...), s.dashboardRoutes()...) {
		mux.HandleFunc(r.method+" "+r.pattern, s.counted(r.method+" "+r.pattern, r.h))
	}
	// Cross-site POSTs are refused (CSRF), and without tokens only a
	// loopback Host is served (DNS rebinding: a web page must not reach a
	// loopback server through a name that resolves to 127.0.0.1).
	csrf := http.NewCrossOriginProtection()
	return securityHeaders(s.checkHost(csrf.Handler(s.requireAuth(mux))))
}

// checkHost refuses, when no token is configured, a Host header that is not
// a loopback address or "localhost".
func (s *Server) checkHost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.tokens.Enabled() && !loopbackHost(r.Host) {
			http.Error(w, "this server only answers requests for a loopback host (configure auth to serve other names)", http.StatusMisdirectedRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if !s.ready.Load() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready"})
		return
	}
	if _, err := s.st.Scans(ctx, "", 1, 0); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "store unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

type apiError struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // a client gone away is not the server's error
}

func (s *Server) fail(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound), errors.Is(err, ErrUnknownTarget):
		writeJSON(w, http.StatusNotFound, apiError{Error: err.Error()})
	case errors.Is(err, ErrBusy):
		writeJSON(w, http.StatusConflict, apiError{Error: err.Error()})
	case errors.Is(err, ErrShuttingDown):
		writeJSON(w, http.StatusServiceUnavailable, apiError{Error: err.Error()})
	default:
		var bad badRequest
		if errors.As(err, &bad) {
			writeJSON(w, http.StatusBadRequest, apiError{Error: err.Error()})
			return
		}
		s.log.Error("request failed", "err", err)
		writeJSON(w, http.StatusInternalServerError, apiError{Error: "internal error (see the server's log)"})
	}
}

type badRequest struct{ msg string }

// IsBadRequest says whether err is the request's fault (a bad filter, a
// scan of another target, too few scans for a drift).
func IsBadRequest(err error) bool {
	var b badRequest
	return errors.As(err, &b)
}

func (b badRequest) Error() string { return b.msg }

// TargetInfo is a target in the API: its settings (never a credential) and
// its last scan.
type TargetInfo struct {
	Name     string      `json:"name"`
	Kind     string      `json:"kind"` // live, snapshot, files
	Schedule string      `json:"schedule"`
	Next     *time.Time  `json:"next_scan,omitempty"`
	Running  bool        `json:"running"`
	LastScan *store.Scan `json:"last_scan,omitempty"`
	// LastSuccess is the last successful scan's finish time.
	LastSuccess *time.Time `json:"last_success,omitempty"`
}

func (s *Server) targetInfo(ctx context.Context, r *runner) (TargetInfo, error) {
	t := r.t
	kind := "live"
	switch {
	case t.Snapshot != "":
		kind = "snapshot"
	case t.From != "":
		kind = "files"
	}
	ti := TargetInfo{Name: t.Name, Kind: kind, Schedule: t.schedule.String(), Running: r.busy.Load()}
	if ms := r.next.Load(); ms > 0 {
		n := time.UnixMilli(ms).UTC()
		ti.Next = &n
	} else if n := t.schedule.Next(s.now()); !n.IsZero() {
		ti.Next = &n
	}
	scans, err := s.st.Scans(ctx, t.Name, 50, 0)
	if err != nil {
		return ti, err
	}
	if len(scans) > 0 {
		ti.LastScan = &scans[0]
	}
	for _, sc := range scans {
		if sc.Status == store.StatusSucceeded {
			ti.LastSuccess = sc.FinishedAt
			break
		}
	}
	return ti, nil
}

func (s *Server) apiTargets(w http.ResponseWriter, r *http.Request) {
	out := []TargetInfo{}
	for _, rn := range s.runners {
		ti, err := s.targetInfo(r.Context(), rn)
		if err != nil {
			s.fail(w, err)
			return
		}
		out = append(out, ti)
	}
	writeJSON(w, 200, map[string]any{"targets": out})
}

func (s *Server) apiTarget(w http.ResponseWriter, r *http.Request) {
	rn := s.byName[r.PathValue("name")]
	if rn == nil {
		s.fail(w, ErrUnknownTarget)
		return
	}
	ti, err := s.targetInfo(r.Context(), rn)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, 200, ti)
}

func (s *Server) apiTrigger(w http.ResponseWriter, r *http.Request) {
	id, err := s.Trigger(r.PathValue("name"), "api")
	if err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Location", "/api/v1/scans/"+strconv.FormatInt(id, 10))
	writeJSON(w, http.StatusAccepted, map[string]any{"scan_id": id, "status": store.StatusRunning})
}

func paging(r *http.Request) (limit, offset int, err error) {
	q := r.URL.Query()
	limit, offset = 50, 0
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 1000 {
			return 0, 0, badRequest{"limit: want 1 to 1000"}
		}
	}
	if v := q.Get("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			return 0, 0, badRequest{"offset: want a number >= 0"}
		}
	}
	return limit, offset, nil
}

func (s *Server) apiScans(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := paging(r)
	if err != nil {
		s.fail(w, err)
		return
	}
	target := r.URL.Query().Get("target")
	if target != "" && s.byName[target] == nil {
		s.fail(w, ErrUnknownTarget)
		return
	}
	scans, err := s.st.Scans(r.Context(), target, limit, offset)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, 200, map[string]any{"scans": scans, "limit": limit, "offset": offset})
}

func scanID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, badRequest{"scan id: want a positive number"}
	}
	return id, nil
}

func (s *Server) apiScan(w http.ResponseWriter, r *http.Request) {
	id, err := scanID(r)
	if err == nil {
		var sc *store.Scan
		if sc, err = s.st.Scan(r.Context(), id); err == nil {
			writeJSON(w, 200, sc)
			return
		}
	}
	s.fail(w, err)
}

func (s *Server) apiResults(w http.ResponseWriter, r *http.Request) {
	id, err := scanID(r)
	if err != nil {
		s.fail(w, err)
		return
	}
	if _, err := s.st.Scan(r.Context(), id); err != nil {
		s.fail(w, err)
		return
	}
	rs, err := s.st.Results(r.Context(), id)
	if err != nil {
		s.fail(w, err)
		return
	}
	if st := r.URL.Query().Get("status"); st != "" {
		kept := rs[:0]
		for _, x := range rs {
			if strings.EqualFold(string(x.Status), st) {
				kept = append(kept, x)
			}
		}
		rs = kept
	}
	writeJSON(w, 200, map[string]any{"scan_id": id, "results": rs})
}

// findingQuery reads the filters shared by the API and the dashboard.
func findingQuery(r *http.Request) (store.FindingQuery, error) {
	q := r.URL.Query()
	fq := store.FindingQuery{Target: q.Get("target"), RuleID: q.Get("rule"), Account: q.Get("account"), State: q.Get("state")}
	for _, v := range q["severity"] {
		for _, p := range strings.Split(v, ",") {
			if p == "" {
				continue
			}
			sev, err := finding.ParseSeverity(p)
			if err != nil {
				return fq, badRequest{err.Error()}
			}
			fq.Severity = append(fq.Severity, sev)
		}
	}
	switch fq.State {
	case "", "active", store.StateNew, store.StateOpen, store.StateResolved, store.StateReopened:
	default:
		return fq, badRequest{"state: want new, open, reopened, resolved or active"}
	}
	if v := q.Get("since"); v != "" {
		t, err := parseSince(v)
		if err != nil {
			return fq, err
		}
		fq.Since = t
	}
	return fq, nil
}

// parseSince accepts RFC 3339, a date, or a duration back from now ("24h", "7d").
func parseSince(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t, nil
	}
	if n, ok := strings.CutSuffix(v, "d"); ok {
		if d, err := strconv.Atoi(n); err == nil && d >= 0 {
			return time.Now().Add(-time.Duration(d) * 24 * time.Hour), nil
		}
	}
	if d, err := time.ParseDuration(v); err == nil && d >= 0 {
		return time.Now().Add(-d), nil
	}
	return time.Time{}, badRequest{"since: want a time (RFC 3339), a date (2006-01-02) or a duration back from now (24h, 7d)"}
}

func (s *Server) apiFindings(w http.ResponseWriter, r *http.Request) {
	fq, err := findingQuery(r)
	if err == nil {
		fq.Limit, fq.Offset, err = paging(r)
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	fs, total, err := s.st.Findings(r.Context(), fq)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, 200, map[string]any{"findings": fs, "total": total, "limit": fq.Limit, "offset": fq.Offset})
}

// FindingDetail is a finding with its history and its rule's fix.
type FindingDetail struct {
	store.Finding
	Events []store.Event    `json:"events"`
	Rule   *report.RuleInfo `json:"rule,omitempty"`
}

func (s *Server) findingDetail(ctx context.Context, target, fp string) (*FindingDetail, error) {
	f, events, err := s.st.Finding(ctx, target, fp)
	if err != nil {
		return nil, err
	}
	d := &FindingDetail{Finding: *f, Events: events}
	if rules, err := s.st.Rules(ctx, f.LastScanID); err == nil {
		for i := range rules {
			if rules[i].ID == f.RuleID {
				d.Rule = &rules[i]
			}
		}
	}
	return d, nil
}

func (s *Server) apiFinding(w http.ResponseWriter, r *http.Request) {
	d, err := s.findingDetail(r.Context(), r.PathValue("target"), r.PathValue("fingerprint"))
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, 200, d)
}

func (s *Server) apiMute(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Reason  string     `json:"reason"`
		Expires *time.Time `json:"expires"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&body); err != nil {
		s.fail(w, badRequest{"body: want JSON {\"reason\": \"...\", \"expires\": \"2026-12-31T00:00:00Z\"}"})
		return
	}
	if err := s.st.Mute(r.Context(), r.PathValue("target"), r.PathValue("fingerprint"), strings.TrimSpace(body.Reason), body.Expires); err != nil {
		s.fail(w, err)
		return
	}
	s.apiFinding(w, r)
}

func (s *Server) apiDeliveries(w http.ResponseWriter, r *http.Request) {
	limit, _, err := paging(r)
	if err != nil {
		s.fail(w, err)
		return
	}
	ds, err := s.st.Deliveries(r.Context(), limit)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, 200, map[string]any{"deliveries": ds})
}

// counted counts a route's requests by status code (iamspect_http_requests_total).
func (s *Server) counted(route string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		h(sw, r)
		s.metrics.request(route, sw.code)
	}
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
