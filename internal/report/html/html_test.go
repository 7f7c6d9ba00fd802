package html_test

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/engine"
	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/report/html"
)

const hostile = `</script><script id="pwned">alert(1)</script><img id="pwned2" src=x onerror=alert(2)> & "quotes" <!-- `

func demoReport(t testing.TB) *report.Report {
	t.Helper()
	at := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	out, err := engine.Scan(context.Background(), demo.Snapshot(), engine.Options{Clock: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	return out.Report
}

var dataBlock = regexp.MustCompile(`(?s)<script type="application/json" id="iamspect-data">(.*?)</script>`)

// The page is self-contained (no URL it would load), carries every result
// as JSON that parses back exactly, and escapes hostile text everywhere.
func TestSelfContainedAndEscaped(t *testing.T) {
	rep := demoReport(t)
	rep.Results.Slice()[0].Message = hostile
	rep.Results.Slice()[0].ResourceName = hostile
	rep.Accounts[0].Alias = hostile
	var buf bytes.Buffer
	if err := html.Write(&buf, rep); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if strings.Contains(page, `<script id="pwned">`) || strings.Contains(page, `<img id="pwned2"`) {
		t.Fatal("hostile text reached the page unescaped")
	}
	for _, attr := range regexp.MustCompile(`(?i)\s(?:src|href)\s*=\s*"([^"#][^"]*)"`).FindAllStringSubmatch(page, -1) {
		t.Errorf("the page loads or links %q", attr[1])
	}
	if strings.Contains(page, "http://") || regexp.MustCompile(`<link|@import|url\(`).MatchString(page) {
		t.Error("the page refers to the network")
	}
	m := dataBlock.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no data block")
	}
	var data struct {
		Results []finding.Result `json:"results"`
		Rules   map[string]report.RuleInfo
	}
	if err := json.Unmarshal([]byte(m[1]), &data); err != nil {
		t.Fatal(err)
	}
	if len(data.Results) != rep.Results.Len() || data.Results[0].Message != hostile || len(data.Rules) != len(rep.Rules) {
		t.Errorf("data: %d results, message %q", len(data.Results), data.Results[0].Message)
	}
	for _, want := range []string{`id="visible-count"`, `id="summary"`, "northwind-sandbox", `href="#status=FAIL&amp;severity=critical"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(page, `id="changes"`) || strings.Contains(page, `id="compliance"`) {
		t.Error("changes or compliance section without a baseline or framework")
	}
}

// With a baseline, the page has a "what changed" section and marks new
// findings; with --compliance, the control table.
func TestChangesAndCompliance(t *testing.T) {
	rep := demoReport(t)
	rep.Changes = &report.Changes{Baseline: report.Baseline{Path: "old.json", GeneratedAt: rep.GeneratedAt.Add(-24 * time.Hour)},
		New: []string{rep.Results.Slice()[0].Fingerprint}, Unchanged: 5,
		Resolved: []report.ChangedResult{{Result: finding.Result{RuleID: "root-access-keys", Severity: finding.Critical, AccountID: demo.AccountID, ResourceARN: "arn:aws:iam::111122223333:root"}, Now: finding.Pass}}}
	var buf bytes.Buffer
	if err := html.Write(&buf, rep); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id="changes"`, "What changed since old.json", "1 new", "1 resolved", "5 unchanged", `id="f-new"`, "<td>PASS</td>"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("page lacks %q", want)
		}
	}
}
