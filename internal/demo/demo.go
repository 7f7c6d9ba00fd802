// Package demo builds iamspect's built-in demo: a fictional company account
// ("Northwind Analytics") with the mistakes real accounts have, so that
// `iamspect demo` shows every rule at work without AWS access. The sandbox
// serves the same snapshot by default.
package demo

import (
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// AccountID is the demo account (an AWS documentation example ID).
const AccountID = "111122223333"

// CollectedAt is the demo's fixed collection time, so its results never
// drift with the calendar.
var CollectedAt = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// daysAgo returns a pointer to the time n days before collection.
func daysAgo(n int) *time.Time {
	t := CollectedAt.AddDate(0, 0, -n)
	return &t
}

func arn(kind, name string) string { return "arn:aws:iam::" + AccountID + ":" + kind + "/" + name }

// Snapshot returns a fresh copy of the demo snapshot.
func Snapshot() *snapshot.Snapshot {
	a := &snapshot.Account{
		ID: AccountID, Alias: "northwind-prod", Partition: "aws",
		Regions:                     []string{"eu-west-1", "us-east-1"},
		CredentialReportGeneratedAt: &CollectedAt,
	}
	for _, in := range []snapshot.Input{
		snapshot.InputAuthorizationDetails, snapshot.InputRoleDetails, snapshot.InputCredentialReport,
		snapshot.InputPasswordPolicy, snapshot.InputAccountSummary,
		snapshot.InputVirtualMFADevices, snapshot.InputOIDCProviders,
		snapshot.InputSAMLProviders, snapshot.InputServerCertificates,
		snapshot.InputAccountAliases, snapshot.InputIdentityCenter,
		snapshot.InputSSHKeys, snapshot.InputServiceCredentials,
		snapshot.InputAccessAnalyzer, snapshot.InputOrganization, snapshot.InputOrganizationsFeatures,
	} {
		a.MarkCollected(in)
	}
	a.Root = root()
	a.Users = users()
	a.Groups = groups()
	a.Roles = roles()
	a.Policies = policies()
	a.Roles, a.Policies = append(a.Roles, moreRoles()...), append(a.Policies, morePolicies()...)       // trust.go
	a.Roles, a.Policies = append(a.Roles, privescRoles()...), append(a.Policies, privescPolicies()...) // privesc.go
	a.PasswordPolicy = &snapshot.PasswordPolicy{MinimumPasswordLength: 8, RequireLowercaseCharacters: true,
		RequireNumbers: true, AllowUsersToChangePassword: true}
	a.VirtualMFADevices = []snapshot.VirtualMFADevice{
		{Serial: arn("mfa", "alice.martin"), UserARN: arn("user", "alice.martin"), EnabledAt: daysAgo(700)},
		{Serial: arn("mfa", "erin.intern"), UserARN: arn("user", "erin.intern"), EnabledAt: daysAgo(19)},
		{Serial: arn("mfa", "old-phone"), EnabledAt: nil},
	}
	a.OIDCProviders = []snapshot.OIDCProvider{{
		ARN: arn("oidc-provider", "token.actions.githubusercontent.com"),
		URL: "https://token.actions.githubusercontent.com", ClientIDs: []string{"sts.amazonaws.com"},
		CreatedAt: daysAgo(300),
	}}
	a.OIDCProviders = append(a.OIDCProviders, snapshot.OIDCProvider{ // from a GitLab trial, never wired to a role
		ARN: arn("oidc-provider", "gitlab.com"), URL: "https://gitlab.com", ClientIDs: []string{"https://gitlab.com"},
		CreatedAt: daysAgo(420),
	})
	// Terraform Cloud's provider (trust.go).
	a.OIDCProviders = append(a.OIDCProviders, moreOIDCProviders()...)
	a.SAMLProviders = []snapshot.SAMLProvider{{ // the old ADFS federation, certificate about to lapse
		ARN: arn("saml-provider", "LegacyADFS"), Name: "LegacyADFS", ValidUntil: daysAgo(-12), CreatedAt: daysAgo(1800),
	}}
	a.ServerCertificates = []snapshot.ServerCertificate{{
		Name: "legacy-portal-2024", ID: "ASCAEXAMPLEPORTAL001", ARN: arn("server-certificate", "legacy-portal-2024"), Path: "/",
		Expiration: daysAgo(200), UploadedAt: daysAgo(565),
	}}
	a.AccessAnalyzers = []snapshot.AccessAnalyzer{{ // us-east-1 only: eu-west-1 is in use but not analyzed
		ARN: "arn:aws:access-analyzer:us-east-1:" + AccountID + ":analyzer/external-access", Name: "external-access",
		Region: "us-east-1", Type: "ACCOUNT", Status: "ACTIVE",
	}}
	a.IdentityCenter = identityCenter()
	a.Summary = summary(a)
	return &snapshot.Snapshot{
		SchemaVersion: snapshot.SchemaVersion, CollectedAt: CollectedAt,
		Source: snapshot.Source{Kind: "demo"}, Organization: organization(),
		Accounts: []*snapshot.Account{a, memberAccount()},
	}
}

func root() *snapshot.Root {
	return &snapshot.Root{
		ARN: snapshot.RootARN("aws", AccountID), CreatedAt: daysAgo(2100),
		PasswordEnabled: yes(), PasswordLastUsed: daysAgo(12), PasswordLastChanged: daysAgo(1500), MFAActive: false,
		AccessKeys: []snapshot.AccessKey{{Slot: 1, Status: snapshot.StatusActive,
			CreatedAt: daysAgo(1900), LastUsed: daysAgo(40), LastUsedService: "s3", LastUsedRegion: "us-east-1"}},
		SigningCertificates: []snapshot.SigningCert{{Slot: 1, Status: snapshot.StatusActive, UploadedAt: daysAgo(1850)}},
	}
}

func summary(a *snapshot.Account) map[string]int {
	return map[string]int{
		"Users": len(a.Users), "Groups": len(a.Groups), "Roles": len(a.Roles),
		"Policies": len(a.Policies), "AccountMFAEnabled": 0, "AccountAccessKeysPresent": 1,
		"MFADevices": 2, "MFADevicesInUse": 1, "Providers": 1,
	}
}
