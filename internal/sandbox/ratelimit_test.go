package sandbox

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/iamspect/iamspect/internal/demo"
)

// --rate: a token bucket per account and API. Beyond the burst, calls get
// the service's throttling error with Retry-After; another API has its own
// bucket; after waiting for a token, calls go through again.
func TestRateLimitTokenBucket(t *testing.T) {
	srv, u := serve(t, demo.Snapshot(), Options{Rate: 5, Burst: 2})
	cfg := sdkConfig(u, DummyAccessKeyID, DummySecretAccessKey, "")
	cfg.Retryer = func() aws.Retryer { return retryNoWait(1) }
	c := iam.NewFromConfig(cfg)
	summary := func() error { _, err := c.GetAccountSummary(tctx, nil); return err }
	for i := range 2 {
		if err := summary(); err != nil {
			t.Fatalf("call %d within the burst: %v", i+1, err)
		}
	}
	err := summary()
	var api smithy.APIError
	var re *smithyhttp.ResponseError
	if !errors.As(err, &api) || api.ErrorCode() != "Throttling" || !errors.As(err, &re) {
		t.Fatalf("third call: %v, want Throttling", err)
	}
	if ra := re.Response.Header.Get("Retry-After"); ra != "1" {
		t.Errorf("Retry-After = %q, want 1 (whole seconds, at least 1)", ra)
	}
	if _, err := c.ListAccountAliases(tctx, nil); err != nil {
		t.Errorf("another API shares the bucket: %v", err)
	}
	time.Sleep(250 * time.Millisecond) // 5/s: a token is back after 200 ms
	if err := summary(); err != nil {
		t.Errorf("after a refill: %v", err)
	}
	if n := srv.Stats()["iam:GetAccountSummary"]; n != 4 {
		t.Errorf("stats = %d GetAccountSummary requests, want 4", n)
	}
}

// The fault proxy's three faults, seen by a plain HTTP client.
func TestFaultProxyFaults(t *testing.T) {
	sb, err := New(demo.Snapshot(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	body := "Action=GetAccountSummary&Version=2010-05-08"
	post := func(p *FaultProxy, timeout time.Duration) (int, error) {
		ts := httptest.NewServer(p)
		defer ts.Close()
		cl := &http.Client{Timeout: timeout}
		resp, err := cl.Post(ts.URL, "application/x-www-form-urlencoded", strings.NewReader(body))
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		_, err = io.ReadAll(resp.Body)
		return resp.StatusCode, err
	}
	if _, err := post(NewFaultProxy(sb, FaultOptions{StallRate: 1}), 200*time.Millisecond); err == nil || !strings.Contains(err.Error(), "Timeout") {
		t.Errorf("stall: %v, want a client timeout", err)
	}
	if _, err := post(NewFaultProxy(sb, FaultOptions{ResetRate: 1}), 5*time.Second); err == nil {
		t.Error("reset: no error")
	}
	if _, err := post(NewFaultProxy(sb, FaultOptions{TruncateRate: 1}), 5*time.Second); err == nil || !strings.Contains(err.Error(), "unexpected EOF") {
		t.Errorf("truncate: %v, want unexpected EOF", err)
	}
	if code, err := post(NewFaultProxy(sb, FaultOptions{}), 5*time.Second); err != nil || code != 200 {
		t.Errorf("no fault: %d %v", code, err)
	}
}
