package importer

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/testutil/shareddata"
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

// testdataPath puts relative paths under testdata; absolute ones (the
// third-party files in ../shared/data) stay as they are.
func testdataPath(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join("testdata", p)
}

// importFiles runs Import on testdata files (or absolute paths).
func importFiles(t *testing.T, o Options) *snapshot.Account {
	t.Helper()
	o.Now = now
	for i, p := range o.AuthzDetails {
		o.AuthzDetails[i] = testdataPath(p)
	}
	if o.CredentialReport != "" {
		o.CredentialReport = testdataPath(o.CredentialReport)
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

// TestFixtureAuthzDetails reads the project's hand-written
// get-account-authorization-details output (testdata/fixtures).
func TestFixtureAuthzDetails(t *testing.T) {
	a := importFiles(t, Options{AuthzDetails: []string{"fixtures/authz-details.json"}})
	if a.ID != "123456789012" || a.Partition != "aws" {
		t.Errorf("account = %q/%q", a.ID, a.Partition)
	}
	if len(a.Users) != 4 || len(a.Groups) != 3 || len(a.Roles) != 4 || len(a.Policies) != 6 {
		t.Fatalf("users/groups/roles/policies = %d/%d/%d/%d, want 4/3/4/6", len(a.Users), len(a.Groups), len(a.Roles), len(a.Policies))
	}
	if !a.Has(snapshot.InputAuthorizationDetails) || a.Has(snapshot.InputCredentialReport) {
		t.Errorf("collected = %v", a.Collected)
	}
	maria := a.User("maria")
	if maria == nil || len(maria.Groups) != 1 || maria.Groups[0] != "developers" || len(maria.InlinePolicies) != 1 || len(maria.AttachedPolicies) != 1 ||
		maria.AttachedPolicies[0].ARN != "arn:aws:iam::aws:policy/ReadOnlyAccess" {
		t.Fatalf("maria = %+v", maria)
	}
	if !maria.CreatedAt.Equal(time.Date(2021, 3, 13, 18, 42, 9, 0, time.UTC)) || maria.ARN != "arn:aws:iam::123456789012:user/maria" {
		t.Errorf("maria created %v arn %s", maria.CreatedAt, maria.ARN)
	}
	if v, _ := snapshot.TagValue(maria.Tags, "team"); v != "analytics" {
		t.Errorf("maria tags = %v", maria.Tags)
	}
	if got := string(maria.InlinePolicies[0].Document); got != `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:ChangePassword","Resource":"arn:aws:iam::123456789012:user/${aws:username}"}}` {
		t.Errorf("maria inline (single Statement and Action) = %s", got)
	}
	if maria.Password != nil || maria.MFAActive != nil {
		t.Errorf("credentials set without a credential report: %+v", maria)
	}
	if ci := a.User("ci-bot"); ci.Path != "/automation/" || len(ci.Groups) != 0 || len(ci.InlinePolicies) != 0 {
		t.Errorf("ci-bot (no UserPolicyList, no Tags) = %+v", ci)
	}
	if g := a.Group("developers"); g == nil || len(g.InlinePolicies) != 1 || g.InlinePolicies[0].Name != "logs-read" {
		t.Errorf("developers = %+v", g)
	}
	if g := a.Group("former-contractors"); g == nil || len(g.AttachedPolicies) != 0 || len(g.InlinePolicies) != 0 {
		t.Errorf("former-contractors = %+v", g)
	}
	web := a.Role("web-server")
	if web.LastUsed == nil || !web.LastUsed.Date.Equal(date("2026-01-04T06:00:00Z")) || web.LastUsed.Region != "eu-west-1" {
		t.Errorf("web-server last used = %+v", web.LastUsed)
	}
	if len(web.InstanceProfiles) != 1 || web.InstanceProfiles[0] != "arn:aws:iam::123456789012:instance-profile/web-server" {
		t.Errorf("instance profiles = %v", web.InstanceProfiles)
	}
	if got := string(web.TrustPolicy); got != `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}` {
		t.Errorf("web-server trust policy not compact decoded JSON: %s", got)
	}
	for _, name := range []string{"partner-audit", "AWSServiceRoleForSupport"} {
		if r := a.Role(name); r == nil || r.LastUsed != nil {
			t.Errorf("%s has RoleLastUsed {} but LastUsed = %+v", name, r)
		}
	}
	if sl := a.Role("AWSServiceRoleForSupport"); !sl.ServiceLinked() || sl.Path != "/aws-service-role/support.amazonaws.com/" {
		t.Errorf("support role = %+v", sl)
	}
	pub := a.Role("public-share")
	if got := string(pub.TrustPolicy); got != `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}` {
		t.Errorf("public-share trust (Principal \"*\") = %s", got)
	}
	if pub.ServiceLinked() || !pub.CreatedAt.Equal(date("2023-03-09T10:41:45Z")) {
		t.Errorf("public-share = %+v", pub)
	}
	if got := string(pub.InlinePolicies[0].Document); got != `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}` {
		t.Errorf("public-share inline = %s", got)
	}
	if got := string(a.Role("partner-audit").TrustPolicy); !strings.Contains(got, `"AWS":["arn:aws:iam::444455556666:root","arn:aws:iam::777788889999:role/auditor"]`) ||
		!strings.Contains(got, `"sts:ExternalId":"example-external-id"`) {
		t.Errorf("partner-audit trust (Principal list, condition) = %s", got)
	}
	// Two versions; the default (v3) is the second in the list.
	ci := a.Policy("arn:aws:iam::123456789012:policy/ci-deploy")
	if ci == nil || ci.DefaultVersionID != "v3" || !strings.Contains(string(ci.Document), `"iam:PassRole"`) || strings.Contains(string(ci.Document), `"s3:*"`) {
		t.Fatalf("ci-deploy = %+v, document %s", ci, ci.Document)
	}
	if ci.PermissionsBoundaryUsageCount != 0 || ci.AttachmentCount != 1 || ci.CreatedAt == nil || !ci.CreatedAt.Equal(date("2022-11-20T14:00:00Z")) {
		t.Errorf("ci-deploy counts (null PermissionsBoundaryUsageCount) and dates: %+v", ci)
	}
	if sup := a.Policy("arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy"); sup == nil || sup.IsAttachable {
		t.Errorf("AWSSupportServiceRolePolicy IsAttachable should be false: %+v", sup)
	}
	if legacy := a.Policy("arn:aws:iam::123456789012:policy/legacy/legacy-full-access"); legacy == nil || legacy.AttachmentCount != 0 || !strings.Contains(string(legacy.Document), `"NotAction":"iam:*"`) {
		t.Errorf("legacy-full-access = %+v", legacy)
	}
}

// TestSharedCloudsplainingAuthzDetails reads a third-party dump in place.
func TestSharedCloudsplainingAuthzDetails(t *testing.T) {
	path := shareddata.Path(t, "authz-details/cloudsplaining-test-example-authz-details.json")
	a := importFiles(t, Options{AuthzDetails: []string{path}})
	if a.ID != "012345678901" || a.Partition != "aws" {
		t.Errorf("account = %q/%q", a.ID, a.Partition)
	}
	if len(a.Users) != 3 || len(a.Groups) != 2 || len(a.Roles) != 3 || len(a.Policies) != 32 {
		t.Fatalf("users/groups/roles/policies = %d/%d/%d/%d, want 3/2/3/32", len(a.Users), len(a.Groups), len(a.Roles), len(a.Policies))
	}
	biden := a.User("biden")
	if biden == nil || len(biden.Groups) != 1 || biden.Groups[0] != "biden" || len(biden.InlinePolicies) != 1 || len(biden.AttachedPolicies) != 1 {
		t.Fatalf("biden = %+v", biden)
	}
	if !biden.CreatedAt.Equal(date("2019-12-18T19:10:08Z")) {
		t.Errorf("biden created %v (Python-style date)", biden.CreatedAt)
	}
	ec2 := a.Role("OverprivilegedEC2")
	if ec2.LastUsed == nil || !ec2.LastUsed.Date.Equal(date("2019-01-20T18:48:00Z")) || ec2.LastUsed.Region != "us-east-1" {
		t.Errorf("OverprivilegedEC2 last used = %+v", ec2.LastUsed)
	}
	if r := a.Role("MyRole"); r.LastUsed != nil {
		t.Errorf("MyRole has RoleLastUsed {} but LastUsed = %+v", r.LastUsed)
	}
	// Two versions: v11 is the default.
	cc := a.Policy("arn:aws:iam::aws:policy/AWSCodeCommitPowerUser")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pages, _ := DecodeAuthorizationDetails(raw)
	for _, p := range pages[0].Policies {
		if p.PolicyName == "AWSCodeCommitPowerUser" {
			if string(p.PolicyVersionList[0].Document) != string(cc.Document) || p.PolicyVersionList[0].VersionId != "v11" || cc.DefaultVersionID != "v11" {
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

// TestSharedCloudmapperAuthzDetails reads a third-party dump in place.
func TestSharedCloudmapperAuthzDetails(t *testing.T) {
	a := importFiles(t, Options{AuthzDetails: []string{shareddata.Path(t, "authz-details/cloudmapper-demo-authz-details.json")}})
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
	plain := importFiles(t, Options{AuthzDetails: []string{"fixtures/authz-details.json"}})
	enc := importFiles(t, Options{AuthzDetails: []string{"fixtures/authz-details-urlencoded.json"}})
	if !strings.Contains(string(mustRead(t, "fixtures/authz-details-urlencoded.json")), `"PolicyDocument": "%7B%0A`) {
		t.Fatal("the variant holds no URL-encoded document")
	}
	a, _ := json.Marshal(plain)
	b, _ := json.Marshal(enc)
	if string(a) != string(b) {
		t.Errorf("URL-encoded import differs:\n%s\n%s", a, b)
	}
	if len(enc.Users) != 4 || len(enc.Policies) != 6 || len(enc.Roles[0].TrustPolicy) == 0 {
		t.Errorf("URL-encoded import is short: %d users, %d policies", len(enc.Users), len(enc.Policies))
	}
}

// Three pages (IsTruncated/Marker, dates with Z, one role on two pages), as
// three files or one JSON array, give the snapshot of the single file.
func TestPagesAsFilesAndArray(t *testing.T) {
	whole := importFiles(t, Options{AuthzDetails: []string{"fixtures/authz-details.json"}})
	files := importFiles(t, Options{AuthzDetails: []string{"fixtures/authz-pages/authz-details-1.json",
		"fixtures/authz-pages/authz-details-2.json", "fixtures/authz-pages/authz-details-3.json"}})
	array := importFiles(t, Options{AuthzDetails: []string{"fixtures/authz-details-pages-array.json"}})
	w, _ := json.Marshal(whole)
	for name, got := range map[string]*snapshot.Account{"files": files, "array": array} {
		g, _ := json.Marshal(got)
		if string(g) != string(w) {
			t.Errorf("%s: paged import differs from the single file (role repeated on both pages must be deduplicated)\n%s\n%s", name, g, w)
		}
		if len(got.Roles) != 4 || len(got.Policies) != 6 {
			t.Errorf("%s: %d roles %d policies", name, len(got.Roles), len(got.Policies))
		}
	}
	// A page that says more follow, alone, is an incomplete dump.
	_, err := Import(Options{Now: now, AuthzDetails: []string{"testdata/fixtures/authz-pages/authz-details-1.json"}})
	checkInputError(t, err, "authorization details are incomplete")
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
