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
			if len(out.Results) == 0 {
				t.Fatal("no results: every rule must report what it checked")
			}
			matched := false
			for _, res := range out.Results {
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
	return out.Results
}
