package securityhub_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sh "github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/smithy-go"

	"github.com/iamspect/iamspect/internal/collect"
	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/engine"
	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/report/asff"
	"github.com/iamspect/iamspect/internal/sandbox"
	"github.com/iamspect/iamspect/internal/securityhub"
)

// hub serves the demo in a sandbox and returns it with an SDK config
// pointed at it over real HTTP.
func hub(t *testing.T) (*sandbox.Server, aws.Config) {
	return hubWith(t, sandbox.Options{})
}

func hubWith(t *testing.T, opts sandbox.Options) (*sandbox.Server, aws.Config) {
	t.Helper()
	srv, err := sandbox.New(demo.Snapshot(), opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(ts.URL),
		Credentials: credentials.NewStaticCredentialsProvider(sandbox.DummyAccessKeyID, sandbox.DummySecretAccessKey, "")}
	return srv, cfg
}

// clientFor acts in the management account with the base credentials and
// in members through their OrganizationAccountAccessRole, as the CLI does.
func clientFor(cfg aws.Config) func(context.Context, string) (*sh.Client, error) {
	return func(_ context.Context, acct string) (*sh.Client, error) {
		if acct == demo.AccountID {
			return sh.NewFromConfig(cfg), nil
		}
		return sh.NewFromConfig(collect.AssumeRole(cfg, "arn:aws:iam::"+acct+":role/"+collect.DefaultMemberRole, "", "")), nil
	}
}

func demoReport(t *testing.T) *report.Report {
	t.Helper()
	out, err := engine.Scan(context.Background(), demo.Snapshot(), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return out.Report
}

func byID(srv *sandbox.Server) map[string]map[string]any {
	m := map[string]map[string]any{}
	for _, f := range srv.SecurityHubFindings() {
		m[f["Id"].(string)] = f
	}
	return m
}

func workflow(f map[string]any) string {
	wf, _ := f["Workflow"].(map[string]any)
	s, _ := wf["Status"].(string)
	return s
}

// Import the demo (both accounts, in batches of 100), then a later scan in
// which one failing result is gone: that finding is archived and resolved,
// the others stay ACTIVE, and nothing is imported twice.
func TestImportThenResolve(t *testing.T) {
	srv, cfg := hub(t)
	ctx := context.Background()
	rep := demoReport(t)
	out, err := securityhub.Run(ctx, rep, securityhub.Options{ClientFor: clientFor(cfg)})
	if err != nil {
		t.Fatalf("%v %+v", err, out)
	}
	if out.Imported != rep.Results.Len() || out.Resolved != 0 || out.Failed != 0 {
		t.Fatalf("first import: %+v, want %d imported", out, rep.Results.Len())
	}
	held := byID(srv)
	if len(held) != rep.Results.Len() {
		t.Fatalf("Security Hub holds %d findings, want %d", len(held), rep.Results.Len())
	}
	if n := srv.Stats()["securityhub:BatchImportFindings"]; n < (rep.Results.Len()+99)/100 {
		t.Errorf("%d BatchImportFindings calls", n)
	}
	// One failing result disappears (the resource was fixed and deleted).
	var gone finding.Result
	next := *rep
	next.Results = finding.List{}
	for _, r := range rep.Results.Slice() {
		if gone.RuleID == "" && r.Status == finding.Fail && r.AccountID == demo.AccountID {
			gone = r
			continue
		}
		next.Results = finding.ListOf(append(next.Results.Slice(), r))
	}
	out, err = securityhub.Run(ctx, &next, securityhub.Options{ClientFor: clientFor(cfg)})
	if err != nil {
		t.Fatalf("%v %+v", err, out)
	}
	if out.Resolved != 1 || out.Imported != next.Results.Len() {
		t.Fatalf("second import: %+v", out)
	}
	held = byID(srv)
	f := held[asff.ID(gone.Fingerprint)]
	if f["RecordState"] != "ARCHIVED" || workflow(f) != "RESOLVED" {
		t.Errorf("gone finding: RecordState %v, Workflow %v", f["RecordState"], workflow(f))
	}
	active := 0
	for _, f := range held {
		if f["RecordState"] == "ACTIVE" {
			active++
		}
	}
	if active != next.Results.Len() || len(held) != rep.Results.Len() {
		t.Errorf("%d active of %d held, want %d of %d", active, len(held), next.Results.Len(), rep.Results.Len())
	}
	// A scan that ran other rules only leaves these rules' findings alone.
	other := *rep
	other.Results = finding.List{}
	for _, r := range rep.Results.Slice() {
		if r.RuleID == "root-access-keys" {
			other.Results = finding.ListOf(append(other.Results.Slice(), r))
		}
	}
	if out, err := securityhub.Run(ctx, &other, securityhub.Options{ClientFor: clientFor(cfg)}); err != nil || out.Resolved != 0 {
		t.Fatalf("a scan of one rule resolved %d findings of others (%v)", out.Resolved, err)
	}
	// A third run has nothing more to resolve; the fixed finding coming
	// back reopens it.
	out, err = securityhub.Run(ctx, rep, securityhub.Options{ClientFor: clientFor(cfg)})
	if err != nil || out.Resolved != 0 {
		t.Fatalf("third import: %+v %v", out, err)
	}
	if f := byID(srv)[asff.ID(gone.Fingerprint)]; f["RecordState"] != "ACTIVE" || workflow(f) != "NEW" {
		t.Errorf("reopened finding: %v %v", f["RecordState"], workflow(f))
	}
}

// A batch holding an invalid finding: Security Hub imports the rest and
// lists the bad one in FailedFindings, which Deliver reports.
func TestBatchWithInvalidFinding(t *testing.T) {
	srv, cfg := hub(t)
	rep := demoReport(t)
	fs, err := asff.Findings(rep, asff.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var mine []asff.Finding
	for _, f := range fs {
		if f.AwsAccountID == demo.AccountID && len(mine) < 150 {
			mine = append(mine, f)
		}
	}
	mine[120].Severity.Label = "SEVERE"
	var log strings.Builder
	target := securityhub.Target{Account: demo.AccountID, ProductARN: mine[0].ProductArn, Client: sh.NewFromConfig(cfg)}
	out, err := securityhub.Deliver(context.Background(), target, mine, rep.GeneratedAt, &log)
	if err != nil {
		t.Fatal(err)
	}
	if out.Imported != 149 || out.Failed != 1 {
		t.Fatalf("%+v", out)
	}
	if !strings.Contains(log.String(), "import batch 2: 1 of 50 findings refused") ||
		!strings.Contains(log.String(), mine[120].ID+": InvalidInput: Finding does not adhere") {
		t.Errorf("log:\n%s", log.String())
	}
	if len(srv.SecurityHubFindings()) != 149 {
		t.Errorf("held %d", len(srv.SecurityHubFindings()))
	}
}

// Findings under a product ARN the account does not own are all refused:
// Run returns a non-partial *Error.
func TestWrongProductIsAFailure(t *testing.T) {
	_, cfg := hub(t)
	rep := demoReport(t)
	var log strings.Builder
	out, err := securityhub.Run(context.Background(), rep, securityhub.Options{ClientFor: clientFor(cfg), Log: &log,
		ProductARN: "arn:aws:securityhub:us-east-1:999999999999:product/999999999999/default"})
	e, ok := securityhub.IsDeliveryError(err)
	if !ok || e.Partial || out.Imported != 0 || out.Failed != rep.Results.Len() {
		t.Fatalf("%v %+v", err, out)
	}
	if !strings.Contains(log.String(), "AccessDeniedException") {
		t.Errorf("log:\n%.500s", log.String())
	}
}

// The sandbox refuses more than 100 findings in one call as AWS does, and
// pages GetFindings with NextToken and MaxResults <= 100.
func TestSandboxLimits(t *testing.T) {
	_, cfg := hub(t)
	ctx := context.Background()
	c := sh.NewFromConfig(cfg)
	fs, _ := asff.Findings(demoReport(t), asff.Options{})
	var batch []types.AwsSecurityFinding
	for _, f := range fs {
		if f.AwsAccountID == demo.AccountID && len(batch) < 101 {
			g, err := securityhub.ToSDK(f)
			if err != nil {
				t.Fatal(err)
			}
			batch = append(batch, g)
		}
	}
	_, err := c.BatchImportFindings(ctx, &sh.BatchImportFindingsInput{Findings: batch})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidInputException" {
		t.Fatalf("101 findings: %v", err)
	}
	if _, err := c.BatchImportFindings(ctx, &sh.BatchImportFindingsInput{Findings: batch[:100]}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetFindings(ctx, &sh.GetFindingsInput{MaxResults: aws.Int32(101)}); !errors.As(err, &ae) || ae.ErrorCode() != "InvalidInputException" {
		t.Fatalf("MaxResults 101: %v", err)
	}
	var ids []string
	p := sh.NewGetFindingsPaginator(c, &sh.GetFindingsInput{MaxResults: aws.Int32(30), Filters: &types.AwsSecurityFindingFilters{
		ComplianceStatus: []types.StringFilter{{Value: aws.String("PASSED"), Comparison: types.StringFilterComparisonNotEquals}},
	}})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, f := range page.Findings {
			if f.Compliance.Status == types.ComplianceStatusPassed {
				t.Fatal("filter ignored")
			}
			ids = append(ids, aws.ToString(f.Id))
		}
	}
	want := 0
	for _, f := range batch[:100] {
		if f.Compliance.Status != types.ComplianceStatusPassed {
			want++
		}
	}
	slices.Sort(ids)
	if len(slices.Compact(ids)) != want || pages != (want+29)/30 {
		t.Errorf("%d findings in %d pages, want %d", len(ids), pages, want)
	}
}

// Under throttling (Security Hub's LimitExceededException, 429) the SDK's
// retryer retries and every finding still arrives once.
func TestThrottled(t *testing.T) {
	srv, cfg := hubWith(t, sandbox.Options{ThrottleRate: 0.3, Seed: 7})
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 12
			o.MaxBackoff = 20 * time.Millisecond
			o.RateLimiter = ratelimit.None
		})
	}
	rep := demoReport(t)
	out, err := securityhub.Run(context.Background(), rep, securityhub.Options{ClientFor: clientFor(cfg)})
	if err != nil || out.Imported != rep.Results.Len() {
		t.Fatalf("%v %+v", err, out)
	}
	if len(srv.SecurityHubFindings()) != rep.Results.Len() {
		t.Errorf("held %d", len(srv.SecurityHubFindings()))
	}
	calls := srv.Stats()["securityhub:BatchImportFindings"]
	if calls <= (rep.Results.Len()+99)/100+1 {
		t.Errorf("%d BatchImportFindings calls: no throttling happened", calls)
	}
}

// Large findings (80 KB of product fields each) go in batches that stay
// under Security Hub's 6 MB per call, and all arrive.
func TestBatchesStayUnderSixMB(t *testing.T) {
	srv, cfg := hub(t)
	fs, _ := asff.Findings(demoReport(t), asff.Options{})
	var big []asff.Finding
	for _, f := range fs {
		if f.AwsAccountID != demo.AccountID || len(big) == 150 {
			continue
		}
		for k := range 40 {
			f.ProductFields = maps.Clone(f.ProductFields)
			f.ProductFields[fmt.Sprintf("iamspect/Padding%02d", k)] = strings.Repeat("x", asff.MaxFieldValue)
		}
		big = append(big, f)
	}
	target := securityhub.Target{Account: demo.AccountID, ProductARN: big[0].ProductArn, Client: sh.NewFromConfig(cfg)}
	out, err := securityhub.Deliver(context.Background(), target, big, time.Now(), io.Discard)
	if err != nil || out.Imported != len(big) || out.Failed != 0 {
		t.Fatalf("%v: %d imported, %d failed; %.500v", err, out.Imported, out.Failed, out.Failures)
	}
	// One call of 80 of them (7 MB) is refused whole, as by AWS.
	var whole []types.AwsSecurityFinding
	for _, f := range big[:80] {
		g, _ := securityhub.ToSDK(f)
		whole = append(whole, g)
	}
	_, err = sh.NewFromConfig(cfg).BatchImportFindings(context.Background(), &sh.BatchImportFindingsInput{Findings: whole})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidInputException" {
		t.Errorf("a 7 MB call: %v", err)
	}
	// 150 findings of ~85 KB: 12 MB, so at least 3 calls, not 2.
	if n := srv.Stats()["securityhub:BatchImportFindings"]; n < 3 {
		t.Errorf("%d BatchImportFindings calls for 15 MB of findings", n)
	}
}
