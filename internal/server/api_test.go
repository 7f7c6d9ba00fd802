package server

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/store"
)

func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

// The findings API's filters and paging, muting, and its errors.
func TestFindingsAPI(t *testing.T) {
	r, _ := seeded(t)
	type page struct {
		Findings []store.Finding
		Total    int
	}
	var all page
	getJSON(t, r.base+"/api/v1/findings?target=northwind&state=active&limit=1000", &all)
	if all.Total == 0 || len(all.Findings) != all.Total {
		t.Fatalf("active: %d of %d", len(all.Findings), all.Total)
	}
	// Paging covers every finding once.
	seen := map[string]bool{}
	for off := 0; off < all.Total; off += 30 {
		var p page
		getJSON(t, r.base+"/api/v1/findings?target=northwind&state=active&limit=30&offset="+itoa(int64(off)), &p)
		for _, f := range p.Findings {
			if seen[f.Fingerprint] {
				t.Fatalf("%s on two pages", f.Fingerprint)
			}
			seen[f.Fingerprint] = true
		}
	}
	if len(seen) != all.Total {
		t.Fatalf("pages hold %d findings, want %d", len(seen), all.Total)
	}
	// Filters agree with the full list.
	want := map[string]int{}
	for _, f := range all.Findings {
		if f.Severity == "critical" || f.Severity == "high" {
			want["sev"]++
		}
		if f.RuleID == all.Findings[0].RuleID {
			want["rule"]++
		}
		if f.AccountID == all.Findings[0].AccountID {
			want["account"]++
		}
	}
	for name, q := range map[string]string{"sev": "severity=critical,high", "rule": "rule=" + all.Findings[0].RuleID, "account": "account=" + all.Findings[0].AccountID} {
		var p page
		getJSON(t, r.base+"/api/v1/findings?target=northwind&state=active&"+q, &p)
		if p.Total != want[name] {
			t.Errorf("%s: %d, want %d", q, p.Total, want[name])
		}
	}
	for _, q := range []string{"severity=huge", "state=gone", "since=yesterday", "limit=0", "limit=5000", "offset=-1"} {
		if code := getJSON(t, r.base+"/api/v1/findings?"+q, nil); code != 400 {
			t.Errorf("%s: HTTP %d, want 400", q, code)
		}
	}
	var recent page
	getJSON(t, r.base+"/api/v1/findings?since=1h", &recent)
	if recent.Total == 0 {
		t.Error("since=1h finds nothing")
	}
	// Mute with an expiry, then unmute.
	fp := all.Findings[0].Fingerprint
	code, body := post(t, r.base+"/api/v1/findings/northwind/"+fp+"/mute", `{"reason":"accepted until the migration","expires":"2099-01-01T00:00:00Z"}`)
	if code != 200 || !strings.Contains(body, `"muted": true`) || !strings.Contains(body, `"mute_source": "manual"`) {
		t.Fatalf("mute: %d %s", code, body)
	}
	if code, body = post(t, r.base+"/api/v1/findings/northwind/"+fp+"/mute", `{"reason":""}`); code != 200 || !strings.Contains(body, `"muted": false`) {
		t.Fatalf("unmute: %d %s", code, body)
	}
	if code, _ = post(t, r.base+"/api/v1/findings/northwind/"+fp+"/mute", `not json`); code != 400 {
		t.Errorf("bad body: %d", code)
	}
	if code, _ = post(t, r.base+"/api/v1/findings/northwind/nope/mute", `{"reason":"x"}`); code != 404 {
		t.Errorf("unknown finding: %d", code)
	}
	// Scans, targets, errors.
	for path, want := range map[string]int{"/api/v1/scans/999": 404, "/api/v1/scans/abc": 400, "/api/v1/scans?target=nope": 404,
		"/api/v1/targets/nope": 404, "/api/v1/targets/northwind": 200, "/api/v1/scans/1/results?status=FAIL": 200,
		"/api/v1/targets/lab/drift": 400, "/api/v1/targets/northwind/drift?from=x": 400, "/api/v1/openapi.yaml": 200} {
		if code := getJSON(t, r.base+path, nil); code != want {
			t.Errorf("%s: HTTP %d, want %d", path, code, want)
		}
	}
	if code, _ := post(t, r.base+"/api/v1/targets/nope/scans", ""); code != 404 {
		t.Errorf("trigger unknown: %d", code)
	}
	// Two triggers at once: the second finds the first running.
	c1, _ := post(t, r.base+"/api/v1/targets/northwind/scans", "")
	c2, b2 := post(t, r.base+"/api/v1/targets/northwind/scans", "")
	if c1 != 202 || c2 != 409 || !strings.Contains(b2, "already running") {
		t.Errorf("triggers: %d then %d %s", c1, c2, b2)
	}
	waitScans(t, r.base, "northwind", 3, 20*time.Second)
}

// The findings page pages by 50.
func TestFindingsPagePaging(t *testing.T) {
	r, _ := seeded(t)
	_, first := get(t, r.base+"/findings?target=northwind&state=active")
	if !strings.Contains(first, `rel="next"`) || strings.Contains(first, `rel="prev"`) || strings.Count(first, `<tr class="finding">`) != 50 {
		t.Fatalf("page 1: next %v, rows %d", strings.Contains(first, `rel="next"`), strings.Count(first, `<tr class="finding">`))
	}
	_, second := get(t, r.base+"/findings?target=northwind&state=active&page=2")
	if !strings.Contains(second, `rel="prev"`) || !strings.Contains(second, "51–") {
		t.Fatalf("page 2 lacks its links or range")
	}
}
