package importer

import (
	"testing"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// The fuzz targets check that no input makes the parsers panic, and that
// what they accept can be merged into an account.

func FuzzCredentialReport(f *testing.F) {
	for _, p := range []string{"fixtures/credential-report.json", "fixtures/credential-report-base64.json",
		"fixtures/credential-report.csv", "fixtures/credential-report-reordered.csv",
		"variants/root-password-enabled.csv", "from-dir/credential-report.json"} {
		f.Add(mustRead(f, p))
	}
	f.Add([]byte("user,arn,password_enabled,mfa_active,access_key_1_active,access_key_2_active\n<root_account>,arn:aws:iam::1:root,not_supported,true,true,false\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := DecodeCredentialReportFile(data)
		if err != nil {
			if _, ok := err.(*InputError); !ok {
				t.Fatalf("error %T is not *InputError: %v", err, err)
			}
			return
		}
		a := &snapshot.Account{ID: "1"}
		if err := ApplyCredentialReport(a, rep); err != nil {
			t.Fatal(err)
		}
		for _, u := range a.Users {
			if u.Password == nil || u.MFAActive == nil || len(u.AccessKeys) > 2 {
				t.Fatalf("user %+v", u)
			}
		}
	})
}

func FuzzAuthorizationDetails(f *testing.F) {
	for _, p := range []string{"fixtures/authz-details.json", "fixtures/authz-details-urlencoded.json",
		"fixtures/authz-pages/authz-details-2.json", "fixtures/authz-details-pages-array.json", "from-dir/authz-details.json"} {
		f.Add(mustRead(f, p))
	}
	f.Add([]byte(`[{"RoleDetailList":[{"RoleName":"r","Arn":"arn:aws:iam::1:role/r","RoleLastUsed":{},"AssumeRolePolicyDocument":"%7B%7D"}]}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		pages, err := DecodeAuthorizationDetails(data)
		if err != nil {
			if _, ok := err.(*InputError); !ok {
				t.Fatalf("error %T is not *InputError: %v", err, err)
			}
			return
		}
		a := &snapshot.Account{ID: "1"}
		_ = ApplyAuthorizationDetails(a, pages...)
		for _, r := range a.Roles {
			if len(r.TrustPolicy) > 0 && r.TrustPolicy[0] != '{' {
				t.Fatalf("trust policy not an object: %s", r.TrustPolicy)
			}
		}
	})
}
