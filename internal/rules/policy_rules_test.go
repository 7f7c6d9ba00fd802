package rules_test

import (
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/importer"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/testutil/shareddata"
)

const (
	adminARN   = "arn:aws:iam::aws:policy/AdministratorAccess"
	adminJSON  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	ec2Trust   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	policyBase = "arn:aws:iam::" + acct + ":policy/"
)

func doc(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

// customer adds a customer managed policy.
func customer(b *snapshot.Builder, name, document string, attachments int) snapshot.PolicyRef {
	a := b.Account()
	a.Policies = append(a.Policies, &snapshot.ManagedPolicy{Name: name, ARN: policyBase + name, Document: snapshot.RawJSON(document), AttachmentCount: attachments, IsAttachable: true})
	return snapshot.PolicyRef{Name: name, ARN: policyBase + name}
}

// awsManaged adds an AWS managed policy document to the account.
func awsManaged(b *snapshot.Builder, name, document string) snapshot.PolicyRef {
	arn := "arn:aws:iam::aws:policy/" + name
	a := b.Account()
	a.Policies = append(a.Policies, &snapshot.ManagedPolicy{Name: name, ARN: arn, Document: snapshot.RawJSON(document), AttachmentCount: 1, IsAttachable: true})
	return snapshot.PolicyRef{Name: name, ARN: arn}
}

func withRole(name string, f func(b *snapshot.Builder, r *snapshot.Role)) func(b *snapshot.Builder) {
	return func(b *snapshot.Builder) { f(b, b.Role(name, ec2Trust)) }
}

func inline(name, document string) []snapshot.InlinePolicy {
	return []snapshot.InlinePolicy{{Name: name, Document: snapshot.RawJSON(document)}}
}

func TestPolicyAdminAttached(t *testing.T) {
	runCases(t, &rules.PolicyAdminAttached, []ruleCase{
		{name: "AdministratorAccess on a user", res: "alice", want: rules.Fail, contains: "AdministratorAccess", setup: func(b *snapshot.Builder) {
			ref := awsManaged(b, "AdministratorAccess", adminJSON)
			b.User("alice", daysAgo(10)).User.AttachedPolicies = []snapshot.PolicyRef{ref}
		}},
		{name: "AdministratorAccess named but document not collected", res: "alice", want: rules.Fail, setup: func(b *snapshot.Builder) {
			b.User("alice", daysAgo(10)).User.AttachedPolicies = []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: adminARN}}
		}},
		{name: "inline NotAction admin on a role", res: "r", want: rules.Fail, contains: "Statement[0]", setup: withRole("r", func(b *snapshot.Builder, r *snapshot.Role) {
			r.InlinePolicies = inline("all", doc(`{"Effect":"Allow","NotAction":"iam:ThisActionDoesNotExist","Resource":"*"}`))
		})},
		{name: "admin policy with a Deny in the same policy", res: "r", want: rules.Pass, setup: withRole("r", func(b *snapshot.Builder, r *snapshot.Role) {
			r.InlinePolicies = inline("almost", doc(`{"Effect":"Allow","Action":"*","Resource":"*"}`, `{"Effect":"Deny","Action":"iam:*","Resource":"*"}`))
		})},
		{name: "group with admin; member passes (the attachment is on the group)", res: "ops", want: rules.Fail, setup: func(b *snapshot.Builder) {
			ref := awsManaged(b, "AdministratorAccess", adminJSON)
			b.Account().Groups = []*snapshot.Group{{Name: "ops", ARN: "arn:aws:iam::" + acct + ":group/ops", AttachedPolicies: []snapshot.PolicyRef{ref}}}
			b.User("bob", daysAgo(10)).User.Groups = []string{"ops"}
		}},
		{name: "member of admin group", res: "bob", want: rules.Pass, setup: func(b *snapshot.Builder) {
			ref := awsManaged(b, "AdministratorAccess", adminJSON)
			b.Account().Groups = []*snapshot.Group{{Name: "ops", ARN: "arn:aws:iam::" + acct + ":group/ops", AttachedPolicies: []snapshot.PolicyRef{ref}}}
			b.User("bob", daysAgo(10)).User.Groups = []string{"ops"}
		}},
		{name: "unattached AWS managed admin policy is not flagged", want: rules.Pass, setup: func(b *snapshot.Builder) {
			awsManaged(b, "AdministratorAccess", adminJSON)
			b.User("carol", daysAgo(10))
		}},
		{name: "conditional admin is still not unconditional", res: "r", want: rules.Pass, setup: withRole("r", func(b *snapshot.Builder, r *snapshot.Role) {
			r.InlinePolicies = inline("mfa", doc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`))
		})},
		{name: "missing attached policy", res: "r", want: rules.Unknown, setup: withRole("r", func(b *snapshot.Builder, r *snapshot.Role) {
			r.AttachedPolicies = []snapshot.PolicyRef{{Name: "gone", ARN: policyBase + "gone"}}
		})},
	})
}

func TestPolicyAdminAttachedCloudsplaining(t *testing.T) {
	file := shareddata.Path(t, "authz-details/cloudsplaining-test-example-authz-details.json")
	s, err := importer.Import(importer.Options{AuthzDetails: []string{file}, Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]rules.Status{}
	for _, r := range runRule(t, &rules.PolicyAdminAttached, s, rules.Defaults()) {
		got[r.ResourceType+"/"+r.ResourceName] = r.Status
	}
	want := map[string]rules.Status{
		rules.TypeUser + "/obama":                     rules.Fail,
		rules.TypeGroup + "/admin":                    rules.Fail,
		rules.TypeUser + "/biden":                     rules.Pass,
		rules.TypeUser + "/userwithlotsofpermissions": rules.Pass, // admin through group admin only
		rules.TypeRole + "/MyRole":                    rules.Pass,
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %q, want %s", k, got[k], w)
		}
	}
}

func TestPrincipalAdminAccess(t *testing.T) {
	runCases(t, &rules.PrincipalAdminAccess, []ruleCase{
		{name: "admin through a group", res: "bob", want: rules.Fail, contains: "through group ops", setup: func(b *snapshot.Builder) {
			ref := awsManaged(b, "AdministratorAccess", adminJSON)
			b.Account().Groups = []*snapshot.Group{{Name: "ops", ARN: "arn:aws:iam::" + acct + ":group/ops", AttachedPolicies: []snapshot.PolicyRef{ref}}}
			b.User("bob", daysAgo(10)).User.Groups = []string{"ops"}
		}},
		{name: "admin by combination of policies", res: "r", want: rules.Fail, contains: "combination", setup: withRole("r", func(b *snapshot.Builder, r *snapshot.Role) {
			r.InlinePolicies = []snapshot.InlinePolicy{
				{Name: "most", Document: snapshot.RawJSON(doc(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`))},
				{Name: "iam", Document: snapshot.RawJSON(doc(`{"Effect":"Allow","Action":"iam:*","Resource":"*"}`))},
			}
		})},
		{name: "boundary caps admin", res: "r", want: rules.Pass, contains: "boundary", setup: withRole("r", func(b *snapshot.Builder, r *snapshot.Role) {
			r.AttachedPolicies = []snapshot.PolicyRef{awsManaged(b, "AdministratorAccess", adminJSON)}
			bound := customer(b, "s3-only", doc(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`), 0)
			r.PermissionsBoundary = &bound
		})},
		{name: "identity Deny removes a service", res: "r", want: rules.Pass, setup: withRole("r", func(b *snapshot.Builder, r *snapshot.Role) {
			r.InlinePolicies = inline("admin-but", doc(`{"Effect":"Allow","Action":"*","Resource":"*"}`, `{"Effect":"Deny","Action":"iam:*","Resource":"*"}`))
		})},
		{name: "conditional Deny keeps admin", res: "r", want: rules.Fail, setup: withRole("r", func(b *snapshot.Builder, r *snapshot.Role) {
			r.InlinePolicies = inline("admin-mfa", doc(`{"Effect":"Allow","Action":"*","Resource":"*"}`,
				`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}`))
		})},
		{name: "member account: guardrail SCP Deny keeps admin", res: "r", want: rules.Fail, contains: "SCPs deny", setup: func(b *snapshot.Builder) {
			b.Role("r", ec2Trust).AttachedPolicies = []snapshot.PolicyRef{awsManaged(b, "AdministratorAccess", adminJSON)}
			orgWithSCPs(b, adminJSON, doc(`{"Effect":"Deny","Action":["organizations:LeaveOrganization","cloudtrail:StopLogging"],"Resource":"*"}`))
		}},
		{name: "member account: SCP allowing only S3", res: "r", want: rules.Pass, contains: "SCPs", setup: func(b *snapshot.Builder) {
			b.Role("r", ec2Trust).AttachedPolicies = []snapshot.PolicyRef{awsManaged(b, "AdministratorAccess", adminJSON)}
			orgWithSCPs(b, doc(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`))
		}},
		{name: "member account: SCP denying IAM writes", res: "r", want: rules.Pass, setup: func(b *snapshot.Builder) {
			b.Role("r", ec2Trust).AttachedPolicies = []snapshot.PolicyRef{awsManaged(b, "AdministratorAccess", adminJSON)}
			orgWithSCPs(b, adminJSON, doc(`{"Effect":"Deny","Action":"iam:*","Resource":"*"}`))
		}},
		{name: "read-only user", res: "dave", want: rules.Pass, setup: func(b *snapshot.Builder) {
			b.User("dave", daysAgo(10)).User.InlinePolicies = inline("ro", doc(`{"Effect":"Allow","Action":["s3:Get*","ec2:Describe*"],"Resource":"*"}`))
		}},
	})
}

// orgWithSCPs makes the account a member of an organisation whose root has
// the given SCP documents attached.
func orgWithSCPs(b *snapshot.Builder, docs ...string) {
	s := b.Build()
	o := &snapshot.Organization{ID: "o-test", ManagementAccount: "999999999999",
		Accounts: []snapshot.OrgAccount{{ID: acct, ParentID: "r-root"}}, Units: []snapshot.OrgUnit{{ID: "r-root", Name: "Root"}},
		EnabledPolicyTypes: []string{"SERVICE_CONTROL_POLICY"}}
	for i, d := range docs {
		o.Policies = append(o.Policies, snapshot.OrgPolicy{ID: "p-" + string(rune('a'+i)), Name: "scp-" + string(rune('a'+i)),
			Type: "SERVICE_CONTROL_POLICY", Targets: []string{"r-root"}, Document: snapshot.RawJSON(d)})
	}
	s.Organization = o
}

func TestPolicyServiceWildcard(t *testing.T) {
	runCases(t, &rules.PolicyServiceWildcard, []ruleCase{
		{name: "customer policy iam:*", res: "iam-all", want: rules.Fail, contains: "iam:*", setup: func(b *snapshot.Builder) {
			customer(b, "iam-all", doc(`{"Sid":"IAM","Effect":"Allow","Action":["iam:*","s3:GetObject"],"Resource":"*"}`), 1)
		}},
		{name: "upper-case service KMS:*", res: "kms", want: rules.Fail, setup: func(b *snapshot.Builder) {
			customer(b, "kms", doc(`{"Effect":"Allow","Action":"KMS:*","Resource":"arn:aws:kms:eu-west-1:`+acct+`:key/1"}`), 1)
		}},
		{name: "s3:* is not in the list", res: "s3", want: rules.Pass, setup: func(b *snapshot.Builder) {
			customer(b, "s3", doc(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`), 1)
		}},
		{name: "iam:Get* is not a service wildcard", res: "iam-read", want: rules.Pass, setup: func(b *snapshot.Builder) {
			customer(b, "iam-read", doc(`{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}`), 1)
		}},
		{name: "never-true condition grants nothing", res: "odd", want: rules.Pass, setup: func(b *snapshot.Builder) {
			customer(b, "odd", doc(`{"Effect":"Allow","Action":"iam:*","Resource":"*","Condition":{"StringEqualz":{"aws:username":"x"}}}`), 1)
		}},
		{name: "Deny iam:* is fine", res: "deny", want: rules.Pass, setup: func(b *snapshot.Builder) {
			customer(b, "deny", doc(`{"Effect":"Deny","Action":"iam:*","Resource":"*"}`), 1)
		}},
		{name: "inline sts:* on a role", res: "r", want: rules.Fail, setup: withRole("r", func(b *snapshot.Builder, r *snapshot.Role) {
			r.InlinePolicies = inline("sts", doc(`{"Effect":"Allow","Action":"sts:*","Resource":"*"}`))
		})},
		{name: "AWS managed IAMFullAccess reported on the attachment", res: "r", want: rules.Fail, contains: "AWS managed policy IAMFullAccess", setup: withRole("r", func(b *snapshot.Builder, r *snapshot.Role) {
			r.AttachedPolicies = []snapshot.PolicyRef{awsManaged(b, "IAMFullAccess", doc(`{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount"],"Resource":"*"}`))}
		})},
		{name: "AWS managed policy unattached: no result for it", res: "r", want: rules.Pass, setup: withRole("r", func(b *snapshot.Builder, r *snapshot.Role) {
			awsManaged(b, "IAMFullAccess", doc(`{"Effect":"Allow","Action":"iam:*","Resource":"*"}`))
		})},
	})
}

func TestPolicyAllowNotAction(t *testing.T) {
	runCases(t, &rules.PolicyAllowNotAction, []ruleCase{
		{name: "NotAction on *", res: "p", want: rules.Fail, contains: "every action except", setup: func(b *snapshot.Builder) {
			customer(b, "p", doc(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`), 0)
		}},
		{name: "NotResource", res: "p", want: rules.Fail, contains: "every resource except", setup: func(b *snapshot.Builder) {
			customer(b, "p", doc(`{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*"}`), 0)
		}},
		{name: "NotAction on one bucket", res: "p", want: rules.Pass, setup: func(b *snapshot.Builder) {
			customer(b, "p", doc(`{"Effect":"Allow","NotAction":"s3:DeleteBucket","Resource":"arn:aws:s3:::data"}`), 0)
		}},
		{name: "Deny with NotAction", res: "p", want: rules.Pass, setup: func(b *snapshot.Builder) {
			customer(b, "p", doc(`{"Effect":"Deny","NotAction":"iam:*","Resource":"*"}`), 0)
		}},
		{name: "inline NotAction on a user", res: "u", want: rules.Fail, setup: func(b *snapshot.Builder) {
			b.User("u", daysAgo(1)).User.InlinePolicies = inline("x", doc(`{"Effect":"Allow","NotAction":["iam:*"],"Resource":["*"]}`))
		}},
	})
}

func TestPolicyPassRoleWildcard(t *testing.T) {
	runCases(t, &rules.PolicyPassRoleWildcard, []ruleCase{
		{name: "PassRole on *", res: "ci", want: rules.Fail, contains: `Sid "Pass"`, setup: func(b *snapshot.Builder) {
			customer(b, "ci", doc(`{"Sid":"Pass","Effect":"Allow","Action":"iam:PassRole","Resource":"*"}`), 1)
		}},
		{name: "iam:Pass* on *", res: "ci", want: rules.Fail, setup: func(b *snapshot.Builder) {
			customer(b, "ci", doc(`{"Effect":"Allow","Action":"iam:Pass*","Resource":"*"}`), 1)
		}},
		{name: "PassRole through NotResource", res: "ci", want: rules.Fail, setup: func(b *snapshot.Builder) {
			customer(b, "ci", doc(`{"Effect":"Allow","Action":"iam:PassRole","NotResource":"arn:aws:iam::`+acct+`:role/admin"}`), 1)
		}},
		{name: "PassRole with a condition still fails, naming it", res: "ci", want: rules.Fail, contains: "iam:PassedToService", setup: func(b *snapshot.Builder) {
			customer(b, "ci", doc(`{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ecs-tasks.amazonaws.com"}}}`), 1)
		}},
		{name: "PassRole on named roles", res: "ci", want: rules.Pass, setup: func(b *snapshot.Builder) {
			customer(b, "ci", doc(`{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::`+acct+`:role/app-*"}`), 1)
		}},
		{name: "Deny in the same policy cancels", res: "ci", want: rules.Pass, setup: func(b *snapshot.Builder) {
			customer(b, "ci", doc(`{"Effect":"Allow","Action":"iam:*","Resource":"*"}`, `{"Effect":"Deny","Action":"iam:PassRole","Resource":"*"}`), 1)
		}},
		{name: "inline on a role, blocked by its boundary", res: "r", want: rules.Pass, contains: "boundary", setup: withRole("r", func(b *snapshot.Builder, r *snapshot.Role) {
			r.InlinePolicies = inline("pass", doc(`{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}`))
			bound := customer(b, "no-iam", doc(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`), 0)
			r.PermissionsBoundary = &bound
		})},
		{name: "inline on a role", res: "r", want: rules.Fail, setup: withRole("r", func(b *snapshot.Builder, r *snapshot.Role) {
			r.InlinePolicies = inline("pass", doc(`{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}`))
		})},
		// An administrator policy implies PassRole on *; policy-admin-attached
		// reports it, so it is not counted twice.
		{name: "admin customer policy left to the admin rules", res: "everything", want: rules.Pass, contains: "policy-admin-attached", setup: func(b *snapshot.Builder) {
			customer(b, "everything", doc(`{"Effect":"Allow","Action":"*","Resource":"*"}`), 1)
		}},
		{name: "admin inline policy on a role left to the admin rules", res: "r", want: rules.Pass, contains: "administrator policy", setup: withRole("r", func(b *snapshot.Builder, r *snapshot.Role) {
			r.InlinePolicies = inline("all", doc(`{"Effect":"Allow","Action":"*","Resource":"*"}`))
		})},
		{name: "admin plus a separate PassRole grant still fails", res: "r", want: rules.Fail, contains: "inline policy pass", setup: withRole("r", func(b *snapshot.Builder, r *snapshot.Role) {
			r.InlinePolicies = append(inline("all", doc(`{"Effect":"Allow","Action":"*","Resource":"*"}`)),
				inline("pass", doc(`{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}`))...)
		})},
	})
}

func TestPolicyAssumeRoleWildcard(t *testing.T) {
	runCases(t, &rules.PolicyAssumeRoleWildcard, []ruleCase{
		{name: "AssumeRole on *", res: "hop", want: rules.Fail, setup: func(b *snapshot.Builder) {
			customer(b, "hop", doc(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`), 1)
		}},
		{name: "sts:* on *", res: "hop", want: rules.Fail, setup: func(b *snapshot.Builder) {
			customer(b, "hop", doc(`{"Effect":"Allow","Action":"sts:*","Resource":"*"}`), 1)
		}},
		{name: "AssumeRole on one role", res: "hop", want: rules.Pass, setup: func(b *snapshot.Builder) {
			customer(b, "hop", doc(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::444455556666:role/deploy"}`), 1)
		}},
	})
}

func TestPolicyCloudShellFullAccess(t *testing.T) {
	ref := snapshot.PolicyRef{Name: "AWSCloudShellFullAccess", ARN: "arn:aws:iam::aws:policy/AWSCloudShellFullAccess"}
	runCases(t, &rules.PolicyCloudShellFullAccess, []ruleCase{
		{name: "attached to a group", res: "eng", want: rules.Fail, contains: "members: ann", setup: func(b *snapshot.Builder) {
			b.Account().Groups = []*snapshot.Group{{Name: "eng", ARN: "arn:aws:iam::" + acct + ":group/eng", AttachedPolicies: []snapshot.PolicyRef{ref}}}
			b.User("ann", daysAgo(1)).User.Groups = []string{"eng"}
		}},
		{name: "attached to a user", res: "ann", want: rules.Fail, setup: func(b *snapshot.Builder) {
			b.User("ann", daysAgo(1)).User.AttachedPolicies = []snapshot.PolicyRef{ref}
		}},
		{name: "not attached", res: "ann", want: rules.Pass, setup: func(b *snapshot.Builder) {
			b.User("ann", daysAgo(1))
		}},
	})
}

func TestPolicyUnattachedAdmin(t *testing.T) {
	runCases(t, &rules.PolicyUnattachedAdmin, []ruleCase{
		{name: "unattached admin", res: "old-admin", want: rules.Fail, setup: func(b *snapshot.Builder) {
			customer(b, "old-admin", adminJSON, 0)
		}},
		{name: "attached admin", res: "old-admin", want: rules.Pass, setup: func(b *snapshot.Builder) {
			ref := customer(b, "old-admin", adminJSON, 1)
			b.User("u", daysAgo(1)).User.AttachedPolicies = []snapshot.PolicyRef{ref}
		}},
		{name: "used only as a boundary", res: "bound", want: rules.Pass, setup: func(b *snapshot.Builder) {
			customer(b, "bound", adminJSON, 0)
			b.Account().Policies[0].PermissionsBoundaryUsageCount = 3
		}},
		{name: "unattached non-admin", res: "ro", want: rules.Pass, setup: func(b *snapshot.Builder) {
			customer(b, "ro", doc(`{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}`), 0)
		}},
		{name: "AWS managed admin never reported", want: rules.Pass, setup: func(b *snapshot.Builder) {
			b.Account().Policies = append(b.Account().Policies, &snapshot.ManagedPolicy{Name: "AdministratorAccess", ARN: adminARN, Document: snapshot.RawJSON(adminJSON)})
		}},
	})
}

func TestPolicyInvalid(t *testing.T) {
	runCases(t, &rules.PolicyInvalid, []ruleCase{
		{name: "unknown action", res: "p", want: rules.Fail, contains: "s3:GetObjects", setup: func(b *snapshot.Builder) {
			customer(b, "p", doc(`{"Effect":"Allow","Action":"s3:GetObjects","Resource":"*"}`), 0)
		}},
		{name: "unknown service", res: "p", want: rules.Fail, contains: "unknown service", setup: func(b *snapshot.Builder) {
			customer(b, "p", doc(`{"Effect":"Allow","Action":"s4:GetObject","Resource":"*"}`), 0)
		}},
		{name: "malformed ARN", res: "p", want: rules.Fail, contains: "not an ARN", setup: func(b *snapshot.Builder) {
			customer(b, "p", doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3::bucket"}`), 0)
		}},
		{name: "bad operator in a trust policy", res: "r", want: rules.Fail, contains: "trust policy", setup: func(b *snapshot.Builder) {
			b.Role("r", trustDoc(`{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEqualz":{"aws:SourceAccount":"1"}}}`))
		}},
		{name: "bad effect inline", res: "u", want: rules.Fail, setup: func(b *snapshot.Builder) {
			b.User("u", daysAgo(1)).User.InlinePolicies = inline("x", doc(`{"Effect":"Alow","Action":"s3:GetObject","Resource":"*"}`))
		}},
		{name: "does not parse", res: "p", want: rules.Fail, contains: "does not parse", setup: func(b *snapshot.Builder) {
			customer(b, "p", `{"Statement":[`, 0)
		}},
		{name: "valid with a warning", res: "p", want: rules.Pass, contains: "warning", setup: func(b *snapshot.Builder) {
			customer(b, "p", doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"a*"}}}`), 0)
		}},
		{name: "valid", res: "p", want: rules.Pass, setup: func(b *snapshot.Builder) {
			customer(b, "p", doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), 0)
		}},
	})
}

// A principal that can assume an administrator role already has
// administrator access (issue: chains user → role → admin).
func TestPrincipalAdminAccessThroughRoleChain(t *testing.T) {
	deployerTrust := func(who string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + who + `"},"Action":"sts:AssumeRole"}]}`
	}
	devARN := "arn:aws:iam::" + acct + ":user/dev"
	assume := doc(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::` + acct + `:role/*"}`)
	runCases(t, &rules.PrincipalAdminAccess, []ruleCase{
		{name: "user assumes an admin role that trusts it", res: "dev", want: rules.Fail, contains: "user/dev -[sts:AssumeRole]-> role/deployer", setup: func(b *snapshot.Builder) {
			ref := awsManaged(b, "AdministratorAccess", adminJSON)
			b.Role("deployer", deployerTrust(devARN)).AttachedPolicies = []snapshot.PolicyRef{ref}
			b.User("dev", daysAgo(10)).User.InlinePolicies = inline("assume", assume)
		}},
		{name: "two hops: user → jump role → admin role", res: "dev", want: rules.Fail, contains: "role/jump -[sts:AssumeRole]-> role/deployer", setup: func(b *snapshot.Builder) {
			ref := awsManaged(b, "AdministratorAccess", adminJSON)
			b.Role("deployer", deployerTrust("arn:aws:iam::"+acct+":role/jump")).AttachedPolicies = []snapshot.PolicyRef{ref}
			b.Role("jump", deployerTrust(devARN)).InlinePolicies = inline("assume", assume)
			b.User("dev", daysAgo(10)).User.InlinePolicies = inline("assume", assume)
		}},
		{name: "the admin role does not trust the user", res: "dev", want: rules.Pass, setup: func(b *snapshot.Builder) {
			ref := awsManaged(b, "AdministratorAccess", adminJSON)
			b.Role("deployer", deployerTrust("arn:aws:iam::"+acct+":user/someone-else")).AttachedPolicies = []snapshot.PolicyRef{ref}
			b.User("dev", daysAgo(10)).User.InlinePolicies = inline("assume", assume)
		}},
		{name: "trusted via the account root but no identity permission", res: "dev", want: rules.Pass, setup: func(b *snapshot.Builder) {
			ref := awsManaged(b, "AdministratorAccess", adminJSON)
			b.Role("deployer", deployerTrust("arn:aws:iam::"+acct+":root")).AttachedPolicies = []snapshot.PolicyRef{ref}
			b.User("dev", daysAgo(10))
		}},
	})
}

// A policy the parser rejects (here: more statements than the parser's
// limit of 5,000) might hold exactly what a policy-content rule looks for:
// its owner is UNKNOWN, never PASS, for each of them; another principal
// whose policies could all be read still passes.
func TestRejectedPolicyIsUnknown(t *testing.T) {
	var stmts []string
	for range 5001 {
		stmts = append(stmts, `{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}`)
	}
	huge := doc(stmts...)
	failing := map[*rules.Rule]string{
		&rules.PolicyPassRoleWildcard:   `{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}`,
		&rules.PolicyAssumeRoleWildcard: `{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`,
		&rules.PolicyAllowNotAction:     `{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}`,
		&rules.PolicyServiceWildcard:    `{"Effect":"Allow","Action":"kms:*","Resource":"*"}`,
	}
	for r, bad := range failing {
		t.Run(r.ID, func(t *testing.T) {
			runCases(t, r, []ruleCase{
				{name: "readable policy that fails", res: "carol", want: rules.Fail, setup: func(b *snapshot.Builder) {
					b.User("carol", daysAgo(10)).User.InlinePolicies = inline("bad", doc(bad))
				}},
				{name: "inline policy over the limits", res: "alice", want: rules.Unknown, contains: "could be read", setup: func(b *snapshot.Builder) {
					b.User("alice", daysAgo(10)).User.InlinePolicies = inline("huge", huge)
				}},
				{name: "role with a rejected inline policy", res: "r", want: rules.Unknown, contains: "inline policy huge", setup: withRole("r", func(b *snapshot.Builder, r *snapshot.Role) {
					r.InlinePolicies = inline("huge", huge)
				})},
				{name: "readable policies only", res: "bob", want: rules.Pass, setup: func(b *snapshot.Builder) {
					b.User("bob", daysAgo(10)).User.InlinePolicies = inline("small", doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`))
				}},
			})
		})
	}
}
