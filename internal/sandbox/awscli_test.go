package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// awsCLI is Debian's AWS CLI v2; other installs on PATH are not used.
const awsCLI = "/usr/bin/aws"

// TestAWSCLI runs the real AWS CLI against the sandbox, when installed.
func TestAWSCLI(t *testing.T) {
	if _, err := os.Stat(awsCLI); err != nil {
		t.Skip("no " + awsCLI + " (apt-get install awscli)")
	}
	if testing.Short() {
		t.Skip("slow: starts the AWS CLI several times")
	}
	_, url := serve(t, orgSnapshot(), Options{})
	home := t.TempDir()
	run := func(args ...string) (map[string]any, string) {
		t.Helper()
		ctx, cancel := contextTimeout(30 * time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, awsCLI, append([]string{"--endpoint-url", url, "--output", "json"}, args...)...)
		cmd.Env = []string{"HOME=" + home, "PATH=/usr/bin:/bin",
			"AWS_ACCESS_KEY_ID=" + DummyAccessKeyID, "AWS_SECRET_ACCESS_KEY=" + DummySecretAccessKey,
			"AWS_REGION=us-east-1", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
			"AWS_PAGER=", "AWS_MAX_ATTEMPTS=1"}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			return nil, stderr.String()
		}
		var out map[string]any
		if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
			t.Fatalf("aws %v: %v\n%s", args, err, stdout.String())
		}
		return out, ""
	}

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
