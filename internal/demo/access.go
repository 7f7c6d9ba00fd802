package demo

import "github.com/iamspect/iamspect/internal/snapshot"

const (
	adminARN      = "arn:aws:iam::aws:policy/AdministratorAccess"
	readOnlyARN   = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	cloudShellARN = "arn:aws:iam::aws:policy/AWSCloudShellFullAccess"
)

func groups() []*snapshot.Group {
	return []*snapshot.Group{
		{Name: "Admins", ID: "AGPAEXAMPLEADMINS001", ARN: arn("group", "Admins"), Path: "/", CreatedAt: *daysAgo(2000),
			AttachedPolicies: []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: adminARN}}},
		{Name: "Engineers", ID: "AGPAEXAMPLEENGINEER1", ARN: arn("group", "Engineers"), Path: "/", CreatedAt: *daysAgo(1500),
			AttachedPolicies: []snapshot.PolicyRef{{Name: "ReadOnlyAccess", ARN: readOnlyARN}, {Name: "AWSCloudShellFullAccess", ARN: cloudShellARN}},
			// "Manage our own policies" on policy/*: every engineer can write a
			// new version of any customer managed policy, including those of
			// the CI roles and user ci-deploy it is not itself using
			// (principal-can-grant-permissions).
			InlinePolicies: []snapshot.InlinePolicy{{Name: "self-service-iam",
				Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Sid":"ManageOwnPolicies","Effect":"Allow","Action":["iam:CreatePolicyVersion","iam:SetDefaultPolicyVersion"],"Resource":"arn:aws:iam::111122223333:policy/*"}]}`)}}},
		{Name: "Analysts", ID: "AGPAEXAMPLEANALYST1", ARN: arn("group", "Analysts"), Path: "/", CreatedAt: *daysAgo(1400),
			AttachedPolicies: []snapshot.PolicyRef{{Name: "ReadOnlyAccess", ARN: readOnlyARN}}},
		{Name: "Contractors", ID: "AGPAEXAMPLECONTRACT1", ARN: arn("group", "Contractors"), Path: "/", CreatedAt: *daysAgo(1100),
			AttachedPolicies: []snapshot.PolicyRef{{Name: "ReadOnlyAccess", ARN: readOnlyARN}}},
	}
}

const (
	trustGitHubNoSub = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}}]}`
	trustVendor      = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole"}]}`
	trustLambda      = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	trustAnyone      = `{"Version":"2012-10-17","Statement":[{"Sid":"LetPartnersIn","Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`
	trustSLR         = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"support.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
)

func roles() []*snapshot.Role {
	return []*snapshot.Role{
		{Name: "github-actions-deploy", ID: "AROAEXAMPLEGITHUB001", ARN: arn("role", "github-actions-deploy"), Path: "/",
			Description: "Deploys from GitHub Actions", CreatedAt: *daysAgo(300), TrustPolicy: snapshot.RawJSON(trustGitHubNoSub),
			MaxSessionDuration: 3600, AttachedPolicies: []snapshot.PolicyRef{{Name: "ci-deploy-policy", ARN: arn("policy", "ci-deploy-policy")}},
			LastUsed: &snapshot.RoleLastUsed{Date: *daysAgo(1), Region: "us-east-1"}},
		{Name: "vendor-monitoring", ID: "AROAEXAMPLEVENDOR001", ARN: arn("role", "vendor-monitoring"), Path: "/",
			CreatedAt: *daysAgo(800), TrustPolicy: snapshot.RawJSON(trustVendor), MaxSessionDuration: 43200,
			AttachedPolicies: []snapshot.PolicyRef{{Name: "ReadOnlyAccess", ARN: readOnlyARN}},
			LastUsed:         &snapshot.RoleLastUsed{Date: *daysAgo(200), Region: "us-east-1"}},
		{Name: "partner-data-share", ID: "AROAEXAMPLEPARTNER01", ARN: arn("role", "partner-data-share"), Path: "/",
			CreatedAt: *daysAgo(150), TrustPolicy: snapshot.RawJSON(trustAnyone), MaxSessionDuration: 3600,
			InlinePolicies: []snapshot.InlinePolicy{{Name: "read-exports",
				Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::northwind-exports/*"}]}`)}}},
		{Name: "report-builder-lambda", ID: "AROAEXAMPLELAMBDA001", ARN: arn("role", "report-builder-lambda"), Path: "/service-role/",
			CreatedAt: *daysAgo(400), TrustPolicy: snapshot.RawJSON(trustLambda), MaxSessionDuration: 3600,
			AttachedPolicies: []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: adminARN}},
			LastUsed:         &snapshot.RoleLastUsed{Date: *daysAgo(0), Region: "eu-west-1"}},
		{Name: "AWSServiceRoleForSupport", ID: "AROAEXAMPLESUPPORT01", ARN: arn("role", "aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport"),
			Path: "/aws-service-role/support.amazonaws.com/", CreatedAt: *daysAgo(2000), TrustPolicy: snapshot.RawJSON(trustSLR),
			MaxSessionDuration: 3600, AttachedPolicies: []snapshot.PolicyRef{{Name: "AWSSupportServiceRolePolicy", ARN: "arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy"}}},
	}
}

func policies() []*snapshot.ManagedPolicy {
	return []*snapshot.ManagedPolicy{
		{Name: "AdministratorAccess", ARN: adminARN, Path: "/", DefaultVersionID: "v1", AttachmentCount: 2, IsAttachable: true,
			Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)},
		{Name: "ReadOnlyAccess", ARN: readOnlyARN, Path: "/", DefaultVersionID: "v120", AttachmentCount: 3, IsAttachable: true,
			Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","ec2:Describe*","iam:Get*","iam:List*","cloudwatch:Describe*","cloudwatch:Get*","logs:Get*","logs:Describe*"],"Resource":"*"}]}`)},
		{Name: "AWSCloudShellFullAccess", ARN: cloudShellARN, Path: "/", DefaultVersionID: "v1", AttachmentCount: 1, IsAttachable: true,
			Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Action":["cloudshell:*"],"Effect":"Allow","Resource":"*"}]}`)},
		{Name: "ci-deploy-policy", ID: "ANPAEXAMPLECIDEPLOY1", ARN: arn("policy", "ci-deploy-policy"), Path: "/", DefaultVersionID: "v3",
			AttachmentCount: 2, IsAttachable: true, CreatedAt: daysAgo(700), UpdatedAt: daysAgo(90),
			Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Sid":"Deploy","Effect":"Allow","Action":["ecr:*","ecs:UpdateService","ecs:RegisterTaskDefinition","s3:PutObject"],"Resource":"*"},{"Sid":"PassAnyRole","Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}`)},
		{Name: "break-glass-admin", ID: "ANPAEXAMPLEBREAKGLS1", ARN: arn("policy", "break-glass-admin"), Path: "/", DefaultVersionID: "v1",
			AttachmentCount: 0, IsAttachable: true, CreatedAt: daysAgo(1000),
			Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"aws-portal:ModifyBilling","Resource":"*"}]}`)},
	}
}

func identityCenter() *snapshot.IdentityCenter {
	const inst = "arn:aws:sso:::instance/ssoins-1111222233334444"
	psAdmin := "arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-admin0000000001"
	psRead := "arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-readonly00000001"
	ic := &snapshot.IdentityCenter{
		Instances: []snapshot.IdentityCenterInstance{{ARN: inst, IdentityStoreID: "d-1111222233", OwnerAccountID: AccountID, Status: "ACTIVE"}},
		PermissionSets: []snapshot.PermissionSet{
			{ARN: psAdmin, Name: "AdministratorAccess", SessionDuration: "PT12H",
				ManagedPolicies: []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: adminARN}}},
			{ARN: psRead, Name: "ReadOnly", SessionDuration: "PT4H",
				ManagedPolicies: []snapshot.PolicyRef{{Name: "ReadOnlyAccess", ARN: readOnlyARN}}},
		},
		Assignments: []snapshot.AccountAssignment{
			{AccountID: AccountID, PermissionSetARN: psAdmin, PrincipalType: "GROUP", PrincipalID: "g-everyone"},
			{AccountID: AccountID, PermissionSetARN: psRead, PrincipalType: "GROUP", PrincipalID: "g-analysts"},
		},
		Users: []snapshot.DirectoryUser{
			{ID: "u-erin", UserName: "erin.lopez@northwind.example", DisplayName: "Erin Lopez"},
			{ID: "u-frank", UserName: "frank.osei@northwind.example", DisplayName: "Frank Osei"},
		},
		Groups: []snapshot.DirectoryGroup{{ID: "g-everyone", DisplayName: "Everyone"}, {ID: "g-analysts", DisplayName: "Analysts"}},
		Memberships: []snapshot.GroupMembership{
			{GroupID: "g-everyone", UserID: "u-erin"}, {GroupID: "g-everyone", UserID: "u-frank"},
			{GroupID: "g-analysts", UserID: "u-frank"},
		},
	}
	// Everyone in the company is in "Everyone", which holds AdministratorAccess.
	for _, n := range []string{"grace", "hiro", "ines", "jon", "kemal", "lena", "mia", "nico", "olga", "pablo", "quinn"} {
		ic.Users = append(ic.Users, snapshot.DirectoryUser{ID: "u-" + n, UserName: n + "@northwind.example"})
		ic.Memberships = append(ic.Memberships, snapshot.GroupMembership{GroupID: "g-everyone", UserID: "u-" + n})
	}
	return ic
}
