package demo

import "github.com/iamspect/iamspect/internal/snapshot"

// More of Northwind's roles and policies, for the policy and trust rules:
// a Terraform Cloud role that forgot the audience, a release role whose
// subject pattern sits under StringEquals (so it never matches), the old
// ADFS federation role, a security-tooling policy with service wildcards,
// and leftovers nobody attached or typed correctly.

const (
	trustTerraformNoAud = `{"Version":"2012-10-17","Statement":[{"Sid":"TerraformCloud","Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/app.terraform.io"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"app.terraform.io:sub":"organization:northwind:project:platform:workspace:prod-network:run_phase:*"}}}]}`
	trustGitHubLiteral  = `{"Version":"2012-10-17","Statement":[{"Sid":"ReleaseFromMain","Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:northwind/*"}}}]}`
	trustGitHubOrgWide  = `{"Version":"2012-10-17","Statement":[{"Sid":"AnyNorthwindRepo","Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:northwind/*"}}}]}`
	trustADFS           = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/LegacyADFS"},"Action":"sts:AssumeRoleWithSAML"}]}`
	// AWSSupportServiceRolePolicy, abridged: read-only calls for AWS Support.
	supportSLRDoc = `{"Version":"2012-10-17","Statement":[{"Sid":"AWSSupportServiceRolePermissions","Effect":"Allow","Action":["iam:GetRole","iam:ListRoles","iam:GetAccountSummary","ec2:DescribeInstances","ec2:DescribeVolumes","cloudtrail:DescribeTrails","s3:ListAllMyBuckets"],"Resource":"*"}]}`
	// PowerUserAccess, as AWS publishes it (v6).
	powerUserDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},{"Effect":"Allow","Action":["account:GetAccountInformation","account:GetPrimaryEmail","account:ListRegions","iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles","organizations:DescribeOrganization"],"Resource":"*"}]}`
)

func moreRoles() []*snapshot.Role {
	return []*snapshot.Role{
		{Name: "terraform-cloud-apply", ID: "AROAEXAMPLETFCAPPLY1", ARN: arn("role", "terraform-cloud-apply"), Path: "/",
			Description: "Terraform Cloud runs of the prod-network workspace", CreatedAt: *daysAgo(120),
			TrustPolicy: snapshot.RawJSON(trustTerraformNoAud), MaxSessionDuration: 3600,
			AttachedPolicies: []snapshot.PolicyRef{{Name: "security-tooling", ARN: arn("policy", "security-tooling")}},
			LastUsed:         &snapshot.RoleLastUsed{Date: *daysAgo(2), Region: "eu-west-1"}},
		{Name: "github-actions-release", ID: "AROAEXAMPLEGHRELEASE", ARN: arn("role", "github-actions-release"), Path: "/",
			Description: "Publishes releases (never worked: see its trust policy)", CreatedAt: *daysAgo(60),
			TrustPolicy: snapshot.RawJSON(trustGitHubLiteral), MaxSessionDuration: 3600,
			AttachedPolicies: []snapshot.PolicyRef{{Name: "ReadOnlyAccess", ARN: readOnlyARN}}},
		// Any repository of the northwind organisation may publish the docs
		// site (role-trust-oidc-broad).
		{Name: "github-actions-docs", ID: "AROAEXAMPLEGHDOCS001", ARN: arn("role", "github-actions-docs"), Path: "/",
			Description: "Publishes the documentation site", CreatedAt: *daysAgo(90),
			TrustPolicy: snapshot.RawJSON(trustGitHubOrgWide), MaxSessionDuration: 3600,
			InlinePolicies: []snapshot.InlinePolicy{{Name: "publish-docs",
				Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::northwind-docs/*"}]}`)}},
			LastUsed: &snapshot.RoleLastUsed{Date: *daysAgo(3), Region: "eu-west-1"}},
		{Name: "adfs-analysts", ID: "AROAEXAMPLEADFSANLST", ARN: arn("role", "adfs-analysts"), Path: "/",
			Description: "Analysts signing in through the old ADFS", CreatedAt: *daysAgo(1700),
			TrustPolicy: snapshot.RawJSON(trustADFS), MaxSessionDuration: 3600,
			AttachedPolicies: []snapshot.PolicyRef{{Name: "ReadOnlyAccess", ARN: readOnlyARN}},
			LastUsed:         &snapshot.RoleLastUsed{Date: *daysAgo(20), Region: "us-east-1"}},
	}
}

func morePolicies() []*snapshot.ManagedPolicy {
	return []*snapshot.ManagedPolicy{
		{Name: "AWSSupportServiceRolePolicy", ARN: "arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy",
			Path: "/aws-service-role/", DefaultVersionID: "v40", AttachmentCount: 1, IsAttachable: false,
			Document: snapshot.RawJSON(supportSLRDoc)},
		{Name: "security-tooling", ID: "ANPAEXAMPLESECTOOLS1", ARN: arn("policy", "security-tooling"), Path: "/", DefaultVersionID: "v2",
			AttachmentCount: 1, IsAttachable: true, CreatedAt: daysAgo(120),
			Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Sid":"SecurityServices","Effect":"Allow","Action":["kms:*","cloudtrail:*","guardduty:Get*"],"Resource":"*"}]}`)},
		{Name: "legacy-full-admin", ID: "ANPAEXAMPLELEGACYAD1", ARN: arn("policy", "legacy-full-admin"), Path: "/", DefaultVersionID: "v1",
			AttachmentCount: 0, IsAttachable: true, CreatedAt: daysAgo(1900),
			Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Sid":"Everything","Effect":"Allow","Action":"*","Resource":"*"}]}`)},
		{Name: "exports-reader", ID: "ANPAEXAMPLEEXPORTRD1", ARN: arn("policy", "exports-reader"), Path: "/", DefaultVersionID: "v1",
			AttachmentCount: 0, IsAttachable: true, CreatedAt: daysAgo(400),
			Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Sid":"ReadExports","Effect":"Allow","Action":["s3:GetObjects","s3:ListBucket"],"Resource":["arn:aws:s3::northwind-exports","arn:aws:s3:::northwind-exports/*"]}]}`)},
	}
}

func moreOIDCProviders() []snapshot.OIDCProvider {
	return []snapshot.OIDCProvider{{
		ARN: arn("oidc-provider", "app.terraform.io"), URL: "https://app.terraform.io", ClientIDs: []string{"aws.workload.identity"},
		CreatedAt: daysAgo(120),
	}}
}
