package identitycenter

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/iamspect/iamspect/internal/collect"
	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/migrate"
	"github.com/iamspect/iamspect/internal/remediate/plan"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/sandbox"
	"github.com/iamspect/iamspect/internal/scan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// The sh rendering of the demo's plan uses exactly the AWS CLI commands of
// the issue, and its create stage, run by the AWS CLI against the sandbox,
// creates what the plan says: collected back, the member account passes
// identity-center-not-enabled.
func TestShRenderingRunsAgainstSandbox(t *testing.T) {
	res, err := Plan(demo.Snapshot(), Options{Now: fixedNow, SourceType: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	var sh bytes.Buffer
	if err := migrate.RenderSh(&sh, res.Plan); err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{
		"identitystore create-user": true, "identitystore create-group": true, "identitystore create-group-membership": true,
		"sso-admin create-permission-set": true, "sso-admin attach-managed-policy-to-permission-set": true,
		"sso-admin attach-customer-managed-policy-reference-to-permission-set": true, "sso-admin put-inline-policy-to-permission-set": true,
		"sso-admin put-permissions-boundary-to-permission-set": true, "sso-admin create-account-assignment": true,
		"sso-admin provision-permission-set": true, "iam create-policy": true,
		// The clean-up stage: the fix planner's deletion actions.
		"iam update-access-key": true, "iam delete-login-profile": true, "iam delete-access-key": true, "iam deactivate-mfa-device": true,
		"iam delete-virtual-mfa-device": true, "iam remove-user-from-group": true, "iam delete-user": true,
		"iam detach-user-policy": true, "iam delete-user-policy": true,
		"sts assume-role": true,
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(sh.String(), "\n") {
		i := strings.Index(line, "aws ")
		if i < 0 || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		f := strings.Fields(line[i:])
		if len(f) < 3 {
			continue
		}
		cmd := f[1] + " " + f[2]
		if !allowed[cmd] {
			t.Errorf("the script runs %q, not one of the planned commands", cmd)
		}
		seen[cmd] = true
	}
	for _, want := range []string{"identitystore create-user", "identitystore create-group", "identitystore create-group-membership",
		"sso-admin create-permission-set", "sso-admin attach-managed-policy-to-permission-set", "sso-admin put-inline-policy-to-permission-set",
		"sso-admin create-account-assignment", "sso-admin provision-permission-set"} {
		if !seen[want] {
			t.Errorf("the script never runs %s", want)
		}
	}

	// Before: the sandbox account has an IAM user and no assignment.
	before, err := scan.Run(context.Background(), demo.Snapshot(), scan.Options{Rules: []*rules.Rule{&rules.IdentityCenterNotEnabled}})
	if err != nil {
		t.Fatal(err)
	}
	failing := 0
	for _, r := range before.Results.Slice() {
		if r.Status == rules.Fail && r.AccountID == demo.MemberAccountID {
			failing++
		}
	}
	if failing != 1 {
		t.Fatalf("the demo's member account does not fail identity-center-not-enabled before the migration: %+v", before.Results)
	}

	awsBin, err := exec.LookPath("aws")
	if err != nil {
		t.Skipf("AWS CLI not found on PATH (%v): the script was checked but not run; install it with apt-get install awscli", err)
	}
	if testing.Short() {
		t.Skip("slow: runs the AWS CLI once per action")
	}
	srv, err := sandbox.New(demo.Snapshot(), sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	dir := t.TempDir()
	// A wrapper passes --endpoint-url, so the script itself stays the
	// reviewed one.
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	wrapper := "#!/bin/sh\nexec " + awsBin + " --endpoint-url " + hs.URL + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "aws"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "plan.sh")
	if err := os.WriteFile(script, sh.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", script, plan.StageCreate)
	cmd.Env = []string{"HOME=" + dir, "PATH=" + bin + ":" + os.Getenv("PATH"),
		"AWS_ACCESS_KEY_ID=" + sandbox.DummyAccessKeyID, "AWS_SECRET_ACCESS_KEY=" + sandbox.DummySecretAccessKey,
		"AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=us-east-1", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_PAGER=", "AWS_MAX_ATTEMPTS=1"}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sh plan.sh create: %v\n%s", err, out)
	}

	// Collect the sandbox back, as a live scan would.
	cfg, err := collect.LoadConfig(ctx, collect.ConfigOptions{Region: "us-east-1", BaseEndpoint: hs.URL,
		Credentials: credentials.NewStaticCredentialsProvider(sandbox.DummyAccessKeyID, sandbox.DummySecretAccessKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := collect.Collect(ctx, collect.Options{Config: cfg, Org: true, CredentialReportPoll: time.Millisecond, CredentialReportWait: 10 * time.Second,
		Now: func() time.Time { return demo.CollectedAt }})
	if err != nil {
		t.Fatal(err)
	}
	ic := got.Account(demo.AccountID).IdentityCenter
	for _, ps := range res.PermissionSets {
		if !hasPermissionSet(ic, ps.Name) {
			t.Errorf("permission set %s not collected back", ps.Name)
		}
	}
	for _, p := range res.People {
		if existingUser(ic, p.UserName) == "" {
			t.Errorf("Identity Center user %s not collected back", p.UserName)
		}
	}
	out, err := scan.Run(ctx, got, scan.Options{Rules: []*rules.Rule{&rules.IdentityCenterNotEnabled}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range out.Results.Slice() {
		if r.Status != rules.Pass {
			t.Errorf("%s in %s: %s %s", r.RuleID, r.AccountID, r.Status, r.Message)
		}
	}
}

func hasPermissionSet(ic *snapshot.IdentityCenter, name string) bool {
	if ic == nil {
		return false
	}
	for _, ps := range ic.PermissionSets {
		if ps.Name == name {
			return true
		}
	}
	return false
}
