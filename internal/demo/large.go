package demo

import (
	"fmt"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// Organization returns the demo organisation grown to accounts accounts
// (at least 2): Northwind's management and sandbox accounts, plus generated
// member accounts whose users, keys, roles and policies differ from one
// account to the next, so that their results differ too. It serves the
// sharding tests and measurements (docs/scaling.md) through the sandbox.
//
// Like member accounts in AWS, the generated ones cannot read IAM's
// organisation features (iam:ListOrganizationsFeatures answers only in the
// management account); an --org collection copies them from there.
func Organization(accounts int) *snapshot.Snapshot {
	return OrganizationSized(accounts, MemberSize{})
}

// MemberSize sets how many users and roles each generated member account
// holds; zero fields keep Organization's small varied sizes (1 to 5 users,
// 1 to 3 roles). Sized members also attach the AWS managed policy
// ReadOnlyAccess to their roles, so that the same AWS document repeats in
// every account, as it does in AWS.
type MemberSize struct{ Users, Roles int }

// OrganizationSized is Organization with members of the given size (the
// organisation-scale measurements of docs/scaling.md use 20 users and 20
// roles). It is deterministic: the same arguments give the same snapshot.
func OrganizationSized(accounts int, size MemberSize) *snapshot.Snapshot {
	s := Snapshot()
	for i := 2; i < accounts; i++ {
		a := generatedMember(i, size)
		s.Accounts = append(s.Accounts, a)
		parent := "ou-nw01-sandbox1"
		if i%3 == 0 {
			parent = "ou-nw01-workload"
		}
		s.Organization.Accounts = append(s.Organization.Accounts, snapshot.OrgAccount{ID: a.ID, Name: a.Alias,
			Email: "aws-" + a.Alias + "@northwind.example", Status: "ACTIVE", ParentID: parent})
	}
	if accounts > 3 {
		s.Organization.Units = append(s.Organization.Units, snapshot.OrgUnit{ID: "ou-nw01-workload", Name: "Workloads", ParentID: "r-nw01"})
	}
	return s
}

// GeneratedAccountID is the ID of the i-th generated member account (i ≥ 2).
func GeneratedAccountID(i int) string { return fmt.Sprintf("%012d", 300000000000+i*7919) }

// generatedMember builds member account i: 1 to 5 users (console users
// with and without MFA, access keys of various ages, an administrator in
// every fifth account), 1 to 3 roles (one trusting the management account,
// a cross-account role trusting anyone in every seventh) and a customer
// managed policy.
func generatedMember(i int, size MemberSize) *snapshot.Account {
	id := GeneratedAccountID(i)
	arn := func(kind, name string) string { return "arn:aws:iam::" + id + ":" + kind + "/" + name }
	a := &snapshot.Account{ID: id, Alias: fmt.Sprintf("northwind-team-%02d", i), Partition: "aws",
		Regions: []string{"us-east-1"}, CredentialReportGeneratedAt: &CollectedAt}
	for _, in := range snapshot.Inputs() {
		if in != snapshot.InputOrganizationsFeatures {
			a.MarkCollected(in)
		}
	}
	a.Root = &snapshot.Root{ARN: snapshot.RootARN("aws", id), CreatedAt: daysAgo(400 + i),
		PasswordEnabled: no(), MFAActive: i%4 != 0}
	if i%4 != 0 {
		a.Root.MFADevices = []snapshot.MFADevice{{Type: snapshot.MFAHardware}}
	}
	policyARN := arn("policy", "team-data-access")
	a.Policies = []*snapshot.ManagedPolicy{{Name: "team-data-access", ID: fmt.Sprintf("ANPAGEN%013d", i), ARN: policyARN, Path: "/",
		DefaultVersionID: "v1", AttachmentCount: 1, IsAttachable: true, CreatedAt: daysAgo(300), UpdatedAt: daysAgo(30),
		Document: snapshot.RawJSON(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::team-%02d-*"}]}`, i))}}
	a.Groups = []*snapshot.Group{{Name: "team", ID: fmt.Sprintf("AGPAGEN%013d", i), ARN: arn("group", "team"), Path: "/",
		CreatedAt: *daysAgo(300), AttachedPolicies: []snapshot.PolicyRef{{Name: "team-data-access", ARN: policyARN}}}}
	users, roles := 1+i%5, 1+i%3
	if size.Users > 0 {
		users = size.Users
	}
	if size.Roles > 0 {
		roles = size.Roles
	}
	for u := range users {
		name := fmt.Sprintf("dev-%02d-%d", i, u)
		user := &snapshot.User{Name: name, ID: fmt.Sprintf("AIDAGEN%011d%02d", i, u), ARN: arn("user", name), Path: "/",
			CreatedAt: *daysAgo(30 + 11*u + i), Groups: []string{"team"}, MFAActive: no()}
		switch (i + u) % 4 {
		case 0: // console user without MFA
			user.Password = &snapshot.Password{Enabled: true, LastUsed: daysAgo(i % 60), LastChanged: daysAgo(100 + i)}
		case 1: // an access key, old in some accounts
			user.Password = &snapshot.Password{}
			user.AccessKeys = []snapshot.AccessKey{{Slot: 1, Status: snapshot.StatusActive, CreatedAt: daysAgo(20 + 13*i),
				LastUsed: daysAgo(i % 3), LastUsedService: "s3", LastUsedRegion: "us-east-1"}}
		case 2: // console and a never-used key
			user.Password = &snapshot.Password{Enabled: true, LastChanged: daysAgo(10)}
			user.AccessKeys = []snapshot.AccessKey{{Slot: 1, Status: snapshot.StatusActive, CreatedAt: daysAgo(5 + i)}}
		default: // console user with MFA
			user.Password = &snapshot.Password{Enabled: true, LastUsed: daysAgo(1), LastChanged: daysAgo(40)}
			user.MFAActive = yes()
			user.MFADevices = []snapshot.MFADevice{{Type: snapshot.MFAHardware}}
		}
		if i%5 == 0 && u == 0 {
			user.AttachedPolicies = []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: adminARN}}
		}
		a.Users = append(a.Users, user)
	}
	if i%5 == 0 {
		a.Policies = append(a.Policies, &snapshot.ManagedPolicy{Name: "AdministratorAccess", ARN: adminARN, Path: "/",
			DefaultVersionID: "v1", AttachmentCount: 1, IsAttachable: true,
			Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)})
	}
	a.Roles = []*snapshot.Role{{Name: "OrganizationAccountAccessRole", ID: fmt.Sprintf("AROAGEN%013d", i), ARN: arn("role", "OrganizationAccountAccessRole"),
		Path: "/", CreatedAt: *daysAgo(400 + i), MaxSessionDuration: 3600,
		TrustPolicy:      snapshot.RawJSON(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole"}]}`, AccountID)),
		AttachedPolicies: []snapshot.PolicyRef{{Name: "team-data-access", ARN: policyARN}},
		LastUsed:         &snapshot.RoleLastUsed{Date: *daysAgo(i % 30), Region: "us-east-1"}}}
	for r := 1; r < roles; r++ {
		name := fmt.Sprintf("app-%02d-%d", i, r)
		trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
		if i%7 == 0 && r == 1 {
			trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`
		}
		role := &snapshot.Role{Name: name, ID: fmt.Sprintf("AROAGEN%011d%02d", i, r), ARN: arn("role", name), Path: "/",
			CreatedAt: *daysAgo(60 + r), MaxSessionDuration: 3600, TrustPolicy: snapshot.RawJSON(trust),
			AttachedPolicies: []snapshot.PolicyRef{{Name: "team-data-access", ARN: policyARN}}}
		if size.Roles > 0 && r%4 == 3 {
			role.AttachedPolicies = append(role.AttachedPolicies, snapshot.PolicyRef{Name: "ReadOnlyAccess", ARN: readOnlyARN})
		}
		if r%2 == 0 {
			role.LastUsed = &snapshot.RoleLastUsed{Date: *daysAgo(200), Region: "us-east-1"}
		}
		a.Roles = append(a.Roles, role)
	}
	if size.Roles > 3 {
		a.Policies = append(a.Policies, readOnlyAccess())
	}
	if i%2 == 0 {
		a.PasswordPolicy = &snapshot.PasswordPolicy{MinimumPasswordLength: 8 + i%10, RequireSymbols: i%4 == 0, RequireNumbers: true,
			RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, AllowUsersToChangePassword: true}
	}
	a.Summary = map[string]int{"Users": len(a.Users), "Groups": 1, "Roles": len(a.Roles), "Policies": len(a.Policies),
		"AccountMFAEnabled": map[bool]int{true: 1, false: 0}[a.Root.MFAActive]}
	a.AccessAnalyzers = []snapshot.AccessAnalyzer{{ARN: "arn:aws:access-analyzer:us-east-1:" + id + ":analyzer/default",
		Name: "default", Region: "us-east-1", Type: "ACCOUNT", Status: "ACTIVE"}}
	return a
}

// readOnlyAccess is the demo's AWS managed policy ReadOnlyAccess: the same
// document in every account that attaches it, as in AWS.
func readOnlyAccess() *snapshot.ManagedPolicy {
	for _, p := range policies() {
		if p.ARN == readOnlyARN {
			return p
		}
	}
	panic("demo: ReadOnlyAccess missing from policies()")
}
