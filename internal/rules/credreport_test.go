package rules_test

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/testutil/shareddata"
)

// loadCredentialReport turns the cloudmapper demo credential report (third-party,
// read in place from ../shared/data; skipped when absent) into a one-account snapshot with a minimal CSV parse of its own, so this
// test checks the rules, not the importer.
func loadCredentialReport(t *testing.T) *snapshot.Snapshot {
	t.Helper()
	data, err := os.ReadFile(shareddata.Path(t, "credential-reports/cloudmapper-demo-get-credential-report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Content       string
		GeneratedTime time.Time
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(doc.Content)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	get := func(row []string, name string) string { return row[col[name]] }
	tm := func(row []string, name string) *time.Time {
		v := get(row, name)
		if v == "N/A" || v == "not_supported" || v == "no_information" || v == "" {
			return nil
		}
		parsed, err := time.Parse(time.RFC3339, v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return &parsed
	}
	flag := func(row []string, name string) *bool {
		switch get(row, name) {
		case "true":
			return boolPtr(true)
		case "false":
			return boolPtr(false)
		}
		return nil
	}
	status := func(row []string, name string) string {
		if get(row, name) == "true" {
			return snapshot.StatusActive
		}
		return snapshot.StatusInactive
	}
	keys := func(row []string) []snapshot.AccessKey {
		var out []snapshot.AccessKey
		for i, p := range []string{"access_key_1_", "access_key_2_"} {
			if get(row, p+"last_rotated") == "N/A" && get(row, p+"active") == "false" {
				continue
			}
			out = append(out, snapshot.AccessKey{Slot: i + 1, Status: status(row, p+"active"),
				CreatedAt: tm(row, p+"last_rotated"), LastUsed: tm(row, p+"last_used_date")})
		}
		return out
	}
	certs := func(row []string) []snapshot.SigningCert {
		var out []snapshot.SigningCert
		for i, p := range []string{"cert_1_", "cert_2_"} {
			if get(row, p+"active") == "true" {
				out = append(out, snapshot.SigningCert{Slot: i + 1, Status: snapshot.StatusActive, UploadedAt: tm(row, p+"last_rotated")})
			}
		}
		return out
	}
	gen := doc.GeneratedTime.UTC()
	b := snapshot.NewBuilder("123456789012", gen).Without(snapshot.InputAuthorizationDetails)
	a := b.Account()
	a.CredentialReportGeneratedAt = &gen
	for _, row := range rows[1:] {
		if get(row, "user") == "<root_account>" {
			a.Root = &snapshot.Root{ARN: get(row, "arn"), CreatedAt: tm(row, "user_creation_time"),
				PasswordEnabled: flag(row, "password_enabled"), PasswordLastUsed: tm(row, "password_last_used"),
				MFAActive: get(row, "mfa_active") == "true", AccessKeys: keys(row), SigningCertificates: certs(row)}
			continue
		}
		u := &snapshot.User{Name: get(row, "user"), ARN: get(row, "arn"), CreatedAt: *tm(row, "user_creation_time"),
			Password: &snapshot.Password{Enabled: get(row, "password_enabled") == "true",
				LastUsed: tm(row, "password_last_used"), LastChanged: tm(row, "password_last_changed")},
			MFAActive: flag(row, "mfa_active"), AccessKeys: keys(row), SigningCertificates: certs(row)}
		a.Users = append(a.Users, u)
	}
	return b.Build()
}

// TestCloudmapperCredentialReportByHand: the report (generated
// 2019-05-07T15:40:22Z, "now" for ages) read by hand:
//
//	<root_account>  password not disclosed, MFA on, key 1 active (last used 2018-11-27),
//	                password last used 2019-03-03 (65 days), no certificates
//	auditor_tmp     created 2019-05-07 15:35:54, no password, no MFA,
//	                key 1 active created a second later, never used
//	user            created 2018-05-07, password last used 2018-05-07 (365 days), no MFA,
//	                key 1 active (created 2019-05-07, never used),
//	                key 2 active (created and last used 2018-05-07)
func TestCloudmapperCredentialReportByHand(t *testing.T) {
	s := loadCredentialReport(t)
	want := map[string]rules.Status{
		"root-access-keys/<root_account>":             rules.Fail,
		"root-mfa-disabled/<root_account>":            rules.Pass,
		"root-recently-used/<root_account>":           rules.Pass,
		"root-signing-certificates/<root_account>":    rules.Pass,
		"root-no-hardware-mfa/<root_account>":         rules.Unknown, // MFA on, device type not in the report
		"iam-user-without-mfa/auditor_tmp":            rules.Fail,
		"iam-user-without-mfa/user":                   rules.Fail,
		"iam-user-no-hardware-mfa/auditor_tmp":        rules.Pass, // no console password
		"iam-user-no-hardware-mfa/user":               rules.Pass, // no MFA at all: iam-user-console-without-mfa's finding
		"iam-console-password-unused/auditor_tmp":     rules.Pass,
		"iam-console-password-unused/user":            rules.Fail,
		"iam-user-multiple-active-keys/auditor_tmp":   rules.Pass,
		"iam-user-multiple-active-keys/user":          rules.Fail,
		"iam-access-key-created-at-setup/auditor_tmp": rules.Pass, // created at setup, but no console password
		"iam-access-key-created-at-setup/user":        rules.Pass, // the setup key was used; the unused one came a year later
		"iam-user-inactive/auditor_tmp":               rules.Pass, // created minutes before the report
		"iam-user-inactive/user":                      rules.Fail,
		"iam-user-signing-certificate-active/user":    rules.Pass,
		"iam-access-key-not-rotated/user":             rules.Fail,
		"iam-access-key-not-rotated/auditor_tmp":      rules.Pass,
		"iam-access-key-unused/user":                  rules.Fail,
		"iam-access-key-unused/auditor_tmp":           rules.Pass,
		"iam-user-password-and-access-keys/user":      rules.Fail,
		"iam-user-console-without-mfa/user":           rules.Fail,
		"iam-user-console-without-mfa/auditor_tmp":    rules.Pass,
	}
	got := map[string]rules.Status{}
	for _, id := range []string{"root-access-keys", "root-mfa-disabled", "root-recently-used", "root-signing-certificates", "root-no-hardware-mfa",
		"iam-user-without-mfa", "iam-user-no-hardware-mfa", "iam-console-password-unused", "iam-user-multiple-active-keys",
		"iam-access-key-created-at-setup", "iam-user-inactive", "iam-user-signing-certificate-active", "iam-access-key-not-rotated",
		"iam-access-key-unused", "iam-user-password-and-access-keys", "iam-user-console-without-mfa"} {
		for _, res := range runRule(t, rules.ByID(id), s, rules.Defaults()) {
			got[id+"/"+res.ResourceName] = res.Status
		}
	}
	for key, w := range want {
		if got[key] != w {
			t.Errorf("%s: %q, want %s", key, got[key], w)
		}
	}
}
