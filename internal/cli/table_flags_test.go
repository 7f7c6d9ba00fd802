package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// --top and --group-by shape the table; given with a format that carries
// every result they are refused, not ignored. The demo's default --top
// does not get in the way of its other formats.
func TestTableFlags(t *testing.T) {
	refused := []struct {
		args []string
		want string
	}{
		{[]string{"demo", "-f", "json", "--top", "3"}, "--top shapes the table, and --format json writes every result"},
		{[]string{"scan", "--snapshot", demoSnapshotFile(), "-f", "sarif", "--group-by", "principal"}, "--group-by shapes the table"},
		{[]string{"demo", "--group-by", "colour"}, `--group-by "colour": want rule, principal, account`},
		{[]string{"demo", "--top", "-1"}, "--top -1: want 0 (every result) or more"},
	}
	for _, c := range refused {
		code, _, errOut := runCLI(t, c.args...)
		if code != ExitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, errOut, ExitUsage, c.want)
		}
	}
	// The JSON report keeps every result whatever the demo's default --top.
	code, out, errOut := runCLI(t, "demo", "-f", "json")
	if code != ExitOK {
		t.Fatalf("demo -f json: exit %d: %s", code, errOut)
	}
	var rep struct {
		Summary struct{ Fail int } `json:"summary"`
		Results []struct {
			Status string `json:"status"`
		} `json:"results"`
		AsOf       string `json:"as_of"`
		AsOfSource string `json:"as_of_source"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	fails := 0
	for _, r := range rep.Results {
		if r.Status == "FAIL" {
			fails++
		}
	}
	if fails < 50 || fails != rep.Summary.Fail || rep.AsOf != "2026-11-02T09:00:00Z" || rep.AsOfSource != "demo" {
		t.Errorf("demo -f json: %d failing of %d, as_of %q (%s)", fails, rep.Summary.Fail, rep.AsOf, rep.AsOfSource)
	}
	// With a table among the outputs, --top applies to it and JSON stays whole.
	code, out, errOut = runCLI(t, "demo", "-f", "json", "-o", t.TempDir()+"/r.json", "--report", "table=-", "--top", "2", "--color", "never")
	if code != ExitOK || strings.Count(out, "    ✗ ") != 2 || !strings.Contains(out, "Showing the 2 most important of") {
		t.Errorf("--report table=- --top 2: exit %d, stderr %s:\n%s", code, errOut, out)
	}
	// Both commands say what the flags do.
	for _, cmd := range []string{"demo", "scan"} {
		_, help, _ := runCLI(t, cmd, "--help")
		for _, want := range []string{"--top N", "most important failing results", "--group-by LAYOUT", "principal (what is wrong with each user"} {
			if !strings.Contains(help, want) {
				t.Errorf("%s --help lacks %q", cmd, want)
			}
		}
	}
}
