package collect

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/sandbox"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// A credential report that never finishes: polling stops after
// CredentialReportWait with a gap, and everything else is collected.
func TestCredentialReportWaitIsBounded(t *testing.T) {
	srv, err := sandbox.New(demo.Snapshot(), sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	generating := 0
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if strings.Contains(string(body), "Action=GenerateCredentialReport") {
			generating++
			w.Header().Set("Content-Type", "text/xml")
			io.WriteString(w, `<GenerateCredentialReportResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GenerateCredentialReportResult><State>INPROGRESS</State></GenerateCredentialReportResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GenerateCredentialReportResponse>`)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		srv.ServeHTTP(w, r)
	}))
	defer ts.Close()
	o := sandboxOptions(t, ts.URL, NewCounter(), aws.RetryModeStandard)
	o.CredentialReportPoll = 5 * time.Millisecond
	// Long enough for a few polls on a loaded machine (5, 10, 20, 40, 80,
	// 80, … ms apart), short enough to keep the test quick.
	o.CredentialReportWait = time.Second
	start := time.Now()
	got, err := Collect(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
	a := got.Account(demo.AccountID)
	g := got.GapsFor(a.ID, snapshot.InputCredentialReport)
	if a.Has(snapshot.InputCredentialReport) || len(g) != 1 || !strings.Contains(g[0].Reason, "not ready after") {
		t.Fatalf("gaps = %+v", g)
	}
	if generating < 3 || generating > 20 {
		t.Errorf("GenerateCredentialReport polled %d times, want a few with backoff", generating)
	}
	if !a.Has(snapshot.InputAuthorizationDetails) {
		t.Error("authorization details missing")
	}
}

// --role-arn: every call runs as the assumed role, in its account.
func TestAssumeAuditRole(t *testing.T) {
	_, url := startSandbox(t, demo.Snapshot(), sandbox.Options{})
	cfg, err := LoadConfig(context.Background(), ConfigOptions{
		Region: "us-east-1", BaseEndpoint: url, RetryMode: aws.RetryModeStandard,
		Credentials: credentials.NewStaticCredentialsProvider(sandbox.DummyAccessKeyID, sandbox.DummySecretAccessKey, ""),
		RoleARN:     "arn:aws:iam::" + demo.MemberAccountID + ":role/OrganizationAccountAccessRole", SessionName: "audit-test",
	})
	if err != nil {
		t.Fatal(err)
	}
	id, err := CallerIdentity(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if id.Account != demo.MemberAccountID || !strings.Contains(id.ARN, "audit-test") {
		t.Fatalf("identity = %+v", id)
	}
	s, err := Collect(context.Background(), Options{Config: cfg, Caller: &id, CredentialReportPoll: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Accounts) != 1 || s.Accounts[0].ID != demo.MemberAccountID || s.Source.Caller != id.ARN {
		t.Fatalf("accounts = %v, source = %+v", s.Accounts, s.Source)
	}
}

func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	c := NewCounter()
	p := newProgress(&buf, c)
	p.add("123456789012", 3)
	p.done("123456789012")
	p.draw(true)
	p.finish()
	if !strings.Contains(buf.String(), "collecting 1 account: 1/3 inputs, 0 API calls") || !strings.HasSuffix(buf.String(), "\r\x1b[K") {
		t.Errorf("progress = %q", buf.String())
	}
	var none *progress = newProgress(nil, c) // not a terminal: silent, and safe to call
	none.add("x", 1)
	none.done("x")
	none.finish()
}

// A member account scanned on its own, which may not list the organisation,
// gets a gap that says where to scan from.
func TestMemberAccountOrganizationGap(t *testing.T) {
	served := genOrg(2, 1, 1)
	member := served.Accounts[1]
	member.Collected = slices.DeleteFunc(member.Collected, func(in snapshot.Input) bool { return in == snapshot.InputOrganization })
	_, url := startSandbox(t, served, sandbox.Options{})
	cfg, err := LoadConfig(context.Background(), ConfigOptions{
		Region: "us-east-1", BaseEndpoint: url, RetryMode: aws.RetryModeStandard,
		Credentials: credentials.NewStaticCredentialsProvider(sandbox.DummyAccessKeyID, sandbox.DummySecretAccessKey, ""),
		RoleARN:     "arn:aws:iam::" + member.ID + ":role/OrganizationAccountAccessRole",
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := Collect(context.Background(), Options{Config: cfg, CredentialReportPoll: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	g := s.GapsFor(member.ID, snapshot.InputOrganization)
	if len(g) != 1 || !strings.Contains(g[0].Reason, "scan with --org from there") || s.Organization == nil || s.Organization.ManagementAccount != "100000000000" {
		t.Fatalf("gaps = %+v, organization = %+v", g, s.Organization)
	}
}

// unreachableRegion fails every request signed for one region, as a
// network error (the region's endpoint cannot be reached).
type unreachableRegion struct{ region string }

func (u unreachableRegion) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.Contains(r.Header.Get("Authorization"), "/"+u.region+"/") {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	}
	return http.DefaultTransport.RoundTrip(r)
}

// An unreachable region is a gap naming the region; the other regions'
// analyzers are kept.
func TestUnreachableRegionIsAGap(t *testing.T) {
	served := consistent(demo.Snapshot())
	_, url := startSandbox(t, served, sandbox.Options{})
	cfg, err := LoadConfig(context.Background(), ConfigOptions{
		Region: "us-east-1", BaseEndpoint: url, RetryMode: aws.RetryModeStandard, MaxAttempts: 2, MaxBackoff: time.Millisecond,
		Credentials: credentials.NewStaticCredentialsProvider(sandbox.DummyAccessKeyID, sandbox.DummySecretAccessKey, ""),
		HTTPClient:  &http.Client{Transport: unreachableRegion{"eu-west-1"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := Collect(context.Background(), Options{Config: cfg, Regions: []string{"us-east-1", "eu-west-1"}, CredentialReportPoll: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	a := s.Account(demo.AccountID)
	g := s.GapsFor(a.ID, snapshot.InputAccessAnalyzer)
	if a.Has(snapshot.InputAccessAnalyzer) || len(g) != 1 || !strings.Contains(g[0].Reason, "region eu-west-1") || !strings.Contains(g[0].Reason, "connection refused") {
		t.Fatalf("gaps = %+v", g)
	}
	if len(a.AccessAnalyzers) != 1 || a.AccessAnalyzers[0].Region != "us-east-1" {
		t.Errorf("analyzers = %+v", a.AccessAnalyzers)
	}
	if !a.Has(snapshot.InputAuthorizationDetails) || !a.Has(snapshot.InputCredentialReport) {
		t.Error("global inputs missing")
	}
}
