package collect

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/sandbox"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// slowAssumeRole delays every sts:AssumeRole answer, as a throttled (and
// retried) AssumeRole in a busy management account is slow.
func slowAssumeRole(next http.Handler, delay time.Duration, calls *atomic.Int32) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if strings.Contains(string(body), "Action=AssumeRole") {
			calls.Add(1)
			time.Sleep(delay)
		}
		next.ServeHTTP(w, r)
	})
}

// A member role whose assumption takes longer than the first call's quick
// attempt deadline is still assumed (with the ordinary timeouts and
// retries), not reported as an unreachable endpoint; every member role is
// assumed through one STS client.
func TestSlowAssumeRoleIsNotUnreachable(t *testing.T) {
	old := firstCallAttemptTimeout
	firstCallAttemptTimeout = 200 * time.Millisecond
	t.Cleanup(func() { firstCallAttemptTimeout = old })
	served := genOrg(3, 1, 1)
	sb, err := sandbox.New(served, sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	ts := httptest.NewServer(slowAssumeRole(sb, 2*time.Second, &calls))
	t.Cleanup(ts.Close)
	o := faultOptions(t, ts.URL, func(co *ConfigOptions) { co.ResponseTimeout = 0; co.AttemptTimeout = 10 * time.Second })
	o.Org = true
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	got, err := Collect(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Gaps) != 0 || len(got.Accounts) != 3 {
		t.Fatalf("%d accounts, gaps %v", len(got.Accounts), got.Gaps)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("%d AssumeRole calls, want 2 (one per member)", n)
	}
}

// With Shard, only the shard's accounts are collected (the management
// account too, when its hash picks the shard); the organisation is in
// every part, and the part records its shard.
func TestCollectShard(t *testing.T) {
	t.Parallel()
	served := genOrg(8, 1, 1)
	seen := map[string]bool{}
	for i := 1; i <= 2; i++ {
		sh := &snapshot.Shard{Index: i, Count: 2, Run: "r"}
		got, _, _ := collectSandbox(t, served, sandbox.Options{}, func(o *Options) { o.Org = true; o.Shard = sh })
		if got.Source.Shard == nil || *got.Source.Shard != *sh {
			t.Errorf("part %d: source.shard %v", i, got.Source.Shard)
		}
		if got.Organization == nil || len(got.Organization.Accounts) != 8 || len(got.Gaps) != 0 {
			t.Errorf("part %d: organisation %v, gaps %v", i, got.Organization, got.Gaps)
		}
		for _, a := range got.Accounts {
			if snapshot.ShardOf(a.ID, 2) != i || seen[a.ID] {
				t.Errorf("part %d holds account %s (shard %d)", i, a.ID, snapshot.ShardOf(a.ID, 2))
			}
			seen[a.ID] = true
		}
	}
	var all []string
	for id := range seen {
		all = append(all, id)
	}
	slices.Sort(all)
	if len(all) != 8 {
		t.Errorf("the parts hold %v, want the 8 accounts", all)
	}
}
