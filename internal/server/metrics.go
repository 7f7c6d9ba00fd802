package server

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/iamspect/iamspect/internal/finding"
)

// Metrics are kept in memory and written in Prometheus's text exposition
// format (version 0.0.4) by hand: a handful of counters, gauges and one
// histogram need no client library.
type Metrics struct {
	mu          sync.Mutex
	scans       map[[2]string]float64 // target, status
	durations   map[string]*histogram // by target
	apiCalls    map[[2]string]float64 // target, action
	lastSuccess map[string]time.Time
	running     map[string]bool
	findings    map[string]map[[2]string]int // target -> severity, state
	deliveries  map[[2]string]float64        // channel, outcome
	requests    map[[2]string]float64        // route, status code
}

var durationBuckets = []float64{1, 5, 15, 60, 300, 900, 1800, 3600}

type histogram struct {
	counts []float64 // per bucket, cumulative at write time
	sum    float64
	n      float64
}

// NewMetrics returns empty metrics.
func NewMetrics() *Metrics {
	return &Metrics{scans: map[[2]string]float64{}, durations: map[string]*histogram{}, apiCalls: map[[2]string]float64{},
		lastSuccess: map[string]time.Time{}, running: map[string]bool{}, findings: map[string]map[[2]string]int{},
		deliveries: map[[2]string]float64{}, requests: map[[2]string]float64{}}
}

func (m *Metrics) scanStarted(target string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.running[target] = true
}

// scanEnded records a finished scan of any status.
func (m *Metrics) scanEnded(target, status string, d time.Duration, calls map[string]int, at time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.running[target] = false
	m.scans[[2]string{target, status}]++
	h := m.durations[target]
	if h == nil {
		h = &histogram{counts: make([]float64, len(durationBuckets))}
		m.durations[target] = h
	}
	sec := d.Seconds()
	for i, b := range durationBuckets {
		if sec <= b {
			h.counts[i]++
		}
	}
	h.sum += sec
	h.n++
	for action, n := range calls {
		m.apiCalls[[2]string{target, action}] += float64(n)
	}
	if status == "succeeded" {
		m.lastSuccess[target] = at
	}
}

func (m *Metrics) setFindings(target string, counts map[[2]string]int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.findings[target] = counts
}

func (m *Metrics) delivery(channel string, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	outcome := "failed"
	if ok {
		outcome = "delivered"
	}
	m.deliveries[[2]string{channel, outcome}]++
}

func (m *Metrics) request(route string, code int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[[2]string{route, fmt.Sprint(code)}]++
}

// ScansTotal is the count of scans of a target with a status (for tests).
func (m *Metrics) ScansTotal(target, status string) float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.scans[[2]string{target, status}]
}

func label(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

func num(v float64) string {
	if math.IsInf(v, 1) {
		return "+Inf"
	}
	return fmt.Sprintf("%g", v)
}

func sortedKeys[K comparable](m map[K]float64, less func(a, b K) bool) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return less(keys[i], keys[j]) })
	return keys
}

func less2(a, b [2]string) bool { return a[0] < b[0] || a[0] == b[0] && a[1] < b[1] }

// WriteTo writes the exposition.
func (m *Metrics) WriteTo(w io.Writer, targets []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	p("# HELP iamspect_scans_total Scans ended, by target and status (succeeded, failed, interrupted).\n# TYPE iamspect_scans_total counter\n")
	for _, k := range sortedKeys(m.scans, less2) {
		p("iamspect_scans_total{target=\"%s\",status=\"%s\"} %s\n", label(k[0]), label(k[1]), num(m.scans[k]))
	}
	p("# HELP iamspect_scan_duration_seconds Duration of scans, by target.\n# TYPE iamspect_scan_duration_seconds histogram\n")
	names := make([]string, 0, len(m.durations))
	for t := range m.durations {
		names = append(names, t)
	}
	sort.Strings(names)
	for _, t := range names {
		h := m.durations[t]
		for i, b := range durationBuckets {
			p("iamspect_scan_duration_seconds_bucket{target=\"%s\",le=\"%s\"} %s\n", label(t), num(b), num(h.counts[i]))
		}
		p("iamspect_scan_duration_seconds_bucket{target=\"%s\",le=\"+Inf\"} %s\n", label(t), num(h.n))
		p("iamspect_scan_duration_seconds_sum{target=\"%s\"} %s\n", label(t), num(h.sum))
		p("iamspect_scan_duration_seconds_count{target=\"%s\"} %s\n", label(t), num(h.n))
	}
	p("# HELP iamspect_aws_api_calls_total AWS API calls made by scans, by target and action.\n# TYPE iamspect_aws_api_calls_total counter\n")
	for _, k := range sortedKeys(m.apiCalls, less2) {
		p("iamspect_aws_api_calls_total{target=\"%s\",action=\"%s\"} %s\n", label(k[0]), label(k[1]), num(m.apiCalls[k]))
	}
	p("# HELP iamspect_last_success_timestamp_seconds Unix time of the last successful scan of a target.\n# TYPE iamspect_last_success_timestamp_seconds gauge\n")
	for _, t := range targets {
		if at, ok := m.lastSuccess[t]; ok {
			p("iamspect_last_success_timestamp_seconds{target=\"%s\"} %d\n", label(t), at.Unix())
		}
	}
	p("# HELP iamspect_scan_running Whether a scan of the target is running.\n# TYPE iamspect_scan_running gauge\n")
	for _, t := range targets {
		v := 0
		if m.running[t] {
			v = 1
		}
		p("iamspect_scan_running{target=\"%s\"} %d\n", label(t), v)
	}
	p("# HELP iamspect_findings Findings by target, severity and lifecycle state (new, open, reopened, resolved).\n# TYPE iamspect_findings gauge\n")
	for _, t := range targets {
		counts := m.findings[t]
		for _, sev := range finding.Severities {
			for _, st := range []string{"new", "open", "reopened", "resolved"} {
				if n, ok := counts[[2]string{string(sev), st}]; ok {
					p("iamspect_findings{target=\"%s\",severity=\"%s\",state=\"%s\"} %d\n", label(t), sev, st, n)
				}
			}
		}
	}
	p("# HELP iamspect_http_requests_total Requests to the server (API, dashboard, health, metrics), by route and status code.\n# TYPE iamspect_http_requests_total counter\n")
	for _, k := range sortedKeys(m.requests, less2) {
		p("iamspect_http_requests_total{route=\"%s\",code=\"%s\"} %s\n", label(k[0]), label(k[1]), num(m.requests[k]))
	}
	p("# HELP iamspect_notifications_total Notification deliveries, by channel and outcome.\n# TYPE iamspect_notifications_total counter\n")
	for _, k := range sortedKeys(m.deliveries, less2) {
		p("iamspect_notifications_total{channel=\"%s\",outcome=\"%s\"} %s\n", label(k[0]), label(k[1]), num(m.deliveries[k]))
	}
}

func (s *Server) handleMetrics(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	s.metrics.WriteTo(w, s.targetNames())
}
