package html_test

import (
	"bytes"
	"context"
	"fmt"
	stdhtml "html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/report/html"
)

// Large is a report of n results made from the demo's: each copy names
// other resources (so fingerprints differ); every 97th resource name holds
// the word "needle".
func Large(t testing.TB, n int) *report.Report {
	base := demoReport(t)
	out := *base
	from := base.Results.Slice()
	rs := make([]finding.Result, 0, n)
	for i := 0; len(rs) < n; i++ {
		r := from[i%len(from)]
		copyN := i / len(from)
		r.ResourceName = fmt.Sprintf("%s-%d", r.ResourceName, copyN)
		if i%97 == 0 {
			r.ResourceName += "-needle"
		}
		r.ResourceARN = fmt.Sprintf("%s-%d", r.ResourceARN, i)
		r.Fingerprint = finding.Fingerprint(r.RuleID, r.AccountID, r.ResourceARN)
		rs = append(rs, r)
	}
	out.Results = finding.ListOf(rs)
	out.Results.Slice()[0].Message = hostile
	finding.Sort(out.Results.Slice())
	out.Summary = report.Summarize(out.Results)
	return &out
}

// chromium finds Debian's headless browser, or skips.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium is not on PATH (apt-get install chromium; .ci/run installs it): the HTML report is not checked in a browser")
	return ""
}

// dumpDOM opens the page in headless Chromium and returns the DOM after
// its scripts ran, and how long Chromium took from start to exit.
func dumpDOM(t *testing.T, browser, url string) (string, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
		"--disable-extensions", "--disable-dev-shm-usage", "--user-data-dir="+t.TempDir(), "--dump-dom", url)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	return stdout.String(), took
}

var (
	countRE   = regexp.MustCompile(`<span id="visible-count">(\d+)</span>`)
	renderRE  = regexp.MustCompile(`data-render-ms="(\d+)"`)
	rowRE     = regexp.MustCompile(`<tr class="row"`)
	resCellRE = regexp.MustCompile(`<td class="res">([^<]*)</td>`)
)

// A 20,000-result report opens in headless Chromium in under 5 seconds
// (from navigation to the list drawn, as the page measures it with
// performance.now(); Chromium's own start, which no reader of the page
// waits for twice, is logged but bounded only by the 30 s timeout), shows
// one page of rows, and its filters (read from the URL's #fragment) count
// what they should.
func TestLargeReportInChromium(t *testing.T) {
	browser := chromium(t)
	const n = 20000
	rep := Large(t, n)
	file := filepath.Join(t.TempDir(), "report.html")
	var buf bytes.Buffer
	if err := html.Write(&buf, rep); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	// Two opens keep the test short on a busy machine: everything, and a
	// text filter with a status and a severity filter.
	filtered := 0
	var names []string // of the filtered results, sorted by ARN
	byARN := map[string]string{}
	for _, r := range rep.Results.Slice() {
		if r.Status == finding.Fail && r.Severity == finding.High && strings.Contains(strings.ToLower(r.ResourceName), "needle") {
			filtered++
			byARN[r.ResourceARN] = r.ResourceName
		}
	}
	arns := make([]string, 0, len(byARN))
	for a := range byARN {
		arns = append(arns, a)
	}
	sort.Strings(arns)
	for _, a := range arns {
		names = append(names, byARN[a])
	}
	if filtered == 0 {
		t.Fatal("the generated report has nothing for the filter to find")
	}
	cases := []struct {
		name, fragment string
		want           int
	}{
		{"everything", "", n},
		{"high failures named needle, by resource", "#filter=needle&status=FAIL&severity=high&sort=resource&dir=asc", filtered},
	}
	for _, c := range cases {
		dom, took := dumpDOM(t, browser, "file://"+file+c.fragment)
		m := countRE.FindStringSubmatch(dom)
		if m == nil || !strings.Contains(dom, `data-ready="1"`) {
			t.Fatalf("%s: the page did not render its list:\n%.2000s", c.name, dom)
		}
		got, _ := strconv.Atoi(m[1])
		if got != c.want {
			t.Errorf("%s: %d results shown by the filter, want %d", c.name, got, c.want)
		}
		if rows := len(rowRE.FindAllString(dom, -1)); rows != min(c.want, html.PageSize) {
			t.Errorf("%s: %d rows in the DOM, want %d", c.name, rows, min(c.want, html.PageSize))
		}
		if strings.Contains(c.fragment, "sort=resource") {
			var shown []string
			for _, m := range resCellRE.FindAllStringSubmatch(dom, -1) {
				shown = append(shown, stdhtml.UnescapeString(m[1]))
			}
			if strings.Join(shown, ",") != strings.Join(names, ",") {
				t.Errorf("%s: rows in the order %v, want %v", c.name, shown, names)
			}
		}
		if strings.Contains(dom, `<script id="pwned">`) || strings.Contains(dom, `<img id="pwned2"`) {
			t.Errorf("%s: hostile text became markup", c.name)
		}
		rm := renderRE.FindStringSubmatch(dom)
		if rm == nil {
			t.Fatalf("%s: the page did not record when it was ready", c.name)
		}
		ms, _ := strconv.Atoi(rm[1])
		t.Logf("%s: %d bytes, %d results, page ready at %d ms, Chromium start to DOM dump %v", c.name, buf.Len(), got, ms, took.Round(time.Millisecond))
		if ms > 5000 {
			t.Errorf("%s: the page was ready after %d ms, more than 5 s", c.name, ms)
		}
	}
}
