package identitycenter

import (
	"bytes"
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/iamspect/iamspect/internal/collect"
	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/remediate/apply"
	"github.com/iamspect/iamspect/internal/remediate/plan"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/sandbox"
	"github.com/iamspect/iamspect/internal/scan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// The done-when, on the demo organisation: migrate identity-center
// → fix apply --yes (create stage, then the clean-up stage) against the
// sandbox → a new scan of what the collector reads back has no
// iam-user-unnecessary FAIL for the migrated people, and
// identity-center-not-enabled passes in every account.
func TestDemoMigrationAppliedAgainstSandbox(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: a full apply and two collections")
	}
	at := func() time.Time { return demo.CollectedAt.Add(time.Hour) }
	res, err := Plan(demo.Snapshot(), Options{Now: func() time.Time { return demo.CollectedAt }, SourceType: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	var planJSON bytes.Buffer
	if err := res.Plan.Encode(&planJSON); err != nil {
		t.Fatal(err)
	}
	pl, err := plan.Read(bytes.NewReader(planJSON.Bytes())) // what fix apply reads
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sandbox.New(demo.Snapshot(), sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg, err := collect.LoadConfig(ctx, collect.ConfigOptions{Region: "us-east-1", BaseEndpoint: hs.URL,
		Credentials: credentials.NewStaticCredentialsProvider(sandbox.DummyAccessKeyID, sandbox.DummySecretAccessKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	var log bytes.Buffer
	opts := apply.Options{Config: cfg, Org: true, Yes: true, Journal: journal, PlanBytes: planJSON.Bytes(), Now: at, Out: &log, Grace: -1}

	// The first stage apply picks is the creation.
	sum, err := apply.Apply(ctx, pl, opts)
	if err != nil {
		t.Fatalf("apply create: %v\n%s", err, log.String())
	}
	if sum.Stage != plan.StageCreate || len(sum.Done) != len(pl.ByStage(plan.StageCreate)) {
		t.Fatalf("stage %s: %d of %d done\n%s", sum.Stage, len(sum.Done), len(pl.ByStage(plan.StageCreate)), log.String())
	}
	// After the people's first sign-in: the clean-up.
	opts.Stage = plan.StageDelete
	if _, err := apply.Apply(ctx, pl, opts); err != nil {
		t.Fatalf("apply delete: %v\n%s", err, log.String())
	}

	got, err := collect.Collect(ctx, collect.Options{Config: cfg, Org: true, CredentialReportPoll: time.Millisecond,
		CredentialReportWait: 10 * time.Second, Now: func() time.Time { return demo.CollectedAt }})
	if err != nil {
		t.Fatal(err)
	}
	out, err := scan.Run(ctx, got, scan.Options{Rules: []*rules.Rule{&rules.UserUnnecessary, &rules.IdentityCenterNotEnabled}})
	if err != nil {
		t.Fatal(err)
	}
	migrated := map[string]bool{}
	for _, p := range res.People {
		for _, au := range p.Users {
			migrated[au.User.ARN] = true
		}
	}
	for _, r := range out.Results.Slice() {
		switch {
		case r.RuleID == rules.IdentityCenterNotEnabled.ID && r.Status != rules.Pass:
			t.Errorf("identity-center-not-enabled in %s: %s %s", r.AccountID, r.Status, r.Message)
		case r.RuleID == rules.UserUnnecessary.ID && r.Status == rules.Fail && migrated[r.ResourceARN]:
			t.Errorf("migrated user still fails iam-user-unnecessary: %s", r.ResourceARN)
		}
	}
	// The workloads stay (they take the role/OIDC route), and every
	// person's Identity Center user and assignment is there.
	mgmt := got.Account(demo.AccountID)
	for _, w := range res.Workloads {
		if got.Account(w.AccountID).User(w.UserName) == nil {
			t.Errorf("workload user %s was deleted", w.UserName)
		}
	}
	for _, p := range res.People {
		id := existingUser(mgmt.IdentityCenter, p.UserName)
		if id == "" {
			t.Errorf("no Identity Center user %s", p.UserName)
			continue
		}
		for _, au := range p.Users {
			if !assigned(mgmt.IdentityCenter, id, au.Account.ID) {
				t.Errorf("%s has no assignment in %s", p.UserName, au.Account.ID)
			}
		}
	}
	t.Logf("apply log:\n%s", log.String())
	if !strings.Contains(log.String(), "done") {
		t.Errorf("apply log: %s", log.String())
	}
}

func assigned(ic *snapshot.IdentityCenter, userID, account string) bool {
	for _, a := range ic.Assignments {
		if a.PrincipalType == "USER" && a.PrincipalID == userID && a.AccountID == account {
			return true
		}
	}
	return false
}

// Rollback of the create stage undoes the Identity Center changes in
// reverse order, resolving the created IDs from the journal: the served
// Identity Center is the demo's again.
func TestDemoMigrationRollback(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: an apply and a rollback")
	}
	at := func() time.Time { return demo.CollectedAt.Add(time.Hour) }
	res, err := Plan(demo.Snapshot(), Options{Now: func() time.Time { return demo.CollectedAt }})
	if err != nil {
		t.Fatal(err)
	}
	var planJSON bytes.Buffer
	if err := res.Plan.Encode(&planJSON); err != nil {
		t.Fatal(err)
	}
	srv, err := sandbox.New(demo.Snapshot(), sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg, err := collect.LoadConfig(ctx, collect.ConfigOptions{Region: "us-east-1", BaseEndpoint: hs.URL,
		Credentials: credentials.NewStaticCredentialsProvider(sandbox.DummyAccessKeyID, sandbox.DummySecretAccessKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	opts := apply.Options{Config: cfg, Org: true, Yes: true, Journal: filepath.Join(t.TempDir(), "j.jsonl"), PlanBytes: planJSON.Bytes(), Now: at, Out: &log}
	if _, err := apply.Apply(ctx, res.Plan, opts); err != nil {
		t.Fatalf("apply: %v\n%s", err, log.String())
	}
	if _, err := apply.Rollback(ctx, opts); err != nil {
		t.Fatalf("rollback: %v\n%s", err, log.String())
	}
	state, err := srv.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	got, want := state.Account(demo.AccountID).IdentityCenter, demo.Snapshot().Account(demo.AccountID).IdentityCenter
	if len(got.Users) != len(want.Users) || len(got.Groups) != len(want.Groups) || len(got.PermissionSets) != len(want.PermissionSets) ||
		len(got.Assignments) != len(want.Assignments) || len(got.Memberships) != len(want.Memberships) {
		t.Errorf("after rollback: %d users %d groups %d permission sets %d assignments %d memberships; want %d %d %d %d %d\n%s",
			len(got.Users), len(got.Groups), len(got.PermissionSets), len(got.Assignments), len(got.Memberships),
			len(want.Users), len(want.Groups), len(want.PermissionSets), len(want.Assignments), len(want.Memberships), log.String())
	}
}

// An apply that lost its journal (or crashed between a call and its
// journal entry) runs the create stage again: every creation answers that
// the thing exists, apply adopts it with the IDs later actions need, and
// the clean-up stage still runs.
func TestDemoMigrationReappliedWithoutJournal(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: three applies")
	}
	at := func() time.Time { return demo.CollectedAt.Add(time.Hour) }
	res, err := Plan(demo.Snapshot(), Options{Now: func() time.Time { return demo.CollectedAt }})
	if err != nil {
		t.Fatal(err)
	}
	var planJSON bytes.Buffer
	if err := res.Plan.Encode(&planJSON); err != nil {
		t.Fatal(err)
	}
	srv, err := sandbox.New(demo.Snapshot(), sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg, err := collect.LoadConfig(ctx, collect.ConfigOptions{Region: "us-east-1", BaseEndpoint: hs.URL,
		Credentials: credentials.NewStaticCredentialsProvider(sandbox.DummyAccessKeyID, sandbox.DummySecretAccessKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	dir := t.TempDir()
	opts := apply.Options{Config: cfg, Org: true, Yes: true, Journal: filepath.Join(dir, "first.jsonl"), PlanBytes: planJSON.Bytes(), Now: at, Out: &log, Grace: -1}
	if _, err := apply.Apply(ctx, res.Plan, opts); err != nil {
		t.Fatalf("first apply: %v\n%s", err, log.String())
	}
	opts.Journal = filepath.Join(dir, "second.jsonl")
	sum, err := apply.Apply(ctx, res.Plan, opts)
	if err != nil || len(sum.Done) != len(res.Plan.ByStage(plan.StageCreate)) {
		t.Fatalf("second apply: %v, %d done\n%s", err, len(sum.Done), log.String())
	}
	opts.Stage = plan.StageDelete
	if _, err := apply.Apply(ctx, res.Plan, opts); err != nil {
		t.Fatalf("delete stage after the re-apply: %v\n%s", err, log.String())
	}
	state, err := srv.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	ic := state.Account(demo.AccountID).IdentityCenter
	if n, w := len(ic.Users), len(demo.Snapshot().Account(demo.AccountID).IdentityCenter.Users)+len(res.People); n != w {
		t.Errorf("%d Identity Center users, want %d (no duplicates)", n, w)
	}
	if state.Account(demo.MemberAccountID).User("sandbox-admin") != nil {
		t.Error("sandbox-admin not deleted")
	}
}
