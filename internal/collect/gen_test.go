package collect

import (
	"fmt"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// genTime is the generated snapshots' collection time.
var genTime = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func genDaysAgo(n int) *time.Time {
	t := genTime.AddDate(0, 0, -n)
	return &t
}

// allCollected are the inputs a generated account has.
var allCollected = snapshot.Inputs()

// genAccount builds an account with users and roles in the shapes a live
// collection returns (credential report slots, no access key IDs).
func genAccount(id string, users, roles int) *snapshot.Account {
	arn := func(kind, name string) string { return "arn:aws:iam::" + id + ":" + kind + "/" + name }
	a := &snapshot.Account{ID: id, Partition: "aws", Regions: []string{"us-east-1"}, CredentialReportGeneratedAt: &genTime}
	for _, in := range allCollected {
		a.MarkCollected(in)
	}
	a.Alias = "acct-" + id
	a.Root = &snapshot.Root{ARN: snapshot.RootARN("aws", id), CreatedAt: genDaysAgo(3000), MFAActive: true,
		MFADevices: []snapshot.MFADevice{{Type: snapshot.MFAHardware}}}
	policyARN := arn("policy", "app-access")
	a.Policies = []*snapshot.ManagedPolicy{{Name: "app-access", ID: "ANPAGEN" + id, ARN: policyARN, Path: "/",
		DefaultVersionID: "v2", AttachmentCount: 1, IsAttachable: true, CreatedAt: genDaysAgo(500), UpdatedAt: genDaysAgo(30),
		Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","sqs:SendMessage"],"Resource":"*"}]}`)}}
	a.Groups = []*snapshot.Group{{Name: "developers", ID: "AGPAGEN" + id, ARN: arn("group", "developers"), Path: "/",
		CreatedAt: *genDaysAgo(900), AttachedPolicies: []snapshot.PolicyRef{{Name: "app-access", ARN: policyARN}}}}
	for i := range users {
		name := fmt.Sprintf("user%04d", i)
		u := &snapshot.User{Name: name, ID: fmt.Sprintf("AIDAGEN%s%04d", id[:6], i), ARN: arn("user", name), Path: "/",
			CreatedAt: *genDaysAgo(100 + i%700), Groups: []string{"developers"}, MFAActive: new(bool)}
		switch i % 4 {
		case 0: // console user
			u.Password = &snapshot.Password{Enabled: true, LastUsed: genDaysAgo(i % 90), LastChanged: genDaysAgo(200)}
		case 1: // key user
			u.Password = &snapshot.Password{Enabled: false}
			u.AccessKeys = []snapshot.AccessKey{{Slot: 1, Status: snapshot.StatusActive, CreatedAt: genDaysAgo(400),
				LastUsed: genDaysAgo(2), LastUsedService: "s3", LastUsedRegion: "us-east-1"}}
		case 2: // both
			u.Password = &snapshot.Password{Enabled: true, LastChanged: genDaysAgo(20)}
			u.AccessKeys = []snapshot.AccessKey{{Slot: 1, Status: snapshot.StatusInactive, CreatedAt: genDaysAgo(800)}}
		default: // console user with MFA
			u.Password = &snapshot.Password{Enabled: true, LastUsed: genDaysAgo(1), LastChanged: genDaysAgo(10)}
			*u.MFAActive = true
			u.MFADevices = []snapshot.MFADevice{{Type: snapshot.MFAHardware}}
		}
		a.Users = append(a.Users, u)
	}
	for i := range roles {
		name := fmt.Sprintf("role%04d", i)
		r := &snapshot.Role{Name: name, ID: fmt.Sprintf("AROAGEN%s%04d", id[:6], i), ARN: arn("role", name), Path: "/",
			CreatedAt: *genDaysAgo(50 + i%300), MaxSessionDuration: 3600,
			TrustPolicy:      snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
			AttachedPolicies: []snapshot.PolicyRef{{Name: "app-access", ARN: policyARN}}}
		if i%3 == 0 {
			r.LastUsed = &snapshot.RoleLastUsed{Date: *genDaysAgo(i % 40), Region: "us-east-1"}
		}
		a.Roles = append(a.Roles, r)
	}
	a.PasswordPolicy = &snapshot.PasswordPolicy{MinimumPasswordLength: 14, RequireSymbols: true, RequireNumbers: true,
		RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, AllowUsersToChangePassword: true, PasswordReusePrevention: 24}
	a.Summary = map[string]int{"Users": users, "Roles": roles, "Groups": 1, "Policies": 1, "AccountMFAEnabled": 1}
	a.AccessAnalyzers = []snapshot.AccessAnalyzer{{ARN: "arn:aws:access-analyzer:us-east-1:" + id + ":analyzer/default",
		Name: "default", Region: "us-east-1", Type: "ACCOUNT", Status: "ACTIVE"}}
	return a
}

// genOrg builds an organisation of n accounts: the first is the management
// account; accounts sit in two OUs; one SCP is attached to the root.
func genOrg(n, users, roles int) *snapshot.Snapshot {
	s := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, CollectedAt: genTime, Source: snapshot.Source{Kind: "sandbox"}}
	org := &snapshot.Organization{ID: "o-gen1234567", ARN: "arn:aws:organizations::100000000000:organization/o-gen1234567",
		ManagementAccount: "100000000000", FeatureSet: "ALL", EnabledPolicyTypes: []string{"SERVICE_CONTROL_POLICY"},
		Units: []snapshot.OrgUnit{{ID: "r-gen1", Name: "Root"},
			{ID: "ou-gen1-prod0001", Name: "Prod", ParentID: "r-gen1"},
			{ID: "ou-gen1-dev00001", Name: "Dev", ParentID: "r-gen1"}},
		Policies: []snapshot.OrgPolicy{{ID: "p-FullAWSAccess", Name: "FullAWSAccess", Type: "SERVICE_CONTROL_POLICY", AWSManaged: true,
			ARN:      "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
			Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`),
			Targets:  []string{"r-gen1"}}},
	}
	for i := range n {
		id := fmt.Sprintf("%012d", 100000000000+i)
		a := genAccount(id, users, roles)
		a.OrganizationsFeatures = []string{"RootCredentialsManagement"}
		parent := "ou-gen1-prod0001"
		if i%2 == 1 {
			parent = "ou-gen1-dev00001"
		}
		if i == 0 {
			parent = "r-gen1"
		}
		org.Accounts = append(org.Accounts, snapshot.OrgAccount{ID: id, Name: "account-" + id, Email: "aws+" + id + "@example.com",
			Status: "ACTIVE", ParentID: parent})
		s.Accounts = append(s.Accounts, a)
	}
	s.Organization = org
	return s
}
