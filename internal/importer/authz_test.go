package importer

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
)

var now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", path))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// importFiles runs Import on testdata files.
func importFiles(t *testing.T, o Options) *snapshot.Account {
	t.Helper()
	o.Now = now
	for i, p := range o.AuthzDetails {
		o.AuthzDetails[i] = filepath.Join("testdata", p)
	}
	if o.CredentialReport != "" {
		o.CredentialReport = filepath.Join("testdata", o.CredentialReport)
	}
	s, err := Import(o)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if len(s.Accounts) != 1 {
		t.Fatalf("accounts = %d", len(s.Accounts))
	}
	return s.Accounts[0]
}

func date(s string) time.Time {
	t, err := ParseTime(s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestCloudsplainingAuthzDetails(t *testing.T) {
	a := importFiles(t, Options{AuthzDetails: []string{"cloudsplaining-authz-details.json"}})
	if a.ID != "012345678901" || a.Partition != "aws" {
		t.Errorf("account = %q/%q", a.ID, a.Partition)
	}
	if len(a.Users) != 3 || len(a.Groups) != 2 || len(a.Roles) != 3 || len(a.Policies) != 32 {
		t.Fatalf("users/groups/roles/policies = %d/%d/%d/%d, want 3/2/3/32", len(a.Users), len(a.Groups), len(a.Roles), len(a.Policies))
	}
	if !a.Has(snapshot.InputAuthorizationDetails) || a.Has(snapshot.InputCredentialReport) {
		t.Errorf("collected = %v", a.Collected)
	}
	biden := a.User("biden")
	if biden == nil || len(biden.Groups) != 1 || biden.Groups[0] != "biden" || len(biden.InlinePolicies) != 1 || len(biden.AttachedPolicies) != 1 {
		t.Fatalf("biden = %+v", biden)
	}
	if !biden.CreatedAt.Equal(date("2019-12-18T19:10:08Z")) {
		t.Errorf("biden created %v (Python-style date)", biden.CreatedAt)
	}
	if biden.Password != nil || biden.MFAActive != nil {
		t.Errorf("credentials set without a credential report: %+v", biden)
	}
	ec2 := a.Role("OverprivilegedEC2")
	if ec2.LastUsed == nil || !ec2.LastUsed.Date.Equal(date("2019-01-20T18:48:00Z")) || ec2.LastUsed.Region != "us-east-1" {
		t.Errorf("OverprivilegedEC2 last used = %+v", ec2.LastUsed)
	}
	if len(ec2.InstanceProfiles) != 1 || ec2.InstanceProfiles[0] != "arn:aws:iam::012345678901:instance-profile/OverprivilegedEC2" {
		t.Errorf("instance profiles = %v", ec2.InstanceProfiles)
	}
	if r := a.Role("MyRole"); r.LastUsed != nil {
		t.Errorf("MyRole has RoleLastUsed {} but LastUsed = %+v", r.LastUsed)
	}
	if !strings.Contains(string(ec2.TrustPolicy), `"Service":"ec2.amazonaws.com"`) {
		t.Errorf("trust policy not compact decoded JSON: %s", ec2.TrustPolicy)
	}
	// Two versions: v11 is the default.
	cc := a.Policy("arn:aws:iam::aws:policy/AWSCodeCommitPowerUser")
	var want struct{ Statement []json.RawMessage }
	if cc == nil || cc.DefaultVersionID != "v11" || json.Unmarshal(cc.Document, &want) != nil || len(want.Statement) == 0 {
		t.Fatalf("AWSCodeCommitPowerUser = %+v", cc)
	}
	raw := mustRead(t, "cloudsplaining-authz-details.json")
	pages, _ := DecodeAuthorizationDetails(raw)
	for _, p := range pages[0].Policies {
		if p.PolicyName == "AWSCodeCommitPowerUser" {
			if string(p.PolicyVersionList[0].Document) != string(cc.Document) || p.PolicyVersionList[0].VersionId != "v11" {
				t.Errorf("document is not the v11 one")
			}
		}
	}
	if rds := a.Policy("arn:aws:iam::aws:policy/AmazonRDSFullAccess"); rds.PermissionsBoundaryUsageCount != 0 || rds.AttachmentCount != 1 {
		t.Errorf("null PermissionsBoundaryUsageCount: %+v", rds)
	}
	if sup := a.Policy("arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy"); sup.IsAttachable {
		t.Errorf("AWSSupportServiceRolePolicy IsAttachable should be false")
	}
}

func TestCloudmapperAuthzDetails(t *testing.T) {
	a := importFiles(t, Options{AuthzDetails: []string{"cloudmapper-authz-details.json"}})
	// Users and groups in this file carry the placeholder account "aws"; the
	// roles name the real one.
	if a.ID != "123456789012" {
		t.Errorf("account = %q", a.ID)
	}
	if len(a.Users) != 2 || len(a.Groups) != 1 || len(a.Roles) != 4 || len(a.Policies) != 2 {
		t.Fatalf("users/groups/roles/policies = %d/%d/%d/%d", len(a.Users), len(a.Groups), len(a.Roles), len(a.Policies))
	}
	bad := a.Role("bad_role")
	if got := string(bad.TrustPolicy); got != `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"AWS":"*"}}],"Version":"2012-10-17"}` {
		t.Errorf("bad_role trust = %s", got)
	}
	if bad.Path != "" || bad.ServiceLinked() {
		t.Errorf("bad_role path %q", bad.Path)
	}
	if got := string(a.Role("exfiller").InlinePolicies[0].Document); got != `{"Statement":[{"Action":"s3:*","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}` {
		t.Errorf("exfiller inline = %s", got)
	}
	mfa := a.Policy("arn:aws:iam::123456789012:policy/BAD_MFA_POLICY")
	if mfa == nil || mfa.CreatedAt == nil || !mfa.CreatedAt.Equal(date("2019-05-07T18:55:12Z")) {
		t.Errorf("BAD_MFA_POLICY = %+v", mfa)
	}
	if u := a.User("USER"); len(u.Groups) != 1 || u.Groups[0] != "GROUP_WITH_BAD_INLINE_POLICY" {
		t.Errorf("USER groups = %v", u.Groups)
	}
}

// The URL-encoded (raw API) form with Python-style dates must give exactly
// the same snapshot as the CLI's decoded form.
func TestURLEncodedDocumentsMatchDecoded(t *testing.T) {
	plain := importFiles(t, Options{AuthzDetails: []string{"cloudmapper-authz-details.json"}})
	enc := importFiles(t, Options{AuthzDetails: []string{"variants/cloudmapper-authz-details-urlencoded.json"}})
	a, _ := json.Marshal(plain)
	b, _ := json.Marshal(enc)
	if string(a) != string(b) {
		t.Errorf("URL-encoded import differs:\n%s\n%s", a, b)
	}
}

func TestPagesAsFilesAndArray(t *testing.T) {
	whole := importFiles(t, Options{AuthzDetails: []string{"cloudsplaining-authz-details.json"}})
	files := importFiles(t, Options{AuthzDetails: []string{"authz-pages/authz-details-1.json", "authz-pages/authz-details-2.json"}})
	array := importFiles(t, Options{AuthzDetails: []string{"variants/cloudsplaining-authz-details-pages-array.json"}})
	w, _ := json.Marshal(whole)
	for name, got := range map[string]*snapshot.Account{"files": files, "array": array} {
		g, _ := json.Marshal(got)
		if string(g) != string(w) {
			t.Errorf("%s: paged import differs from the single file (role repeated on both pages must be deduplicated)", name)
		}
	}
}

func TestSingleValuesAndDefaultVersion(t *testing.T) {
	pages, err := DecodeAuthorizationDetails(mustRead(t, "from-dir/authz-details.json"))
	if err != nil {
		t.Fatal(err)
	}
	a := &snapshot.Account{ID: "111122223333"}
	if err := ApplyAuthorizationDetails(a, pages...); err != nil {
		t.Fatal(err)
	}
	// No IsDefaultVersion anywhere: DefaultVersionId v2 decides.
	p := a.Policy("arn:aws:iam::111122223333:policy/ci-deploy")
	if got := string(p.Document); got != `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:PutObject","cloudfront:CreateInvalidation"],"Resource":"*"}}` {
		t.Errorf("ci-deploy document = %s", got)
	}
	alice := a.User("alice")
	if got := string(alice.InlinePolicies[0].Document); got != `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:ChangePassword","Resource":"arn:aws:iam::111122223333:user/${aws:username}"}}` {
		t.Errorf("alice inline = %s", got)
	}
	if !alice.CreatedAt.Equal(time.Date(2023, 4, 5, 6, 7, 8, 123e6, time.UTC)) || alice.Path != "/engineering/" {
		t.Errorf("alice = %v %q", alice.CreatedAt, alice.Path)
	}
	if v, _ := snapshot.TagValue(alice.Tags, "team"); v != "platform" {
		t.Errorf("alice tags = %v", alice.Tags)
	}
	d := a.User("deploy")
	if d.PermissionsBoundary == nil || d.PermissionsBoundary.Name != "ci-boundary" || d.PermissionsBoundary.ARN != "arn:aws:iam::111122223333:policy/boundaries/ci-boundary" {
		t.Errorf("boundary = %+v", d.PermissionsBoundary)
	}
	gha := a.Role("github-actions")
	if gha.LastUsed == nil || !gha.LastUsed.Date.Equal(date("2025-06-30T23:59:59Z")) || !gha.CreatedAt.Equal(time.Date(2024, 2, 3, 4, 5, 6, 5e8, time.UTC)) {
		t.Errorf("github-actions = %+v", gha)
	}
	if !strings.Contains(string(gha.TrustPolicy), `"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"`) {
		t.Errorf("trust = %s", gha.TrustPolicy)
	}
	if sl := a.Role("AWSServiceRoleForSupport"); !sl.ServiceLinked() || sl.LastUsed != nil {
		t.Errorf("support role = %+v", sl)
	}
	// Applying again adds nothing (dedupe against the account).
	if err := ApplyAuthorizationDetails(a, pages...); err != nil || len(a.Users) != 3 || len(a.Roles) != 3 {
		t.Errorf("re-apply: %v, %d users %d roles", err, len(a.Users), len(a.Roles))
	}
}

func TestNormalizePolicyDocument(t *testing.T) {
	want := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a+b/*"}}`
	for _, in := range []string{
		want,
		"{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::a+b/*\"}\n}",
		`"%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22arn%3Aaws%3As3%3A%3A%3Aa%2Bb%2F%2A%22%7D%7D"`,
		`"%7B%22Version%22:%222012-10-17%22,%22Statement%22:%7B%22Effect%22:%22Allow%22,%22Action%22:%22s3:GetObject%22,%22Resource%22:%22arn:aws:s3:::a+b/*%22%7D%7D"`,
		`"{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::a+b/*\"}}"`,
	} {
		got, err := NormalizePolicyDocument(json.RawMessage(in))
		if err != nil || string(got) != want {
			t.Errorf("NormalizePolicyDocument(%.40s...) = %s, %v", in, got, err)
		}
	}
	for _, bad := range []string{`null`, `""`, `"  "`, `"%20"`, `[]`, `"%7Bnot json"`, `"%ZZ"`, `42`, `{"a":`} {
		if _, err := NormalizePolicyDocument(json.RawMessage(bad)); err == nil {
			t.Errorf("NormalizePolicyDocument(%s) accepted", bad)
		}
	}
}
