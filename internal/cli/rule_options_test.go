package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRuleSelectionFlags(t *testing.T) {
	code, _, stderr := runCLI(t, "demo", "--rules", "root-acess-keys")
	if code != ExitUsage || !strings.Contains(stderr, `did you mean "root-access-keys"`) {
		t.Errorf("unknown rule: exit %d, %q", code, stderr)
	}
	code, out, _ := runCLI(t, "demo", "--format", "json", "--rules", "root-*", "--exclude-rules", "root-mfa-disabled", "--severity", "high")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	var rep struct {
		Results []struct {
			RuleID string `json:"rule_id"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range rep.Results {
		seen[r.RuleID] = true
	}
	if !seen["root-access-keys"] || seen["root-mfa-disabled"] || seen["iam-user-unnecessary"] {
		t.Errorf("selected %v", seen)
	}
	if code, _, stderr := runCLI(t, "demo", "--framework", "cis-aws-v9"); code != ExitUsage || !strings.Contains(stderr, "cis-aws-v9") {
		t.Errorf("unknown framework: exit %d, stderr %q (want 2 and the framework named)", code, stderr)
	}
}

func TestSuppressionsAndComplianceFlags(t *testing.T) {
	dir := t.TempDir()
	supp := filepath.Join(dir, "suppressions.yaml")
	os.WriteFile(supp, []byte(`suppressions:
  - rule: iam-user-unnecessary
    resource: "arn:aws:iam::*:user/codecommit-mirror"
    reason: CodeCommit Git credentials, no alternative
  - rule: iam-user-inactive
    reason: expired entry
    expires: 2020-01-01
`), 0o644)
	code, out, stderr := runCLI(t, "demo", "--format", "json", "--suppressions", supp, "--compliance", "cis-aws-v3.0")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Results []struct {
			RuleID       string `json:"rule_id"`
			Status       string `json:"status"`
			ResourceName string `json:"resource_name"`
			MuteReason   string `json:"mute_reason"`
		} `json:"results"`
		Compliance struct {
			Framework string
			Controls  []struct{ ID, Status string }
			Summary   struct{ Score float64 }
		} `json:"compliance"`
		Suppressions struct {
			Applied int
			Expired []struct{ Line int }
		} `json:"suppressions"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	muted := false
	for _, r := range rep.Results {
		if r.RuleID == "iam-user-unnecessary" && r.ResourceName == "codecommit-mirror" {
			muted = r.Status == "MUTED" && r.MuteReason == "CodeCommit Git credentials, no alternative"
		}
	}
	if !muted || rep.Suppressions.Applied != 1 || len(rep.Suppressions.Expired) != 1 || rep.Suppressions.Expired[0].Line != 5 {
		t.Errorf("muted %v, suppressions %+v", muted, rep.Suppressions)
	}
	if !strings.Contains(stderr, "expired on 2020-01-01") {
		t.Errorf("no expiry warning: %q", stderr)
	}
	if rep.Compliance.Framework != "cis-aws-v3.0" || len(rep.Compliance.Controls) != 22 {
		t.Errorf("compliance %+v", rep.Compliance)
	}
	code, out, _ = runCLI(t, "demo", "--compliance", "aws-fsbp", "--color", "never")
	if code != ExitOK || !strings.Contains(out, "COMPLIANCE aws-fsbp") || !strings.Contains(out, "Score ") {
		t.Errorf("table compliance section missing (exit %d)", code)
	}

	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("suppressions:\n  - rule: x\n    reasn: typo\n"), 0o644)
	code, _, stderr = runCLI(t, "demo", "--suppressions", bad)
	if code != ExitUsage || !strings.Contains(stderr, bad) || !strings.Contains(stderr, "line 3") {
		t.Errorf("bad suppressions: exit %d, %q", code, stderr)
	}
	cfg := filepath.Join(dir, "iamspect.yaml")
	os.WriteFile(cfg, []byte("thresholds:\n  access_key_max_age_dayz: 30\n"), 0o644)
	code, _, stderr = runCLI(t, "demo", "--config", cfg)
	if code != ExitUsage || !strings.Contains(stderr, "line 2") {
		t.Errorf("bad config: exit %d, %q", code, stderr)
	}
}

func TestRulesCommand(t *testing.T) {
	code, out, _ := runCLI(t, "rules", "--format", "json", "--framework", "aws-fsbp", "--severity", "critical")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	var list []struct {
		ID         string              `json:"id"`
		Title      string              `json:"title"`
		Severity   string              `json:"severity"`
		Frameworks map[string][]string `json:"frameworks"`
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, r := range list {
		ids[r.ID] = true
		if r.Severity != "critical" || len(r.Frameworks["aws-fsbp"]) == 0 || r.Title == "" {
			t.Errorf("%+v", r)
		}
	}
	if !ids["root-access-keys"] || !ids["root-mfa-disabled"] {
		t.Errorf("ids %v", ids)
	}
	code, out, _ = runCLI(t, "rules", "show", "password-policy-expiry")
	if code != ExitOK || !strings.Contains(out, "NIST") || !strings.Contains(out, "aws-fsbp") {
		t.Errorf("show: exit %d\n%s", code, out)
	}
	if code, _, stderr := runCLI(t, "rules", "show", "nope-rule"); code != ExitUsage || !strings.HasPrefix(stderr, "iamspect: unknown rule") {
		t.Errorf("show unknown: %d %q", code, stderr)
	}
}

func TestSelectByConformityID(t *testing.T) {
	code, out, _ := runCLI(t, "demo", "--format", "json", "--rules", "IAM-024")
	if code != ExitOK || !strings.Contains(out, `"iam-user-password-and-access-keys"`) || strings.Contains(out, `"iam-user-unnecessary"`) {
		t.Errorf("exit %d", code)
	}
}
