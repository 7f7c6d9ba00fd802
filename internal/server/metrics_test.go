package server

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"
)

var sampleLine = regexp.MustCompile(`^[a-z_]+(\{([a-z_]+="([^"\\]|\\.)*",?)*\})? ([0-9.e+\-]+|\+Inf)$`)

// The exposition is well formed (HELP and TYPE before each family, one
// sample a line, label values escaped) and counts what happened.
func TestMetricsExposition(t *testing.T) {
	m := NewMetrics()
	at := time.Unix(1_800_000_000, 0)
	m.scanStarted("prod")
	m.scanEnded("prod", "succeeded", 3*time.Second, map[string]int{"iam:ListRoles": 2}, at)
	m.scanEnded("prod", "failed", 400*time.Second, nil, at)
	m.scanEnded(`we"ird\n`, "succeeded", time.Second, nil, at)
	m.setFindings("prod", map[[2]string]int{{"high", "new"}: 3, {"low", "resolved"}: 1})
	m.delivery("hook", true)
	m.request("GET /api/v1/findings", 200)
	m.request("GET /api/v1/findings", 200)
	var buf bytes.Buffer
	m.WriteTo(&buf, []string{"prod", `we"ird\n`})
	out := buf.String()
	typed := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, "# TYPE ") {
			typed[strings.Fields(line)[2]] = true
			continue
		}
		if strings.HasPrefix(line, "# HELP ") {
			continue
		}
		if !sampleLine.MatchString(line) {
			t.Errorf("malformed sample %q", line)
		}
		name := line[:strings.IndexAny(line, "{ ")]
		base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_sum"), "_count")
		if !typed[name] && !typed[base] {
			t.Errorf("sample before its TYPE: %q", line)
		}
	}
	for _, want := range []string{
		`iamspect_scans_total{target="prod",status="succeeded"} 1`,
		`iamspect_scans_total{target="prod",status="failed"} 1`,
		`iamspect_scan_duration_seconds_bucket{target="prod",le="5"} 1`,
		`iamspect_scan_duration_seconds_bucket{target="prod",le="900"} 2`,
		`iamspect_scan_duration_seconds_bucket{target="prod",le="+Inf"} 2`,
		`iamspect_scan_duration_seconds_sum{target="prod"} 403`,
		`iamspect_aws_api_calls_total{target="prod",action="iam:ListRoles"} 2`,
		`iamspect_last_success_timestamp_seconds{target="prod"} 1800000000`,
		`iamspect_findings{target="prod",severity="high",state="new"} 3`,
		`iamspect_scan_running{target="prod"} 0`,
		`iamspect_notifications_total{channel="hook",outcome="delivered"} 1`,
		`target="we\"ird\\n"`,
		`iamspect_http_requests_total{route="GET /api/v1/findings",code="200"} 2`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %s\n%s", want, out)
		}
	}
}
