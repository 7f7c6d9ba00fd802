package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Files exported minutes apart: the credential report has a user (bob) the
// authorization details never saw, and the authorization details a user
// (carol) the report does not list. Each is UNKNOWN for the rules that read
// the input it is missing from, never PASS, and a warning names them.
func TestUsersMissingFromOneInputAreUnknownAndNamed(t *testing.T) {
	dir := t.TempDir()
	authz := `{"UserDetailList":[
	  {"Path":"/","UserName":"alice","UserId":"AIDAALICE00000000001","Arn":"arn:aws:iam::123456789012:user/alice","CreateDate":"2024-01-02T03:04:05Z","GroupList":[],"AttachedManagedPolicies":[],"UserPolicyList":[]},
	  {"Path":"/","UserName":"carol","UserId":"AIDACAROL00000000001","Arn":"arn:aws:iam::123456789012:user/carol","CreateDate":"2024-04-28T10:00:00+00:00","GroupList":[],
	   "AttachedManagedPolicies":[{"PolicyName":"AdministratorAccess","PolicyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}]}],
	  "GroupDetailList":[],"RoleDetailList":[],"Policies":[]}`
	csv := "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n" +
		"<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2024-01-01T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n" +
		"alice,arn:aws:iam::123456789012:user/alice,2024-01-02T03:04:05+00:00,true,2024-04-30T00:00:00+00:00,2024-01-02T03:04:05+00:00,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n" +
		"bob,arn:aws:iam::123456789012:user/bob,2024-04-30T09:00:00+00:00,true,no_information,2024-04-30T09:00:00+00:00,N/A,false,true,2024-04-30T09:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
	report := `{"Content":"` + base64.StdEncoding.EncodeToString([]byte(csv)) + `","ReportFormat":"text/csv","GeneratedTime":"2024-05-01T00:00:00+00:00"}`
	writeFile(t, filepath.Join(dir, "authz.json"), authz)
	writeFile(t, filepath.Join(dir, "report.json"), report)

	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), []string{"scan", "--authz-details", filepath.Join(dir, "authz.json"),
		"--credential-report", filepath.Join(dir, "report.json"), "--format", "json"}, &stdout, &stderr)
	if code != ExitIncomplete {
		t.Fatalf("exit %d, want %d; stderr %s", code, ExitIncomplete, stderr.String())
	}
	for _, want := range []string{"not in the authorization_details input (bob)", "not in the credential_report input (carol)"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	rep := decodeReport(t, stdout.String())
	status := map[string]string{}
	for _, r := range rep.Results.Slice() {
		status[r.RuleID+"/"+r.ResourceName] = string(r.Status)
	}
	for key, want := range map[string]string{
		"principal-admin-access/bob":                "UNKNOWN", // no policies seen
		"iam-user-direct-policies/bob":              "UNKNOWN",
		"policy-admin-attached/bob":                 "UNKNOWN",
		"principal-admin-access/carol":              "FAIL", // the authorization details show it
		"iam-user-inactive/carol":                   "UNKNOWN",
		"iam-user-no-hardware-mfa/carol":            "UNKNOWN",
		"iam-user-multiple-active-keys/carol":       "UNKNOWN",
		"iam-user-signing-certificate-active/carol": "UNKNOWN",
		"iam-user-console-without-mfa/bob":          "FAIL", // the report shows it
		"principal-admin-access/alice":              "PASS",
	} {
		if status[key] != want {
			t.Errorf("%s: %q, want %s", key, status[key], want)
		}
	}
	if len(rep.Coverage) != 2 {
		t.Errorf("report coverage %+v", rep.Coverage)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
