package table

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/report/internal/reporttest"
	"github.com/iamspect/iamspect/internal/rules"
)

func render(t *testing.T, r *report.Report, opt Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, r, opt); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// The table's layouts, pinned on the demo; regenerate with
// go test ./internal/report/table -update and read the diff.
func TestGolden(t *testing.T) {
	full := reporttest.Full(t)
	cases := []struct {
		name string
		r    *report.Report
		opt  Options
	}{
		// Every status, each failing rule with its fix, the clock.
		{"demo.table.golden", reporttest.Demo(t, ""), Options{}},
		// The whole demo's 8 most important findings and a summary.
		{"demo-top.table.golden", full, Options{Top: 8}},
		// What is wrong with each principal, worst first.
		{"demo-principal.table.golden", full, Options{Top: 12, GroupBy: GroupByPrincipal}},
		{"demo-account.table.golden", full, Options{Top: 6, GroupBy: GroupByAccount, Width: 80}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			reporttest.Golden(t, c.name, []byte(render(t, c.r, c.opt)))
		})
	}
}

// Each failing rule group ends with the rule's one-line fix and where its
// full steps are.
func TestEveryFailingRuleSaysHowToFix(t *testing.T) {
	r := reporttest.Full(t)
	out := render(t, r, Options{})
	for _, info := range r.Rules {
		if failingCounts(r.Results)[info.ID] == 0 {
			continue
		}
		head := strings.Index(out, "  "+info.ID+" — ")
		if head < 0 {
			t.Fatalf("%s: no group", info.ID)
		}
		group := out[head:]
		end := strings.Index(group, "Full steps: iamspect rules show "+info.ID+"\n")
		if end < 0 {
			t.Fatalf("%s: group does not end with its steps command", info.ID)
		}
		fix := strings.Join(strings.Fields(info.Remediation.Summary), " ")
		if !strings.Contains(strings.Join(strings.Fields(group[:end]), " "), "Fix: "+fix) {
			t.Errorf("%s: group lacks its fix %q", info.ID, fix)
		}
	}
}

// --top keeps the most important findings: every critical one of the demo
// before any high one, and among the highs those with administrator reach
// or that anyone can use first; the rest is counted, not listed.
func TestTopLeadsWithWhatMatters(t *testing.T) {
	r := reporttest.Full(t)
	out := render(t, r, Options{Top: 7})
	if got := strings.Count(out, "    ✗ "); got != 7 {
		t.Fatalf("%d findings shown, want 7:\n%s", got, out)
	}
	if !strings.Contains(out, "CRITICAL (4)\n") || !strings.Contains(out, "HIGH (3 of 31)\n") {
		t.Errorf("severity headings do not count what is shown:\n%s", out)
	}
	for _, want := range []string{"role-trust-any-principal", "root-access-keys", "policy-admin-attached",
		"Not listed: 92 more failing, 466 passing; --top 0 lists every result."} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
			t.Errorf("top 7 lacks %q:\n%s", want, out)
		}
	}
	for _, absent := range []string{"iam-user-console-without-mfa", "PASS (", "MEDIUM ("} {
		if strings.Contains(out, absent) {
			t.Errorf("top 7 shows %q:\n%s", absent, out)
		}
	}
	if all := render(t, r, Options{Top: 1000}); strings.Contains(all, "more failing") || strings.Count(all, "    ✗ ") != r.Summary.Fail {
		t.Errorf("a --top above the count should show every failing result and leave nothing out")
	}
}

// --group-by principal answers "what is wrong with alice?": every failing
// result about alice.martin, under her heading, and nowhere else.
func TestGroupByPrincipalAnswersForOnePrincipal(t *testing.T) {
	r := reporttest.Full(t)
	var want []string
	for _, res := range r.Results.Slice() {
		if res.Status == rules.Fail && res.ResourceName == "alice.martin" {
			want = append(want, res.RuleID)
		}
	}
	if len(want) < 3 {
		t.Fatalf("the demo has %d failing results for alice.martin", len(want))
	}
	out := render(t, r, Options{GroupBy: GroupByPrincipal})
	start := strings.Index(out, "\n  alice.martin (user, 111122223333) — ")
	if start < 0 {
		t.Fatalf("no group for alice.martin:\n%s", out)
	}
	group := out[start+1:]
	if next := regexp.MustCompile(`\n  \S`).FindStringIndex(group); next != nil {
		group = group[:next[0]]
	}
	if !strings.Contains(group, " — "+severityCounts(failingOf(r, "alice.martin"))) {
		t.Errorf("heading does not count alice's findings: %s", group)
	}
	for _, id := range want {
		if !strings.Contains(group, " "+id+": ") {
			t.Errorf("alice's group lacks %s:\n%s", id, group)
		}
	}
	if got := strings.Count(group, "    ✗ "); got != len(want) {
		t.Errorf("alice's group has %d findings, want %d", got, len(want))
	}
	if strings.Count(out, "alice.martin (user") != 1 {
		t.Error("alice.martin has more than one group")
	}
	if err := Write(&bytes.Buffer{}, r, Options{GroupBy: "colour"}); err == nil {
		t.Error("an unknown layout was accepted")
	}
}

func failingOf(r *report.Report, name string) []rules.Result {
	var out []rules.Result
	for _, res := range r.Results.Slice() {
		if res.Status == rules.Fail && res.ResourceName == name {
			out = append(out, res)
		}
	}
	return out
}

// The header names a few accounts, not an organisation's hundreds.
func TestHeaderNamesAFewAccounts(t *testing.T) {
	r := &report.Report{Tool: report.Tool{Version: "v1"}}
	for i := range 12 {
		r.Accounts = append(r.Accounts, report.Account{ID: fmt.Sprintf("1000000000%02d", i)})
	}
	head, _, _ := strings.Cut(render(t, r, Options{Width: MaxWidth}), "\n")
	if !strings.HasSuffix(head, "100000000006, 100000000007, and 4 more accounts") || strings.Contains(head, "100000000008") {
		t.Errorf("header %q", head)
	}
	r.Accounts = r.Accounts[:2]
	if head := render(t, r, Options{Color: true}); !strings.HasPrefix(head, bold+"iamspect"+reset+" v1 — 100000000000, 100000000001\n") {
		t.Errorf("header %q", head)
	}
}

// The header always says which clock ages were measured against.
func TestHeaderStatesTheClock(t *testing.T) {
	at := time.Date(2026, 5, 1, 7, 30, 0, 0, time.UTC)
	later := at.Add(48 * time.Hour)
	cases := []struct {
		r    report.Report
		want string
	}{
		{report.Report{AsOf: &at, AsOfSource: report.AsOfCredentialReport}, "Ages measured as of 2026-05-01 07:30 UTC (the credential report's generation time)"},
		{report.Report{AsOf: &at, AsOfSource: report.AsOfOption}, "Ages measured as of 2026-05-01 07:30 UTC (--as-of)"},
		{report.Report{AsOf: &at, AsOfSource: report.AsOfCollection}, "Ages measured as of 2026-05-01 07:30 UTC (the collection time)"},
		{report.Report{AsOf: &at, AsOfSource: report.AsOfDemo}, "(the demo's fixed clock, so its results never change)"},
		{report.Report{AsOf: &later, AsOfSource: report.AsOfMixed, Accounts: []report.Account{
			{ID: "111111111111", AsOf: &at, AsOfSource: report.AsOfCredentialReport},
			{ID: "222222222222", AsOf: &later, AsOfSource: report.AsOfCollection}}},
			"Ages measured as of: 111111111111 2026-05-01 07:30 UTC (the credential report's generation time), 222222222222 2026-05-03 07:30 UTC (the collection time)"},
		{report.Report{}, "Ages measured as of: not recorded (a report written before schema 2.2)"},
	}
	for _, c := range cases {
		out := strings.Join(strings.Fields(render(t, &c.r, Options{Width: MaxWidth})), " ")
		if !strings.Contains(out, c.want) {
			t.Errorf("header lacks %q:\n%s", c.want, out)
		}
	}
}

// No line of the table is longer than its width, and none longer than
// MaxWidth however wide the terminal: long messages wrap, long ARNs and
// hostile names are broken or clipped.
func TestNoLineExceedsTheWidth(t *testing.T) {
	r := reporttest.Full(t)
	longARN := "arn:aws:iam::123456789012:role/" + strings.Repeat("deeply/nested/path/", 20) + "role-name"
	r.Results = finding.ListOf(append(r.Results.Slice(), rules.Result{RuleID: "privilege-escalation", Status: rules.Fail, Severity: rules.High,
		AccountID: "123456789012", ResourceARN: longARN, ResourceName: strings.Repeat("n", 300),
		Message: "Role can reach " + longARN + " and " + strings.Repeat("word ", 100)},
		rules.Result{RuleID: "root-mfa-disabled", Status: rules.Unknown, Severity: rules.Critical,
			ResourceName: "x", Message: "Not checked: " + longARN},
		rules.Result{RuleID: "root-mfa-disabled", Status: rules.Muted, Severity: rules.Critical,
			ResourceName: "x", MuteReason: strings.Repeat("because ", 60)}))
	r.Summary = report.Summarize(r.Results)
	for _, width := range []int{0, 60, 100, 150, 1000} {
		limit := lineWidth(width)
		for _, opt := range []Options{{Width: width}, {Width: width, GroupBy: GroupByPrincipal}, {Width: width, GroupBy: GroupByAccount}, {Width: width, Top: 5}} {
			out := render(t, r, opt)
			for _, l := range strings.Split(out, "\n") {
				if n := utf8.RuneCountInString(l); n > limit || n > MaxWidth {
					t.Errorf("width %d, %+v: line of %d runes: %.120q", width, opt, n, l)
				}
			}
		}
	}
}
