package access

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// classAccount is an account whose users fall into search classes, with
// everything that must keep two members of a class apart: a policy that
// names one member, roles that trust one member, tags, policy variables
// and conditions on who asks.
func classAccount() *account {
	ac := newAccount()
	ac.group("ops",
		stmt{"Effect": "Allow", "Action": []string{"iam:PassRole", "ec2:RunInstances", "lambda:CreateFunction", "lambda:InvokeFunction"}, "Resource": "*"},
		stmt{"Effect": "Allow", "Action": []string{"iam:CreateAccessKey", "iam:CreateLoginProfile"}, "Resource": iamARN("user", "*")},
		stmt{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})
	// Names one member: alice may attach a policy to herself, bob may not.
	ac.group("named", stmt{"Effect": "Allow", "Action": "iam:AttachUserPolicy", "Resource": iamARN("user", "alice")})
	// Depends on who asks: its members are searched alone.
	// (sam may put a policy on his own user only: asked about sue, the
	// answer is no, and it must not become sue's about herself).
	ac.group("self", stmt{"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": iamARN("user", "*")},
		stmt{"Effect": "Deny", "Action": "iam:PutUserPolicy", "NotResource": "arn:aws:iam::" + acct + ":user/${aws:username}"})
	ac.group("who", stmt{"Effect": "Allow", "Action": "iam:UpdateLoginProfile", "Resource": "*",
		"Condition": map[string]any{"StringEquals": map[string]any{"aws:PrincipalArn": iamARN("user", "erin")}}})
	// A change allowed on a role no member can use, and on one member:
	// gia's own user is hers to escalate with, gus's to change for her.
	ac.group("attach", stmt{"Effect": "Allow", "Action": "iam:AttachRolePolicy", "Resource": iamARN("role", "glue-etl")},
		stmt{"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": iamARN("user", "gia")})
	// Depends on tags: carol and dave differ only by them.
	ac.group("tagged", stmt{"Effect": "Allow", "Action": "iam:CreatePolicyVersion", "Resource": "*",
		"Condition": map[string]any{"StringEquals": map[string]any{"aws:PrincipalTag/team": "x"}}})
	for _, u := range []struct {
		name   string
		groups []string
	}{
		{"alice", []string{"ops", "named"}}, {"bob", []string{"ops", "named"}}, {"bea", []string{"ops", "named"}},
		// The same groups in another order: grants name statements in
		// policy order, so ben is not searched with alice.
		{"ben", []string{"named", "ops"}},
		{"erin", []string{"ops", "who"}}, {"fred", []string{"ops", "who"}},
		{"sam", []string{"ops", "self"}}, {"sue", []string{"ops", "self"}},
		{"carol", []string{"tagged", "ops"}}, {"dave", []string{"tagged", "ops"}},
		{"tom", []string{"ops"}}, {"tim", []string{"ops"}},
		{"gia", []string{"attach"}}, {"gus", []string{"attach"}},
	} {
		ac.user(u.name).Groups = u.groups
	}
	for _, u := range ac.b.Account().Users {
		if u.Name == "carol" {
			u.Tags = []snapshot.Tag{{Key: "team", Value: "x"}}
		}
		if u.Name == "tom" {
			u.AttachedPolicies = []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: adminARN}}
		}
	}
	// Roles only alice may assume, one administrator; roles for services.
	ac.role("alice-admin", trustARN(iamARN("user", "alice"))).AttachedPolicies = []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: adminARN}}
	ac.role("alice-dev", trustARN(iamARN("user", "alice")), stmt{"Effect": "Allow", "Action": "iam:CreateUser", "Resource": "*"})
	// Roles every user of the account is a candidate for, that admit one
	// user by their condition (bob comes after alice: his search must not
	// evaluate them as hers).
	for _, name := range []string{"alice", "bob"} {
		ac.role(name+"-by-name", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acct+`:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:username":"`+name+`"}}}]}`).AttachedPolicies = []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: adminARN}}
	}
	// A role both may assume, through one more statement for bob: the
	// grant of his assumption names two statements, alice's one.
	ac.role("both-by-root", `{"Version":"2012-10-17","Statement":[{"Sid":"All","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acct+`:root"},"Action":"sts:AssumeRole"},`+
		`{"Sid":"Bob","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acct+`:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:username":"bob"}}}]}`).AttachedPolicies = []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: adminARN}}
	ac.role("glue-etl", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"glue.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
		stmt{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
	ac.role("ec2-admin", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`).AttachedPolicies = []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: adminARN}}
	ac.role("lambda-dev", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
		stmt{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"})
	return ac
}

// answers is every principal's escalations, empowerments and chains as
// JSON, by ARN.
func answers(t *testing.T, a *Analysis) map[string]string {
	t.Helper()
	chains := a.AdminChains()
	out := map[string]string{}
	for _, p := range a.Model.Principals {
		b, err := json.Marshal(map[string]any{"escalations": a.Escalations(p), "empowerments": a.Empowerments(p), "chains": chains[p.ARN]})
		if err != nil {
			t.Fatal(err)
		}
		out[p.ARN] = string(b)
	}
	return out
}

func TestSearchClassesChangeNoAnswer(t *testing.T) {
	shared := classAccount().analyze()
	alone := classAccount().analyze()
	alone.searchClassOnce.Do(func() {}) // no classes: every search on its own

	// The classes formed are the ones expected.
	class := func(name string) *searchClass {
		shared.searchClassOnce.Do(shared.buildSearchClasses)
		return shared.searchClasses[shared.Model.Principal(iamARN("user", name))]
	}
	for _, pair := range [][2]string{{"alice", "bob"}, {"alice", "bea"}, {"gia", "gus"}} {
		if class(pair[0]) == nil || class(pair[0]) != class(pair[1]) {
			t.Errorf("%s and %s should share a class", pair[0], pair[1])
		}
	}
	// sam and sue hold a policy variable, erin and fred a condition on
	// aws:PrincipalArn: searched alone. carol and dave differ by tags, tim
	// and tom by tom's own policy: each alone in its class, so none.
	for _, name := range []string{"sam", "sue", "erin", "fred", "carol", "dave", "tim", "tom", "ben"} {
		if class(name) != nil {
			t.Errorf("%s must be searched alone", name)
		}
	}

	// And every answer is the one of a search on its own.
	want, got := answers(t, alone), answers(t, shared)
	for arn, w := range want {
		if got[arn] != w {
			t.Errorf("%s:\n with classes %s\n alone        %s", arn, got[arn], w)
		}
	}
	// The same when another rule asks for the members one by one before
	// the chains are computed (memos kept outside precompute's loop).
	lazy := classAccount().analyze()
	for _, p := range lazy.Model.Principals {
		lazy.Empowerments(p)
	}
	for arn, g := range answers(t, lazy) {
		if g != want[arn] {
			t.Errorf("%s, members asked for one by one:\n with classes %s\n alone        %s", arn, g, want[arn])
		}
	}
	// The members do differ where they must (else the comparison proves
	// little): alice reaches the roles that trust her, bob does not.
	alice, bob := got[iamARN("user", "alice")], got[iamARN("user", "bob")]
	if alice == bob {
		t.Error("alice and bob have the same answers: the account does not tell members apart")
	}
	// gus may change gia and the role, gia only the role (herself she
	// escalates with): the class's allowed targets, filtered per member.
	targets := func(name string) []string {
		var out []string
		for _, e := range shared.Empowerments(shared.Model.Principal(iamARN("user", name))) {
			out = append(out, e.Action+" "+e.TargetName)
		}
		return out
	}
	if g, w := targets("gus"), []string{"iam:AttachRolePolicy glue-etl", "iam:PutUserPolicy gia"}; !slices.Equal(g, w) {
		t.Errorf("gus's empowerments = %q, want %q", g, w)
	}
	if g, w := targets("gia"), []string{"iam:AttachRolePolicy glue-etl"}; !slices.Equal(g, w) {
		t.Errorf("gia's empowerments = %q, want %q", g, w)
	}
}
