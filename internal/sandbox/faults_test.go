package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/snapshot"
)

var (
	tctx          = context.Background()
	snapshotEmpty = snapshot.Snapshot{}
)

// retryNoWait is the SDK's standard retryer without backoff delays.
func retryNoWait(attempts int) aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = attempts
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		o.RateLimiter = ratelimit.None
	})
}

// calls makes one request to each service.
func calls(cfg aws.Config) map[string]func() error {
	return map[string]func() error{
		"iam": func() error { _, err := iam.NewFromConfig(cfg).GetAccountSummary(tctx, nil); return err },
		"sts": func() error { _, err := sts.NewFromConfig(cfg).GetCallerIdentity(tctx, nil); return err },
		"organizations": func() error {
			_, err := organizations.NewFromConfig(cfg).DescribeOrganization(tctx, nil)
			return err
		},
		"sso": func() error { _, err := ssoadmin.NewFromConfig(cfg).ListInstances(tctx, nil); return err },
		"identitystore": func() error {
			_, err := identitystore.NewFromConfig(cfg).ListGroups(tctx, &identitystore.ListGroupsInput{IdentityStoreId: aws.String("d-1111222233")})
			return err
		},
		"access-analyzer": func() error { _, err := accessanalyzer.NewFromConfig(cfg).ListAnalyzers(tctx, nil); return err },
	}
}

func TestThrottlingShapes(t *testing.T) {
	_, u := serve(t, demo.Snapshot(), Options{ThrottleRate: 1})
	want := map[string]string{"iam": "Throttling", "sts": "Throttling", "organizations": "TooManyRequestsException",
		"sso": "ThrottlingException", "identitystore": "ThrottlingException", "access-analyzer": "ThrottlingException"}
	for svc, call := range calls(sdkConfig(u, DummyAccessKeyID, DummySecretAccessKey, "")) {
		t.Run(svc, func(t *testing.T) {
			err := call()
			wantCode(t, err, want[svc])
			if !retryableThrottle(err) {
				t.Fatalf("the SDK does not see %v as throttling", err)
			}
		})
	}
}

// retryableThrottle reports whether the SDK's standard retryer treats err as
// throttling.
func retryableThrottle(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	for _, code := range []string{"Throttling", "ThrottlingException", "TooManyRequestsException"} {
		if ae.ErrorCode() == code {
			return true
		}
	}
	return false
}

func TestServerErrorShapes(t *testing.T) {
	_, u := serve(t, demo.Snapshot(), Options{FailRate: 1, Seed: 7})
	for svc, call := range calls(sdkConfig(u, DummyAccessKeyID, DummySecretAccessKey, "")) {
		t.Run(svc, func(t *testing.T) {
			err := call()
			var re *smithyhttp.ResponseError
			if !errors.As(err, &re) || (re.HTTPStatusCode() != 500 && re.HTTPStatusCode() != 503) {
				t.Fatalf("want a 5xx, got %v", err)
			}
			var ae smithy.APIError
			if !errors.As(err, &ae) || (ae.ErrorCode() != "InternalFailure" && ae.ErrorCode() != "ServiceUnavailable") {
				t.Fatalf("want InternalFailure or ServiceUnavailable, got %v", err)
			}
		})
	}
}

func TestDenyShapes(t *testing.T) {
	_, u := serve(t, demo.Snapshot(), Options{Deny: []string{"iam:GetAccountSummary", "sts:*", "organizations:*", "SSO:list*", "identitystore:*", "access-analyzer:*"}})
	want := map[string]string{"iam": "AccessDenied", "sts": "AccessDenied", "organizations": "AccessDeniedException",
		"sso": "AccessDeniedException", "identitystore": "AccessDeniedException", "access-analyzer": "AccessDeniedException"}
	for svc, call := range calls(sdkConfig(u, DummyAccessKeyID, DummySecretAccessKey, "")) {
		t.Run(svc, func(t *testing.T) { wantCode(t, call(), want[svc]) })
	}
	c := iam.NewFromConfig(sdkConfig(u, DummyAccessKeyID, DummySecretAccessKey, ""))
	must[*iam.GetAccountPasswordPolicyOutput](t)(c.GetAccountPasswordPolicy(tctx, nil))
}

// TestFaultsRetriedBySDK checks that the SDK's default retryer gets through
// injected faults, and that the rates are deterministic per seed.
func TestFaultsRetriedBySDK(t *testing.T) {
	run := func() map[string]int {
		srv, u := serve(t, demo.Snapshot(), Options{ThrottleRate: 0.3, FailRate: 0.2, Seed: 42})
		cfg := sdkConfig(u, DummyAccessKeyID, DummySecretAccessKey, "")
		cfg.Retryer = func() aws.Retryer {
			return retryNoWait(10)
		}
		c := iam.NewFromConfig(cfg)
		for range 20 {
			if _, err := c.GetAccountSummary(tctx, nil); err != nil {
				t.Fatal(err)
			}
		}
		return srv.Stats()
	}
	a, b := run(), run()
	if a["iam:GetAccountSummary"] <= 20 || a["iam:GetAccountSummary"] != b["iam:GetAccountSummary"] {
		t.Fatalf("attempts: %v then %v", a, b)
	}
}

func TestLatencyAndStats(t *testing.T) {
	srv, u := serve(t, demo.Snapshot(), Options{Latency: 30 * time.Millisecond})
	cfg := sdkConfig(u, DummyAccessKeyID, DummySecretAccessKey, "")
	start := time.Now()
	must[*sts.GetCallerIdentityOutput](t)(sts.NewFromConfig(cfg).GetCallerIdentity(tctx, nil))
	must[*iam.ListRolesOutput](t)(iam.NewFromConfig(cfg).ListRoles(tctx, nil))
	if d := time.Since(start); d < 60*time.Millisecond {
		t.Fatalf("two calls took %v, want >= 60ms", d)
	}
	resp, err := http.Get(u + "/_sandbox/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got map[string]int
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got["sts:GetCallerIdentity"] != 1 || got["iam:ListRoles"] != 1 || srv.Stats()["iam:ListRoles"] != 1 {
		t.Fatalf("stats: %v", got)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	for _, o := range []Options{{ThrottleRate: 0.8, FailRate: 0.5}, {FailRate: -1}, {Latency: -time.Second}, {Deny: []string{"iam:[x"}}} {
		if _, err := New(demo.Snapshot(), o); err == nil {
			t.Errorf("New accepted %+v", o)
		}
	}
	if _, err := New(&snapshotEmpty, Options{}); err == nil {
		t.Error("New accepted a snapshot without accounts")
	}
}
