package synth

import (
	"fmt"
	"strings"
)

// statementKinds are the statements customer policies are made of, as real
// accounts write them: service wildcards, resource ARNs, conditions,
// NotAction and Deny. Each takes the account ID, a team and a number that
// makes the statement differ from its neighbours'.
var statementKinds = []func(acct string, team, n int) string{
	func(_ string, team, n int) string { // S3 data access on the team's buckets
		return fmt.Sprintf(`{"Effect":"Allow","Action":["s3:Get*","s3:List*","s3:PutObject"],"Resource":["arn:aws:s3:::team-%02d-data-%d","arn:aws:s3:::team-%02d-data-%d/*"]}`, team, n, team, n)
	},
	func(acct string, team, n int) string { // DynamoDB tables by prefix
		return fmt.Sprintf(`{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:Query","dynamodb:PutItem","dynamodb:UpdateItem"],"Resource":"arn:aws:dynamodb:us-east-1:%s:table/team-%02d-%d-*"}`, acct, team, n)
	},
	func(_ string, _, n int) string { // EC2 in one region
		return fmt.Sprintf(`{"Effect":"Allow","Action":"ec2:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"%s"}}}`, regions[n%len(regions)])
	},
	func(acct string, team, n int) string { // Lambda developers
		return fmt.Sprintf(`{"Effect":"Allow","Action":["lambda:*","logs:*"],"Resource":["arn:aws:lambda:*:%s:function:team-%02d-%d-*","arn:aws:logs:*:%s:log-group:/aws/lambda/team-%02d-*"]}`, acct, team, n, acct, team)
	},
	func(acct string, team, _ int) string { // PassRole scoped to the team's roles and one service
		return fmt.Sprintf(`{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::%s:role/team-%02d-*","Condition":{"StringEquals":{"iam:PassedToService":"ecs-tasks.amazonaws.com"}}}`, acct, team)
	},
	func(acct string, team, _ int) string { // AssumeRole within the team, with MFA
		return fmt.Sprintf(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::%s:role/team-%02d-*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`, acct, team)
	},
	func(acct string, _, n int) string { // KMS through one service
		return fmt.Sprintf(`{"Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"arn:aws:kms:us-east-1:%s:key/%08x-0000-4000-8000-000000000000","Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}}`, acct, n)
	},
	func(_ string, _, n int) string { // deny deletes
		return fmt.Sprintf(`{"Sid":"NoDeletes%d","Effect":"Deny","Action":["s3:DeleteBucket","dynamodb:DeleteTable","rds:DeleteDBInstance"],"Resource":"*"}`, n)
	},
	func(_ string, _, n int) string { // deny outside the allowed regions
		return fmt.Sprintf(`{"Effect":"Deny","NotAction":["iam:*","sts:*","support:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","%s"]}}}`, regions[n%len(regions)])
	},
	func(_ string, _, n int) string { // read-only tooling
		return fmt.Sprintf(`{"Sid":"Read%d","Effect":"Allow","Action":["cloudwatch:Get*","cloudwatch:List*","cloudwatch:Describe*","logs:FilterLogEvents","xray:Get*"],"Resource":"*"}`, n)
	},
	func(acct string, team, n int) string { // self-managed policy versions
		return fmt.Sprintf(`{"Effect":"Allow","Action":["iam:CreatePolicyVersion","iam:DeletePolicyVersion","iam:GetPolicy*"],"Resource":"arn:aws:iam::%s:policy/team-%02d-policy-%d"}`, acct, team, n)
	},
	func(_ string, _, n int) string { // SQS and SNS by wildcard
		return fmt.Sprintf(`{"Effect":"Allow","Action":["sqs:*","sns:Publish"],"Resource":["arn:aws:sqs:*:*:queue-%d-*","arn:aws:sns:*:*:topic-%d"]}`, n, n)
	},
}

// powerUser is the NotAction grant power users hold; one policy in 60.
const powerUser = `{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"}`

var regions = []string{"eu-west-1", "eu-central-1", "us-west-2", "ap-southeast-2"}

// policyDoc is customer policy i's document: 1 to 4 statements drawn from
// statementKinds, or, in shapes with templates, one of a few per team.
func (g *gen) policyDoc(i int) string {
	if g.k.templates > 0 {
		t := i % g.k.templates
		return doc(statementKinds[t%len(statementKinds)](g.id, g.team(i), t), statementKinds[(t+3)%len(statementKinds)](g.id, g.team(i), t))
	}
	if i%60 == 59 {
		return doc(powerUser)
	}
	return g.statements(i, 1+g.rng.IntN(4))
}

// statements draws n statements for document number i.
func (g *gen) statements(i, n int) string {
	var sts []string
	for range n {
		sts = append(sts, statementKinds[g.rng.IntN(len(statementKinds))](g.id, g.team(i), i))
	}
	return doc(sts...)
}

func doc(statements ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
}

// trustDoc is role i's trust policy.
func (g *gen) trustDoc(i int) string {
	switch g.k.trust {
	case trustAnyone:
		return doc(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}`)
	case trustRoot:
		return doc(fmt.Sprintf(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole"}`, g.id))
	}
	switch r := g.rng.IntN(20); {
	case r < 10:
		return doc(fmt.Sprintf(`{"Effect":"Allow","Principal":{"Service":"%s"},"Action":"sts:AssumeRole"}`, services[r%len(services)]))
	case r < 14:
		return doc(fmt.Sprintf(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`, g.id))
	case r < 17:
		return doc(fmt.Sprintf(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:user/team-%02d-user-%d"},"Action":"sts:AssumeRole"}`, g.id, g.team(i), i))
	case r < 19:
		return doc(fmt.Sprintf(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%012d:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"partner-%d"}}}`, 210987654321+i%7, i))
	default:
		return doc(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-synth00001"}}}`)
	}
}

var services = []string{"ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "glue.amazonaws.com", "codebuild.amazonaws.com"}

// awsManaged are the AWS managed policies the generator attaches
// (ReadOnlyAccess abridged to its wildcards).
var awsManaged = map[string]string{
	"AdministratorAccess": doc(`{"Effect":"Allow","Action":"*","Resource":"*"}`),
	"ReadOnlyAccess":      doc(`{"Effect":"Allow","Action":["*:Describe*","*:Get*","*:List*","s3:Head*"],"Resource":"*"}`),
}
