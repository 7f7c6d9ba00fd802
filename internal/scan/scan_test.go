package scan_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/scan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

var t0 = time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)

func TestPanickingRuleIsReportedNotFatal(t *testing.T) {
	boom := &rules.Rule{ID: "boom", Severity: rules.Low,
		CheckAccount: func(*rules.Rule, *rules.Context, *snapshot.Snapshot, *snapshot.Account) []rules.Result {
			panic("boom")
		}}
	s := snapshot.NewBuilder("123456789012", t0).Build()
	out, err := scan.Run(context.Background(), s, scan.Options{Rules: []*rules.Rule{boom, &rules.RootAccessKeys}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Errors) != 1 || out.Errors[0].RuleID != "boom" || !strings.Contains(out.Errors[0].Error, "panicked") {
		t.Fatalf("errors = %+v", out.Errors)
	}
	if out.Results.Len() != 1 || out.Results.Slice()[0].RuleID != "root-access-keys" {
		t.Fatalf("the other rule's results are lost: %+v", out.Results)
	}
}

func TestUnknownNamesGapReason(t *testing.T) {
	s := snapshot.NewBuilder("123456789012", t0).Without(snapshot.InputCredentialReport).Build()
	s.Gaps = []snapshot.Gap{{AccountID: "123456789012", Input: snapshot.InputCredentialReport,
		API: "iam:GenerateCredentialReport", Reason: "AccessDenied: not authorized to perform iam:GenerateCredentialReport"}}
	out, err := scan.Run(context.Background(), s, scan.Options{Rules: []*rules.Rule{&rules.RootAccessKeys}})
	if err != nil {
		t.Fatal(err)
	}
	r := out.Results.Slice()[0]
	if r.Status != rules.Unknown || !strings.Contains(r.Message, "not authorized to perform iam:GenerateCredentialReport") {
		t.Fatalf("got %s %q", r.Status, r.Message)
	}
}

func TestCanceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := scan.Run(ctx, snapshot.NewBuilder("1", t0).Build(), scan.Options{}); err == nil {
		t.Fatal("want error")
	}
}

// A rule naming thousands of principals in one result is cut to
// finding.MaxEvidencePrincipals as it answers, with the count kept.
func TestLongEvidenceIsCut(t *testing.T) {
	wide := &rules.Rule{ID: "wide", Severity: rules.Low,
		CheckAccount: func(*rules.Rule, *rules.Context, *snapshot.Snapshot, *snapshot.Account) []rules.Result {
			ps := make([]string, 3000)
			for i := range ps {
				ps[i] = fmt.Sprintf("arn:aws:iam::123456789012:user/u%d", i)
			}
			return []rules.Result{{RuleID: "wide", Status: rules.Fail, AccountID: "123456789012",
				ResourceARN: "arn:aws:iam::123456789012:role/r", Evidence: &finding.Evidence{Principals: ps}}}
		}}
	s := snapshot.NewBuilder("123456789012", t0).Build()
	out, err := scan.Run(context.Background(), s, scan.Options{Rules: []*rules.Rule{wide}})
	if err != nil {
		t.Fatal(err)
	}
	e := out.Results.Slice()[0].Evidence
	if len(e.Principals) != finding.MaxEvidencePrincipals || e.PrincipalsTotal != 3000 || e.Principals[0] != "arn:aws:iam::123456789012:user/u0" {
		t.Fatalf("kept %d of %d, first %q", len(e.Principals), e.PrincipalsTotal, e.Principals[0])
	}
}
