package scan_test

import (
	"testing"

	"github.com/iamspect/iamspect/internal/importer"
	"github.com/iamspect/iamspect/internal/rules"
)

const fixtures = "../importer/testdata/fixtures/"

// The project's fixture account (internal/importer/testdata/fixtures), checked
// by hand against its files. The credential report was generated 2026-01-05
// 10:00 UTC, which is "now" for ages:
//
//	<root_account>  mfa_active=true, access key 1 active
//	maria           password used 2026-01-02, MFA, no keys; in group developers
//	ops-admin       password never used (no_information), no MFA, keys 1 (2020, never used)
//	                and 2 (2021, used 2025-12-30) active; in group admins (AdministratorAccess)
//	ci-bot          no password, key 1 rotated 2025-12-20 and used 2026-01-05
//	legacy-user     password last used 2018-06-01, no MFA, only in the report
//	new-hire        only in the authorization details (created after the report)
//	public-share    trusts "*"; partner-audit trusts two accounts outside the scan
//	former-contractors has no members; legacy-full-access allows NotAction iam:*
func TestFixtureFilesByHand(t *testing.T) {
	for _, report := range []string{"credential-report-base64.json", "credential-report-reordered.csv"} {
		t.Run(report, func(t *testing.T) {
			got := scanFiles(t, importer.Options{
				AuthzDetails:     []string{fixtures + "authz-details.json"},
				CredentialReport: fixtures + report,
			})
			want := map[string]rules.Status{
				"root-access-keys/<root_account>":             rules.Fail,
				"root-mfa-disabled/<root_account>":            rules.Pass,
				"iam-user-unnecessary/maria":                  rules.Fail,
				"iam-user-unnecessary/ci-bot":                 rules.Fail,
				"iam-user-unnecessary/legacy-user":            rules.Fail,
				"iam-user-unnecessary/new-hire":               rules.Fail,
				"iam-user-password-and-access-keys/ops-admin": rules.Fail,
				"iam-user-password-and-access-keys/maria":     rules.Pass,
				"iam-user-password-and-access-keys/ci-bot":    rules.Pass,
				"iam-user-password-and-access-keys/new-hire":  rules.Unknown,
				"iam-user-console-without-mfa/ops-admin":      rules.Fail,
				"iam-user-console-without-mfa/legacy-user":    rules.Fail,
				"iam-user-console-without-mfa/maria":          rules.Pass,
				"iam-user-console-without-mfa/ci-bot":         rules.Pass,
				"iam-user-console-without-mfa/new-hire":       rules.Unknown,
				"iam-access-key-not-rotated/ops-admin":        rules.Fail,
				"iam-access-key-not-rotated/ci-bot":           rules.Pass,
				"iam-access-key-unused/ops-admin":             rules.Fail,
				"iam-access-key-unused/ci-bot":                rules.Pass,
				"iam-access-key-unused/new-hire":              rules.Unknown,
				"iam-user-multiple-active-keys/ops-admin":     rules.Fail,
				"iam-user-multiple-active-keys/ci-bot":        rules.Pass,
				"iam-console-password-unused/legacy-user":     rules.Fail,
				"iam-console-password-unused/ops-admin":       rules.Fail,
				"iam-console-password-unused/maria":           rules.Pass,
				"role-trust-any-principal/public-share":       rules.Fail,
				"role-trust-any-principal/web-server":         rules.Pass,
				"role-trust-unknown-account/partner-audit":    rules.Fail,
				"policy-admin-attached/admins":                rules.Fail,
				"policy-admin-attached/maria":                 rules.Pass,
				"principal-admin-access/ops-admin":            rules.Fail,
				"principal-admin-access/maria":                rules.Pass,
				"iam-group-unused/former-contractors":         rules.Fail,
				"iam-group-unused/developers":                 rules.Pass,
				"policy-allow-not-action/legacy-full-access":  rules.Fail,
				"iam-group-inline-policies/developers":        rules.Fail,
				"iam-user-direct-policies/maria":              rules.Fail,
				"iam-user-direct-policies/ops-admin":          rules.Pass,
			}
			if report == "credential-report-reordered.csv" {
				// A bare CSV carries no generation time: ages are measured
				// against the import time (2026-11-23), when maria's last
				// sign-in and ci-bot's key are months old.
				want["iam-console-password-unused/maria"] = rules.Fail
				want["iam-access-key-not-rotated/ci-bot"] = rules.Fail
				want["iam-access-key-unused/ci-bot"] = rules.Fail
			}
			for key, status := range want {
				if got[key] != status {
					t.Errorf("%s: %q, want %s", key, got[key], status)
				}
			}
		})
	}
}
