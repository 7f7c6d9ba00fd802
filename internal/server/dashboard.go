package server

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/store"
	"github.com/iamspect/iamspect/internal/version"
	"github.com/iamspect/iamspect/internal/wording"
)

//go:embed web/*.html web/assets
var webFS embed.FS

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"fmtTime": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") },
	// noun writes "finding" or "findings" for a count, as people write it.
	"noun": wording.Noun,
	"json": func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Sprint(v)
		}
		return string(b)
	},
	"ms": func(v int64) string {
		return (time.Duration(v) * time.Millisecond).Round(100 * time.Millisecond).String()
	},
}).ParseFS(webFS, "web/*.html"))

func (s *Server) dashboardRoutes() []route {
	assets, _ := fs.Sub(webFS, "web/assets")
	files := http.StripPrefix("/assets/", http.FileServerFS(assets))
	return []route{
		{"GET", "/{$}", s.pageOverview},
		{"GET", "/findings", s.pageFindings},
		{"GET", "/findings/{target}/{fingerprint}", s.pageFinding},
		{"GET", "/drift", s.pageDrift},
		{"GET", "/scans", s.pageScans},
		{"GET", "/scans/{id}", s.pageScan},
		{"GET", "/login", s.pageLogin},
		{"POST", "/login", s.postLogin},
		{"GET", "/assets/", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "max-age=3600")
			files.ServeHTTP(w, r)
		}},
	}
}

// page is what every template gets beside its own data.
type page struct {
	Title, Nav, Version string
}

func (s *Server) render(w http.ResponseWriter, name string, data any) {
	s.renderStatus(w, http.StatusOK, name, data)
}

func (s *Server) renderStatus(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		s.log.Error("rendering a page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes()) // a client gone away is not the server's error
}

func (s *Server) pageError(w http.ResponseWriter, err error) {
	var bad badRequest
	switch {
	case errors.Is(err, store.ErrNotFound), errors.Is(err, ErrUnknownTarget):
		http.Error(w, "not found", http.StatusNotFound)
	case errors.As(err, &bad):
		http.Error(w, bad.msg, http.StatusBadRequest)
	default:
		s.log.Error("page failed", "err", err)
		http.Error(w, "internal error (see the server's log)", http.StatusInternalServerError)
	}
}

type sevCount struct {
	Severity finding.Severity
	N        int
}

type accountRow struct {
	Account string
	Counts  []int
	Total   int
}

type overviewData struct {
	page
	BySeverity []sevCount
	ByAccount  []accountRow
	Severities []finding.Severity
	Targets    []TargetInfo
	Charts     []*chart
}

func active(state string) bool {
	return state == store.StateNew || state == store.StateOpen || state == store.StateReopened
}

func (s *Server) pageOverview(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := overviewData{page: s.page("Overview", "overview"), Severities: severities}
	counts, err := s.st.CountFindings(ctx, "")
	if err != nil {
		s.pageError(w, err)
		return
	}
	bySev := map[finding.Severity]int{}
	byAcct := map[string]map[finding.Severity]int{}
	for _, c := range counts {
		if !active(c.State) {
			continue
		}
		bySev[c.Severity] += c.N
		if byAcct[c.AccountID] == nil {
			byAcct[c.AccountID] = map[finding.Severity]int{}
		}
		byAcct[c.AccountID][c.Severity] += c.N
	}
	for _, sev := range severities {
		d.BySeverity = append(d.BySeverity, sevCount{sev, bySev[sev]})
	}
	for acct, m := range byAcct {
		row := accountRow{Account: acct}
		for _, sev := range severities {
			row.Counts = append(row.Counts, m[sev])
			row.Total += m[sev]
		}
		d.ByAccount = append(d.ByAccount, row)
	}
	sort.Slice(d.ByAccount, func(i, j int) bool {
		a, b := d.ByAccount[i], d.ByAccount[j]
		return a.Total > b.Total || a.Total == b.Total && a.Account < b.Account
	})
	for _, rn := range s.runners {
		ti, err := s.targetInfo(ctx, rn)
		if err != nil {
			s.pageError(w, err)
			return
		}
		d.Targets = append(d.Targets, ti)
	}
	for _, rn := range s.runners {
		trend, err := s.st.Trend(ctx, rn.t.Name, 60)
		if err != nil {
			s.pageError(w, err)
			return
		}
		if c := makeChart(trend); c != nil {
			c.Target = rn.t.Name
			d.Charts = append(d.Charts, c)
		}
	}
	s.render(w, "overview", d)
}

// chart is an inline SVG line chart of failing results per severity over
// the latest scans, laid out here so the template only places numbers.
type chart struct {
	Target                              string
	W, H, X0, X1, Y0, Y1, TickX, LabelY int
	Ticks                               []tick
	Lines                               []line
	First, Last                         string
}

type tick struct {
	Y     int
	Label string
}

type line struct {
	Severity finding.Severity
	Points   string
	// Dots mark each scan (a single scan draws no line).
	Dots []dot
}

type dot struct {
	X, Y, N int
}

func makeChart(trend []store.TrendPoint) *chart {
	if len(trend) == 0 {
		return nil
	}
	c := &chart{W: 900, H: 190, X0: 50, X1: 880, Y0: 160, Y1: 12, TickX: 8, LabelY: 182}
	maxV := 1
	for _, p := range trend {
		for _, n := range p.Fail {
			maxV = max(maxV, n)
		}
	}
	x := func(i int) int {
		if len(trend) == 1 {
			return (c.X0 + c.X1) / 2
		}
		return c.X0 + i*(c.X1-c.X0)/(len(trend)-1)
	}
	y := func(v int) int { return c.Y0 - v*(c.Y0-c.Y1)/maxV }
	for _, v := range []int{0, maxV / 2, maxV} {
		c.Ticks = append(c.Ticks, tick{Y: y(v) + 4, Label: strconv.Itoa(v)})
	}
	for _, sev := range severities {
		var pts []string
		var dots []dot
		any := false
		for i, p := range trend {
			pts = append(pts, fmt.Sprintf("%d,%d", x(i), y(p.Fail[sev])))
			dots = append(dots, dot{X: x(i), Y: y(p.Fail[sev]), N: p.Fail[sev]})
			any = any || p.Fail[sev] > 0
		}
		if any {
			c.Lines = append(c.Lines, line{Severity: sev, Points: strings.Join(pts, " "), Dots: dots})
		}
	}
	c.First = trend[0].At.UTC().Format("2006-01-02 15:04")
	c.Last = trend[len(trend)-1].At.UTC().Format("2006-01-02 15:04")
	return c
}

func (s *Server) page(title, nav string) page {
	return page{Title: title, Nav: nav, Version: version.String()}
}

type findingsData struct {
	page
	Q               store.FindingQuery
	Sev, Since      string
	Severities      []finding.Severity
	States          []string
	TargetNames     []string
	Findings        []store.Finding
	Total, From, To int
	Prev, Next      string
}

const pageSize = 50

func (s *Server) pageFindings(w http.ResponseWriter, r *http.Request) {
	q, err := findingQuery(r)
	if err != nil {
		s.pageError(w, err)
		return
	}
	pg, _ := strconv.Atoi(r.URL.Query().Get("page"))
	pg = max(pg, 1)
	q.Limit, q.Offset = pageSize, (pg-1)*pageSize
	fs, total, err := s.st.Findings(r.Context(), q)
	if err != nil {
		s.pageError(w, err)
		return
	}
	d := findingsData{page: s.page("Findings", "findings"), Q: q, Since: r.URL.Query().Get("since"), Severities: severities,
		States:      []string{"", "active", store.StateNew, store.StateOpen, store.StateReopened, store.StateResolved},
		TargetNames: s.targetNames(), Findings: fs, Total: total, From: q.Offset + 1, To: q.Offset + len(fs)}
	if len(q.Severity) == 1 {
		d.Sev = string(q.Severity[0])
	}
	link := func(p int) string {
		v := r.URL.Query()
		v.Set("page", strconv.Itoa(p))
		return "/findings?" + v.Encode()
	}
	if pg > 1 {
		d.Prev = link(pg - 1)
	}
	if q.Offset+len(fs) < total {
		d.Next = link(pg + 1)
	}
	s.render(w, "findings", d)
}

func (s *Server) pageFinding(w http.ResponseWriter, r *http.Request) {
	d, err := s.findingDetail(r.Context(), r.PathValue("target"), r.PathValue("fingerprint"))
	if err != nil {
		s.pageError(w, err)
		return
	}
	title := d.RuleID + " · " + d.ResourceName
	s.render(w, "finding", map[string]any{"Title": title, "Nav": "findings", "Version": version.String(),
		"F": d.Finding, "Rule": d.Rule, "Events": d.Events})
}

type driftData struct {
	page
	Target      string
	TargetNames []string
	Timeline    []*Drift
}

func (s *Server) pageDrift(w http.ResponseWriter, r *http.Request) {
	target := r.URL.Query().Get("target")
	if target == "" && len(s.runners) > 0 {
		target = s.runners[0].t.Name
	}
	if s.byName[target] == nil {
		s.pageError(w, ErrUnknownTarget)
		return
	}
	d := driftData{page: s.page("Drift of "+target, "drift"), Target: target, TargetNames: s.targetNames()}
	tl, err := s.timeline(r.Context(), target, 10)
	if err != nil {
		s.pageError(w, err)
		return
	}
	d.Timeline = tl
	s.render(w, "drift", d)
}

// timeline compares each of the target's latest successful scans with the
// one before it, newest first, keeping the pairs where something changed.
func (s *Server) timeline(ctx context.Context, target string, n int) ([]*Drift, error) {
	ok, err := succeeded(ctx, s.st, target, n+1)
	if err != nil {
		return nil, err
	}
	var out []*Drift
	for i := 0; i+1 < len(ok) && i < n; i++ {
		d, err := s.driftOf(ctx, target, ok[i+1].ID, ok[i].ID)
		if err != nil {
			return nil, err
		}
		if len(d.IAM.Changes) > 0 || len(d.Findings.New) > 0 || len(d.Findings.Resolved) > 0 {
			out = append(out, d)
		}
	}
	return out, nil
}

func (s *Server) pageScans(w http.ResponseWriter, r *http.Request) {
	scans, err := s.st.Scans(r.Context(), r.URL.Query().Get("target"), 100, 0)
	if err != nil {
		s.pageError(w, err)
		return
	}
	s.render(w, "scans", map[string]any{"Title": "Scans", "Nav": "scans", "Version": version.String(), "Scans": scans})
}

func (s *Server) pageScan(w http.ResponseWriter, r *http.Request) {
	id, err := scanID(r)
	if err != nil {
		s.pageError(w, err)
		return
	}
	sc, err := s.st.Scan(r.Context(), id)
	if err != nil {
		s.pageError(w, err)
		return
	}
	rs, err := s.st.Results(r.Context(), id)
	if err != nil {
		s.pageError(w, err)
		return
	}
	var failing []finding.Result
	for _, x := range rs {
		if x.Status == finding.Fail && len(failing) < 500 {
			failing = append(failing, x)
		}
	}
	s.render(w, "scan", map[string]any{"Title": fmt.Sprintf("Scan %d of %s", sc.ID, sc.Target), "Nav": "scans",
		"Version": version.String(), "S": sc, "Failing": failing})
}

func (s *Server) pageLogin(w http.ResponseWriter, _ *http.Request) {
	s.render(w, "login", map[string]any{"Title": "Sign in", "Nav": "", "Version": version.String()})
}

// postLogin checks the token and keeps it in an HttpOnly, SameSite=Strict
// cookie for the dashboard.
func (s *Server) postLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<14)
	tok := strings.TrimSpace(r.PostFormValue("token"))
	if !s.tokens.Valid(tok) {
		s.renderStatus(w, http.StatusUnauthorized, "login", map[string]any{"Title": "Sign in", "Nav": "", "Version": version.String(), "Error": "That token is not valid."})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: tok, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: r.TLS != nil, MaxAge: 12 * 3600})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
