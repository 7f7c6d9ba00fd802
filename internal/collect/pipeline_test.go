package collect

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/sandbox"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// orgCollect collects the organisation a sandbox serves with the
// production report polling (2 s) and parallel accounts.
func orgCollect(t *testing.T, served *snapshot.Snapshot, opts sandbox.Options, parallel int) (*snapshot.Snapshot, time.Duration, map[string]int) {
	t.Helper()
	srv, url := startSandbox(t, served, opts)
	cfg, err := LoadConfig(context.Background(), ConfigOptions{Region: "us-east-1", BaseEndpoint: url,
		Credentials: credentials.NewStaticCredentialsProvider(sandbox.DummyAccessKeyID, sandbox.DummySecretAccessKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	got, err := Collect(context.Background(), Options{Config: cfg, Org: true, Parallel: parallel, Regions: []string{"us-east-1"}})
	if err != nil {
		t.Fatal(err)
	}
	return got, time.Since(start), srv.Stats()
}

// An organisation's credential reports are generated at the same time: 20
// accounts whose report takes 2 s each, 4 at a time, take about one wait,
// not 20/4 = 5 of them (issue 16), and give the same results as without
// the wait.
func TestOrgReportWaitsOverlap(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the sandbox's credential reports (about 3 s)")
	}
	t.Parallel()
	const accounts, parallel, delay = 20, 4, 2 * time.Second
	served := consistent(demo.Organization(accounts))
	want, _, _ := orgCollect(t, served, sandbox.Options{}, parallel)
	got, took, stats := orgCollect(t, served, sandbox.Options{ReportDelay: delay}, parallel)
	t.Logf("%d accounts, --parallel %d, report ready %s after it is asked for: %s (%d GenerateCredentialReport, %d GetCredentialReport)",
		accounts, parallel, delay, took.Round(time.Millisecond), stats["iam:GenerateCredentialReport"], stats["iam:GetCredentialReport"])
	if len(got.Gaps) != 0 || len(got.Accounts) != accounts {
		t.Fatalf("%d accounts, gaps %+v", len(got.Accounts), got.Gaps)
	}
	for _, a := range got.Accounts {
		if !a.Has(snapshot.InputCredentialReport) || a.CredentialReportGeneratedAt == nil {
			t.Fatalf("account %s: no credential report", a.ID)
		}
	}
	if took < delay {
		t.Fatalf("took %s, less than one report wait: the sandbox's delay was not in effect", took)
	}
	// One wait plus the work (about 2.2 s); holding a slot per wait takes
	// 5 waits (10 s). The margin is for a loaded machine.
	if limit := 3 * delay; took > limit {
		t.Errorf("took %s, more than 3 report waits of %s: the waits did not overlap", took, delay)
	}
	if n := stats["iam:GetCredentialReport"]; n != accounts {
		t.Errorf("%d GetCredentialReport calls, want one per account (%d): polls went to Get before the report was complete", n, accounts)
	}
	if w, g := statusKeys(scanResults(t, want)), statusKeys(scanResults(t, got)); !slices.Equal(w, g) {
		t.Fatalf("results differ from the collection without a report delay:\n%s", diffLines(w, g))
	}
}

// An account whose credential report is still being generated gives its
// work slot back while it waits, and takes one again to finish.
func TestReportWaitReleasesWorkSlot(t *testing.T) {
	t.Parallel()
	served := consistent(demo.Snapshot())
	_, url := startSandbox(t, served, sandbox.Options{ReportDelay: 3 * time.Second})
	o := faultOptions(t, url, nil)
	o.CredentialReportPoll = 100 * time.Millisecond
	o.Regions = []string{"us-east-1"}
	o.defaults()
	work := make(slots, 1)
	c := newIAMCollector(o.Config, &o)
	c.startReport(context.Background())
	type result struct {
		a    *snapshot.Account
		gaps []snapshot.Gap
		err  error
	}
	done := make(chan result, 1)
	id := served.Accounts[0].ID
	go func() {
		a, gaps, err := collectAccountWith(context.Background(), time.Now().Add(time.Minute), o.Config, c, id, "aws", &o, nil, work)
		done <- result{a, gaps, err}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
	defer cancel()
	// The collection takes the one slot first, then gives it back while
	// the report (ready 3 s after the start) is generated.
	for len(work) == 0 { // until the collection holds the slot
		if ctx.Err() != nil {
			t.Fatal("the collection never took the work slot")
		}
		time.Sleep(time.Millisecond)
	}
	if err := work.acquire(ctx); err != nil {
		t.Fatalf("the work slot was held for the whole report wait: %v", err)
	}
	select {
	case r := <-done:
		t.Fatalf("the collection finished (%v) before the report could be ready", r.err)
	default:
	}
	work.release()
	r := <-done
	if r.err != nil || len(r.gaps) != 0 || !r.a.Has(snapshot.InputCredentialReport) {
		t.Fatalf("err %v, gaps %+v, credential report collected: %v", r.err, r.gaps, r.a != nil && r.a.Has(snapshot.InputCredentialReport))
	}
	if len(work) != 0 {
		t.Fatalf("%d work slots still held after the collection", len(work))
	}
}
