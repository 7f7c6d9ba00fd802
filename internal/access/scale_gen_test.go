package access

import (
	"fmt"
	"math/rand/v2"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// Trust shapes of the scale generator's roles.
const (
	trustMixed  = iota // services, the account root, named users and roles, a few "*"
	trustAll           // every role trusts "*"
	trustRootOf        // every role trusts the account root
)

// scaleShape is the shape of an account as large customers have them
// (issue 16): many users allowed iam:AddUserToGroup, iam:PassRole,
// iam:CreatePolicyVersion or sts:AssumeRole on wildcards and on named
// resources, 200 groups, roles trusting "*", the account root or named
// principals, NotAction, Deny statements, conditions and permissions
// boundaries.
type scaleShape struct {
	users, roles, policies int
	groups                 int
	trust                  int
	seed                   uint64
}

// genScale builds the account of shape s, deterministically.
func genScale(s scaleShape) *snapshot.Snapshot {
	rng := rand.New(rand.NewPCG(s.seed, 16))
	b := snapshot.NewBuilder(acct, now)
	a := b.Account()
	a.Policies = append(a.Policies, &snapshot.ManagedPolicy{Name: "AdministratorAccess", ARN: adminARN, Document: snapshot.RawJSON(adminDoc), IsAttachable: true})
	services := []string{"ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "glue.amazonaws.com", "codebuild.amazonaws.com", "sagemaker.amazonaws.com", "cloudformation.amazonaws.com"}
	pname := func(i int) string { return fmt.Sprintf("p%d", i) }
	for i := range s.policies {
		a.Policies = append(a.Policies, &snapshot.ManagedPolicy{Name: pname(i), ARN: iamARN("policy", pname(i)),
			Document: snapshot.RawJSON(scalePolicy(rng, i, s)), IsAttachable: true})
	}
	ref := func(i int) snapshot.PolicyRef {
		return snapshot.PolicyRef{Name: pname(i), ARN: iamARN("policy", pname(i))}
	}
	refs := func(n int) []snapshot.PolicyRef {
		out := make([]snapshot.PolicyRef, n)
		for i := range out {
			out[i] = ref(rng.IntN(s.policies))
		}
		return out
	}
	// Boundaries: a few shared ones, one of them allowing everything but
	// IAM user management.
	bounds := []string{"boundary-dev", "boundary-noiam"}
	a.Policies = append(a.Policies,
		&snapshot.ManagedPolicy{Name: bounds[0], ARN: iamARN("policy", bounds[0]), IsAttachable: true,
			Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","ec2:*","lambda:*","iam:PassRole","iam:AddUserToGroup","sts:AssumeRole","logs:*"],"Resource":"*"}]}`)},
		&snapshot.ManagedPolicy{Name: bounds[1], ARN: iamARN("policy", bounds[1]), IsAttachable: true,
			Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":["iam:CreateAccessKey","iam:CreateLoginProfile","iam:UpdateLoginProfile","iam:AttachUserPolicy","iam:PutUserPolicy"],"Resource":"*"}]}`)})
	boundary := func() *snapshot.PolicyRef {
		if rng.IntN(10) != 0 {
			return nil
		}
		n := bounds[rng.IntN(len(bounds))]
		return &snapshot.PolicyRef{Name: n, ARN: iamARN("policy", n)}
	}
	for g := range s.groups {
		grp := &snapshot.Group{Name: fmt.Sprintf("team-%d-g%d", g%40, g), ARN: iamARN("group", fmt.Sprintf("team-%d-g%d", g%40, g)), Path: "/",
			AttachedPolicies: refs(1 + rng.IntN(3))}
		switch g % 50 {
		case 0:
			grp.AttachedPolicies = append(grp.AttachedPolicies, snapshot.PolicyRef{Name: "AdministratorAccess", ARN: adminARN})
		case 1:
			grp.InlinePolicies = []snapshot.InlinePolicy{{Name: "iam-admin", Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`)}}
		}
		a.Groups = append(a.Groups, grp)
	}
	// Helpdesk policies, one of which ~60% of users hold: iam:AddUserToGroup
	// on every group, on a team's groups, or everywhere but admin groups.
	helpdesk := []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:AddUserToGroup","iam:RemoveUserFromGroup","iam:GetGroup"],"Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:AddUserToGroup","Resource":"arn:aws:iam::` + acct + `:group/team-%d-*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:AddUserToGroup","Resource":"*"},{"Effect":"Deny","Action":"iam:AddUserToGroup","Resource":"arn:aws:iam::` + acct + `:group/team-0-*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:AddUserToGroup","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`,
	}
	for i := range 40 {
		d := helpdesk[i%len(helpdesk)]
		if i%len(helpdesk) == 1 {
			d = fmt.Sprintf(d, i)
		}
		n := fmt.Sprintf("helpdesk-%d", i)
		a.Policies = append(a.Policies, &snapshot.ManagedPolicy{Name: n, ARN: iamARN("policy", n), Document: snapshot.RawJSON(d), IsAttachable: true})
	}
	for i := range s.users {
		ub := b.User(fmt.Sprintf("team-%d-u%d", i%40, i), now.AddDate(-1, 0, 0))
		u := ub.User
		u.AttachedPolicies = refs(rng.IntN(3))
		for range rng.IntN(3) {
			u.Groups = append(u.Groups, a.Groups[rng.IntN(len(a.Groups))].Name)
		}
		if rng.IntN(10) < 6 {
			n := fmt.Sprintf("helpdesk-%d", rng.IntN(40))
			u.AttachedPolicies = append(u.AttachedPolicies, snapshot.PolicyRef{Name: n, ARN: iamARN("policy", n)})
		}
		if i%200 == 0 {
			u.AttachedPolicies = append(u.AttachedPolicies, snapshot.PolicyRef{Name: "AdministratorAccess", ARN: adminARN})
		}
		if i%7 == 0 {
			u.InlinePolicies = []snapshot.InlinePolicy{{Name: "own-keys", Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreateAccessKey","iam:DeleteAccessKey"],"Resource":"arn:aws:iam::` + acct + `:user/${aws:username}"}]}`)}}
		}
		u.PermissionsBoundary = boundary()
		u.Tags = []snapshot.Tag{{Key: "team", Value: fmt.Sprint(i % 40)}}
		if rng.IntN(3) == 0 {
			ub.Password(now.AddDate(0, -1, 0), nil)
		}
		if rng.IntN(4) == 0 {
			ub.AccessKey(now.AddDate(0, -2, 0), nil)
		}
	}
	for i := range s.roles {
		var trust string
		switch s.trust {
		case trustAll:
			trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`
		case trustRootOf:
			trust = trustAccount
		default:
			switch k := i % 20; {
			case k < 10:
				trust = trustService(services[i%len(services)])
			case k < 14:
				trust = trustAccount
			case k < 15:
				trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalAccount":"` + acct + `"}}}]}`
			case k < 17:
				trust = trustARN(iamARN("user", fmt.Sprintf("team-%d-u%d", (i/20)%40, rng.IntN(max(s.users, 1)))))
			default:
				trust = trustARN(iamARN("role", fmt.Sprintf("team-%d-r%d", (i+1)%40, rng.IntN(max(s.roles, 1)))))
			}
		}
		r := b.Role(fmt.Sprintf("team-%d-r%d", i%40, i), trust)
		if trust == trustService("ec2.amazonaws.com") && i%3 != 0 {
			r.InstanceProfiles = []string{iamARN("instance-profile", r.Name)}
		}
		r.AttachedPolicies = refs(1 + rng.IntN(3))
		if i%50 == 0 {
			r.AttachedPolicies = append(r.AttachedPolicies, snapshot.PolicyRef{Name: "AdministratorAccess", ARN: adminARN})
		}
		r.PermissionsBoundary = boundary()
	}
	return b.Build()
}

// scalePolicy writes customer managed policy i: realistic statements with
// service wildcards, ARNs, conditions, NotAction and Deny.
func scalePolicy(rng *rand.Rand, i int, s scaleShape) string {
	team := i % 40
	switch k := i % 100; {
	case k < 40: // data access
		return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"Data","Effect":"Allow","Action":["s3:Get*","s3:PutObject","s3:ListBucket"],"Resource":["arn:aws:s3:::team-%d-%d","arn:aws:s3:::team-%d-%d/*"]},{"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:*:%s:table/t%d","Condition":{"StringEquals":{"aws:RequestedRegion":["eu-west-1","us-east-1"]}}}]}`, team, i, team, i, acct, i)
	case k < 52: // read-only tooling
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:Describe*","cloudwatch:Get*","logs:Get*","iam:Get*","iam:List*","s3:List*"],"Resource":"*"}]}`
	case k < 60: // ECS deploys, PassRole to the team's roles
		return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecs:*","ecr:*"],"Resource":"*"},{"Sid":"Pass","Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::%s:role/team-%d-*","Condition":{"StringEquals":{"iam:PassedToService":"ecs-tasks.amazonaws.com"}}}]}`, acct, team)
	case k < 65: // EC2 launches with any role
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:RunInstances","ec2:CreateTags","ec2:Describe*"],"Resource":"*"},{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}`
	case k < 70: // self-managed IAM policies, named or all
		res := fmt.Sprintf(`"arn:aws:iam::%s:policy/p%d"`, acct, rng.IntN(s.policies))
		if k == 69 {
			res = `"*"`
		}
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreatePolicyVersion","iam:DeletePolicyVersion","iam:ListPolicyVersions"],"Resource":` + res + `}]}`
	case k < 78: // role assumption: the team's roles with MFA, or any role
		if k < 76 {
			return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::%s:role/team-%d-*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`, acct, team)
		}
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`
	case k < 84: // Lambda developers
		return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:*"],"Resource":"arn:aws:lambda:*:%s:function:team-%d-*"},{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}}]}`, acct, team)
	case k < 88: // user management on the team's users
		return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreateLoginProfile","iam:UpdateLoginProfile","iam:CreateAccessKey"],"Resource":"arn:aws:iam::%s:user/team-%d-*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"%d"}}}]}`, acct, team, team)
	case k < 92: // power users: everything but IAM, with guards
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},{"Effect":"Deny","Action":"ec2:RunInstances","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}},{"Effect":"Deny","Action":["s3:DeleteBucket","kms:ScheduleKeyDeletion"],"Resource":"*"}]}`
	case k < 95: // role administration on the team's roles
		return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:AttachRolePolicy","iam:PutRolePolicy","iam:UpdateAssumeRolePolicy"],"Resource":"arn:aws:iam::%s:role/team-%d-*"}]}`, acct, team)
	case k < 97: // CloudFormation with any role
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudformation:*"],"Resource":"*"},{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"cloudformation.amazonaws.com"}}}]}`
	case k < 98: // a deny guard
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["iam:*"],"Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}`
	default: // data scientists
		return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sagemaker:*","glue:*"],"Resource":"*"},{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::%s:role/team-%d-*"}]}`, acct, team)
	}
}
