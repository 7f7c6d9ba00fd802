package importer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
)

const entityAccount = "123456789012"

// authzWith is authorization details listing the named users.
func authzWith(users ...string) string {
	var list []string
	for _, u := range users {
		list = append(list, `{"UserName":"`+u+`","UserId":"AIDA`+strings.ToUpper(u)+`","Arn":"arn:aws:iam::`+entityAccount+`:user/`+u+`","Path":"/","CreateDate":"2024-01-01T00:00:00Z"}`)
	}
	return `{"UserDetailList":[` + strings.Join(list, ",") + `],"GroupDetailList":[],"RoleDetailList":[],"Policies":[]}`
}

// importFolder writes files into a --from folder and imports it.
func importFolder(t *testing.T, files map[string]string) (*snapshot.Snapshot, []Warning, error) {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return ImportWithWarnings(Options{Dir: dir, AccountID: entityAccount, Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
}

func mustImport(t *testing.T, files map[string]string) (*snapshot.Snapshot, []Warning) {
	t.Helper()
	s, w, err := importFolder(t, files)
	if err != nil {
		t.Fatal(err)
	}
	return s, w
}

func TestPerUserFiles(t *testing.T) {
	s, warnings := mustImport(t, map[string]string{
		"authz-details.json":                      authzWith("alice", "bob"),
		"ssh-public-keys-Alice.json":              `{"SSHPublicKeys":[{"UserName":"alice","SSHPublicKeyId":"APKA1","Status":"Active","UploadDate":"2025-01-02T03:04:05Z"}],"IsTruncated":false}`,
		"ssh-public-keys-carol.json":              `{"SSHPublicKeys":[]}`,
		"service-specific-credentials-alice.json": `{"ServiceSpecificCredentials":[]}`,
		"service-specific-credentials-bob.json":   `{"ServiceSpecificCredentials":[{"UserName":"bob","ServiceSpecificCredentialId":"ACCA1","ServiceName":"codecommit.amazonaws.com","Status":"Active","CreateDate":"2025-01-02T03:04:05Z"}]}`,
	})
	a := s.Accounts[0]
	if !a.Has(snapshot.InputSSHKeys) || !a.Has(snapshot.InputServiceCredentials) {
		t.Fatalf("collected %v", a.Collected)
	}
	alice, bob := a.Users[0], a.Users[1]
	if len(alice.SSHKeys) != 1 || alice.SSHKeys[0].ID != "APKA1" || alice.SSHKeys[0].UploadedAt == nil || len(alice.NotIn) != 0 {
		t.Errorf("alice: keys %+v, not in %v", alice.SSHKeys, alice.NotIn)
	}
	// bob was not asked about SSH keys: coverage knows.
	if len(bob.ServiceCredentials) != 1 || bob.ServiceCredentials[0].ServiceName != "codecommit.amazonaws.com" ||
		len(bob.NotIn) != 1 || bob.NotIn[0] != snapshot.InputSSHKeys {
		t.Errorf("bob: creds %+v, not in %v", bob.ServiceCredentials, bob.NotIn)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0].String(), "ssh-public-keys-carol.json: no user carol") {
		t.Errorf("warnings %v", warnings)
	}

	// No per-user file: not collected, unless there is no user to ask about.
	s, _ = mustImport(t, map[string]string{"authz-details.json": authzWith("alice")})
	if s.Accounts[0].Has(snapshot.InputSSHKeys) {
		t.Error("SSH keys collected without a file")
	}
	s, _ = mustImport(t, map[string]string{"authz-details.json": authzWith()})
	if s.Accounts[0].Has(snapshot.InputSSHKeys) {
		t.Error("no users in authorization details that may have been filtered: SSH keys collected")
	}
	rootOnly := "user,arn,user_creation_time,password_enabled,mfa_active,access_key_1_active,access_key_2_active\n" +
		"<root_account>,arn:aws:iam::" + entityAccount + ":root,2020-01-01T00:00:00+00:00,not_supported,true,false,false\n"
	s, _ = mustImport(t, map[string]string{"authz-details.json": authzWith(), "credential-report.csv": rootOnly})
	if !s.Accounts[0].Has(snapshot.InputSSHKeys) || !s.Accounts[0].Has(snapshot.InputServiceCredentials) {
		t.Errorf("no users: collected %v", s.Accounts[0].Collected)
	}

	_, _, err := importFolder(t, map[string]string{"authz-details.json": authzWith("alice"),
		"ssh-public-keys-alice.json": "An error occurred (AccessDenied) when calling the ListSSHPublicKeys operation: no"})
	if err == nil || !strings.Contains(err.Error(), "ssh-public-keys-alice.json: the file holds an AWS CLI error (AccessDenied)") {
		t.Errorf("err = %v", err)
	}
}

func TestOrganizationsFeaturesFile(t *testing.T) {
	for content, want := range map[string]bool{
		`{"OrganizationId":"o-1","EnabledFeatures":["RootCredentialsManagement"]}`:                                       true,
		"\nAn error occurred (ServiceAccessNotEnabledException) when calling the ListOrganizationsFeatures operation: x": true,
		"\nAn error occurred (AccessDenied) when calling the ListOrganizationsFeatures operation: denied":                false,
	} {
		s := mustImportOne(t, "organizations-features.json", content)
		if a := s.Accounts[0]; a.Has(snapshot.InputOrganizationsFeatures) != want || (want && strings.Contains(content, "Root") != (len(a.OrganizationsFeatures) == 1)) {
			t.Errorf("%q: collected %v, features %v", content, a.Collected, a.OrganizationsFeatures)
		}
		if !want && (len(s.Gaps) != 1 || s.Gaps[0].ErrorCode != "AccessDenied" || s.Gaps[0].API != "iam:ListOrganizationsFeatures") {
			t.Errorf("gaps %+v", s.Gaps)
		}
	}
}

func mustImportOne(t *testing.T, name, content string) *snapshot.Snapshot {
	t.Helper()
	s, _ := mustImport(t, map[string]string{"authz-details.json": authzWith(), name: content})
	return s
}

// orgFiles is a management account's export of an organisation with one
// OU, two accounts and one SCP.
func orgFiles() map[string]string {
	return map[string]string{
		"authz-details.json":                                authzWith(),
		"organization.json":                                 `{"Organization":{"Id":"o-1","Arn":"arn:aws:organizations::` + entityAccount + `:organization/o-1","FeatureSet":"ALL","MasterAccountId":"` + entityAccount + `"}}`,
		"organization-roots.json":                           `{"Roots":[{"Id":"r-1","Name":"Root","PolicyTypes":[{"Type":"SERVICE_CONTROL_POLICY","Status":"ENABLED"}]}]}`,
		"organization-accounts.json":                        `{"Accounts":[{"Id":"` + entityAccount + `","Name":"mgmt","Status":"ACTIVE"},{"Id":"210987654321","Name":"dev","Status":"ACTIVE"}]}`,
		"organization-children-ous-r-1.json":                `{"OrganizationalUnits":[{"Id":"ou-1-aaaaaaaa","Name":"Dev"}]}`,
		"organization-children-accounts-r-1.json":           `{"Accounts":[{"Id":"` + entityAccount + `"}]}`,
		"organization-children-ous-ou-1-aaaaaaaa.json":      `{"OrganizationalUnits":[]}`,
		"organization-children-accounts-ou-1-aaaaaaaa.json": `{"Accounts":[{"Id":"210987654321"}]}`,
		"organization-scps.json":                            `{"Policies":[{"Id":"p-1","Name":"Deny","Arn":"arn:aws:organizations::` + entityAccount + `:policy/o-1/service_control_policy/p-1","Type":"SERVICE_CONTROL_POLICY","AwsManaged":false}]}`,
		"organization-scp-content-p-1.json":                 `{"Policy":{"PolicySummary":{"Id":"p-1"},"Content":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"iam:CreateUser\",\"Resource\":\"*\"}]}"}}`,
		"organization-scp-targets-p-1.json":                 `{"Targets":[{"TargetId":"ou-1-aaaaaaaa"}]}`,
	}
}

func TestOrganizationFiles(t *testing.T) {
	s, _ := mustImport(t, orgFiles())
	o := s.Organization
	if !s.Accounts[0].Has(snapshot.InputOrganization) || o == nil || len(o.Units) != 2 || o.Units[1].ParentID != "r-1" ||
		len(o.Accounts) != 2 || o.Accounts[1].ParentID != "ou-1-aaaaaaaa" || len(o.Policies) != 1 ||
		!strings.Contains(string(o.Policies[0].Document), `"iam:CreateUser"`) || o.Policies[0].Targets[0] != "ou-1-aaaaaaaa" {
		t.Fatalf("organisation %+v", o)
	}

	files := orgFiles()
	delete(files, "organization-children-accounts-ou-1-aaaaaaaa.json")
	if _, _, err := importFolder(t, files); err == nil || !strings.Contains(err.Error(), "organization-children-accounts-ou-1-aaaaaaaa.json is missing") {
		t.Errorf("missing OU file: %v", err)
	}

	// A member account's export: the organisation, and a gap naming where
	// the rest is listed.
	member := map[string]string{"authz-details.json": authzWith(),
		"organization.json": `{"Organization":{"Id":"o-1","MasterAccountId":"999999999999"}}`}
	s, _ = mustImport(t, member)
	if s.Accounts[0].Has(snapshot.InputOrganization) || len(s.Gaps) != 1 || !strings.Contains(s.Gaps[0].Reason, "management account 999999999999") {
		t.Errorf("member: collected %v gaps %+v", s.Accounts[0].Collected, s.Gaps)
	}

	s = mustImportOne(t, "organization.json", "\nAn error occurred (AWSOrganizationsNotInUseException) when calling the DescribeOrganization operation: no\n")
	if !s.Accounts[0].Has(snapshot.InputOrganization) || s.Organization != nil || s.OrgStatus(entityAccount) != snapshot.OrgStandalone {
		t.Errorf("standalone: %+v", s.Organization)
	}
}

func TestIdentityCenterFiles(t *testing.T) {
	ps := "arn:aws:sso:::permissionSet/ssoins-1/ps-1"
	files := map[string]string{
		"authz-details.json":                                      authzWith(),
		"sso-instances.json":                                      `{"Instances":[{"InstanceArn":"arn:aws:sso:::instance/ssoins-1","IdentityStoreId":"d-1","OwnerAccountId":"` + entityAccount + `","Status":"ACTIVE"}]}`,
		"sso-permission-sets-ssoins-1.json":                       `{"PermissionSets":["` + ps + `"]}`,
		"sso-permission-set-ps-1.json":                            `{"PermissionSet":{"Name":"Admin","PermissionSetArn":"` + ps + `","SessionDuration":"PT12H"}}`,
		"sso-managed-policies-ps-1.json":                          `{"AttachedManagedPolicies":[{"Name":"AdministratorAccess","Arn":"arn:aws:iam::aws:policy/AdministratorAccess"}]}`,
		"sso-customer-managed-policies-ps-1.json":                 `{"CustomerManagedPolicyReferences":[{"Name":"extra","Path":"/team/"}]}`,
		"sso-inline-policy-ps-1.json":                             `{"InlinePolicy":""}`,
		"sso-permissions-boundary-ps-1.json":                      "\nAn error occurred (ResourceNotFoundException) when calling the GetPermissionsBoundaryForPermissionSet operation: none\n",
		"sso-provisioned-accounts-ps-1.json":                      `{"AccountIds":["` + entityAccount + `"]}`,
		"sso-account-assignments-ps-1-" + entityAccount + ".json": `{"AccountAssignments":[{"AccountId":"` + entityAccount + `","PermissionSetArn":"` + ps + `","PrincipalType":"GROUP","PrincipalId":"g-1"}]}`,
		"identitystore-users-d-1.json":                            `{"Users":[{"UserId":"u-1","UserName":"ann"}]}`,
		"identitystore-groups-d-1.json":                           `{"Groups":[{"GroupId":"g-1","DisplayName":"Admins"}]}`,
		"identitystore-group-memberships-g-1.json":                `{"GroupMemberships":[{"GroupId":"g-1","MemberId":{"UserId":"u-1"}}]}`,
	}
	s, _ := mustImport(t, files)
	ic := s.Accounts[0].IdentityCenter
	if !s.Accounts[0].Has(snapshot.InputIdentityCenter) || ic == nil || len(ic.PermissionSets) != 1 || ic.PermissionSets[0].SessionDuration != "PT12H" ||
		ic.PermissionSets[0].CustomerManaged[0].Name != "/team/extra" || ic.PermissionSets[0].PermissionsBoundary != nil ||
		len(ic.Assignments) != 1 || len(ic.Memberships) != 1 || ic.Memberships[0].UserID != "u-1" {
		t.Fatalf("identity center %+v", ic)
	}
	delete(files, "sso-inline-policy-ps-1.json")
	if _, _, err := importFolder(t, files); err == nil || !strings.Contains(err.Error(), "sso-inline-policy-ps-1.json is missing") {
		t.Errorf("missing file: %v", err)
	}
	s = mustImportOne(t, "sso-instances.json", `{"Instances":[]}`)
	if !s.Accounts[0].Has(snapshot.InputIdentityCenter) || s.Accounts[0].IdentityCenter != nil {
		t.Errorf("no instance: %+v", s.Accounts[0])
	}
}

func TestAccessAnalyzerFiles(t *testing.T) {
	files := map[string]string{
		"authz-details.json":              authzWith(),
		"regions.json":                    `{"Regions":[{"RegionName":"us-east-1","RegionOptStatus":"ENABLED_BY_DEFAULT"},{"RegionName":"eu-west-1","RegionOptStatus":"ENABLED_BY_DEFAULT"},{"RegionName":"af-south-1","RegionOptStatus":"DISABLED"}]}`,
		"access-analyzers-us-east-1.json": `{"analyzers":[{"arn":"arn:aws:access-analyzer:us-east-1:` + entityAccount + `:analyzer/a","name":"a","type":"ACCOUNT","status":"ACTIVE"}]}`,
		"access-analyzers-eu-west-1.json": `{"analyzers":[]}`,
	}
	s, _ := mustImport(t, files)
	a := s.Accounts[0]
	if !a.Has(snapshot.InputAccessAnalyzer) || len(a.AccessAnalyzers) != 1 || a.AccessAnalyzers[0].Region != "us-east-1" ||
		strings.Join(a.Regions, ",") != "eu-west-1,us-east-1" {
		t.Fatalf("analyzers %+v regions %v", a.AccessAnalyzers, a.Regions)
	}
	delete(files, "access-analyzers-eu-west-1.json")
	if _, _, err := importFolder(t, files); err == nil || !strings.Contains(err.Error(), "access-analyzers-eu-west-1.json is missing") {
		t.Errorf("missing region: %v", err)
	}
	// Regions named with IAMSPECT_REGIONS: no regions.json.
	delete(files, "regions.json")
	s, _ = mustImport(t, files)
	if !s.Accounts[0].Has(snapshot.InputAccessAnalyzer) || strings.Join(s.Accounts[0].Regions, ",") != "us-east-1" {
		t.Errorf("regions %v", s.Accounts[0].Regions)
	}
}
