package demo

import "github.com/iamspect/iamspect/internal/snapshot"

// Northwind's build pipeline, for the privilege-escalation rule: the
// CodeBuild role that deploys the reporting Lambda functions may create
// functions and pass roles named report-* to Lambda. One of those roles,
// report-builder-lambda, is an administrator: any build (or anyone who can
// change a buildspec) can create a function that runs as administrator
// (lambda-001), or replace the code of the existing report builder
// (lambda-003/004). Its policy also lets it write new versions of itself
// (iam-001), "so that the pipeline can manage its own permissions".

const (
	trustCodeBuild = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}`
	buildRunnerDoc = `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"DeployReportFunctions","Effect":"Allow","Action":["lambda:CreateFunction","lambda:UpdateFunctionCode","lambda:InvokeFunction","lambda:GetFunction"],"Resource":"arn:aws:lambda:*:111122223333:function:report-*"},` +
		`{"Sid":"PassReportRoles","Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/report-*","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}},` +
		`{"Sid":"ManageOwnPolicy","Effect":"Allow","Action":["iam:GetPolicyVersion","iam:CreatePolicyVersion","iam:DeletePolicyVersion"],"Resource":"arn:aws:iam::111122223333:policy/build-*"}]}`
)

func privescRoles() []*snapshot.Role {
	return []*snapshot.Role{
		{Name: "build-runner", ID: "AROAEXAMPLEBUILDRUN1", ARN: arn("role", "build-runner"), Path: "/",
			Description: "CodeBuild projects of the reporting pipeline", CreatedAt: *daysAgo(250),
			TrustPolicy: snapshot.RawJSON(trustCodeBuild), MaxSessionDuration: 3600,
			AttachedPolicies: []snapshot.PolicyRef{{Name: "build-runner-policy", ARN: arn("policy", "build-runner-policy")}},
			LastUsed:         &snapshot.RoleLastUsed{Date: *daysAgo(1), Region: "eu-west-1"}},
	}
}

func privescPolicies() []*snapshot.ManagedPolicy {
	return []*snapshot.ManagedPolicy{
		{Name: "build-runner-policy", ID: "ANPAEXAMPLEBUILDRUN1", ARN: arn("policy", "build-runner-policy"), Path: "/", DefaultVersionID: "v4",
			AttachmentCount: 1, IsAttachable: true, CreatedAt: daysAgo(250), UpdatedAt: daysAgo(40),
			Document: snapshot.RawJSON(buildRunnerDoc)},
	}
}
