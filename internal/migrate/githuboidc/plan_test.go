package githuboidc

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/migrate"
	"github.com/iamspect/iamspect/internal/snapshot"
)

var update = flag.Bool("update", false, "rewrite golden files")

var fixedNow = func() time.Time { return time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC) }

func demoPlan(t *testing.T) *Result {
	t.Helper()
	m, err := ReadMapping("testdata/mapping.csv")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Plan(demo.Snapshot(), []*Repo{loadCorpus(t)}, Options{Mapping: m, Now: fixedNow, SourceType: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Plan.Validate(); err != nil {
		t.Fatal(err)
	}
	return res
}

func TestPlanOnDemo(t *testing.T) {
	res := demoPlan(t)
	if len(res.Roles) != 2 {
		t.Fatalf("roles: %+v", res.Roles)
	}
	for _, r := range res.Roles {
		if len(r.SelfCheck) > 0 {
			t.Errorf("role %s fails the trust rules: %v\n%s", r.Name, r.SelfCheck, r.Trust)
		}
		for _, sub := range r.Subjects {
			if strings.HasPrefix(sub, "repo:northwind/*") || strings.HasSuffix(sub, ":*") || !strings.HasPrefix(sub, "repo:northwind") {
				t.Errorf("role %s: subject %q broader than the triggers", r.Name, sub)
			}
		}
		if !strings.Contains(r.Trust, `"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"`) {
			t.Errorf("role %s: aud not pinned: %s", r.Name, r.Trust)
		}
	}
	ci := res.Roles[0]
	for _, want := range []string{
		"repo:northwind/web:ref:refs/heads/main",             // deploy-main, and every-branch workflows pinned to it
		"repo:northwind/web:environment:production",          // environment-deploy and matrix
		"repo:northwind/web:environment:staging",             // matrix
		"repo:northwind/web:ref:refs/tags/v*",                // env-job
		"repo:northwind/web:pull_request",                    // env-job
		"repo:northwind/web:ref:refs/heads/release/*",        // call-reusable, through the reusable workflow
		"repo:northwind@81234567/web@702345678:pull_request", // the ID-based form
	} {
		found := false
		for _, s := range ci.Subjects {
			found = found || s == want
		}
		if !found {
			t.Errorf("role %s lacks subject %s: %v", ci.Name, want, ci.Subjects)
		}
	}
	if len(ci.Notes) == 0 || !strings.Contains(strings.Join(ci.Notes, " "), "pinned to the default branch main") {
		t.Errorf("no note on pinning every-branch workflows: %v", ci.Notes)
	}
	backup := res.Targets["northwind/web/BACKUP_KEY_ID"]
	if backup.UserName != "legacy-backup" || !backup.Guess || !strings.HasPrefix(backup.Why, "guess:") {
		t.Errorf("BACKUP_KEY_ID: %+v", backup)
	}
	if mapped := res.Targets["northwind/web/AWS_ACCESS_KEY_ID"]; mapped.Guess || mapped.UserName != "ci-deploy" {
		t.Errorf("AWS_ACCESS_KEY_ID: %+v", mapped)
	}
	if len(res.Unmapped) != 1 || res.Unmapped[0] != "northwind/web/PROD_AWS_SESSION_TOKEN" {
		t.Errorf("unmapped: %v", res.Unmapped)
	}
	// The demo's OIDC provider exists: none is created; the workflow
	// already on OIDC uses github-actions-deploy, whose trust the
	// role-trust-oidc-* rules fail.
	var ops []string
	for _, a := range res.Plan.Actions {
		if a.Call != nil {
			ops = append(ops, a.Call.Operation)
		}
	}
	joined := strings.Join(ops, " ")
	if strings.Contains(joined, "CreateOpenIDConnectProvider") || !strings.Contains(joined, "CreateRole") || !strings.Contains(joined, "DeleteUser") {
		t.Errorf("operations: %s", joined)
	}
	if len(res.Broad) != 1 || res.Broad[0].Finding[0].RuleID != "role-trust-oidc-unscoped" || len(res.Plan.Unplanned) == 0 {
		t.Errorf("broad trust: %+v", res.Broad)
	}
}

var versionRe = regexp.MustCompile(`"version": "[^"]*"`)

// The plan, as JSON and markdown, is pinned by golden files (go test
// -update rewrites them).
func TestPlanGolden(t *testing.T) {
	res := demoPlan(t)
	for _, f := range []string{migrate.FormatJSON, migrate.FormatMarkdown} {
		var buf bytes.Buffer
		if err := migrate.Render(&buf, res.Plan, f); err != nil {
			t.Fatal(err)
		}
		got := versionRe.ReplaceAll(buf.Bytes(), []byte(`"version": "VERSION"`))
		got = bytes.ReplaceAll(got, []byte(res.Plan.Tool.Version), []byte("VERSION"))
		path := filepath.Join("testdata", "golden", "plan."+f+".golden")
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the golden file; run go test -update and review the diff", path)
		}
	}
}

// A reusable workflow takes its callers' subjects, however many of its
// lines use a key: it is never pinned to the default branch for want of a
// trigger.
func TestReusableWorkflowTakesCallersSubjects(t *testing.T) {
	r := loadCorpus(t)
	var called *Workflow
	for _, wf := range r.Workflows {
		if wf.Path == ".github/workflows/reusable-deploy.yml" {
			called = wf
		}
	}
	seen := map[string]bool{}
	for i := 0; i < 2; i++ {
		s := r.subjectsFor(called, called.Jobs[0], seen)
		if strings.Join(s.Values, ",") != "repo:northwind/web:ref:refs/heads/release/*,repo:northwind/web:ref:refs/heads/hotfix" || len(s.Notes) != 0 {
			t.Fatalf("call %d: %v %v", i, s.Values, s.Notes)
		}
	}
}

// A matrix job whose entries hold different users' keys is patched to one
// role, and the plan says so.
func TestMatrixOfSeveralUsersWarns(t *testing.T) {
	m, err := ReadMapping("testdata/mapping.csv")
	if err != nil {
		t.Fatal(err)
	}
	for i := range m {
		if strings.HasPrefix(m[i].Secret, "STAGING_") {
			m[i].UserName = "legacy-backup"
		}
	}
	res, err := Plan(demo.Snapshot(), []*Repo{loadCorpus(t)}, Options{Mapping: m, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(res.Plan.Warnings, "\n"), ".github/workflows/matrix.yml job deploy uses the keys of several IAM users") {
		t.Errorf("warnings: %v", res.Plan.Warnings)
	}
}

// The GitHub plan carries the proof too: a user policy that names the
// user through ${aws:username} no longer matches for the role's session.
func TestPlanProofFindsUserOnlyPolicy(t *testing.T) {
	b := snapshot.NewBuilder("123456789012", fixedNow())
	u := b.User("deploy-bot", fixedNow().AddDate(-1, 0, 0)).AccessKey(fixedNow().AddDate(-1, 0, 0), nil).User
	u.ID = "AIDADEPLOYBOT0000001"
	u.AccessKeys[0].ID = "AKIADEPLOYBOT0000001"
	u.InlinePolicies = []snapshot.InlinePolicy{{Name: "own-prefix", Document: snapshot.RawJSON(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::artifacts/${aws:username}/*"},{"Effect":"Allow","Action":"ecr:GetAuthorizationToken","Resource":"*"}]}`)}}
	m := []Mapping{{Repo: "northwind/web", Secret: "AWS_ACCESS_KEY_ID", AccountID: "123456789012", UserName: "deploy-bot"},
		{Repo: "northwind/web", Secret: "AWS_SECRET_ACCESS_KEY", AccountID: "123456789012", UserName: "deploy-bot"}}
	res, err := Plan(b.Build(), []*Repo{loadCorpus(t)}, Options{Mapping: m, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	ds := res.Plan.Differences
	if len(ds) != 1 || ds[0].Kind != "lost" || !ds[0].Explained || !strings.Contains(ds[0].Explanation, "${aws:username}") ||
		!strings.HasPrefix(ds[0].Action, "s3:PutObject on arn:aws:s3:::artifacts/deploy-bot/") {
		t.Fatalf("differences: %+v", ds)
	}
	if res.Plan.RequiresAcceptDifferences {
		t.Error("an explained difference requires acceptance")
	}
}

// Without a mapping, where a key was last used breaks a tie between users
// that both look like CI users: deploy-main.yml runs aws s3 in us-east-1.
func TestGuessByLastUsedService(t *testing.T) {
	b := snapshot.NewBuilder("123456789012", fixedNow())
	for name, svc := range map[string]string{"deploy-images": "ecr", "deploy-site": "s3"} {
		used := fixedNow().AddDate(0, 0, -1)
		u := b.User(name, fixedNow().AddDate(-1, 0, 0)).AccessKey(fixedNow().AddDate(-1, 0, 0), &used).User
		u.AccessKeys[0].ID = "AKIA" + strings.ToUpper(strings.ReplaceAll(name, "-", "")) + "00000"
		u.AccessKeys[0].LastUsedService, u.AccessKeys[0].LastUsedRegion = svc, "us-east-1"
		u.Tags = []snapshot.Tag{{Key: "purpose", Value: "github-actions"}}
	}
	res, err := Plan(b.Build(), []*Repo{loadCorpus(t)}, Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	got := res.Targets["northwind/web/AWS_ACCESS_KEY_ID"]
	if got.UserName != "deploy-site" || !got.Guess || !strings.Contains(got.Why, "last used with s3") {
		t.Errorf("AWS_ACCESS_KEY_ID: %+v", got)
	}
	// The secret is mapped once for all its uses: none is left out of the
	// role's trust, and it is not reported unmapped.
	for _, k := range res.Unmapped {
		if k == "northwind/web/AWS_ACCESS_KEY_ID" {
			t.Error("AWS_ACCESS_KEY_ID reported unmapped")
		}
	}
	var site *Role
	for _, r := range res.Roles {
		if r.User == "deploy-site" {
			site = r
		}
	}
	if site == nil || !strings.Contains(strings.Join(site.Subjects, " "), "repo:northwind/web:ref:refs/heads/release/*") {
		t.Errorf("role of deploy-site: %+v", site)
	}
}
