package importer

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/testutil/shareddata"
)

// checkFixtureReport asserts the values of testdata/fixtures/credential-report.csv
// (written for this project). generated is nil for the bare CSV.
func checkFixtureReport(t *testing.T, a *snapshot.Account, generated *time.Time) {
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
	// password_enabled and password_last_changed are not_supported for root.
	if r.ARN != "arn:aws:iam::123456789012:root" || r.PasswordEnabled != nil || r.PasswordLastChanged != nil || !r.MFAActive {
		t.Errorf("root = %+v", r)
	}
	if r.PasswordLastUsed == nil || !r.PasswordLastUsed.Equal(date("2025-09-14T08:00:00Z")) || !r.CreatedAt.Equal(date("2019-02-11T11:50:00Z")) {
		t.Errorf("root dates = %v %v", r.PasswordLastUsed, r.CreatedAt)
	}
	if len(r.AccessKeys) != 1 {
		t.Fatalf("root keys = %+v", r.AccessKeys)
	}
	k := r.AccessKeys[0]
	if k.Slot != 1 || !k.Active() || !k.CreatedAt.Equal(date("2019-03-01T10:00:00Z")) || k.LastUsed == nil || !k.LastUsed.Equal(date("2025-12-01T00:02:00Z")) ||
		k.LastUsedService != "ecr" || k.LastUsedRegion != "us-east-1" {
		t.Errorf("root key 1 = %+v", k)
	}
	if len(r.SigningCertificates) != 0 || len(r.MFADevices) != 0 {
		t.Errorf("root certs/devices = %+v %+v", r.SigningCertificates, r.MFADevices)
	}
	if a.User("<root_account>") != nil {
		t.Error("root row became a user")
	}
	if len(a.Users) != 4 {
		t.Fatalf("users = %d, want 4", len(a.Users))
	}
	maria := a.User("maria")
	if !maria.HasConsolePassword() || maria.MFAActive == nil || !*maria.MFAActive || len(maria.AccessKeys) != 0 ||
		!maria.Password.LastUsed.Equal(date("2026-01-02T17:00:00Z")) || !maria.Password.LastChanged.Equal(date("2021-03-13T18:45:00Z")) {
		t.Errorf("maria = %+v %+v", maria, maria.Password)
	}
	ops := a.User("ops-admin")
	// password_last_used no_information: a password never used.
	if !ops.HasConsolePassword() || ops.Password.LastUsed != nil || *ops.MFAActive || len(ops.ActiveAccessKeys()) != 2 {
		t.Errorf("ops-admin = %+v %+v", ops, ops.Password)
	}
	if k1 := ops.AccessKeys[0]; k1.LastUsed != nil || k1.LastUsedService != "" || k1.LastUsedRegion != "" || !k1.CreatedAt.Equal(date("2020-07-01T09:10:00Z")) {
		t.Errorf("ops-admin key 1 (never used, N/A cells) = %+v", k1)
	}
	if k2 := ops.AccessKeys[1]; k2.Slot != 2 || k2.LastUsedService != "s3" || k2.LastUsedRegion != "eu-west-1" || !k2.LastUsed.Equal(date("2025-12-30T12:00:00Z")) {
		t.Errorf("ops-admin key 2 = %+v", k2)
	}
	if len(ops.SigningCertificates) != 1 || ops.SigningCertificates[0].Status != snapshot.StatusActive {
		t.Errorf("ops-admin certificates = %+v", ops.SigningCertificates)
	}
	ci := a.User("ci-bot")
	if ci.HasConsolePassword() || ci.Password == nil || ci.Path != "/automation/" || len(ci.AccessKeys) != 1 || ci.AccessKeys[0].LastUsedService != "cloudfront" {
		t.Errorf("ci-bot = %+v", ci)
	}
	legacy := a.User("legacy-user")
	if !legacy.HasConsolePassword() || legacy.Password.LastChanged != nil || !legacy.CreatedAt.Equal(date("2018-05-07T15:35:54Z")) {
		t.Errorf("legacy-user = %+v %+v", legacy, legacy.Password)
	}
	// An inactive key with a rotation date still exists.
	if len(legacy.AccessKeys) != 1 || legacy.AccessKeys[0].Active() || legacy.AccessKeys[0].LastUsedService != "sts" {
		t.Errorf("legacy-user keys = %+v", legacy.AccessKeys)
	}
}

func TestFixtureCredentialReport(t *testing.T) {
	gen := date("2026-01-05T10:00:00Z")
	for _, f := range []string{
		"fixtures/credential-report.json",        // Content already decoded
		"fixtures/credential-report-base64.json", // as the CLI prints it
	} {
		t.Run(f, func(t *testing.T) {
			checkFixtureReport(t, importFiles(t, Options{CredentialReport: f}), &gen)
		})
	}
	for _, f := range []string{
		"fixtures/credential-report.csv",
		"fixtures/credential-report-reordered.csv", // shuffled columns, an extra one, CRLF
	} {
		t.Run(f, func(t *testing.T) {
			checkFixtureReport(t, importFiles(t, Options{CredentialReport: f}), nil)
		})
	}
}

// TestSharedCloudmapperCredentialReport reads a third-party report in place,
// checked against the values visible by eye in it.
func TestSharedCloudmapperCredentialReport(t *testing.T) {
	a := importFiles(t, Options{CredentialReport: shareddata.Path(t, "credential-reports/cloudmapper-demo-get-credential-report.json")})
	if a.ID != "123456789012" || a.CredentialReportGeneratedAt == nil || !a.CredentialReportGeneratedAt.Equal(date("2019-05-07T15:40:22Z")) {
		t.Fatalf("account %q generated %v", a.ID, a.CredentialReportGeneratedAt)
	}
	r := a.Root
	if r == nil || r.PasswordEnabled != nil || !r.MFAActive || r.PasswordLastUsed == nil || !r.PasswordLastUsed.Equal(date("2019-03-03T16:58:16Z")) {
		t.Fatalf("root = %+v", r)
	}
	if len(r.AccessKeys) != 1 || r.AccessKeys[0].LastUsedService != "ecr" || !r.AccessKeys[0].CreatedAt.Equal(date("2018-11-23T16:01:14Z")) {
		t.Errorf("root keys = %+v", r.AccessKeys)
	}
	if len(a.Users) != 2 {
		t.Fatalf("users = %d", len(a.Users))
	}
	aud := a.User("auditor_tmp")
	if aud.HasConsolePassword() || aud.Password == nil || aud.MFAActive == nil || *aud.MFAActive || len(aud.AccessKeys) != 1 || aud.AccessKeys[0].LastUsed != nil {
		t.Errorf("auditor_tmp = %+v", aud)
	}
	u := a.User("user")
	if !u.HasConsolePassword() || len(u.ActiveAccessKeys()) != 2 || !u.Password.LastUsed.Equal(date("2018-05-07T15:35:54Z")) || u.Password.LastChanged != nil {
		t.Errorf("user = %+v", u)
	}
}

// Users from both files merge by ARN; a user only in the report still
// appears, and one only in the authorization details (created after the
// report) is named in a warning.
func TestAuthzAndReportMerge(t *testing.T) {
	s, warns, err := ImportWithWarnings(Options{Now: now, AuthzDetails: []string{"testdata/fixtures/authz-details.json"},
		CredentialReport: "testdata/fixtures/credential-report-base64.json"})
	if err != nil {
		t.Fatal(err)
	}
	a := s.Accounts[0]
	if len(warns) != 1 || !strings.Contains(warns[0].Msg, "1 user from the authorization details is not in the credential report") ||
		!strings.Contains(warns[0].Msg, "new-hire") {
		t.Errorf("warnings = %v", warns)
	}
	if len(a.Users) != 5 {
		t.Fatalf("users = %d, want 5 (4 from authz details, 1 only in the report)", len(a.Users))
	}
	if u := a.User("new-hire"); u.Password != nil || len(u.Groups) != 1 {
		t.Errorf("new-hire is not in the report, yet has password %+v", u.Password)
	}
	// Both halves of maria: groups from the authorization details, MFA from the report.
	if m := a.User("maria"); len(m.Groups) != 1 || m.MFAActive == nil || !*m.MFAActive || len(m.AttachedPolicies) != 1 {
		t.Errorf("maria = %+v", m)
	}
	if l := a.User("legacy-user"); l == nil || l.Path != "/" || !l.HasConsolePassword() {
		t.Errorf("legacy-user (report only) = %+v", l)
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
	csv := mustRead(t, "fixtures/credential-report-reordered.csv")
	for _, content := range []string{base64.StdEncoding.EncodeToString(csv), string(csv)} {
		env, _ := json.Marshal(map[string]string{"Content": content, "GeneratedTime": "2019-05-07 15:40:22+00:00", "ReportFormat": "text/csv"})
		rep, err := DecodeCredentialReportFile(env)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Rows) != 5 || rep.Rows[0].User != RootRowName || rep.Rows[4].User != "legacy-user" || !rep.GeneratedTime.Equal(date("2019-05-07T15:40:22Z")) {
			t.Errorf("report = %+v", rep)
		}
	}
}
