package rules_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/importer"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/scan"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/testutil/shareddata"
)

func peInline(name, doc string) []snapshot.InlinePolicy {
	return []snapshot.InlinePolicy{{Name: name, Document: snapshot.RawJSON(doc)}}
}

const (
	peAdmin       = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	peTrustEC2    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	peTrustRoot   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
	peAdminPolicy = "arn:aws:iam::aws:policy/AdministratorAccess"
)

func withAdminPolicy(b *snapshot.Builder) {
	b.Account().Policies = append(b.Account().Policies, &snapshot.ManagedPolicy{Name: "AdministratorAccess",
		ARN: peAdminPolicy, Document: snapshot.RawJSON(peAdmin), IsAttachable: true})
}

func TestPrivilegeEscalation(t *testing.T) {
	runCases(t, &rules.PrivilegeEscalation, []ruleCase{
		{name: "inline policy on itself", res: "dev", want: rules.Fail,
			contains: `[iam-007 Inline policy on its own user] target user dev (to administrator): iam:PutUserPolicy on user/dev (inline policy "self" Statement[0] (Sid "Self"))`,
			setup: func(b *snapshot.Builder) {
				b.User("dev", daysAgo(10)).User.InlinePolicies = peInline("self",
					`{"Version":"2012-10-17","Statement":[{"Sid":"Self","Effect":"Allow","Action":"iam:PutUserPolicy","Resource":"arn:aws:iam::123456789012:user/${aws:username}"}]}`)
			}},
		{name: "pass an admin role to EC2, from two policies", res: "ci", want: rules.Fail,
			contains: "[ec2-001 Pass a role to a new EC2 instance] target role ec2-admin (to administrator, trusts ec2.amazonaws.com)",
			setup: func(b *snapshot.Builder) {
				withAdminPolicy(b)
				u := b.User("ci", daysAgo(10)).User
				u.InlinePolicies = []snapshot.InlinePolicy{
					{Name: "pass", Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/ec2-*"}]}`)},
					{Name: "run", Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*"}]}`)},
				}
				r := b.Role("ec2-admin", peTrustEC2)
				r.AttachedPolicies = []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: peAdminPolicy}}
				r.InstanceProfiles = []string{"arn:aws:iam::123456789012:instance-profile/ec2-admin"}
			}},
		{name: "the same, cancelled by a Deny", res: "ci", want: rules.Pass,
			setup: func(b *snapshot.Builder) {
				withAdminPolicy(b)
				u := b.User("ci", daysAgo(10)).User
				u.InlinePolicies = peInline("pass",
					`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:PassRole","ec2:RunInstances"],"Resource":"*"},{"Effect":"Deny","Action":"iam:PassRole","Resource":"*"}]}`)
				r := b.Role("ec2-admin", peTrustEC2)
				r.AttachedPolicies = []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: peAdminPolicy}}
				r.InstanceProfiles = []string{"arn:aws:iam::123456789012:instance-profile/ec2-admin"}
			}},
		{name: "CreatePolicyVersion on AWS managed policies only", res: "dev", want: rules.Pass,
			setup: func(b *snapshot.Builder) {
				b.User("dev", daysAgo(10)).User.InlinePolicies = peInline("pv",
					`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreatePolicyVersion","Resource":"arn:aws:iam::aws:policy/*"}]}`)
			}},
		{name: "chain through an assumable role", res: "alice", want: rules.Fail,
			contains: "Shortest path to administrator: user/alice -[sts:AssumeRole]-> role/deployer -[iam-009]-> administrator",
			setup: func(b *snapshot.Builder) {
				b.User("alice", daysAgo(10)).User.InlinePolicies = peInline("assume",
					`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)
				b.Role("deployer", peTrustRoot).InlinePolicies = peInline("attach",
					`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:AttachRolePolicy","Resource":"arn:aws:iam::123456789012:role/deployer"}]}`)
			}},
		{name: "administrator already", res: "boss", want: rules.Pass, contains: "already administrator",
			setup: func(b *snapshot.Builder) {
				withAdminPolicy(b)
				b.User("boss", daysAgo(10)).User.AttachedPolicies = []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: peAdminPolicy}}
			}},
		{name: "read-only user", res: "reader", want: rules.Pass, contains: "none of the",
			setup: func(b *snapshot.Builder) {
				b.User("reader", daysAgo(10)).User.InlinePolicies = peInline("ro",
					`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","iam:Get*","iam:List*"],"Resource":"*"}]}`)
			}},
		{name: "service-linked roles are skipped", res: "", want: rules.Pass,
			setup: func(b *snapshot.Builder) {
				r := b.Role("AWSServiceRoleForX", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"x.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
				r.Path = "/aws-service-role/x.amazonaws.com/"
				r.InlinePolicies = peInline("x", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PutRolePolicy","Resource":"*"}]}`)
			}},
	})
}

// realEscalations imports one of the shared authorization-details files and
// returns "principal name" -> FAIL message for privilege-escalation, and
// the names that pass.
func realEscalations(t *testing.T, file string) (map[string]string, []string) {
	t.Helper()
	path := shareddata.Path(t, "authz-details/"+file)
	s, err := importer.Import(importer.Options{AuthzDetails: []string{path}, Now: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	out, err := scan.Run(context.Background(), s, scan.Options{Rules: []*rules.Rule{&rules.PrivilegeEscalation}})
	if err != nil {
		t.Fatal(err)
	}
	fails := map[string]string{}
	var passes []string
	for _, r := range out.Results.Slice() {
		switch r.Status {
		case rules.Fail:
			fails[r.ResourceName] = r.Message
		case rules.Pass:
			passes = append(passes, r.ResourceName)
		default:
			t.Errorf("%s: %s: %s", r.ResourceName, r.Status, r.Message)
		}
	}
	// Stable: a second run gives the same results in the same order.
	again, _ := scan.Run(context.Background(), s, scan.Options{Rules: []*rules.Rule{&rules.PrivilegeEscalation}})
	if !reflect.DeepEqual(out.Results, again.Results) {
		t.Error("results differ between two runs")
	}
	return fails, passes
}

// Cloudsplaining's example account, checked by hand:
//   - obama (AdministratorAccess) and userwithlotsofpermissions (group admin,
//     AdministratorAccess) are administrators: PASS, escalation is moot.
//   - biden holds AWSLambdaFullAccess, whose iam:PassRole is limited to
//     lambda.amazonaws.com, but no role trusts Lambda: nothing to pass. PASS.
//   - MyRole and MyOtherRole allow iam:PassRole on * with instance-profile
//     actions, but not ec2:RunInstances (and ec2:AssociateIamInstanceProfile
//     is in none of the five catalogues): PASS.
//   - OverprivilegedEC2's inline policy SupYo allows iam:CreateAccessKey on
//     *: it can mint keys for obama and userwithlotsofpermissions
//     (administrators) and biden (more privileged: Lambda and RDS full
//     access). The snapshot has no credential report, so key counts are
//     unknown and the method is kept (iam-002). Cloudsplaining flags the
//     same policy for CreateAccessKey.
func TestPrivilegeEscalationCloudsplainingExample(t *testing.T) {
	fails, passes := realEscalations(t, "cloudsplaining-test-example-authz-details.json")
	if len(fails) != 1 || !strings.HasPrefix(fails["OverprivilegedEC2"],
		"Role OverprivilegedEC2 can escalate its privileges to administrator with 1 method: iam-002.") {
		t.Fatalf("fails = %v", fails)
	}
	msg := fails["OverprivilegedEC2"]
	for _, want := range []string{
		// administrator targets first; for the others, what is gained
		"target user obama (to administrator), user userwithlotsofpermissions (to administrator) and user biden (gains iam:PassRole, lambda:CreateFunction,",
		`iam:CreateAccessKey on user/obama (inline policy "SupYo" Statement[0] (Sid "VisualEditor0"))`,
		"Shortest path to administrator: role/OverprivilegedEC2 -[iam-002]-> user/obama; or role/OverprivilegedEC2 -[iam-002]-> user/userwithlotsofpermissions",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	for _, n := range []string{"obama", "userwithlotsofpermissions", "biden", "MyRole", "MyOtherRole"} {
		if !peContains(passes, n) {
			t.Errorf("%s does not pass (passes: %v)", n, passes)
		}
	}
}

// CloudMapper's demo account, checked by hand: bad_role trusts {"AWS": "*"}
// and holds an inline "*" on "*" policy, so every other user and role of
// the account can assume it without any identity permission (a trust
// policy that names the caller, here through "*", suffices within the
// account) — sts-001 for all of them, and nothing else. One cause, one
// finding: it is reported once, on bad_role, naming the five principals
// it raises; each of them passes with a note pointing at it.
func TestPrivilegeEscalationCloudmapperDemo(t *testing.T) {
	fails, passes := realEscalations(t, "cloudmapper-demo-authz-details.json")
	want := []string{"USER", "USER_WITH_BAD_INLINE_POLICY", "exfiller", "level1", "level3"}
	msg := fails["bad_role"]
	if len(fails) != 1 || !strings.HasPrefix(msg, "Role bad_role trusts any principal, so every principal of the account can assume it and gain administrator: 5 principals are raised: ") {
		t.Errorf("fails = %v", fails)
	}
	for _, n := range want {
		if !strings.Contains(msg, "/"+n) {
			t.Errorf("bad_role's finding does not name %s: %s", n, msg)
		}
		if !peContains(passes, n) {
			t.Errorf("%s does not pass: %v", n, passes)
		}
	}
}

func peContains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// An escalation through a role anyone can assume is reported once, on that
// role, naming its trust policy as the fix; one through a role trusting
// only the user stays on the user.
func TestPrivilegeEscalationThroughOpenRolePointsAtTheTrustPolicy(t *testing.T) {
	open := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`
	onlyDev := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/dev"},"Action":"sts:AssumeRole"}]}`
	runCases(t, &rules.PrivilegeEscalation, []ruleCase{
		{name: "role open to anyone: reported once, on the role", res: "shared", want: rules.Fail,
			contains: "Role shared trusts any principal, so every principal of the account can assume it and gain administrator: 1 principal is raised: user/dev.",
			setup: func(b *snapshot.Builder) {
				withAdminPolicy(b)
				b.Role("shared", open).AttachedPolicies = []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: peAdminPolicy}}
				b.User("dev", daysAgo(10))
			}},
		{name: "role open to anyone: the principal points at it", res: "dev", want: rules.Pass, contains: "It can also assume role shared, which trusts any principal: that path is open to every principal of the account and is reported once, on the role",
			setup: func(b *snapshot.Builder) {
				withAdminPolicy(b)
				b.Role("shared", open).AttachedPolicies = []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: peAdminPolicy}}
				b.User("dev", daysAgo(10))
			}},
		{name: "role trusting the user only", res: "dev", want: rules.Fail, contains: "role/dev-admin",
			setup: func(b *snapshot.Builder) {
				withAdminPolicy(b)
				b.Role("dev-admin", onlyDev).AttachedPolicies = []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: peAdminPolicy}}
				b.User("dev", daysAgo(10))
			}},
		{name: "no role to assume", res: "dev", want: rules.Pass, setup: func(b *snapshot.Builder) {
			b.User("dev", daysAgo(10))
		}},
	})
	b := snapshot.NewBuilder("123456789012", refNow)
	withAdminPolicy(b)
	b.Role("dev-admin", onlyDev).AttachedPolicies = []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: peAdminPolicy}}
	b.User("dev", daysAgo(10))
	out, err := scan.Run(context.Background(), b.Build(), scan.Options{Rules: []*rules.Rule{&rules.PrivilegeEscalation}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range out.Results.Slice() {
		if strings.Contains(r.Message, "trusts any principal") {
			t.Errorf("%s: %s", r.ResourceName, r.Message)
		}
	}
}
