package collect

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/sandbox"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// paginated are the calls whose count may grow with the account, one call
// per page of up to 1000 entities.
var paginated = []string{"iam:GetAccountAuthorizationDetails", "iam:ListRoles"}

// perUserCollector estimates the IAM calls of a collector that asks about
// each user and role: ListUsers/ListRoles pages, then per user GetLoginProfile,
// ListAccessKeys, GetAccessKeyLastUsed (one key on average), ListMFADevices,
// ListSSHPublicKeys, ListServiceSpecificCredentials, ListSigningCertificates,
// ListGroupsForUser, ListAttachedUserPolicies, ListUserPolicies (10), and per
// role GetRole (for last use), ListAttachedRolePolicies, ListRolePolicies (3).
func perUserCollector(users, roles int) int {
	pages := func(n int) int { return max(1, (n+999)/1000) }
	return pages(users) + pages(roles) + 10*users + 3*roles
}

// genSingle is one account outside any organisation.
func genSingle(users, roles int) *snapshot.Snapshot {
	served := genOrg(1, users, roles)
	served.Organization = nil
	a := served.Accounts[0]
	a.Collected = slices.DeleteFunc(a.Collected, func(in snapshot.Input) bool { return in == snapshot.InputOrganizationsFeatures })
	a.OrganizationsFeatures = nil
	return served
}

func countCalls(t *testing.T, users, roles int) (*snapshot.Snapshot, map[string]int) {
	t.Helper()
	served := genSingle(users, roles)
	got, _, c := collectSandbox(t, served, sandbox.Options{}, nil)
	return got, c.Calls()
}

// The API calls to collect an account with 10 users and one with 2,000
// users and 2,000 roles differ only by pagination pages.
//
//	go test ./internal/collect -run TestCallCounts -v
func TestCallCountsDoNotGrowWithUsers(t *testing.T) {
	_, smallCalls := countCalls(t, 10, 10)
	large, largeCalls := countCalls(t, 2000, 2000)
	if n := len(large.Accounts[0].Users); n != 2000 {
		t.Fatalf("collected %d users, want 2000", n)
	}
	keys := slices.Sorted(maps.Keys(largeCalls))
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-42s %12s %18s\n", "call", "10 users", "2000 users+roles")
	total := func(m map[string]int) (n int) {
		for _, v := range m {
			n += v
		}
		return n
	}
	for _, k := range keys {
		fmt.Fprintf(&b, "%-42s %12d %18d\n", k, smallCalls[k], largeCalls[k])
		if !slices.Contains(paginated, k) && smallCalls[k] != largeCalls[k] {
			t.Errorf("%s: %d calls for 10 users, %d for 2000: grows with the account", k, smallCalls[k], largeCalls[k])
		}
	}
	fmt.Fprintf(&b, "%-42s %12d %18d\n", "total", total(smallCalls), total(largeCalls))
	fmt.Fprintf(&b, "%-42s %12d %18d\n", "per-user collector (estimate, IAM only)", perUserCollector(10, 10), perUserCollector(2000, 2000))
	t.Log(b.String())
	if d := total(largeCalls) - total(smallCalls); d > 10 {
		t.Errorf("the large account needs %d more calls; want only a few more pages", d)
	}
}

// BenchmarkCollect2000 collects an account with 2,000 users and 2,000 roles
// from the sandbox over loopback HTTP.
//
//	go test ./internal/collect -run '^$' -bench Collect2000 -benchtime 3x
func BenchmarkCollect2000(b *testing.B) {
	served := genSingle(2000, 2000)
	for b.Loop() {
		got, _, c := collectSandbox(b, served, sandbox.Options{}, nil)
		if len(got.Accounts[0].Users) != 2000 {
			b.Fatal("users missing")
		}
		b.ReportMetric(float64(c.Total("")), "calls/op")
	}
}
