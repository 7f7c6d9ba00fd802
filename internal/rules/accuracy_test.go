package rules_test

import (
	"context"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/scan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// The test accounts of issue 9 items 9-12: each is built with the snapshot
// builder from policy JSON in AWS's format, scanned with the escalation
// rules, and must give exactly the verdicts below for every principal.

type verdict struct {
	status   rules.Status
	severity rules.Severity // for FAIL; "" = the rule's own
	contains []string
	lacks    []string
}

func scanVerdicts(t *testing.T, b *snapshot.Builder, r *rules.Rule, want map[string]verdict) {
	t.Helper()
	out, err := scan.Run(context.Background(), b.Build(), scan.Options{Rules: []*rules.Rule{r}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Errors) > 0 {
		t.Fatalf("rule error: %+v", out.Errors)
	}
	seen := map[string]bool{}
	for _, res := range out.Results.Slice() {
		w, ok := want[res.ResourceName]
		if !ok {
			t.Errorf("%s: unexpected result %s %s", res.ResourceName, res.Status, res.Message)
			continue
		}
		seen[res.ResourceName] = true
		if res.Status != w.status {
			t.Errorf("%s %s: %s, want %s: %s", r.ID, res.ResourceName, res.Status, w.status, res.Message)
		}
		if w.severity != "" && res.Severity != w.severity {
			t.Errorf("%s %s: severity %s, want %s", r.ID, res.ResourceName, res.Severity, w.severity)
		}
		for _, c := range w.contains {
			if !strings.Contains(res.Message, c) {
				t.Errorf("%s %s: message lacks %q:\n%s", r.ID, res.ResourceName, c, res.Message)
			}
		}
		for _, c := range w.lacks {
			if strings.Contains(res.Message, c) {
				t.Errorf("%s %s: message has %q:\n%s", r.ID, res.ResourceName, c, res.Message)
			}
		}
	}
	for n := range want {
		if !seen[n] {
			t.Errorf("%s: no result for %s", r.ID, n)
		}
	}
}

func stmts(name string, statements ...string) []snapshot.InlinePolicy {
	return peInline(name, `{"Version":"2012-10-17","Statement":[`+strings.Join(statements, ",")+`]}`)
}

// Item 9: a statement guarded by "DateLessThan aws:TokenIssueTime" with a
// date years before the scan can never apply (temporary credentials are at
// most 36 hours old, 12 for a role session): it grants nothing. The same
// statement with DateGreaterThan applies to every role session.
func TestAccountNeverTrueDateCondition(t *testing.T) {
	b := snapshot.NewBuilder(acct, refNow) // scanned as of 2026-06-01
	past := `"Condition":{"DateLessThan":{"aws:TokenIssueTime":"2020-01-01T00:00:00Z"}}`
	b.User("dated-user", daysAgo(10)).User.InlinePolicies = stmts("self",
		`{"Effect":"Allow","Action":"iam:PutUserPolicy","Resource":"arn:aws:iam::123456789012:user/dated-user",`+past+`}`)
	b.Role("dated-role", peTrustEC2).InlinePolicies = stmts("self",
		`{"Effect":"Allow","Action":"iam:AttachRolePolicy","Resource":"arn:aws:iam::123456789012:role/dated-role",`+past+`}`)
	b.Role("since-2020", peTrustEC2).InlinePolicies = stmts("self",
		`{"Effect":"Allow","Action":"iam:AttachRolePolicy","Resource":"arn:aws:iam::123456789012:role/since-2020","Condition":{"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:00Z"}}}`)
	scanVerdicts(t, b, &rules.PrivilegeEscalation, map[string]verdict{
		"dated-user": {status: rules.Pass},
		"dated-role": {status: rules.Pass},
		"since-2020": {status: rules.Fail, contains: []string{"[iam-009 Attach a managed policy to its own role]"}, lacks: []string{"only if"}},
	})
}

// Item 10: an Identity Center administrator role (/aws-reserved/) cannot be
// changed by anyone but AWS, so a user allowed to rewrite its trust and
// attach or put policies on it escalates to nothing, and empowers nobody.
func TestAccountReservedAdministratorRole(t *testing.T) {
	setup := func() *snapshot.Builder {
		b := snapshot.NewBuilder(acct, refNow)
		withAdminPolicy(b)
		r := b.Role("AWSReservedSSO_AdministratorAccess_1a2b3c4d5e6f7a8b",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:saml-provider/AWSSSO_1a2b3c4d5e6f7a8b_DO_NOT_DELETE"},"Action":["sts:AssumeRoleWithSAML","sts:TagSession"],"Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}]}`)
		r.Path = "/aws-reserved/sso.amazonaws.com/"
		r.ARN = "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/" + r.Name
		r.AttachedPolicies = []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: peAdminPolicy}}
		b.User("sso-editor", daysAgo(10)).User.InlinePolicies = stmts("edit-sso",
			`{"Effect":"Allow","Action":["iam:UpdateAssumeRolePolicy","iam:AttachRolePolicy","iam:PutRolePolicy"],"Resource":"arn:aws:iam::123456789012:role/aws-reserved/*"}`)
		return b
	}
	scanVerdicts(t, setup(), &rules.PrivilegeEscalation, map[string]verdict{
		"sso-editor": {status: rules.Pass},
		"AWSReservedSSO_AdministratorAccess_1a2b3c4d5e6f7a8b": {status: rules.Pass, contains: []string{"already administrator"}},
	})
	scanVerdicts(t, setup(), &rules.PrincipalCanGrantPermissions, map[string]verdict{
		"sso-editor": {status: rules.Pass},
		"AWSReservedSSO_AdministratorAccess_1a2b3c4d5e6f7a8b": {status: rules.Pass, contains: []string{"is administrator"}},
	})
}

// Item 11: a user allowed to add itself to a group whose policy grants
// iam:* escalates to administrator through the group.
func TestAccountGroupHop(t *testing.T) {
	b := snapshot.NewBuilder(acct, refNow)
	b.User("alice", daysAgo(10)).User.InlinePolicies = stmts("join",
		`{"Effect":"Allow","Action":"iam:AddUserToGroup","Resource":"arn:aws:iam::123456789012:group/iam-managers"}`)
	b.Account().Groups = append(b.Account().Groups, &snapshot.Group{Name: "iam-managers", ARN: "arn:aws:iam::123456789012:group/iam-managers", Path: "/",
		CreatedAt: daysAgo(100), InlinePolicies: stmts("iam-all", `{"Effect":"Allow","Action":"iam:*","Resource":"*"}`)})
	scanVerdicts(t, b, &rules.PrivilegeEscalation, map[string]verdict{
		"alice": {status: rules.Fail, contains: []string{
			"IAM user alice can escalate its privileges to administrator",
			"target group iam-managers (to administrator, a member can then use iam-007 inline policy on its own user)",
			"Shortest path to administrator: user/alice -[iam-013]-> group/iam-managers -[iam-007]-> administrator",
		}},
	})
}

// Item 12: principals that can change other principals' permissions on
// targets they cannot use: not privilege escalation, but
// principal-can-grant-permissions, high when the change can make an
// administrator, medium when it cannot.
func TestAccountPrincipalsThatEmpowerOthers(t *testing.T) {
	trustLambda := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	setup := func() *snapshot.Builder {
		b := snapshot.NewBuilder(acct, refNow)
		withAdminPolicy(b)
		b.Role("provisioner", trustLambda).InlinePolicies = stmts("provision",
			`{"Sid":"ManageApps","Effect":"Allow","Action":["iam:AttachRolePolicy","iam:PutRolePolicy"],"Resource":"arn:aws:iam::123456789012:role/app-*"}`)
		b.Role("scoped-provisioner", trustLambda).InlinePolicies = stmts("provision",
			`{"Sid":"ReadOnlyOnly","Effect":"Allow","Action":"iam:AttachRolePolicy","Resource":"arn:aws:iam::123456789012:role/app-*","Condition":{"ArnEquals":{"iam:PolicyARN":"arn:aws:iam::aws:policy/ReadOnlyAccess"}}}`)
		b.Role("group-manager", trustLambda).InlinePolicies = stmts("groups",
			`{"Effect":"Allow","Action":"iam:AddUserToGroup","Resource":"arn:aws:iam::123456789012:group/Admins"}`)
		b.Role("app-api", trustLambda).InlinePolicies = stmts("app", `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::app-data/*"}`)
		b.Account().Groups = append(b.Account().Groups, &snapshot.Group{Name: "Admins", ARN: "arn:aws:iam::123456789012:group/Admins", Path: "/",
			CreatedAt: daysAgo(100), AttachedPolicies: []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: peAdminPolicy}}})
		b.User("carol", daysAgo(10)).User.Groups = []string{"Admins"}
		b.User("dev", daysAgo(10)).User.InlinePolicies = stmts("self",
			`{"Effect":"Allow","Action":"iam:PutUserPolicy","Resource":"arn:aws:iam::123456789012:user/dev"}`)
		return b
	}
	scanVerdicts(t, setup(), &rules.PrincipalCanGrantPermissions, map[string]verdict{
		"provisioner": {status: rules.Fail, severity: rules.High, contains: []string{
			"Role provisioner can change the permissions of principals it cannot use itself, and could make them administrators:",
			`iam:AttachRolePolicy on role app-api (to administrator) (inline policy "provision" Statement[0] (Sid "ManageApps"))`,
			"iam:PutRolePolicy on role app-api (to administrator)",
			"Principals it could empower: role/app-api.",
		}},
		"scoped-provisioner": {status: rules.Fail, severity: rules.Medium, contains: []string{"iam:AttachRolePolicy on role app-api ("}, lacks: []string{"administrator"}},
		"group-manager":      {status: rules.Fail, severity: rules.High, contains: []string{"iam:AddUserToGroup on group Admins (to administrator)", "Principals it could empower: user/dev."}},
		"app-api":            {status: rules.Pass},
		"carol":              {status: rules.Pass, contains: []string{"is administrator"}},
		// dev can only change itself: privilege-escalation's business.
		"dev": {status: rules.Pass},
	})
	scanVerdicts(t, setup(), &rules.PrivilegeEscalation, map[string]verdict{
		"provisioner":        {status: rules.Pass},
		"scoped-provisioner": {status: rules.Pass},
		"group-manager":      {status: rules.Pass},
		"app-api":            {status: rules.Pass},
		"carol":              {status: rules.Pass},
		"dev":                {status: rules.Fail, contains: []string{"iam-007"}},
	})
}
