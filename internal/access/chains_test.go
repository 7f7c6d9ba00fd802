package access

import (
	"slices"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// account builds a small account for chain tests.
type account struct{ b *snapshot.Builder }

func newAccount() *account {
	ac := &account{b: snapshot.NewBuilder(acct, now)}
	ac.b.Account().Policies = append(ac.b.Account().Policies,
		&snapshot.ManagedPolicy{Name: "AdministratorAccess", ARN: adminARN, Document: snapshot.RawJSON(adminDoc), IsAttachable: true})
	return ac
}

func (ac *account) user(name string, sts ...stmt) *snapshot.User {
	u := ac.b.User(name, now.AddDate(-1, 0, 0)).User
	if len(sts) > 0 {
		u.InlinePolicies = []snapshot.InlinePolicy{{Name: name + "-inline", Document: doc(sts...)}}
	}
	return u
}

func (ac *account) role(name, trust string, sts ...stmt) *snapshot.Role {
	r := ac.b.Role(name, trust)
	if len(sts) > 0 {
		r.InlinePolicies = []snapshot.InlinePolicy{{Name: name + "-inline", Document: doc(sts...)}}
	}
	return r
}

func (ac *account) analyze() *Analysis {
	s := ac.b.Build()
	return Analyze(Build(s, s.Accounts[0], nil), now)
}

func methodIDs(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		if !slices.Contains(out, f.Method.ID) {
			out = append(out, f.Method.ID)
		}
	}
	return out
}

func trustARN(arn string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + arn + `"},"Action":"sts:AssumeRole"}]}`
}

func TestNotActionGrants(t *testing.T) {
	ac := newAccount()
	// Everything but S3: not administrator, but PassRole and RunInstances
	// are granted through NotAction.
	ac.user("dev", stmt{"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"})
	r := ac.role("ec2-admin", trustService("ec2.amazonaws.com"))
	r.AttachedPolicies = []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: adminARN}}
	an := ac.analyze()
	got := methodIDs(an.Escalations(an.Model.Principal(iamARN("user", "dev"))))
	if !slices.Contains(got, "ec2-001") || !slices.Contains(got, "iam-007") {
		t.Errorf("NotAction grant: methods %v lack ec2-001 / iam-007", got)
	}
}

func TestSubsumedWildcards(t *testing.T) {
	for _, s := range Subsumed {
		ac := newAccount()
		ac.user("dev", stmt{"Effect": "Allow", "Action": s.Actions, "Resource": "*"})
		an := ac.analyze()
		got := methodIDs(an.Escalations(an.Model.Principal(iamARN("user", "dev"))))
		if !slices.Contains(got, "iam-007") {
			t.Errorf("%v (%s): methods %v lack iam-007", s.Ref, s.Why, got)
		}
	}
}

func TestAdminAndServiceLinkedSkipped(t *testing.T) {
	ac := newAccount()
	ac.user("boss").AttachedPolicies = []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: adminARN}}
	slr := ac.role("AWSServiceRoleForX", trustService("x.amazonaws.com"), stmt{"Effect": "Allow", "Action": "iam:PutRolePolicy", "Resource": "*"})
	slr.Path = "/aws-service-role/x.amazonaws.com/"
	an := ac.analyze()
	for _, arn := range []string{iamARN("user", "boss"), slr.ARN} {
		if got := an.Escalations(an.Model.Principal(arn)); len(got) > 0 {
			t.Errorf("%s: findings %v, want none", arn, methodIDs(got))
		}
	}
}

func TestConditionalStep(t *testing.T) {
	ac := newAccount()
	ac.user("dev", stmt{"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": iamARN("user", "dev"),
		"Condition": map[string]any{"Bool": map[string]any{"aws:MultiFactorAuthPresent": "true"}}})
	an := ac.analyze()
	fs := an.Escalations(an.Model.Principal(iamARN("user", "dev")))
	if len(fs) != 1 || !fs[0].Conditional() || !strings.Contains(fs[0].Grants[0].Conditions, "aws:MultiFactorAuthPresent") {
		t.Fatalf("want one conditional iam-007 naming the MFA condition, got %+v", fs)
	}
	// A condition on the principal's own ARN is decided by the context.
	ac = newAccount()
	ac.user("dev", stmt{"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": "*",
		"Condition": map[string]any{"StringEquals": map[string]any{"aws:PrincipalArn": iamARN("user", "someone-else")}}})
	an = ac.analyze()
	if fs := an.Escalations(an.Model.Principal(iamARN("user", "dev"))); len(fs) > 0 {
		t.Errorf("a condition on another principal's ARN can never hold, got %v", methodIDs(fs))
	}
}

func TestAssumable(t *testing.T) {
	ac := newAccount()
	allowAssume := stmt{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}
	ac.user("with-allow", allowAssume)
	ac.user("no-allow")
	ac.role("by-root", trustAccount)                        // needs the identity allow
	ac.role("by-arn", trustARN(iamARN("user", "no-allow"))) // trust alone suffices
	ac.role("by-anyone", trustARN("*"))                     // trust alone suffices
	ac.role("by-service", trustService("ec2.amazonaws.com"))
	an := ac.analyze()
	names := func(user string) []string {
		var out []string
		for _, as := range an.Assumable(an.Model.Principal(iamARN("user", user))) {
			out = append(out, as.Role.Name)
		}
		return out
	}
	if got, want := names("with-allow"), []string{"by-anyone", "by-root"}; !slices.Equal(got, want) {
		t.Errorf("with-allow assumes %v, want %v", got, want)
	}
	if got, want := names("no-allow"), []string{"by-anyone", "by-arn"}; !slices.Equal(got, want) {
		t.Errorf("no-allow assumes %v, want %v", got, want)
	}
}

// A user who can assume a role that can attach policies to itself reaches
// administrator in two hops; the privilege-escalation result and
// principal-admin-access both read this chain.
func TestAdminChains(t *testing.T) {
	ac := newAccount()
	ac.user("alice", stmt{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": iamARN("role", "deployer")})
	ac.role("deployer", trustAccount, stmt{"Effect": "Allow", "Action": "iam:AttachRolePolicy", "Resource": iamARN("role", "deployer")})
	ac.user("bob", stmt{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": iamARN("role", "admin")})
	ac.role("admin", trustAccount).AttachedPolicies = []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: adminARN}}
	ac.user("carol", stmt{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
	an := ac.analyze()
	chains := an.AdminChains()
	want := map[string]string{
		iamARN("user", "alice"):    "user/alice -[sts:AssumeRole]-> role/deployer -[iam-009]-> administrator",
		iamARN("user", "bob"):      "user/bob -[sts:AssumeRole]-> role/admin",
		iamARN("role", "deployer"): "role/deployer -[iam-009]-> administrator",
	}
	for arn, w := range want {
		if len(chains[arn]) == 0 || chains[arn][0].String() != w {
			t.Errorf("%s: chains %v, want %q", arn, chains[arn], w)
		}
	}
	if len(chains) != len(want) {
		t.Errorf("chains for %d principals, want %d: %v", len(chains), len(want), chains)
	}
	if c := chains[iamARN("user", "bob")][0]; c.End != iamARN("role", "admin") {
		t.Errorf("bob's chain ends at %s", c.End)
	}
	// The package-level helper gives the same answer.
	if got := AdminChains(an.Model, now); len(got) != len(chains) {
		t.Errorf("AdminChains: %d, want %d", len(got), len(chains))
	}
}

// Conditions on keys the snapshot cannot know still grant nothing when they
// contradict each other or can never match.
func TestUnsatisfiableConditions(t *testing.T) {
	cases := []struct {
		name string
		cond map[string]any
		want bool
	}{
		{"two regions at once", map[string]any{"StringEquals": map[string]any{"aws:RequestedRegion": "eu-west-1"}, "StringNotEquals": map[string]any{"aws:RequestedRegion": "eu-west-1"}}, false},
		{"Bool that is neither true nor false", map[string]any{"Bool": map[string]any{"aws:MultiFactorAuthPresent": "yes"}}, false},
		{"empty value list", map[string]any{"StringEquals": map[string]any{"aws:RequestedRegion": []string{}}}, false},
		{"one region", map[string]any{"StringEquals": map[string]any{"aws:RequestedRegion": "eu-west-1"}}, true},
		{"region allowed, another excluded", map[string]any{"StringEquals": map[string]any{"aws:RequestedRegion": []string{"eu-west-1", "us-east-1"}}, "StringNotEquals": map[string]any{"aws:RequestedRegion": "eu-west-1"}}, true},
		{"wildcards are not judged", map[string]any{"StringLike": map[string]any{"aws:RequestedRegion": "eu-*"}, "StringNotLike": map[string]any{"aws:RequestedRegion": "eu-*"}}, true},
		{"MFA", map[string]any{"Bool": map[string]any{"aws:MultiFactorAuthPresent": "true"}}, true},
		// Ranges (now is 2026-06-01T12:00Z; each bound alone is inside the
		// 36 hours a token may be old, so only the pair decides).
		{"token issued after 06:00 and before 04:00", map[string]any{"DateGreaterThan": map[string]any{"aws:TokenIssueTime": "2026-06-01T06:00:00Z"}, "DateLessThan": map[string]any{"aws:TokenIssueTime": "2026-06-01T04:00:00Z"}}, false},
		{"token issued between 04:00 and 06:00", map[string]any{"DateGreaterThan": map[string]any{"aws:TokenIssueTime": "2026-06-01T04:00:00Z"}, "DateLessThan": map[string]any{"aws:TokenIssueTime": "2026-06-01T06:00:00Z"}}, true},
		{"MFA younger than an hour and older than two", map[string]any{"NumericLessThan": map[string]any{"aws:MultiFactorAuthAge": "3600"}, "NumericGreaterThan": map[string]any{"aws:MultiFactorAuthAge": "7200"}}, false},
		{"MFA age strictly between 3599 and 3600", map[string]any{"NumericLessThan": map[string]any{"aws:MultiFactorAuthAge": "3600"}, "NumericGreaterThan": map[string]any{"aws:MultiFactorAuthAge": "3599"}}, true},
		{"MFA age exactly 3600 but not 3600", map[string]any{"NumericEquals": map[string]any{"aws:MultiFactorAuthAge": "3600"}, "NumericNotEquals": map[string]any{"aws:MultiFactorAuthAge": "3600"}}, false},
	}
	for _, c := range cases {
		ac := newAccount()
		ac.user("dev", stmt{"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": "*", "Condition": c.cond})
		an := ac.analyze()
		got := len(an.Escalations(an.Model.Principal(iamARN("user", "dev")))) > 0
		if got != c.want {
			t.Errorf("%s: fires = %v, want %v", c.name, got, c.want)
		}
	}
}

// An EC2 role without an instance profile can be neither the role of an
// existing instance nor given to a new one, unless the principal can create
// the profile.
func TestInstanceProfileNeeded(t *testing.T) {
	for _, c := range []struct {
		name     string
		profile  bool
		extra    []string
		wantPass bool // ec2-001
		wantSSM  bool // ssm-002
	}{
		{"with a profile", true, nil, true, true},
		{"without", false, nil, false, false},
		{"without, but can create one", false, []string{"iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile"}, true, false},
	} {
		ac := newAccount()
		ac.user("dev", stmt{"Effect": "Allow", "Action": append([]string{"iam:PassRole", "ec2:RunInstances", "ssm:SendCommand"}, c.extra...), "Resource": "*"})
		r := ac.role("ec2-admin", trustService("ec2.amazonaws.com"))
		r.AttachedPolicies = []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: adminARN}}
		if c.profile {
			r.InstanceProfiles = []string{iamARN("instance-profile", "ec2-admin")}
		}
		an := ac.analyze()
		got := methodIDs(an.Escalations(an.Model.Principal(iamARN("user", "dev"))))
		if slices.Contains(got, "ec2-001") != c.wantPass || slices.Contains(got, "ssm-002") != c.wantSSM {
			t.Errorf("%s: methods %v", c.name, got)
		}
	}
}

// iam-delete-role-boundary walks only the roles with a boundary, in the
// order every assumable-role method walks (administrators first, then by
// ARN), so that the cap keeps the same targets as a walk over every role
// the principal may assume.
func TestBoundaryRolesInAssumableOrder(t *testing.T) {
	ac := newAccount()
	ac.b.Account().Policies = append(ac.b.Account().Policies,
		&snapshot.ManagedPolicy{Name: "fence", ARN: iamARN("policy", "fence"), Document: snapshot.RawJSON(harmlessDoc), IsAttachable: true},
		&snapshot.ManagedPolicy{Name: "open-fence", ARN: iamARN("policy", "open-fence"), Document: snapshot.RawJSON(adminDoc), IsAttachable: true})
	ac.user("ops", stmt{"Effect": "Allow", "Action": []string{"sts:AssumeRole", "iam:DeleteRolePermissionsBoundary"}, "Resource": "*"})
	admin := []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: adminARN}}
	for _, r := range []struct{ name, fence string }{
		{"a-open", ""}, {"b-fenced", "fence"}, {"c-fenced", "fence"}, {"d-fenced", "fence"}, {"e-plain", ""}, {"z-admin-fenced", "open-fence"},
	} {
		role := ac.role(r.name, trustAccount)
		role.AttachedPolicies = admin
		if r.fence != "" {
			role.PermissionsBoundary = &snapshot.PolicyRef{Name: r.fence, ARN: iamARN("policy", r.fence)}
		}
	}
	an := ac.analyze()
	an.MaxTargets = 2
	var got []string
	more := false
	for _, f := range an.Escalations(an.Model.Principal(iamARN("user", "ops"))) {
		if f.Method.ID == "iam-delete-role-boundary" {
			got = append(got, strings.TrimPrefix(f.TargetARN, iamARN("role", "")))
			more = more || f.More
		}
	}
	// z-admin-fenced is administrator through its boundary too: first.
	if want := []string{"b-fenced", "z-admin-fenced"}; !slices.Equal(got, want) || !more {
		t.Errorf("iam-delete-role-boundary targets %q (more %v), want %q and more (sorted by ARN after the cap kept z first, then b)", got, more, want)
	}
}
