package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

type complianceJSON struct {
	Results []struct {
		RuleID       string `json:"rule_id"`
		Status       string `json:"status"`
		ResourceName string `json:"resource_name"`
	} `json:"results"`
	Compliance struct {
		Controls []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
			Fail   int    `json:"fail"`
			Pass   int    `json:"pass"`
			Note   string `json:"note"`
		} `json:"controls"`
		Summary struct {
			NotAssessed int `json:"not_assessed"`
		} `json:"summary"`
	} `json:"compliance"`
}

func scanCompliance(t *testing.T, extra ...string) complianceJSON {
	t.Helper()
	// At 2026-02-19 ci-bot's access key (rotated 2025-12-20) is 60 days
	// old; ops-admin's keys are years old.
	args := append([]string{"scan", "--authz-details", authzFile, "--credential-report", reportFile, "--as-of", "2026-02-19",
		"--rules", "iam-access-key-not-rotated", "--format", "json"}, extra...)
	_, stdout, stderr := runCLI(t, args...)
	var r complianceJSON
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("%v; stderr %s", err, stderr)
	}
	return r
}

func control(t *testing.T, r complianceJSON, id string) (status string, fail, pass int, note string) {
	t.Helper()
	for _, c := range r.Compliance.Controls {
		if c.ID == id {
			return c.Status, c.Fail, c.Pass, c.Note
		}
	}
	t.Fatalf("no control %s", id)
	return
}

// A control whose text names a threshold is judged at it: Conformity
// IAM-001 (30 days) fails a 60-day-old key that the rule's default (90
// days) passes, and IAM-038 (90 days) does not. (The project's fixture
// export.)
func TestComplianceControlThreshold(t *testing.T) {
	r := scanCompliance(t, "--compliance", "conformity")
	for _, res := range r.Results {
		if res.ResourceName == "ci-bot" && res.Status != "PASS" {
			t.Errorf("ci-bot at the default 90 days: %s", res.Status)
		}
	}
	if st, fail, _, note := control(t, r, "IAM-001"); st != "fail" || fail != 2 || note != "Judged at the control's threshold: access_key_max_age_days = 30." {
		t.Errorf("IAM-001: %s, %d failing, note %q", st, fail, note)
	}
	if st, fail, _, _ := control(t, r, "IAM-038"); st != "fail" || fail != 1 {
		t.Errorf("IAM-038: %s, %d failing", st, fail)
	}
}

// --config loosening a threshold beyond a control's requirement leaves the
// control not assessed; a stricter one still lets it be judged at its own
// value.
func TestComplianceLooseConfigNotAssessed(t *testing.T) {
	dir := t.TempDir()
	loose := filepath.Join(dir, "loose.yaml")
	if err := os.WriteFile(loose, []byte("thresholds:\n  access_key_max_age_days: 120\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := scanCompliance(t, "--compliance", "cis-aws-v3.0", "--config", loose)
	if st, _, _, note := control(t, r, "1.14"); st != "not_assessed" || note != "Not assessed: access_key_max_age_days is 120 in --config, looser than the control's 90." {
		t.Errorf("1.14: %s %q", st, note)
	}
	if r.Compliance.Summary.NotAssessed != 1 {
		t.Errorf("not assessed: %d", r.Compliance.Summary.NotAssessed)
	}
	strict := filepath.Join(dir, "strict.yaml")
	if err := os.WriteFile(strict, []byte("thresholds:\n  access_key_max_age_days: 20\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = scanCompliance(t, "--compliance", "cis-aws-v3.0", "--config", strict)
	if st, fail, _, _ := control(t, r, "1.14"); st != "fail" || fail != 1 {
		t.Errorf("1.14 with a stricter --config: %s, %d failing", st, fail)
	}
}
