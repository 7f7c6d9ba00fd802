package collect

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/sandbox"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// Issue 9, items 17-20: scans that always finish, with the same results,
// under throttling and network faults. Everything runs over real HTTP on
// 127.0.0.1 with the real SDK.

// faultOptions are collection options against url with short timeouts.
func faultOptions(t *testing.T, url string, mod func(*ConfigOptions)) Options {
	t.Helper()
	co := ConfigOptions{
		Region: "us-east-1", BaseEndpoint: url, RetryMode: aws.RetryModeStandard,
		Credentials: credentials.NewStaticCredentialsProvider(sandbox.DummyAccessKeyID, sandbox.DummySecretAccessKey, ""),
		MaxBackoff:  20 * time.Millisecond, ResponseTimeout: 300 * time.Millisecond, AttemptTimeout: 2 * time.Second,
	}
	if mod != nil {
		mod(&co)
	}
	cfg, err := LoadConfig(context.Background(), co)
	if err != nil {
		t.Fatal(err)
	}
	return Options{Config: cfg, CredentialReportPoll: time.Millisecond, CredentialReportWait: 10 * time.Second,
		Now: func() time.Time { return time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) }}
}

// unthrottledKeys is the verdict list of the demo organisation collected
// without faults.
func unthrottledKeys(t *testing.T, served *snapshot.Snapshot) []string {
	t.Helper()
	got, _, _ := collectSandbox(t, served, sandbox.Options{}, demoOptions(served))
	return statusKeys(scanResults(t, got))
}

func assertSameKeys(t *testing.T, want []string, got *snapshot.Snapshot) {
	t.Helper()
	if g := statusKeys(scanResults(t, got)); !slices.Equal(want, g) {
		t.Fatalf("results differ from the unthrottled scan:\n%s", diffLines(want, g))
	}
	if len(got.Gaps) != 0 {
		t.Fatalf("gaps: %+v", got.Gaps)
	}
}

// Half of all requests throttled (--throttle-rate 0.5): the same results as
// without throttling, result for result.
func TestThrottleRateHalfSameResults(t *testing.T) {
	t.Parallel()
	served := consistent(demo.Snapshot())
	want := unthrottledKeys(t, served)
	srv, url := startSandbox(t, served, sandbox.Options{ThrottleRate: 0.5, Seed: 9})
	// 20 attempts: at 0.5, 10 would lose about one collection in 15 to a
	// call throttled ten times in a row.
	o := faultOptions(t, url, func(co *ConfigOptions) { co.MaxAttempts = 20 })
	o.Org = true
	got, err := Collect(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	assertSameKeys(t, want, got)
	checkRoundTrip(t, served, got)
	if total(srv.Stats()) < 2*len(want)/10 {
		t.Errorf("server saw only %d requests", total(srv.Stats()))
	}
}

// Through a proxy that stalls, resets and truncates responses: the same
// results as without faults.
func TestFaultProxySameResults(t *testing.T) {
	t.Parallel()
	served := consistent(demo.Snapshot())
	want := unthrottledKeys(t, served)
	sb, err := sandbox.New(served, sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	proxy := sandbox.NewFaultProxy(sb, sandbox.FaultOptions{StallRate: 0.05, ResetRate: 0.1, TruncateRate: 0.1, Seed: 4})
	ts := httptest.NewServer(proxy)
	t.Cleanup(ts.Close)
	o := faultOptions(t, ts.URL, func(co *ConfigOptions) { co.MaxAttempts = 12; co.ResponseTimeout = 200 * time.Millisecond })
	o.Org = true
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	got, err := Collect(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	assertSameKeys(t, want, got)
	checkRoundTrip(t, served, got)
	st := proxy.Stats()
	for _, f := range []string{"stall", "reset", "truncate"} {
		if st[f] == 0 {
			t.Errorf("no %s fault injected (stats %v)", f, st)
		}
	}
	t.Logf("faults: %v", st)
}

// A truncated body is retried: every response truncated once.
func TestTruncatedBodyIsRetried(t *testing.T) {
	t.Parallel()
	served := genSingle(2, 1)
	sb, err := sandbox.New(served, sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	trunc := sandbox.NewFaultProxy(sb, sandbox.FaultOptions{TruncateRate: 1})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 1 {
			trunc.ServeHTTP(w, r)
			return
		}
		sb.ServeHTTP(w, r)
	})
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	o := faultOptions(t, ts.URL, nil)
	got, err := Collect(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	checkRoundTrip(t, served, got)
	if trunc.Stats()["truncate"] < 10 {
		t.Errorf("only %d responses truncated", trunc.Stats()["truncate"])
	}
}

// An endpoint that accepts connections and never answers: the first call
// fails in seconds with ErrEndpointUnreachable, not a hang.
func TestStalledEndpointFailsFast(t *testing.T) {
	t.Parallel()
	sb, _ := sandbox.New(genSingle(1, 1), sandbox.Options{})
	ts := httptest.NewServer(sandbox.NewFaultProxy(sb, sandbox.FaultOptions{StallRate: 1}))
	t.Cleanup(ts.Close)
	o := faultOptions(t, ts.URL, func(co *ConfigOptions) { co.ResponseTimeout = 100 * time.Millisecond })
	start := time.Now()
	_, err := Collect(context.Background(), o)
	if !errors.Is(err, ErrEndpointUnreachable) {
		t.Fatalf("err = %v, want ErrEndpointUnreachable", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v to report a stalled endpoint", d)
	}
}

// With the default 30 s response timeout, the first call's own per-attempt
// deadline reports a stalled endpoint in a few attempts of that deadline.
func TestStalledEndpointFirstCallDeadline(t *testing.T) {
	old := firstCallAttemptTimeout
	firstCallAttemptTimeout = 300 * time.Millisecond
	t.Cleanup(func() { firstCallAttemptTimeout = old })
	sb, _ := sandbox.New(genSingle(1, 1), sandbox.Options{})
	proxy := sandbox.NewFaultProxy(sb, sandbox.FaultOptions{StallRate: 1})
	ts := httptest.NewServer(proxy)
	t.Cleanup(ts.Close)
	o := faultOptions(t, ts.URL, func(co *ConfigOptions) { co.ResponseTimeout = 0; co.AttemptTimeout = 0 })
	start := time.Now()
	_, err := CallerIdentity(context.Background(), o.Config)
	if !errors.Is(err, ErrEndpointUnreachable) || !strings.Contains(err.Error(), "no answer within 300ms") {
		t.Fatalf("err = %v, want ErrEndpointUnreachable after 300ms attempts", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v", d)
	}
	if n := proxy.Stats()["stall"]; n != firstCallConnAttempts {
		t.Errorf("%d attempts, want %d", n, firstCallConnAttempts)
	}
}

// STS answers but every other API stalls: the account's time budget ends
// the collection, with Timeout gaps, and the rules are UNKNOWN, not PASS.
func TestStalledAPIsEndWithTheBudget(t *testing.T) {
	t.Parallel()
	served := genSingle(2, 1)
	sb, _ := sandbox.New(served, sandbox.Options{})
	proxy := sandbox.NewFaultProxy(sb, sandbox.FaultOptions{Stall: func(r *http.Request) bool {
		return !strings.Contains(r.Header.Get("Authorization"), "/sts/aws4_request")
	}})
	ts := httptest.NewServer(proxy)
	t.Cleanup(ts.Close)
	o := faultOptions(t, ts.URL, func(co *ConfigOptions) { co.ResponseTimeout = 100 * time.Millisecond })
	o.AccountTimeout = 1500 * time.Millisecond
	start := time.Now()
	got, err := Collect(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v with a 1.5 s budget", d)
	}
	a := got.Accounts[0]
	if len(a.Collected) != 0 {
		t.Errorf("collected %v from stalled APIs", a.Collected)
	}
	g := got.GapsFor(a.ID, snapshot.InputAuthorizationDetails)
	if len(g) != 1 || g[0].ErrorCode != "Timeout" {
		t.Fatalf("authorization details gaps = %+v, want one Timeout", g)
	}
	for _, r := range scanResults(t, got) {
		if r.Status == "PASS" {
			t.Errorf("%s PASSes with nothing collected: %s", r.RuleID, r.Message)
		}
	}
}

// Nothing listens: reported in seconds as ErrEndpointUnreachable.
func TestUnreachableEndpointFailsFast(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	l.Close()
	o := faultOptions(t, url, nil)
	start := time.Now()
	_, err = Collect(context.Background(), o)
	if !errors.Is(err, ErrEndpointUnreachable) || !strings.Contains(err.Error(), url) {
		t.Fatalf("err = %v, want ErrEndpointUnreachable naming %s", err, url)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v to report an unreachable endpoint", d)
	}
}

// A throttled first call (sts:GetCallerIdentity) is retried, not reported.
func TestFirstCallThrottledIsRetried(t *testing.T) {
	t.Parallel()
	served := genSingle(1, 1)
	ok, _ := sandbox.New(served, sandbox.Options{})
	busy, _ := sandbox.New(served, sandbox.Options{Throttle: []string{"*"}})
	var n atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 3 {
			busy.ServeHTTP(w, r)
			return
		}
		ok.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	o := faultOptions(t, ts.URL, nil)
	id, err := CallerIdentity(context.Background(), o.Config)
	if err != nil || id.Account != served.Accounts[0].ID {
		t.Fatalf("CallerIdentity = %+v, %v; want the account after retries", id, err)
	}
	if busy.Stats()["sts:GetCallerIdentity"] != 3 {
		t.Errorf("throttled answers = %v, want 3", busy.Stats())
	}
}

// sandboxRate and sandboxBurst are the documented rate limit of the
// throttling target (docs/performance.md): 2 requests a second per account
// and API, bursts of 1.
const (
	sandboxRate  = 2.0
	sandboxBurst = 1
)

// A scan of the demo organisation against a sandbox that throttles like AWS
// (a token bucket per account and API) with the production retry settings
// finishes within 3x the unthrottled time, with the same results (issue 9,
// item 19).
func TestRateLimitedWithin3x(t *testing.T) {
	if testing.Short() {
		t.Skip("measures two collections with production settings (about 6 s)")
	}
	t.Parallel()
	served := consistent(demo.Snapshot())
	run := func(opts sandbox.Options) (*snapshot.Snapshot, time.Duration, int) {
		srv, url := startSandbox(t, served, opts)
		cfg, err := LoadConfig(context.Background(), ConfigOptions{Region: "us-east-1", BaseEndpoint: url,
			Credentials: credentials.NewStaticCredentialsProvider(sandbox.DummyAccessKeyID, sandbox.DummySecretAccessKey, "")})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		got, err := Collect(context.Background(), Options{Config: cfg, Org: true})
		if err != nil {
			t.Fatal(err)
		}
		return got, time.Since(start), total(srv.Stats())
	}
	// Both with AWS's wait for the credential report (which the
	// collection spends, not the rate limit), so that the ratio measures
	// what throttling adds to a collection, not to 60 ms of calls.
	const reportDelay = 2 * time.Second
	base, d0, n0 := run(sandbox.Options{ReportDelay: reportDelay})
	got, d1, n1 := run(sandbox.Options{Rate: sandboxRate, Burst: sandboxBurst, ReportDelay: reportDelay})
	t.Logf("unthrottled %v (%d requests), rate-limited %v (%d requests)", d0, n0, d1, n1)
	if n1 <= n0 {
		t.Errorf("the rate limit throttled nothing (%d requests, %d unthrottled)", n1, n0)
	}
	if g, w := statusKeys(scanResults(t, got)), statusKeys(scanResults(t, base)); !slices.Equal(w, g) {
		t.Fatalf("results differ:\n%s", diffLines(w, g))
	}
	if len(got.Gaps) != 0 {
		t.Fatalf("gaps: %+v", got.Gaps)
	}
	if d1 > 3*d0 {
		t.Errorf("rate-limited collection took %v, more than 3x the unthrottled %v", d1, d0)
	}
}
