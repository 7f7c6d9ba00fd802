package githuboidc

import (
	"bytes"
	"context"
	"errors"
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

// demoWithoutGitHubProvider is the demo with no GitHub OIDC provider, so
// that the plan creates one.
func demoWithoutGitHubProvider() *snapshot.Snapshot {
	s := demo.Snapshot()
	a := s.Account(demo.AccountID)
	var keep []snapshot.OIDCProvider
	for _, p := range a.OIDCProviders {
		if p.Host() != Issuer {
			keep = append(keep, p)
		}
	}
	a.OIDCProviders = keep
	return s
}

// The GitHub plan applied against the sandbox: fix apply creates the
// provider, the roles and their policies; collected back, every new role
// passes iamspect's role-trust-* rules; and the deactivate stage refuses
// the keys while the roles have not been used.
func TestGitHubPlanAppliedAgainstSandbox(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: an apply and a collection")
	}
	m, err := ReadMapping("testdata/mapping.csv")
	if err != nil {
		t.Fatal(err)
	}
	at := func() time.Time { return demo.CollectedAt.Add(time.Hour) }
	res, err := Plan(demoWithoutGitHubProvider(), []*Repo{loadCorpus(t)}, Options{Mapping: m, Now: func() time.Time { return demo.CollectedAt }})
	if err != nil {
		t.Fatal(err)
	}
	var pj bytes.Buffer
	if err := res.Plan.Encode(&pj); err != nil {
		t.Fatal(err)
	}
	pl, err := plan.Read(bytes.NewReader(pj.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	created := false
	for _, a := range pl.ByStage(plan.StageCreate) {
		created = created || a.Call.Operation == "CreateOpenIDConnectProvider"
	}
	if !created {
		t.Fatal("the plan does not create the missing provider")
	}
	hs := httptest.NewServer(mustSandbox(t, demoWithoutGitHubProvider()))
	defer hs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg, err := collect.LoadConfig(ctx, collect.ConfigOptions{Region: "us-east-1", BaseEndpoint: hs.URL,
		Credentials: credentials.NewStaticCredentialsProvider("AKIAIAMSPECTSANDBOX1", "x", "")})
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	opts := apply.Options{Config: cfg, Org: true, Yes: true, Journal: filepath.Join(t.TempDir(), "j.jsonl"), PlanBytes: pj.Bytes(), Now: at, Out: &log}
	if _, err := apply.Apply(ctx, pl, opts); err != nil {
		t.Fatalf("apply: %v\n%s", err, log.String())
	}
	opts.Stage = plan.StageDeactivate
	sum, err := apply.Apply(ctx, pl, opts)
	if !errors.Is(err, apply.ErrRefused) || len(sum.Done) != 0 || len(sum.Refused) != len(pl.ByStage(plan.StageDeactivate)) {
		t.Fatalf("deactivate before the roles were used: %v, done %v\n%s", err, sum.Done, log.String())
	}
	for _, r := range sum.Refused {
		if !strings.Contains(r.Why, "UsedSince") {
			t.Errorf("refused for another reason: %s", r.Why)
		}
	}
	got, err := collect.Collect(ctx, collect.Options{Config: cfg, CredentialReportPoll: time.Millisecond, CredentialReportWait: 10 * time.Second,
		Now: func() time.Time { return demo.CollectedAt }})
	if err != nil {
		t.Fatal(err)
	}
	out, err := scan.Run(ctx, got, scan.Options{Rules: trustRules()})
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, role := range res.Roles {
		if r := got.Account(role.AccountID).Role(role.Name); r == nil || r.MaxSessionDuration != 3600 {
			t.Errorf("role %s not collected back as created: %+v", role.Name, r)
		}
		for _, r := range out.Results.Slice() {
			if r.ResourceARN != role.ARN {
				continue
			}
			seen++
			if r.Status != rules.Pass {
				t.Errorf("%s on %s: %s %s", r.RuleID, role.Name, r.Status, r.Message)
			}
		}
	}
	if seen == 0 {
		t.Error("the trust rules judged none of the new roles")
	}
}

func mustSandbox(t *testing.T, s *snapshot.Snapshot) *sandbox.Server {
	t.Helper()
	srv, err := sandbox.New(s, sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}
