package importer

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// checkCloudmapperReport asserts the values visible by eye in the cloudmapper
// demo credential report. generated is nil for the bare CSV.
func checkCloudmapperReport(t *testing.T, a *snapshot.Account, generated *time.Time) {
	t.Helper()
	if a.ID != "123456789012" || !a.Has(snapshot.InputCredentialReport) {
		t.Fatalf("account %q collected %v", a.ID, a.Collected)
	}
	switch {
	case generated == nil && a.CredentialReportGeneratedAt != nil:
		t.Errorf("bare CSV has GeneratedTime %v", a.CredentialReportGeneratedAt)
	case generated != nil && (a.CredentialReportGeneratedAt == nil || !a.CredentialReportGeneratedAt.Equal(*generated)):
		t.Errorf("GeneratedTime = %v, want %v", a.CredentialReportGeneratedAt, generated)
	}
	r := a.Root
	if r == nil {
		t.Fatal("no root")
	}
	if r.ARN != "arn:aws:iam::123456789012:root" || r.PasswordEnabled != nil || r.PasswordLastChanged != nil || !r.MFAActive {
		t.Errorf("root = %+v", r)
	}
	if r.PasswordLastUsed == nil || !r.PasswordLastUsed.Equal(date("2019-03-03T16:58:16Z")) || !r.CreatedAt.Equal(date("2018-08-12T17:20:55Z")) {
		t.Errorf("root dates = %v %v", r.PasswordLastUsed, r.CreatedAt)
	}
	if len(r.AccessKeys) != 1 {
		t.Fatalf("root keys = %+v", r.AccessKeys)
	}
	k := r.AccessKeys[0]
	if k.Slot != 1 || !k.Active() || !k.CreatedAt.Equal(date("2018-11-23T16:01:14Z")) || !k.LastUsed.Equal(date("2018-11-27T00:02:00Z")) ||
		k.LastUsedService != "ecr" || k.LastUsedRegion != "us-east-1" {
		t.Errorf("root key 1 = %+v", k)
	}
	if len(r.SigningCertificates) != 0 || len(r.MFADevices) != 0 {
		t.Errorf("root certs/devices = %+v %+v", r.SigningCertificates, r.MFADevices)
	}
	if a.User("<root_account>") != nil {
		t.Error("root row became a user")
	}
	if len(a.Users) != 2 {
		t.Fatalf("users = %d", len(a.Users))
	}
	aud := a.User("auditor_tmp")
	if aud.HasConsolePassword() || aud.Password == nil || aud.MFAActive == nil || *aud.MFAActive || len(aud.AccessKeys) != 1 {
		t.Errorf("auditor_tmp = %+v", aud)
	}
	if k := aud.AccessKeys[0]; !k.Active() || k.LastUsed != nil || k.LastUsedService != "" || !k.CreatedAt.Equal(date("2019-05-07T15:35:55Z")) {
		t.Errorf("auditor_tmp key = %+v (never used)", k)
	}
	if !aud.CreatedAt.Equal(date("2019-05-07T15:35:54Z")) || aud.Path != "/" {
		t.Errorf("auditor_tmp created %v path %q", aud.CreatedAt, aud.Path)
	}
	u := a.User("user")
	if !u.HasConsolePassword() || len(u.ActiveAccessKeys()) != 2 || !u.Password.LastUsed.Equal(date("2018-05-07T15:35:54Z")) || u.Password.LastChanged != nil {
		t.Errorf("user = %+v", u)
	}
	if k2 := u.AccessKeys[1]; k2.Slot != 2 || k2.LastUsedService != "s3" || k2.LastUsedRegion != "us-east-1" {
		t.Errorf("user key 2 = %+v", k2)
	}
}

func TestCloudmapperCredentialReport(t *testing.T) {
	gen := date("2019-05-07T15:40:22Z")
	for _, f := range []string{
		"cloudmapper-credential-report.json",                 // Content already decoded
		"variants/cloudmapper-credential-report-base64.json", // as the CLI prints it
	} {
		t.Run(f, func(t *testing.T) {
			checkCloudmapperReport(t, importFiles(t, Options{CredentialReport: f}), &gen)
		})
	}
	for _, f := range []string{
		"variants/cloudmapper-credential-report.csv",
		"variants/cloudmapper-credential-report-reordered.csv", // shuffled columns, an extra one, CRLF
	} {
		t.Run(f, func(t *testing.T) {
			checkCloudmapperReport(t, importFiles(t, Options{CredentialReport: f}), nil)
		})
	}
}

// Users from both files merge by ARN; a user only in the report still appears.
func TestAuthzAndReportMerge(t *testing.T) {
	s, warns, err := ImportWithWarnings(Options{Now: now, AuthzDetails: []string{"testdata/cloudmapper-authz-details.json"},
		CredentialReport: "testdata/cloudmapper-credential-report.json"})
	if err != nil {
		t.Fatal(err)
	}
	a := s.Accounts[0]
	if len(warns) != 1 || !strings.Contains(warns[0].Msg, "2 user(s) from the authorization details are not in the credential report") ||
		!strings.Contains(warns[0].Msg, "USER_WITH_BAD_INLINE_POLICY, USER;") {
		t.Errorf("warnings = %v", warns)
	}
	if len(a.Users) != 4 {
		t.Fatalf("users = %d, want 4 (2 from authz details, 2 only in the report)", len(a.Users))
	}
	if u := a.User("USER"); u.Password != nil {
		t.Errorf("USER is not in the report, yet has password %+v", u.Password)
	}
	if !a.Has(snapshot.InputAuthorizationDetails) || !a.Has(snapshot.InputCredentialReport) {
		t.Errorf("collected = %v", a.Collected)
	}
}

func TestRootPasswordEnabledReport(t *testing.T) {
	rep, err := DecodeCredentialReportFile(mustRead(t, "variants/root-password-enabled.csv"))
	if err != nil {
		t.Fatal(err)
	}
	a := &snapshot.Account{ID: "111122223333"}
	if err := ApplyCredentialReport(a, rep); err != nil {
		t.Fatal(err)
	}
	r := a.Root
	if r.PasswordEnabled == nil || !*r.PasswordEnabled || r.PasswordLastChanged == nil || !r.PasswordLastChanged.Equal(date("2024-01-10T09:30:00Z")) {
		t.Errorf("root = %+v", r)
	}
	alice := a.User("alice")
	if alice.Path != "/engineering/" || len(alice.AccessKeys) != 2 || len(alice.ActiveAccessKeys()) != 1 {
		t.Fatalf("alice = %+v", alice)
	}
	if k := alice.AccessKeys[1]; k.Status != snapshot.StatusInactive || k.Slot != 2 || !k.CreatedAt.Equal(date("2023-01-01T00:00:00Z")) {
		t.Errorf("alice key 2 (inactive, rotated) = %+v", k)
	}
	bob := a.User("bob")
	if bob.Password.LastUsed != nil || len(bob.SigningCertificates) != 1 || bob.SigningCertificates[0].Status != snapshot.StatusActive {
		t.Errorf("bob = %+v", bob)
	}
	if a.CredentialReportGeneratedAt != nil {
		t.Error("bare CSV must leave GeneratedTime unknown")
	}
}

func TestCredentialReportCells(t *testing.T) {
	csv := "arn,user,mfa_active,password_enabled,access_key_1_active,access_key_2_active,access_key_2_last_rotated\n" +
		"arn:aws:iam::1:user/x,x,TRUE,false,false,false,N/A\n" +
		"\"arn:aws:iam::1:user/y\",y,false,false,false,false,2020-01-01 00:00:00+00:00\n"
	rep, err := DecodeCredentialReport([]byte(csv), nil)
	if err != nil {
		t.Fatal(err)
	}
	a := &snapshot.Account{ID: "1"}
	if err := ApplyCredentialReport(a, rep); err != nil {
		t.Fatal(err)
	}
	if x := a.User("x"); !*x.MFAActive || len(x.AccessKeys) != 0 || !x.CreatedAt.IsZero() {
		t.Errorf("x = %+v", x)
	}
	// An inactive key still exists when it has a rotation date.
	if y := a.User("y"); len(y.AccessKeys) != 1 || y.AccessKeys[0].Slot != 2 || y.AccessKeys[0].Active() {
		t.Errorf("y keys = %+v", y.AccessKeys)
	}
	if a.Root != nil {
		t.Error("root set without a root row")
	}
	b, _ := json.Marshal(a)
	if len(b) == 0 {
		t.Fatal("marshal")
	}
}

// Content may hold reordered columns too, base64-encoded or not.
func TestEnvelopeWithReorderedContent(t *testing.T) {
	csv := mustRead(t, "variants/cloudmapper-credential-report-reordered.csv")
	for _, content := range []string{base64.StdEncoding.EncodeToString(csv), string(csv)} {
		env, _ := json.Marshal(map[string]string{"Content": content, "GeneratedTime": "2019-05-07 15:40:22+00:00", "ReportFormat": "text/csv"})
		rep, err := DecodeCredentialReportFile(env)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Rows) != 3 || rep.Rows[0].User != RootRowName || !rep.GeneratedTime.Equal(date("2019-05-07T15:40:22Z")) {
			t.Errorf("report = %+v", rep)
		}
	}
}
