package sandbox

import (
	"encoding/csv"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/importer"
	"github.com/iamspect/iamspect/internal/snapshot"
)

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

func TestCredentialReportRows(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 1, d, 12, 0, 0, 0, time.UTC) }
	b := snapshot.NewBuilder("123456789012", day(30))
	b.Root().CreatedAt = ptr(day(1))
	b.Root().AccessKeys = []snapshot.AccessKey{{Slot: 1, Status: "Active", CreatedAt: ptr(day(2)), LastUsed: ptr(day(3)), LastUsedService: "s3", LastUsedRegion: "us-east-1"}}
	b.User("bob", day(4)).Password(day(5), nil)
	b.User("svc", day(6)).AccessKey(day(7), nil).InactiveAccessKey(day(8))
	s := b.Build()
	got, err := CredentialReportCSV(s, s.Accounts[0])
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join(credentialReportHeader, ",") + "\n" +
		"<root_account>,arn:aws:iam::123456789012:root,2026-01-01T12:00:00+00:00,not_supported,no_information,not_supported,not_supported,false,true,2026-01-02T12:00:00+00:00,2026-01-03T12:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n" +
		"bob,arn:aws:iam::123456789012:user/bob,2026-01-04T12:00:00+00:00,true,no_information,2026-01-05T12:00:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n" +
		"svc,arn:aws:iam::123456789012:user/svc,2026-01-06T12:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-01-07T12:00:00+00:00,N/A,N/A,N/A,false,2026-01-08T12:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A"
	if string(got) != want {
		t.Fatalf("report:\n%s\nwant:\n%s", got, want)
	}
}

func ptr[T any](v T) *T { return &v }

// accountConfigs returns an SDK config acting in each account of the
// snapshot: the default credentials for the first, AssumeRole for the rest.
func accountConfigs(t *testing.T, url string, s *snapshot.Snapshot) map[string]aws.Config {
	t.Helper()
	base := sdkConfig(url, DummyAccessKeyID, DummySecretAccessKey, "")
	me := must[*sts.GetCallerIdentityOutput](t)(sts.NewFromConfig(base).GetCallerIdentity(ctx(t), nil))
	out := map[string]aws.Config{*me.Account: base}
	for _, a := range s.Accounts {
		if a.ID == *me.Account {
			continue
		}
		ar := must[*sts.AssumeRoleOutput](t)(sts.NewFromConfig(base).AssumeRole(ctx(t), &sts.AssumeRoleInput{
			RoleArn: aws.String("arn:aws:iam::" + a.ID + ":role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("test")}))
		out[a.ID] = sdkConfig(url, *ar.Credentials.AccessKeyId, *ar.Credentials.SecretAccessKey, *ar.Credentials.SessionToken)
	}
	return out
}

func unescape(t *testing.T, s *string) string {
	t.Helper()
	v, err := url.QueryUnescape(aws.ToString(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestGetAccountAuthorizationDetailsDemo checks every account of the demo
// against the snapshot it serves.
func TestGetAccountAuthorizationDetailsDemo(t *testing.T) {
	snap := demo.Snapshot()
	_, u := serve(t, snap, Options{})
	for id, cfg := range accountConfigs(t, u, snap) {
		want := snap.Account(id)
		if !want.Has(snapshot.InputAuthorizationDetails) {
			continue
		}
		out := must[*iam.GetAccountAuthorizationDetailsOutput](t)(iam.NewFromConfig(cfg).GetAccountAuthorizationDetails(ctx(t), nil))
		if out.IsTruncated || len(out.UserDetailList) != len(want.Users) || len(out.GroupDetailList) != len(want.Groups) ||
			len(out.RoleDetailList) != len(want.Roles) || len(out.Policies) != len(want.Policies) {
			t.Fatalf("%s: users %d groups %d roles %d policies %d", id, len(out.UserDetailList), len(out.GroupDetailList), len(out.RoleDetailList), len(out.Policies))
		}
		for i, w := range want.Users {
			g := out.UserDetailList[i]
			if *g.UserName != w.Name || *g.Arn != w.ARN || *g.Path != orSlash(w.Path) || !g.CreateDate.Equal(w.CreatedAt) ||
				strings.Join(g.GroupList, ",") != strings.Join(w.Groups, ",") || len(g.AttachedManagedPolicies) != len(w.AttachedPolicies) ||
				len(g.Tags) != len(w.Tags) || (g.PermissionsBoundary != nil) != (w.PermissionsBoundary != nil) {
				t.Fatalf("user %s: %+v", w.Name, g)
			}
			for k, p := range w.InlinePolicies {
				if *g.UserPolicyList[k].PolicyName != p.Name || unescape(t, g.UserPolicyList[k].PolicyDocument) != string(p.Document) {
					t.Fatalf("user %s inline policy %s", w.Name, p.Name)
				}
			}
		}
		for i, w := range want.Groups {
			g := out.GroupDetailList[i]
			if *g.GroupName != w.Name || len(g.AttachedManagedPolicies) != len(w.AttachedPolicies) || len(g.GroupPolicyList) != len(w.InlinePolicies) {
				t.Fatalf("group %s: %+v", w.Name, g)
			}
		}
		for i, w := range want.Roles {
			g := out.RoleDetailList[i]
			if *g.RoleName != w.Name || unescape(t, g.AssumeRolePolicyDocument) != string(w.TrustPolicy) ||
				len(g.RolePolicyList) != len(w.InlinePolicies) || len(g.InstanceProfileList) != len(w.InstanceProfiles) {
				t.Fatalf("role %s: %+v", w.Name, g)
			}
			used := g.RoleLastUsed != nil && g.RoleLastUsed.LastUsedDate != nil
			if used != (w.LastUsed != nil) || (used && (!g.RoleLastUsed.LastUsedDate.Equal(w.LastUsed.Date) || aws.ToString(g.RoleLastUsed.Region) != w.LastUsed.Region)) {
				t.Fatalf("role %s last used: %+v", w.Name, g.RoleLastUsed)
			}
		}
		for i, w := range want.Policies {
			g := out.Policies[i]
			if *g.PolicyName != w.Name || *g.Arn != w.ARN || aws.ToInt32(g.AttachmentCount) != int32(w.AttachmentCount) ||
				len(g.PolicyVersionList) != 1 || !g.PolicyVersionList[0].IsDefaultVersion ||
				unescape(t, g.PolicyVersionList[0].Document) != string(w.Document) {
				t.Fatalf("policy %s: %+v", w.Name, g)
			}
		}
	}
}

func TestGetAccountAuthorizationDetailsFilter(t *testing.T) {
	_, cfg := serveDemo(t)
	want := demo.Snapshot().Accounts[0]
	local := 0
	for _, p := range want.Policies {
		if !p.AWSManaged() {
			local++
		}
	}
	only := must[*iam.GetAccountAuthorizationDetailsOutput](t)(iam.NewFromConfig(cfg).GetAccountAuthorizationDetails(ctx(t), &iam.GetAccountAuthorizationDetailsInput{
		Filter: []types.EntityType{types.EntityTypeRole, types.EntityTypeLocalManagedPolicy}}))
	if len(only.UserDetailList) != 0 || len(only.GroupDetailList) != 0 || len(only.RoleDetailList) != len(want.Roles) || len(only.Policies) != local {
		t.Fatalf("filter: users %d roles %d policies %d", len(only.UserDetailList), len(only.RoleDetailList), len(only.Policies))
	}
	_, err := iam.NewFromConfig(cfg).GetAccountAuthorizationDetails(ctx(t), &iam.GetAccountAuthorizationDetailsInput{Filter: []types.EntityType{"Bogus"}})
	wantCode(t, err, "ValidationError")
}

// bigAccount has n users, each with a role, to exercise paging.
func bigAccount(n int) *snapshot.Snapshot {
	b := snapshot.NewBuilder("210987654321", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	for i := range n {
		name := "user-" + itoa(1000+i)
		b.User(name, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)).AccessKey(time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), nil)
		b.Role("role-"+itoa(i), `{"Version":"2012-10-17","Statement":[]}`)
	}
	return b.Build()
}

func TestGetAccountAuthorizationDetailsPaging(t *testing.T) {
	srv, u := serve(t, bigAccount(250), Options{})
	c := iam.NewFromConfig(sdkConfig(u, DummyAccessKeyID, DummySecretAccessKey, ""))
	p := iam.NewGetAccountAuthorizationDetailsPaginator(c, &iam.GetAccountAuthorizationDetailsInput{})
	users, roles, pages := map[string]bool{}, 0, 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, u := range out.UserDetailList {
			users[*u.UserName] = true
		}
		roles += len(out.RoleDetailList)
	}
	if len(users) != 250 || roles != 250 || pages != 5 {
		t.Fatalf("users %d roles %d pages %d", len(users), roles, pages)
	}
	if got := srv.Stats()["iam:GetAccountAuthorizationDetails"]; got < 5 { // plus any connection retries
		t.Fatalf("stats: %d", got)
	}
	// MaxItems is honoured.
	out := must[*iam.GetAccountAuthorizationDetailsOutput](t)(c.GetAccountAuthorizationDetails(ctx(t),
		&iam.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(7)}))
	if len(out.UserDetailList) != 7 || !out.IsTruncated || out.Marker == nil {
		t.Fatalf("MaxItems 7: %d users, truncated %v", len(out.UserDetailList), out.IsTruncated)
	}
	_, err := c.GetAccountAuthorizationDetails(ctx(t), &iam.GetAccountAuthorizationDetailsInput{Marker: aws.String("bogus")})
	wantCode(t, err, "ValidationError")
}

func TestCredentialReport(t *testing.T) {
	_, cfg := serveDemo(t)
	c := iam.NewFromConfig(cfg)
	_, err := c.GetCredentialReport(ctx(t), nil)
	wantCode(t, err, "ReportNotPresent")
	gen := must[*iam.GenerateCredentialReportOutput](t)(c.GenerateCredentialReport(ctx(t), nil))
	if gen.State != types.ReportStateTypeStarted {
		t.Fatalf("first generate: %s", gen.State)
	}
	_, err = c.GetCredentialReport(ctx(t), nil)
	wantCode(t, err, "ReportInProgress")
	out := must[*iam.GetCredentialReportOutput](t)(c.GetCredentialReport(ctx(t), nil))
	if !out.GeneratedTime.Equal(demo.CollectedAt) || out.ReportFormat != types.ReportFormatTypeTextCsv {
		t.Fatalf("generated %v format %s", out.GeneratedTime, out.ReportFormat)
	}
	rows, err := csv.NewReader(strings.NewReader(string(out.Content))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != strings.Join(credentialReportHeader, ",") || len(rows[0]) != 22 {
		t.Fatalf("header: %v", rows[0])
	}
	if len(rows) != 1+1+len(demo.Snapshot().Accounts[0].Users) {
		t.Fatalf("%d rows", len(rows))
	}
	// The importer reads back what the snapshot holds.
	rep, err := importer.DecodeCredentialReport(out.Content, out.GeneratedTime)
	if err != nil {
		t.Fatal(err)
	}
	want := demo.Snapshot().Accounts[0]
	got := &snapshot.Account{ID: want.ID}
	if err := importer.ApplyCredentialReport(got, rep); err != nil {
		t.Fatal(err)
	}
	if got.Root.MFAActive != want.Root.MFAActive || !sameTime(got.Root.PasswordLastUsed, want.Root.PasswordLastUsed) ||
		len(got.Root.AccessKeys) != len(want.Root.AccessKeys) {
		t.Fatalf("root: %+v", got.Root)
	}
	for i, w := range want.Users {
		g := got.Users[i]
		if g.Name != w.Name || g.HasConsolePassword() != w.HasConsolePassword() || *g.MFAActive != *w.MFAActive ||
			len(g.ActiveAccessKeys()) != len(w.ActiveAccessKeys()) || !g.CreatedAt.Equal(w.CreatedAt) {
			t.Fatalf("user %s: %+v", w.Name, g)
		}
		for k, wk := range w.AccessKeys {
			gk := g.AccessKeys[k]
			if gk.Status != wk.Status || !sameTime(gk.LastUsed, wk.LastUsed) || !sameTime(gk.CreatedAt, wk.CreatedAt) ||
				gk.LastUsedService != wk.LastUsedService || gk.LastUsedRegion != wk.LastUsedRegion {
				t.Fatalf("user %s key %d: got %+v want %+v", w.Name, k, gk, wk)
			}
		}
	}
	again := must[*iam.GenerateCredentialReportOutput](t)(c.GenerateCredentialReport(ctx(t), nil))
	if again.State != types.ReportStateTypeComplete {
		t.Fatalf("second generate: %s", again.State)
	}
}

// fixtureAccount has one of everything the IAM list APIs serve.
func fixtureAccount() *snapshot.Snapshot {
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	b := snapshot.NewBuilder("123456789012", at).With(snapshot.InputPasswordPolicy, snapshot.InputAccountSummary,
		snapshot.InputVirtualMFADevices, snapshot.InputOIDCProviders, snapshot.InputSAMLProviders,
		snapshot.InputServerCertificates, snapshot.InputAccountAliases, snapshot.InputSSHKeys, snapshot.InputServiceCredentials)
	a := b.Account()
	a.Alias = "fixture"
	u := b.User("alice", at.AddDate(-1, 0, 0)).MFA(snapshot.MFAHardware).User
	u.MFADevices[0].Serial = "arn:aws:iam::123456789012:u2f/user/alice/key"
	u.SSHKeys = []snapshot.SSHKey{{ID: "APKAEXAMPLE000000001", Status: "Active", UploadedAt: &at}}
	u.ServiceCredentials = []snapshot.ServiceCredential{{ID: "ACCAEXAMPLE000000001", ServiceName: "codecommit.amazonaws.com", Status: "Active"}}
	r := b.Role("deploy", `{"Version":"2012-10-17","Statement":[]}`)
	r.Description, r.MaxSessionDuration = "Deploys", 43200
	a.PasswordPolicy = &snapshot.PasswordPolicy{MinimumPasswordLength: 14, RequireSymbols: true, MaxPasswordAge: 90}
	a.Summary = map[string]int{"Users": 1, "Roles": 1, "AccountMFAEnabled": 1}
	a.VirtualMFADevices = []snapshot.VirtualMFADevice{{Serial: "arn:aws:iam::123456789012:mfa/alice", UserARN: u.ARN, EnabledAt: &at},
		{Serial: "arn:aws:iam::123456789012:mfa/spare"}}
	a.OIDCProviders = []snapshot.OIDCProvider{{ARN: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
		URL: "https://token.actions.githubusercontent.com", ClientIDs: []string{"sts.amazonaws.com"}, Thumbprints: []string{"abc"}}}
	a.SAMLProviders = []snapshot.SAMLProvider{{ARN: "arn:aws:iam::123456789012:saml-provider/ADFS", ValidUntil: &at}}
	a.ServerCertificates = []snapshot.ServerCertificate{{Name: "portal", ARN: "arn:aws:iam::123456789012:server-certificate/portal", Expiration: &at}}
	return b.Build()
}

func TestIAMLists(t *testing.T) {
	_, u := serve(t, fixtureAccount(), Options{})
	c := iam.NewFromConfig(sdkConfig(u, DummyAccessKeyID, DummySecretAccessKey, ""))
	pp := must[*iam.GetAccountPasswordPolicyOutput](t)(c.GetAccountPasswordPolicy(ctx(t), nil))
	if *pp.PasswordPolicy.MinimumPasswordLength != 14 || !pp.PasswordPolicy.RequireSymbols || *pp.PasswordPolicy.MaxPasswordAge != 90 || pp.PasswordPolicy.RequireNumbers {
		t.Fatalf("password policy: %+v", pp.PasswordPolicy)
	}
	sum := must[*iam.GetAccountSummaryOutput](t)(c.GetAccountSummary(ctx(t), nil))
	if len(sum.SummaryMap) != 3 || sum.SummaryMap["Users"] != 1 || sum.SummaryMap["AccountMFAEnabled"] != 1 {
		t.Fatalf("summary: %v", sum.SummaryMap)
	}
	mfa := must[*iam.ListVirtualMFADevicesOutput](t)(c.ListVirtualMFADevices(ctx(t), nil))
	if len(mfa.VirtualMFADevices) != 2 || *mfa.VirtualMFADevices[0].User.UserName != "alice" || mfa.VirtualMFADevices[1].User != nil {
		t.Fatalf("virtual MFA: %+v", mfa.VirtualMFADevices)
	}
	un := must[*iam.ListVirtualMFADevicesOutput](t)(c.ListVirtualMFADevices(ctx(t), &iam.ListVirtualMFADevicesInput{AssignmentStatus: types.AssignmentStatusTypeUnassigned}))
	if len(un.VirtualMFADevices) != 1 {
		t.Fatalf("unassigned: %d", len(un.VirtualMFADevices))
	}
	oidc := must[*iam.ListOpenIDConnectProvidersOutput](t)(c.ListOpenIDConnectProviders(ctx(t), nil))
	if len(oidc.OpenIDConnectProviderList) != 1 {
		t.Fatalf("oidc: %d", len(oidc.OpenIDConnectProviderList))
	}
	prov := must[*iam.GetOpenIDConnectProviderOutput](t)(c.GetOpenIDConnectProvider(ctx(t), &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: oidc.OpenIDConnectProviderList[0].Arn}))
	if *prov.Url != "token.actions.githubusercontent.com" || prov.ClientIDList[0] != "sts.amazonaws.com" || prov.ThumbprintList[0] != "abc" {
		t.Fatalf("oidc provider: %+v", prov)
	}
	_, err := c.GetOpenIDConnectProvider(ctx(t), &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String("arn:aws:iam::123456789012:oidc-provider/nope")})
	wantCode(t, err, "NoSuchEntity")
	saml := must[*iam.ListSAMLProvidersOutput](t)(c.ListSAMLProviders(ctx(t), nil))
	if len(saml.SAMLProviderList) != 1 || saml.SAMLProviderList[0].ValidUntil == nil {
		t.Fatalf("SAML: %+v", saml.SAMLProviderList)
	}
	certs := must[*iam.ListServerCertificatesOutput](t)(c.ListServerCertificates(ctx(t), nil))
	if len(certs.ServerCertificateMetadataList) != 1 || *certs.ServerCertificateMetadataList[0].ServerCertificateName != "portal" {
		t.Fatalf("certificates: %+v", certs.ServerCertificateMetadataList)
	}
	al := must[*iam.ListAccountAliasesOutput](t)(c.ListAccountAliases(ctx(t), nil))
	if len(al.AccountAliases) != 1 || al.AccountAliases[0] != "fixture" {
		t.Fatalf("aliases: %v", al.AccountAliases)
	}
	ssc := must[*iam.ListServiceSpecificCredentialsOutput](t)(c.ListServiceSpecificCredentials(ctx(t), &iam.ListServiceSpecificCredentialsInput{UserName: aws.String("alice")}))
	if len(ssc.ServiceSpecificCredentials) != 1 || *ssc.ServiceSpecificCredentials[0].ServiceName != "codecommit.amazonaws.com" {
		t.Fatalf("service credentials: %+v", ssc.ServiceSpecificCredentials)
	}
	all := must[*iam.ListServiceSpecificCredentialsOutput](t)(c.ListServiceSpecificCredentials(ctx(t), &iam.ListServiceSpecificCredentialsInput{AllUsers: aws.Bool(true)}))
	if len(all.ServiceSpecificCredentials) != 1 || *all.ServiceSpecificCredentials[0].UserName != "alice" {
		t.Fatalf("AllUsers service credentials: %+v", all.ServiceSpecificCredentials)
	}
	ssh := must[*iam.ListSSHPublicKeysOutput](t)(c.ListSSHPublicKeys(ctx(t), &iam.ListSSHPublicKeysInput{UserName: aws.String("alice")}))
	if len(ssh.SSHPublicKeys) != 1 || *ssh.SSHPublicKeys[0].SSHPublicKeyId != "APKAEXAMPLE000000001" {
		t.Fatalf("SSH keys: %+v", ssh.SSHPublicKeys)
	}
	_, err = c.ListSSHPublicKeys(ctx(t), &iam.ListSSHPublicKeysInput{UserName: aws.String("nobody")})
	wantCode(t, err, "NoSuchEntity")
	devs := must[*iam.ListMFADevicesOutput](t)(c.ListMFADevices(ctx(t), &iam.ListMFADevicesInput{UserName: aws.String("alice")}))
	if len(devs.MFADevices) != 1 || !strings.HasSuffix(*devs.MFADevices[0].SerialNumber, "/key") {
		t.Fatalf("MFA devices: %+v", devs.MFADevices)
	}
	roles := must[*iam.ListRolesOutput](t)(c.ListRoles(ctx(t), nil))
	if len(roles.Roles) != 1 || *roles.Roles[0].MaxSessionDuration != 43200 || *roles.Roles[0].Description != "Deploys" {
		t.Fatalf("roles: %+v", roles.Roles)
	}
	// Not collected: the sandbox keeps the gap.
	_, err = c.ListOrganizationsFeatures(ctx(t), nil)
	wantCode(t, err, "AccessDenied")
}

func TestGapsAnswerAccessDenied(t *testing.T) {
	s := demo.Snapshot()
	a := s.Accounts[0]
	a.PasswordPolicy = nil
	s.Gaps = []snapshot.Gap{{AccountID: a.ID, Input: snapshot.InputCredentialReport, API: "iam:GenerateCredentialReport",
		Reason: "User: x is not authorized to perform: iam:GenerateCredentialReport"}}
	_, u := serve(t, s, Options{})
	c := iam.NewFromConfig(sdkConfig(u, DummyAccessKeyID, DummySecretAccessKey, ""))
	_, err := c.GenerateCredentialReport(ctx(t), nil)
	wantCode(t, err, "AccessDenied")
	if !strings.Contains(err.Error(), "User: x is not authorized") {
		t.Fatalf("gap reason not kept: %v", err)
	}
	_, err = c.GetAccountPasswordPolicy(ctx(t), nil)
	wantCode(t, err, "NoSuchEntity")

	b := snapshot.NewBuilder("123456789012", demo.CollectedAt).Without(snapshot.InputAuthorizationDetails)
	_, u = serve(t, b.Build(), Options{})
	c = iam.NewFromConfig(sdkConfig(u, DummyAccessKeyID, DummySecretAccessKey, ""))
	_, err = c.GetAccountAuthorizationDetails(ctx(t), nil)
	wantCode(t, err, "AccessDenied")
	_, err = c.GetAccountPasswordPolicy(ctx(t), nil)
	wantCode(t, err, "AccessDenied")
}

// With ReportDelay the report is ready that long after the first Generate:
// until then Generate says INPROGRESS and Get ReportInProgress, however
// often they are asked.
func TestCredentialReportDelay(t *testing.T) {
	t.Parallel()
	const delay = 300 * time.Millisecond
	_, url := serve(t, demo.Snapshot(), Options{ReportDelay: delay})
	c := iam.NewFromConfig(sdkConfig(url, DummyAccessKeyID, DummySecretAccessKey, ""))
	// The server starts the delay between start and started: asking again
	// is within it before start+delay, the report is ready after
	// started+delay.
	start := time.Now()
	gen := must[*iam.GenerateCredentialReportOutput](t)(c.GenerateCredentialReport(ctx(t), nil))
	started := time.Now()
	if gen.State != types.ReportStateTypeStarted {
		t.Fatalf("first generate: %s", gen.State)
	}
	for range 2 {
		_, err := c.GetCredentialReport(ctx(t), nil)
		again, gerr := c.GenerateCredentialReport(ctx(t), nil)
		if time.Since(start) >= delay {
			t.Skip("the machine is too slow to ask twice within the delay")
		}
		wantCode(t, err, "ReportInProgress")
		if gerr != nil || again.State != types.ReportStateTypeInprogress {
			t.Fatalf("generate during the delay: %v, %v", again, gerr)
		}
	}
	time.Sleep(time.Until(started.Add(delay)))
	if gen := must[*iam.GenerateCredentialReportOutput](t)(c.GenerateCredentialReport(ctx(t), nil)); gen.State != types.ReportStateTypeComplete {
		t.Fatalf("generate after the delay: %s", gen.State)
	}
	out := must[*iam.GetCredentialReportOutput](t)(c.GetCredentialReport(ctx(t), nil))
	if !strings.HasPrefix(string(out.Content), "user,arn,") {
		t.Fatalf("report content %.40q", out.Content)
	}
}
