package rules_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/scan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

const acct = "123456789012"

var refNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// ago returns the time n days before refNow.
func daysAgo(n int) time.Time { return refNow.AddDate(0, 0, -n) }

// agop returns a pointer to the time n days before refNow.
func daysAgoP(n int) *time.Time { t := daysAgo(n); return &t }

// ruleCase is one table row: build a snapshot, run one rule, expect a status
// for one resource (by name), or for every result when res is "".
type ruleCase struct {
	name  string
	setup func(b *snapshot.Builder)
	cfg   func(c *rules.Config)
	res   string
	want  rules.Status
	// contains, when set, must appear in the matched result's message.
	contains string
}

func runCases(t *testing.T, r *rules.Rule, cases []ruleCase) {
	t.Helper()
	sawFail, sawPass := false, false
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := snapshot.NewBuilder(acct, refNow)
			if tc.setup != nil {
				tc.setup(b)
			}
			cfg := rules.Defaults()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			out, err := scan.Run(context.Background(), b.Build(), scan.Options{Rules: []*rules.Rule{r}, Context: rules.Context{Config: cfg}})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Errors) > 0 {
				t.Fatalf("rule error: %+v", out.Errors)
			}
			if out.Results.Len() == 0 {
				t.Fatal("no results: every rule must report what it checked")
			}
			matched := false
			for _, res := range out.Results.Slice() {
				if res.RuleID != r.ID {
					t.Errorf("result has rule ID %q", res.RuleID)
				}
				if tc.res != "" && res.ResourceName != tc.res {
					continue
				}
				matched = true
				if res.Status != tc.want {
					t.Errorf("%s: status %s, want %s (%s)", res.ResourceName, res.Status, tc.want, res.Message)
				}
				if tc.contains != "" && !strings.Contains(res.Message, tc.contains) {
					t.Errorf("%s: message %q lacks %q", res.ResourceName, res.Message, tc.contains)
				}
			}
			if !matched {
				t.Errorf("no result for resource %q; got %+v", tc.res, out.Results)
			}
		})
		sawFail = sawFail || tc.want == rules.Fail
		sawPass = sawPass || tc.want == rules.Pass
	}
	if !sawFail || !sawPass {
		t.Errorf("rule %s needs both failing and passing cases", r.ID)
	}
}

func boolPtr(b bool) *bool { return &b }

// runRule runs one rule through the scanner and returns its results.
func runRule(t *testing.T, r *rules.Rule, s *snapshot.Snapshot, cfg rules.Config) []rules.Result {
	t.Helper()
	out, err := scan.Run(context.Background(), s, scan.Options{Rules: []*rules.Rule{r}, Context: rules.Context{Config: cfg}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Errors) > 0 {
		t.Fatalf("rule error: %+v", out.Errors)
	}
	return out.Results.Slice()
}

var t0 = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

func ago(days int) time.Time { return t0.AddDate(0, 0, -days) }

func agoP(days int) *time.Time {
	t := ago(days)
	return &t
}

// run executes one rule over a snapshot through the real scanner and returns
// the results keyed by resource name.
func run(t *testing.T, r *rules.Rule, s *snapshot.Snapshot) map[string]rules.Result {
	t.Helper()
	out, err := scan.Run(context.Background(), s, scan.Options{Rules: []*rules.Rule{r}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Errors) > 0 {
		t.Fatalf("rule errors: %v", out.Errors)
	}
	m := map[string]rules.Result{}
	for _, res := range out.Results.Slice() {
		if _, dup := m[res.ResourceName]; dup {
			t.Fatalf("two results for %s", res.ResourceName)
		}
		m[res.ResourceName] = res
	}
	return m
}

type want struct {
	status  rules.Status
	message string // substring
}

func check(t *testing.T, got map[string]rules.Result, wants map[string]want) {
	t.Helper()
	for name, w := range wants {
		res, ok := got[name]
		if !ok {
			t.Errorf("%s: no result (have %v)", name, keys(got))
			continue
		}
		if res.Status != w.status {
			t.Errorf("%s: status %s, want %s (%s)", name, res.Status, w.status, res.Message)
		}
		if !strings.Contains(res.Message, w.message) {
			t.Errorf("%s: message %q lacks %q", name, res.Message, w.message)
		}
	}
	if len(got) != len(wants) {
		t.Errorf("got %d results %v, want %d", len(got), keys(got), len(wants))
	}
}

func keys(m map[string]rules.Result) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestUserResultsUseUserARN(t *testing.T) {
	b := snapshot.NewBuilder("123456789012", t0)
	b.User("alice", ago(10)).Password(ago(1), nil)
	for _, r := range rules.Catalog() {
		for _, res := range run(t, r, b.Build()) {
			if res.ResourceType == rules.TypeUser && res.ResourceARN != "arn:aws:iam::123456789012:user/alice" {
				t.Errorf("%s: user result ARN %q", r.ID, res.ResourceARN)
			}
		}
	}
}
