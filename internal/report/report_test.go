package report_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/report/table"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/scan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

func TestNewSummarisesAndMarksIncomplete(t *testing.T) {
	s := snapshot.NewBuilder("123456789012", time.Unix(0, 0)).Build()
	out := &scan.Outcome{Results: finding.ListOf([]rules.Result{
		{RuleID: "root-access-keys", Status: rules.Fail, Severity: rules.Critical},
		{RuleID: "iam-user-unnecessary", Status: rules.Fail, Severity: rules.High},
		{RuleID: "iam-user-unnecessary", Status: rules.Pass, Severity: rules.High},
		{RuleID: "iam-access-key-unused", Status: rules.Muted, Severity: rules.Medium},
	})}
	r := report.New(s, out, "v1", time.Unix(0, 0), time.Time{})
	sum := r.Summary
	if sum.Total != 4 || sum.Fail != 2 || sum.Pass != 1 || sum.Muted != 1 || sum.Unknown != 0 || !sum.Complete {
		t.Fatalf("summary %+v", sum)
	}
	if sum.FailBySeverity[rules.Critical] != 1 || sum.FailBySeverity[rules.High] != 1 {
		t.Fatalf("by severity %+v", sum.FailBySeverity)
	}
	if len(r.Rules) != 3 || r.Title("root-access-keys") == "" {
		t.Fatalf("rule infos %+v", r.Rules)
	}
	out.Results = finding.ListOf(append(out.Results.Slice(), rules.Result{RuleID: "root-mfa-disabled", Status: rules.Unknown}))
	if report.New(s, out, "v1", time.Unix(0, 0), time.Time{}).Summary.Complete {
		t.Fatal("UNKNOWN result left the report complete")
	}
	s.Gaps = []snapshot.Gap{{Input: snapshot.InputCredentialReport, Reason: "denied"}}
	out.Results = finding.ListOf(out.Results.Slice()[:4])
	if report.New(s, out, "v1", time.Unix(0, 0), time.Time{}).Summary.Complete {
		t.Fatal("gap left the report complete")
	}
}

func TestTableLabelsAccountsOnlyWhenSeveral(t *testing.T) {
	res := rules.Result{RuleID: "root-access-keys", Status: rules.Fail, Severity: rules.Critical,
		AccountID: "123456789012", ResourceName: "<root_account>", Message: "m"}
	one := &report.Report{Accounts: []report.Account{{ID: "123456789012"}}, Results: finding.ListOf([]rules.Result{res})}
	two := &report.Report{Accounts: []report.Account{{ID: "123456789012"}, {ID: "210987654321"}}, Results: finding.ListOf([]rules.Result{res})}
	var a, b bytes.Buffer
	if err := table.Write(&a, one, table.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := table.Write(&b, two, table.Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(a.String(), "(123456789012)") {
		t.Error("single-account report labels resources with the account")
	}
	if !strings.Contains(b.String(), "<root_account> (123456789012)") {
		t.Error("multi-account report does not say which account")
	}
}
