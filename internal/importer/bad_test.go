package importer

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadInput checks that every kind of bad input gives one *InputError
// naming the file, the position where one exists, and what was expected.
func TestBadInput(t *testing.T) {
	credJSON := string(mustRead(t, "fixtures/credential-report.json"))
	credCSV := string(mustRead(t, "fixtures/credential-report.csv"))
	authz := string(mustRead(t, "fixtures/authz-details.json"))
	hdr := "user,arn,user_creation_time,password_enabled,mfa_active,access_key_1_active,access_key_2_active\n"
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

	tests := []struct {
		name      string
		flag      string // which Options field gets the file
		content   string
		want      string // substring of the message
		line, col int    // 0: not checked
	}{
		{"authz malformed", "authz", "{\n  \"UserDetailList\": [\n    {\"UserName\": \"a\",}\n  ]\n}", "malformed JSON", 3, 22},
		{"authz truncated", "authz", "{\n  \"UserDetailList\": [", "unexpected end of JSON input", 2, 0},
		{"authz type error", "authz", "{\n  \"UserDetailList\": {\"a\": 1}\n}", "UserDetailList is a JSON object where a list was expected", 2, 0},
		{"authz bad date", "authz", `{"UserDetailList":[{"UserName":"a","Arn":"arn:aws:iam::1:user/a","CreateDate":"yesterday"}]}`, `UserDetailList.CreateDate: "yesterday" is not a date`, 0, 0},
		{"authz bad document", "authz", `{"RoleDetailList":[{"RoleName":"r","Arn":"arn:aws:iam::1:role/r","AssumeRolePolicyDocument":"%7Bbroken"}]}`, "role r AssumeRolePolicyDocument: policy document is not valid JSON", 0, 0},
		{"authz missing arn", "authz", `{"UserDetailList":[{"UserName":"a"}]}`, "UserDetailList[0] has no Arn or UserName", 0, 0},
		{"authz group missing name", "authz", `{"GroupDetailList":[{"Arn":"arn:aws:iam::1:group/g"}]}`, "GroupDetailList[0] has no Arn or GroupName", 0, 0},
		{"authz bad group document", "authz", `{"GroupDetailList":[{"GroupName":"g","Arn":"arn:aws:iam::1:group/g","GroupPolicyList":[{"PolicyName":"p","PolicyDocument":"%7Bbroken"}]}]}`, `group g inline policy "p": policy document is not valid JSON`, 0, 0},
		{"authz is credential report json", "authz", credJSON, "this looks like a credential report, not authorization details; pass it with --credential-report", 0, 0},
		{"authz is credential report csv", "authz", credCSV, "pass it with --credential-report", 0, 0},
		{"authz is reordered csv", "authz", string(mustRead(t, "fixtures/credential-report-reordered.csv")), "pass it with --credential-report", 0, 0},
		{"authz empty", "authz", "", "empty file; expected authorization details", 0, 0},
		{"authz whitespace", "authz", " \n\t\n", "empty file", 0, 0},
		{"authz empty array", "authz", "[]", "empty JSON array", 0, 0},
		{"authz null page", "authz", `[{"UserDetailList":[]}, null]`, "page 2 is null", 0, 0},
		{"authz not json", "authz", "hello", "malformed JSON", 1, 0},
		{"authz aws error", "authz", "\nAn error occurred (AccessDenied) when calling the GetAccountAuthorizationDetails operation: denied\n", "holds an AWS CLI error instead of authorization details: An error occurred (AccessDenied)", 0, 0},
		{"authz snapshot", "authz", `{"schema_version":"1","accounts":[]}`, "pass it with --snapshot", 0, 0},
		{"authz truncated page", "authz", `{"UserDetailList":[],"IsTruncated":true,"Marker":"abc"}`, "authorization details are incomplete", 0, 0},
		{"authz password policy", "authz", `{"PasswordPolicy":{}}`, "looks like a password policy, not authorization details; name it password-policy.json", 0, 0},

		{"report is authz", "report", authz, "this looks like authorization details, not a credential report; pass it with --authz-details", 0, 0},
		{"report empty", "report", "", "empty file; expected credential report", 0, 0},
		{"report bad quote", "report", hdr + "a,\"arn:aws:iam::1:user/a,x\n", "malformed credential report CSV", 2, 0},
		{"report missing columns", "report", "user,arn,password_enabled\nx,arn:aws:iam::1:user/x,true\n", "lacks column(s) mfa_active, access_key_1_active, access_key_2_active", 1, 0},
		{"report short row", "report", hdr + "a,arn:aws:iam::1:user/a,N/A,true\n", "different number of cells", 2, 0},
		{"report bad date", "report", hdr + "a,arn:aws:iam::1:user/a,N/A,true,false,false,false\nb,arn:aws:iam::1:user/b,last week,true,false,false,false\n", `column user_creation_time: "last week" is not a date`, 3, 0},
		{"report bad bool", "report", hdr + "a,arn:aws:iam::1:user/a,N/A,yes,false,false,false\n", `column password_enabled: "yes" is not true, false`, 2, 0},
		{"report empty arn", "report", hdr + "a,,N/A,true,false,false,false\n", "empty user or arn", 2, 0},
		{"report duplicate", "report", hdr + "a,arn:aws:iam::1:user/a,N/A,true,false,false,false\na,arn:aws:iam::1:user/a,N/A,true,false,false,false\n", "appears twice (also on line 2)", 3, 0},
		{"report base64 garbage", "report", `{"Content":"not base64 !!","GeneratedTime":"2019-05-07T15:40:22Z","ReportFormat":"text/csv"}`, "Content is neither CSV text nor base64", 0, 0},
		{"report base64 not csv", "report", `{"Content":"` + b64("hello, world") + `","ReportFormat":"text/csv"}`, "not a credential report CSV", 0, 0},
		{"report base64 bad row", "report", `{"Content":"` + b64(hdr+"a,arn:aws:iam::1:user/a,N/A,maybe,false,false,false") + `","ReportFormat":"text/csv"}`, "in the report in Content: column password_enabled", 2, 0},
		{"report no content", "report", `{"GeneratedTime":"2019-05-07T15:40:22Z","ReportFormat":"text/csv"}`, "no Content member", 0, 0},
		{"report other format", "report", `{"Content":"","ReportFormat":"text/xml"}`, `ReportFormat is "text/xml"`, 0, 0},
		{"report bad generated time", "report", `{"Content":"","GeneratedTime":"soon"}`, `GeneratedTime: "soon" is not a date`, 0, 0},
		{"report json array", "report", `[1,2]`, "the top-level value is a JSON array where an object was expected", 0, 0},

		{"password policy access denied", "pwpolicy", "An error occurred (AccessDenied) when calling the GetAccountPasswordPolicy operation: no", "holds an AWS CLI error instead of password policy", 0, 0},
		{"password policy wrong kind", "pwpolicy", `{"AccountAliases":["x"]}`, "looks like an account alias list", 0, 0},
		{"password policy bad type", "pwpolicy", `{"PasswordPolicy":{"MinimumPasswordLength":"long"}}`, "PasswordPolicy.MinimumPasswordLength is a JSON string where a number was expected", 1, 0},
		{"summary missing member", "summary", `{"Something":{}}`, "no SummaryMap member", 0, 0},
		{"vmfa truncated", "vmfa", `{"VirtualMFADevices":[],"IsTruncated":true}`, "truncated", 0, 0},
		{"oidc wrong kind", "oidc", `{"SAMLProviderList":[]}`, "looks like a SAML provider list", 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, "input.json", tc.content)
			o := Options{Now: now, AccountID: "1"}
			switch tc.flag {
			case "authz":
				o.AuthzDetails = []string{path}
			case "report":
				o.CredentialReport = path
			case "pwpolicy":
				o.PasswordPolicy = path
			case "summary":
				o.AccountSummary = path
			case "vmfa":
				o.VirtualMFADevices = path
			case "oidc":
				o.OIDCProviders = []string{path}
			}
			_, err := Import(o)
			ie := checkInputError(t, err, tc.want)
			if ie == nil {
				return
			}
			if ie.File != path {
				t.Errorf("File = %q, want %q", ie.File, path)
			}
			if tc.line != 0 && ie.Line != tc.line {
				t.Errorf("Line = %d, want %d (%v)", ie.Line, tc.line, err)
			}
			if tc.col != 0 && ie.Col != tc.col {
				t.Errorf("Col = %d, want %d (%v)", ie.Col, tc.col, err)
			}
		})
	}
}

func checkInputError(t *testing.T, err error, want string) *InputError {
	t.Helper()
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v (%T) is not an *InputError", err, err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
	t.Log(err)
	return ie
}

func TestBadImportSetups(t *testing.T) {
	cs := "testdata/fixtures/authz-details.json"
	cmReport := "testdata/from-dir/credential-report.json"
	big := writeTemp(t, "big.json", `{"UserDetailList":[]}`+strings.Repeat(" ", 2048))
	both := t.TempDir()
	for _, n := range []string{"credential-report.json", "credential-report.csv"} {
		if err := os.WriteFile(filepath.Join(both, n), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	onlyNotes := t.TempDir()
	if err := os.WriteFile(filepath.Join(onlyNotes, "notes.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"accounts disagree", Options{AuthzDetails: []string{cs}, CredentialReport: cmReport},
			"different AWS accounts: 111122223333 (in credential-report.json), 123456789012 (in authz-details.json)"},
		{"account id mismatch", Options{AuthzDetails: []string{cs}, AccountID: "999999999999"}, "is for account 123456789012, not 999999999999"},
		{"no account", Options{PasswordPolicy: writeTemp(t, "password-policy.json", "{}")}, "no file names the AWS account"},
		{"not found", Options{AuthzDetails: []string{"testdata/nope.json"}}, "file not found"},
		{"folder as file", Options{CredentialReport: "testdata"}, "is a folder"},
		{"too large", Options{AuthzDetails: []string{big}, MaxFileSize: 1024}, "larger than the"},
		{"nothing", Options{}, "no input files were given"},
		{"dir missing", Options{Dir: "testdata/no-such-dir"}, "cannot read the --from folder"},
		{"dir without known files", Options{Dir: onlyNotes}, "holds none of the documented files"},
		{"dir with two reports", Options{Dir: both}, "keep one"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.o.Now = now
			_, err := Import(tc.o)
			checkInputError(t, err, tc.want)
		})
	}
	if _, err := Import(Options{AuthzDetails: []string{cs}}); err == nil || errors.As(err, new(*InputError)) {
		t.Errorf("missing Now: %v (want a programming error, not an InputError)", err)
	}
}
