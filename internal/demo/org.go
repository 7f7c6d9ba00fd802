package demo

import (
	"fmt"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// MemberAccountID is the demo organisation's member account, a sandbox
// account where someone created an IAM user instead of asking for
// Identity Center access.
const MemberAccountID = "222233334444"

const orgID = "o-northwind01"

// organization is Northwind's AWS Organization: SCPs are on, but none stops
// new IAM users, and centralised root access was never enabled.
func organization() *snapshot.Organization {
	return &snapshot.Organization{
		ID: orgID, ARN: "arn:aws:organizations::" + AccountID + ":organization/" + orgID,
		ManagementAccount: AccountID, FeatureSet: "ALL",
		Accounts: []snapshot.OrgAccount{
			{ID: AccountID, Name: "northwind-prod", Email: "aws-prod@northwind.example", Status: "ACTIVE", ParentID: "r-nw01"},
			{ID: MemberAccountID, Name: "northwind-sandbox", Email: "aws-sandbox@northwind.example", Status: "ACTIVE", ParentID: "ou-nw01-sandbox1"},
		},
		Units:              []snapshot.OrgUnit{{ID: "r-nw01", Name: "Root"}, {ID: "ou-nw01-sandbox1", Name: "Sandbox", ParentID: "r-nw01"}},
		EnabledPolicyTypes: []string{"SERVICE_CONTROL_POLICY"},
		Policies: []snapshot.OrgPolicy{
			{ID: "p-FullAWSAccess", Name: "FullAWSAccess", Type: "SERVICE_CONTROL_POLICY", AWSManaged: true, Targets: []string{"r-nw01"},
				ARN:      "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
				Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)},
			{ID: "p-nw0000000001", Name: "deny-leave-organization", Type: "SERVICE_CONTROL_POLICY", Targets: []string{"r-nw01"},
				ARN:      "arn:aws:organizations::" + AccountID + ":policy/" + orgID + "/service_control_policy/p-nw0000000001",
				Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}`)},
		},
	}
}

func memberARN(kind, name string) string {
	return "arn:aws:iam::" + MemberAccountID + ":" + kind + "/" + name
}

// memberAccount is the sandbox account: one IAM user with a console
// password and no MFA, no password policy, no Identity Center assignment.
func memberAccount() *snapshot.Account {
	a := &snapshot.Account{ID: MemberAccountID, Alias: "northwind-sandbox", Partition: "aws",
		Regions: []string{"us-east-1"}, CredentialReportGeneratedAt: &CollectedAt}
	for _, in := range []snapshot.Input{
		snapshot.InputAuthorizationDetails, snapshot.InputRoleDetails, snapshot.InputCredentialReport,
		snapshot.InputPasswordPolicy, snapshot.InputVirtualMFADevices,
		snapshot.InputOIDCProviders, snapshot.InputSAMLProviders,
		snapshot.InputServerCertificates, snapshot.InputIdentityCenter,
		snapshot.InputSSHKeys, snapshot.InputServiceCredentials,
		snapshot.InputAccessAnalyzer, snapshot.InputOrganization, snapshot.InputOrganizationsFeatures,
		snapshot.InputAccountAliases, snapshot.InputAccountSummary,
	} {
		a.MarkCollected(in)
	}
	// The sandbox's root MFA is an authenticator app on whoever set the
	// account up (root-no-hardware-mfa).
	rootMFA := "arn:aws:iam::" + MemberAccountID + ":mfa/root-account-mfa-device"
	a.Root = &snapshot.Root{ARN: snapshot.RootARN("aws", MemberAccountID), CreatedAt: daysAgo(900),
		PasswordEnabled: yes(), PasswordLastChanged: daysAgo(900), MFAActive: true,
		MFADevices: []snapshot.MFADevice{{Serial: rootMFA, Type: snapshot.MFAVirtual, EnabledAt: daysAgo(900)}}}
	a.VirtualMFADevices = append(a.VirtualMFADevices, snapshot.VirtualMFADevice{Serial: rootMFA, UserARN: a.Root.ARN, EnabledAt: daysAgo(900)})
	a.Users = []*snapshot.User{{ // Created for a quick experiment and kept.
		Name: "sandbox-admin", ID: "AIDAEXAMPLESANDBOX01", ARN: memberARN("user", "sandbox-admin"), Path: "/",
		CreatedAt: *daysAgo(150), Groups: []string{"SandboxAdmins"},
		Password:  &snapshot.Password{Enabled: true, LastUsed: daysAgo(3), LastChanged: daysAgo(150)},
		MFAActive: no(),
	}}
	a.Groups = []*snapshot.Group{{Name: "SandboxAdmins", ID: "AGPAEXAMPLESANDBOX01", ARN: memberARN("group", "SandboxAdmins"), Path: "/",
		CreatedAt: *daysAgo(150), AttachedPolicies: []snapshot.PolicyRef{{Name: "PowerUserAccess", ARN: "arn:aws:iam::aws:policy/PowerUserAccess"}}}}
	a.Roles = []*snapshot.Role{{Name: "OrganizationAccountAccessRole", ID: "AROAEXAMPLESANDBOX01", ARN: memberARN("role", "OrganizationAccountAccessRole"),
		Path: "/", CreatedAt: *daysAgo(900), MaxSessionDuration: 3600,
		TrustPolicy:      snapshot.RawJSON(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole"}]}`, AccountID)),
		AttachedPolicies: []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: adminARN}},
		LastUsed:         &snapshot.RoleLastUsed{Date: *daysAgo(30), Region: "us-east-1"}}}
	a.Policies = []*snapshot.ManagedPolicy{{Name: "PowerUserAccess", ARN: "arn:aws:iam::aws:policy/PowerUserAccess", Path: "/", DefaultVersionID: "v6",
		AttachmentCount: 1, IsAttachable: true, Document: snapshot.RawJSON(powerUserDoc)}} // trust.go
	a.Summary = map[string]int{"Users": 1, "Groups": 1, "Roles": 1, "AccountMFAEnabled": 1}
	return a
}
