package collect

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/sandbox"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// With 30% of requests throttled, the retryer still collects everything:
// the same snapshot and the same results.
func TestThrottledCollectionIsComplete(t *testing.T) {
	served := consistent(demo.Snapshot())
	got, srv, c := collectSandbox(t, served, sandbox.Options{ThrottleRate: 0.3, Seed: 7}, demoOptions(served))
	checkRoundTrip(t, served, got)
	total, attempts := 0, 0
	for k, v := range c.Calls() {
		total += v
		attempts += c.Attempts()[k]
	}
	if attempts <= total {
		t.Errorf("attempts %d <= calls %d: no throttling was retried", attempts, total)
	}
	server := 0
	for _, v := range srv.Stats() {
		server += v
	}
	t.Logf("%d calls, %d attempts (server saw %d requests)", total, attempts, server)
}

// The default, adaptive retryer (with its client-side limiter, retry.go)
// under the same throttling: random throttling does not slow it down to a
// crawl, so it completes about as fast as the standard mode.
func TestThrottledAdaptive(t *testing.T) {
	t.Parallel()
	served := genSingle(3, 2)
	got, _, c := collectSandboxMode(t, served, sandbox.Options{ThrottleRate: 0.3, Seed: 11}, aws.RetryModeAdaptive, nil)
	checkRoundTrip(t, served, got)
	t.Logf("calls %d", c.Total(""))
}

func TestThrottledOrganization(t *testing.T) {
	served := genOrg(5, 4, 3)
	got, _, _ := collectSandbox(t, served, sandbox.Options{ThrottleRate: 0.3, Seed: 3}, func(o *Options) { o.Org = true })
	checkRoundTrip(t, served, got)
}

// Denying GenerateCredentialReport leaves the credential report missing,
// with a gap naming the permission, and the credential rules UNKNOWN.
func TestDeniedCredentialReport(t *testing.T) {
	served := consistent(demo.Snapshot())
	got, _, _ := collectSandbox(t, served, sandbox.Options{Deny: []string{"iam:GenerateCredentialReport"}}, nil)
	a := got.Accounts[0]
	if a.Has(snapshot.InputCredentialReport) {
		t.Fatal("credential report marked collected although generating it was denied")
	}
	gaps := got.GapsFor(a.ID, snapshot.InputCredentialReport)
	if len(gaps) != 1 || gaps[0].API != "iam:GenerateCredentialReport" || !strings.Contains(gaps[0].Reason, "AccessDenied") {
		t.Fatalf("gaps = %+v, want one naming iam:GenerateCredentialReport and AccessDenied", gaps)
	}
	// The SSH key and service credential probes need the report too.
	if a.Has(snapshot.InputSSHKeys) || len(got.GapsFor(a.ID, snapshot.InputSSHKeys)) == 0 {
		t.Error("SSH keys collected without the credential report")
	}
	unknown := 0
	for _, r := range scanResults(t, got) {
		if r.RuleID == "root-access-keys" || r.RuleID == "iam-user-without-mfa" {
			if r.Status != rules.Unknown || !strings.Contains(r.Message, "iam:GenerateCredentialReport") {
				t.Errorf("%s: %s %q, want UNKNOWN naming iam:GenerateCredentialReport", r.RuleID, r.Status, r.Message)
			}
			unknown++
		}
	}
	if unknown == 0 {
		t.Fatal("no credential rule results")
	}
}

// An account whose member role cannot be assumed is a gap, not a failure.
func TestUnreachableMemberAccount(t *testing.T) {
	served := genOrg(3, 2, 1)
	got, _, _ := collectSandbox(t, served, sandbox.Options{}, func(o *Options) {
		o.Org = true
		o.Accounts = []string{"100000000000", "100000000002"}
	})
	if len(got.Accounts) != 2 {
		t.Fatalf("accounts = %d, want 2", len(got.Accounts))
	}
	// A requested account that is not a member is refused before any
	// member is collected.
	_, url := startSandbox(t, served, sandbox.Options{})
	o := sandboxOptions(t, url, NewCounter(), aws.RetryModeStandard)
	o.Org = true
	o.Accounts = []string{"100000000000", "999999999999"}
	_, err := Collect(context.Background(), o)
	var nm *NotMemberError
	if !errors.As(err, &nm) || !slices.Equal(nm.Accounts, []string{"999999999999"}) || len(nm.Members) != 3 {
		t.Errorf("non-member requested: err %v, want a NotMemberError naming 999999999999", err)
	}
	// A denied AssumeRole in one member: the others are still collected.
	got, _, _ = collectSandbox(t, served, sandbox.Options{Deny: []string{"sts:AssumeRole"}}, func(o *Options) { o.Org = true })
	if len(got.Accounts) != 3 {
		t.Fatalf("accounts = %d, want 3", len(got.Accounts))
	}
	for _, a := range got.Accounts {
		reachable := a.ID == "100000000000"
		if a.Has(snapshot.InputAuthorizationDetails) != reachable {
			t.Errorf("account %s: collected = %v, want %v", a.ID, a.Collected, reachable)
		}
		if !reachable {
			g := got.GapsFor(a.ID, snapshot.InputCredentialReport)
			if len(g) != 1 || g[0].API != "sts:AssumeRole" {
				t.Errorf("account %s gaps = %+v, want sts:AssumeRole", a.ID, g)
			}
		}
	}
	got, _, _ = collectSandbox(t, served, sandbox.Options{}, func(o *Options) { o.Org = true; o.ExcludeAccounts = []string{"100000000001"} })
	if len(got.Accounts) != 2 || got.Account("100000000001") != nil {
		t.Errorf("--exclude-accounts: got %d accounts", len(got.Accounts))
	}
}

// Server errors (HTTP 500/503) are retried like throttling.
func TestServerErrorsAreRetried(t *testing.T) {
	served := consistent(demo.Snapshot())
	got, _, c := collectSandbox(t, served, sandbox.Options{FailRate: 0.2, ThrottleRate: 0.1, Seed: 5}, demoOptions(served))
	checkRoundTrip(t, served, got)
	if c.Total("") >= total(c.Attempts()) {
		t.Error("no request was retried")
	}
}

func total(m map[string]int) (n int) {
	for _, v := range m {
		n += v
	}
	return n
}
