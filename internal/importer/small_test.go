package importer

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
)

func TestPasswordPolicyAbsent(t *testing.T) {
	for _, in := range []string{"", "  \n", "null", "{}", "\xef\xbb\xbf{}",
		"\nAn error occurred (NoSuchEntity) when calling the GetAccountPasswordPolicy operation: The Password Policy with domain name 123456789012 cannot be found.\n"} {
		out, err := DecodePasswordPolicy([]byte(in))
		if err != nil || out == nil || out.PasswordPolicy != nil {
			t.Errorf("DecodePasswordPolicy(%q) = %+v, %v; want no policy", in, out, err)
			continue
		}
		a := &snapshot.Account{PasswordPolicy: &snapshot.PasswordPolicy{}}
		ApplyPasswordPolicy(a, out)
		if a.PasswordPolicy != nil || !a.Has(snapshot.InputPasswordPolicy) {
			t.Errorf("%q: policy %+v collected %v", in, a.PasswordPolicy, a.Collected)
		}
	}
}

func TestPasswordPolicyMinimal(t *testing.T) {
	// AWS omits members that are not set.
	out, err := DecodePasswordPolicy([]byte(`{"PasswordPolicy":{"MinimumPasswordLength":8,"AllowUsersToChangePassword":true}}`))
	if err != nil {
		t.Fatal(err)
	}
	a := &snapshot.Account{}
	ApplyPasswordPolicy(a, out)
	if p := a.PasswordPolicy; p == nil || p.MinimumPasswordLength != 8 || !p.AllowUsersToChangePassword || p.ExpirePasswords {
		t.Errorf("policy = %+v", p)
	}
}

func TestSmallDecoders(t *testing.T) {
	a := &snapshot.Account{ID: "123456789012", Partition: "aws"}
	s, err := DecodeAccountSummary([]byte(`{"SummaryMap":{"AccountMFAEnabled":0,"AccountAccessKeysPresent":1}}`))
	if err != nil {
		t.Fatal(err)
	}
	ApplyAccountSummary(a, s)
	al, err := DecodeAccountAliases([]byte(`{"AccountAliases":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	ApplyAccountAliases(a, al)
	sp, err := DecodeSAMLProviders([]byte(`{"SAMLProviderList":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	ApplySAMLProviders(a, sp)
	sc, err := DecodeServerCertificates([]byte(`{"ServerCertificateMetadataList":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	ApplyServerCertificates(a, sc)
	// A get-open-id-connect-provider output alone: the ARN is derived.
	ps, err := DecodeOIDCProviders([]byte(`{"Url":"https://token.actions.githubusercontent.com","ClientIDList":["sts.amazonaws.com"],"ThumbprintList":[],"CreateDate":"2023-03-09 10:41:45.5+00:00"}`))
	if err != nil {
		t.Fatal(err)
	}
	ApplyOIDCProviders(a, ps...)
	if a.Summary["AccountAccessKeysPresent"] != 1 || a.Alias != "" || len(a.SAMLProviders) != 0 || len(a.ServerCertificates) != 0 {
		t.Errorf("account = %+v", a)
	}
	if len(a.OIDCProviders) != 1 || a.OIDCProviders[0].ARN != "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" ||
		!a.OIDCProviders[0].CreatedAt.Equal(time.Date(2023, 3, 9, 10, 41, 45, 5e8, time.UTC)) {
		t.Errorf("oidc = %+v", a.OIDCProviders)
	}
	for _, in := range []snapshot.Input{snapshot.InputAccountSummary, snapshot.InputAccountAliases, snapshot.InputSAMLProviders,
		snapshot.InputServerCertificates, snapshot.InputOIDCProviders} {
		if !a.Has(in) {
			t.Errorf("%s not marked", in)
		}
	}
}

func TestParseTime(t *testing.T) {
	want := time.Date(2021, 3, 13, 18, 42, 9, 0, time.UTC)
	for _, s := range []string{"2021-03-13T18:42:09+00:00", "2021-03-13T18:42:09Z", "2021-03-13 18:42:09+00:00",
		"2021-03-13T19:42:09+01:00", "2021-03-13T18:42:09.000Z", "2021-03-13 18:42:09.000000+00:00", "2021-03-13T18:42:09", " 2021-03-13T18:42:09+0000 "} {
		got, err := ParseTime(s)
		if err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "N/A", "2021-13-13T18:42:09Z", "13/03/2021"} {
		if _, err := ParseTime(s); err == nil {
			t.Errorf("ParseTime(%q) accepted", s)
		}
	}
}

func TestDetect(t *testing.T) {
	for file, want := range map[string]Kind{
		"fixtures/authz-details.json":                                     KindAuthzDetails,
		"fixtures/authz-details-urlencoded.json":                          KindAuthzDetails,
		"fixtures/authz-pages/authz-details-3.json":                       KindAuthzDetails,
		"fixtures/credential-report.json":                                 KindCredentialReport,
		"fixtures/credential-report-base64.json":                          KindCredentialReport,
		"fixtures/credential-report.csv":                                  KindCredentialReport,
		"fixtures/credential-report-reordered.csv":                        KindCredentialReport,
		"fixtures/authz-details-pages-array.json":                         KindAuthzDetails,
		"from-dir/virtual-mfa-devices.json":                               KindVirtualMFADevices,
		"from-dir/oidc-provider-token.actions.githubusercontent.com.json": KindOIDCProvider,
		"from-dir/notes.txt":                                              KindUnknown,
	} {
		if got := Detect(mustRead(t, file)); got != want {
			t.Errorf("Detect(%s) = %q, want %q", file, got, want)
		}
	}
}

// Files saved by some Windows tools start with a UTF-8 byte order mark.
func TestByteOrderMark(t *testing.T) {
	bom := []byte("\xef\xbb\xbf")
	if _, err := DecodeAuthorizationDetails(append(bom, mustRead(t, "fixtures/authz-details.json")...)); err != nil {
		t.Error(err)
	}
	for _, f := range []string{"fixtures/credential-report.json", "fixtures/credential-report.csv", "fixtures/credential-report-reordered.csv"} {
		if _, err := DecodeCredentialReportFile(append(bom, mustRead(t, f)...)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if _, err := DecodeAccountAliases(append(bom, mustRead(t, "from-dir/account-aliases.json")...)); err != nil {
		t.Error(err)
	}
}

func TestTimeJSON(t *testing.T) {
	var v struct{ A, B, C, D Time }
	if err := json.Unmarshal([]byte(`{"A":"2021-03-13T18:42:09Z","B":1615660929.5,"C":null,"D":""}`), &v); err != nil {
		t.Fatal(err)
	}
	if !v.A.Equal(time.Date(2021, 3, 13, 18, 42, 9, 0, time.UTC)) || !v.B.Equal(time.Date(2021, 3, 13, 18, 42, 9, 5e8, time.UTC)) ||
		!v.C.IsZero() || v.D.Ptr() != nil {
		t.Errorf("times = %+v", v)
	}
	for _, bad := range []string{`{"A":true}`, `{"A":-5}`, `{"A":"soon"}`, `{"A":{}}`} {
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestRolesFillWhatAuthorizationDetailsLack(t *testing.T) {
	acct := &snapshot.Account{ID: "123456789012", Roles: []*snapshot.Role{
		{Name: "long", ARN: "arn:aws:iam::123456789012:role/long"},
		{Name: "not-listed", ARN: "arn:aws:iam::123456789012:role/not-listed"},
	}}
	out, err := DecodeRoles([]byte(`{"Roles": [
		{"RoleName": "long", "Arn": "arn:aws:iam::123456789012:role/long", "MaxSessionDuration": 43200, "Description": "vendor access",
		 "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}, "CreateDate": "2024-01-01T00:00:00+00:00"},
		{"RoleName": "other", "Arn": "arn:aws:iam::123456789012:role/other", "MaxSessionDuration": 3600}]}`))
	if err != nil {
		t.Fatal(err)
	}
	ApplyRoles(acct, out)
	if r := acct.Role("long"); r.MaxSessionDuration != 43200 || r.Description != "vendor access" {
		t.Errorf("long: %+v", r)
	}
	if acct.Role("not-listed").MaxSessionDuration != 0 || acct.Role("other") != nil {
		t.Error("roles outside the authorization details must not be invented, nor durations guessed")
	}
	if !acct.Has(snapshot.InputRoleDetails) {
		t.Error("role_details not marked collected")
	}
	if _, err := DecodeRoles([]byte(`{"UserDetailList": []}`)); err == nil || !strings.Contains(err.Error(), "authorization details") {
		t.Errorf("wrong kind of file: %v", err)
	}
}
