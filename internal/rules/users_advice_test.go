package rules_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/importer"
	"github.com/iamspect/iamspect/internal/rules"
)

// An offline scan (AWS CLI files) holds neither SSH public keys nor
// service-specific credentials: iam-user-unnecessary must not tell the
// operator to delete a user that may live on them. Built from the fixture
// export (AWS CLI files), with ci-bot's access key deactivated: ci-bot has
// no password either.
func TestUserUnnecessaryOfflineAdviceNamesMissingInputs(t *testing.T) {
	const fixtures = "../importer/testdata/fixtures/"
	b, err := os.ReadFile(fixtures + "credential-report.json")
	if err != nil {
		t.Fatal(err)
	}
	var env map[string]any
	if err := json.Unmarshal(b, &env); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(env["Content"].(string))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	found := false
	for _, row := range rows[1:] {
		if row[col["user"]] == "ci-bot" {
			row[col["access_key_1_active"]] = "false"
			found = true
		}
	}
	if !found {
		t.Fatal("ci-bot not in the report")
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.WriteAll(rows)
	env["Content"] = buf.String()
	out, _ := json.Marshal(env)
	report := filepath.Join(t.TempDir(), "credential-report.json")
	if err := os.WriteFile(report, out, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := importer.Import(importer.Options{AuthzDetails: []string{fixtures + "authz-details.json"},
		CredentialReport: report, Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	res := run(t, &rules.UserUnnecessary, s)["ci-bot"]
	if res.Status != rules.Fail || strings.Contains(res.Message, ": delete it") ||
		!strings.Contains(res.Message, "were not collected (ssh_keys, service_specific_credentials)") ||
		!strings.Contains(res.Message, "aws iam list-ssh-public-keys --user-name ci-bot") {
		t.Errorf("ci-bot: %s %s", res.Status, res.Message)
	}
}
