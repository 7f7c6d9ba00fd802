package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/importer"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// awsCLI finds the AWS CLI on PATH (.ci/run installs Debian's) and skips
// the test, saying how to install it, when there is none.
func awsCLI(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("aws")
	if err != nil {
		t.Skipf("AWS CLI not found on PATH (%v): skipping %s; install it with apt-get install awscli", err, t.Name())
	}
	return path
}

// TestAWSCLI runs the real AWS CLI against the sandbox, when installed.
func TestAWSCLI(t *testing.T) {
	awsCLI(t)
	if testing.Short() {
		t.Skip("slow: starts the AWS CLI several times")
	}
	_, url := serve(t, orgSnapshot(), Options{})
	home := t.TempDir()
	run := func(args ...string) (map[string]any, string) {
		t.Helper()
		out, _, errText := runCLI(t, url, home, args...)
		return out, errText
	}
	_, demoURL := serve(t, demo.Snapshot(), Options{})
	t.Run("import-round-trip", func(t *testing.T) {
		t.Parallel()
		_, raw, errText := runCLI(t, demoURL, home, "iam", "get-account-authorization-details")
		if errText != "" {
			t.Fatal(errText)
		}
		pages, err := importer.DecodeAuthorizationDetails(raw)
		if err != nil {
			t.Fatal(err)
		}
		got := &snapshot.Account{ID: demo.AccountID}
		if err := importer.ApplyAuthorizationDetails(got, pages...); err != nil {
			t.Fatal(err)
		}
		want := demo.Snapshot().Accounts[0]
		if len(got.Users) != len(want.Users) || len(got.Roles) != len(want.Roles) || len(got.Policies) != len(want.Policies) {
			t.Fatalf("imported %d users %d roles %d policies", len(got.Users), len(got.Roles), len(got.Policies))
		}
		for i, w := range want.Roles {
			if g := got.Roles[i]; g.Name != w.Name || !sameJSON(t, g.TrustPolicy, w.TrustPolicy) || (g.LastUsed == nil) != (w.LastUsed == nil) {
				t.Errorf("role %s: trust %s", w.Name, g.TrustPolicy)
			}
		}
		for i, w := range want.Policies {
			if g := got.Policies[i]; g.ARN != w.ARN || !sameJSON(t, g.Document, w.Document) || g.DefaultVersionID != w.DefaultVersionID {
				t.Errorf("policy %s: %s", w.Name, g.Document)
			}
		}
		for i, w := range want.Users {
			g := got.Users[i]
			if g.Name != w.Name || g.ID != w.ID || len(g.InlinePolicies) != len(w.InlinePolicies) || len(g.Groups) != len(w.Groups) {
				t.Errorf("user %s: %+v", w.Name, g)
			}
			for k := range w.InlinePolicies {
				if !sameJSON(t, g.InlinePolicies[k].Document, w.InlinePolicies[k].Document) {
					t.Errorf("user %s inline policy %d: %s", w.Name, k, g.InlinePolicies[k].Document)
				}
			}
		}
	})
	// Independent commands run in parallel: each CLI start takes a second or so.
	t.Run("authorization-details", func(t *testing.T) {
		t.Parallel()
		out, errText := run("iam", "get-account-authorization-details")
		if errText != "" {
			t.Fatal(errText)
		}
		if users := out["UserDetailList"].([]any); len(users) != 1 || users[0].(map[string]any)["UserName"] != "mgmt-admin" {
			t.Fatalf("authorization details: %v", out)
		}
	})
	t.Run("credential-report", func(t *testing.T) {
		t.Parallel()
		_, errText := run("iam", "get-credential-report")
		if !strings.Contains(errText, "ReportNotPresent") {
			t.Fatalf("get-credential-report before generate: %q", errText)
		}
		out, errText := run("iam", "generate-credential-report")
		if out["State"] != "STARTED" {
			t.Fatalf("generate-credential-report: %v %s", out, errText)
		}
		if _, errText = run("iam", "get-credential-report"); !strings.Contains(errText, "ReportInProgress") {
			t.Fatalf("get-credential-report while in progress: %q", errText)
		}
		out, errText = run("iam", "get-credential-report")
		if errText != "" {
			t.Fatal(errText)
		}
		csv, err := base64.StdEncoding.DecodeString(out["Content"].(string))
		if err != nil || !strings.HasPrefix(string(csv), "user,arn,user_creation_time,") || !strings.Contains(string(csv), "\nmgmt-admin,") {
			t.Fatalf("credential report: %v %q", err, csv)
		}
	})
	t.Run("sts", func(t *testing.T) {
		t.Parallel()
		if out, errText := run("sts", "get-caller-identity"); out["Account"] != mgmtID {
			t.Fatalf("get-caller-identity: %v %s", out, errText)
		}
	})
	t.Run("organizations", func(t *testing.T) {
		t.Parallel()
		if out, errText := run("organizations", "list-accounts"); errText != "" || len(out["Accounts"].([]any)) != 25 {
			t.Fatalf("list-accounts (the CLI follows NextToken): %v %s", out, errText)
		}
	})
	t.Run("sso-admin", func(t *testing.T) {
		t.Parallel()
		out, errText := run("sso-admin", "list-instances")
		if errText != "" || len(out["Instances"].([]any)) != 1 {
			t.Fatalf("list-instances: %v %s", out, errText)
		}
	})
	t.Run("gap", func(t *testing.T) {
		t.Parallel()
		if _, errText := run("iam", "get-account-password-policy"); !strings.Contains(errText, "AccessDenied") {
			t.Fatalf("get-account-password-policy of a snapshot without it: %q", errText)
		}
	})
}

// runCLI runs the AWS CLI against url and returns its decoded JSON output,
// its raw output, or its error text.
func runCLI(t *testing.T, url, home string, args ...string) (map[string]any, []byte, string) {
	t.Helper()
	ctx, cancel := contextTimeout(30 * time.Second)
	defer cancel()
	bin := awsCLI(t)
	cmd := exec.CommandContext(ctx, bin, append([]string{"--endpoint-url", url, "--output", "json"}, args...)...)
	// PATH as found: an AWS CLI installed by pip or pyenv runs through a
	// wrapper that needs it.
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"),
		"AWS_ACCESS_KEY_ID=" + DummyAccessKeyID, "AWS_SECRET_ACCESS_KEY=" + DummySecretAccessKey,
		"AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=us-east-1", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_PAGER=", "AWS_MAX_ATTEMPTS=1"}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, nil, stderr.String() + err.Error()
	}
	var out map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("aws %v: %v\n%s", args, err, stdout.String())
	}
	return out, stdout.Bytes(), ""
}

// sameJSON compares two JSON documents by value.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		return false
	}
	if err := json.Unmarshal(b, &y); err != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
