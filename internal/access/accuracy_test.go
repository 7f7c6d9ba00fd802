package access

import (
	"slices"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/importer"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/testutil/shareddata"
)

// Regression tests for issue 9's wrong verdicts, on accounts built with the
// snapshot builder from policy JSON in AWS's own format.

// Item 15: a role's trust policy must admit the caller, even within the
// account. A role trusting only another account is assumable by nobody
// here, administrators included; a trust naming the account root with an
// external-ID condition keeps that condition even for an administrator.
func TestWhoCanAssumeAppliesTheTrustPolicy(t *testing.T) {
	ac := newAccount()
	ac.user("boss").AttachedPolicies = []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: adminARN}}
	ac.user("dev", stmt{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})
	ac.role("vendor", trustARN("arn:aws:iam::444455556666:root"))
	ac.role("named", trustARN(iamARN("user", "dev")))
	ac.role("with-external-id", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acct+`:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x-123"}}}]}`)
	an := ac.analyze()

	who := func(role string) []string {
		var out []string
		for _, p := range an.WhoCan("sts:AssumeRole", iamARN("role", role)) {
			s := p.Name
			if p.Conditional {
				s += " (only if " + p.Conditions + ")"
			}
			out = append(out, s)
		}
		return out
	}
	if got := who("vendor"); len(got) != 0 {
		t.Errorf("who can assume a role trusting only 444455556666: %v, want nobody", got)
	}
	// The trust names dev: that suffices without any identity allow; boss's
	// AdministratorAccess does not.
	if got, want := who("named"), []string{"dev"}; !slices.Equal(got, want) {
		t.Errorf("who can assume named: %v, want %v", got, want)
	}
	want := []string{`boss (only if StringEquals sts:ExternalId "x-123")`, `dev (only if StringEquals sts:ExternalId "x-123")`}
	if got := who("with-external-id"); !slices.Equal(got, want) {
		t.Errorf("who can assume with-external-id: %v, want %v", got, want)
	}
	// explain agrees.
	for _, p := range []string{"boss", "dev"} {
		e := an.Explain(an.Model.Principal(iamARN("user", p)))
		if slices.Contains(e.CanAssume, iamARN("role", "vendor")) {
			t.Errorf("explain %s says it can assume vendor", p)
		}
	}
}

func TestResolveAction(t *testing.T) {
	for _, c := range []struct{ in, want, err string }{
		{in: "iam:PassRole", want: "iam:PassRole"},
		{in: "IAM:passrole", want: "iam:PassRole"},
		{in: "iam:Pass*", want: "iam:PassRole"},
		{in: "iam:PassRol", err: "iam:PassRol is not an action of iam: did you mean iam:PassRole?"},
		{in: "s3:GetObjct", err: "did you mean s3:GetObject?"},
		{in: "iamm:PassRole", err: `unknown service "iamm" in "iamm:PassRole": did you mean iam?`},
		{in: "iam:Put*", err: `"iam:Put*" matches 6 actions (iam:PutAccountProperties, iam:PutGroupPolicy`},
		{in: "*", err: "is not an action"},
		{in: "iam:Nothing*", err: "matches no action"},
	} {
		got, err := ResolveAction(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: err %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s: %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

// Item 11: joining a group whose policies hold iam:* (not administrator by
// itself) lets the user attach anything to itself: an escalation to
// administrator through the group, shown as a two-hop chain.
func TestGroupHopCarriesTheGroupsPower(t *testing.T) {
	ac := newAccount()
	ac.user("alice", stmt{"Effect": "Allow", "Action": "iam:AddUserToGroup", "Resource": iamARN("group", "iam-managers")})
	ac.group("iam-managers", stmt{"Effect": "Allow", "Action": "iam:*", "Resource": "*"})
	ac.group("readers", stmt{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
	ac.user("bob", stmt{"Effect": "Allow", "Action": "iam:AddUserToGroup", "Resource": iamARN("group", "readers")})
	an := ac.analyze()

	alice := an.Model.Principal(iamARN("user", "alice"))
	fs := an.Escalations(alice)
	if len(fs) != 1 || fs[0].Method.ID != "iam-013" || !fs[0].ToAdmin || fs[0].Then() != "iam-007" {
		t.Fatalf("alice: %+v", fs)
	}
	chains := an.AdminChains()[alice.ARN]
	if len(chains) != 1 || chains[0].String() != "user/alice -[iam-013]-> group/iam-managers -[iam-007]-> administrator" {
		t.Errorf("alice's chains: %v", chains)
	}
	// Joining a group that only reads S3 raises bob, but not to administrator.
	bob := an.Model.Principal(iamARN("user", "bob"))
	if fs := an.Escalations(bob); len(fs) != 1 || fs[0].ToAdmin || fs[0].Then() != "" {
		t.Errorf("bob: %+v", fs)
	}
	if c := an.AdminChains()[bob.ARN]; c != nil {
		t.Errorf("bob reaches administrator: %v", c)
	}
}

// Item 10: IAM refuses to change an Identity Center role (/aws-reserved/)
// for anyone but AWS, as for service-linked roles: rewriting its trust or
// attaching a policy to it is no escalation; assuming it, where its trust
// allows, still is, and so is a new version of a customer managed policy it
// uses (the customer owns that policy).
func TestReservedRolesAreNotRewritten(t *testing.T) {
	ac := newAccount()
	sso := ac.role("AWSReservedSSO_AdministratorAccess_0123456789abcdef", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::`+acct+`:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE"},"Action":["sts:AssumeRoleWithSAML","sts:TagSession"],"Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}]}`)
	sso.Path = "/aws-reserved/sso.amazonaws.com/"
	sso.ARN = iamARN("role", "aws-reserved/sso.amazonaws.com/"+sso.Name)
	sso.AttachedPolicies = []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: adminARN}}
	ac.user("editor", stmt{"Effect": "Allow", "Action": []string{"iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePolicy"}, "Resource": iamARN("role", "aws-reserved/sso.amazonaws.com/*")},
		stmt{"Effect": "Allow", "Action": []string{"iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePolicy"}, "Resource": "*"})
	an := ac.analyze()
	editor := an.Model.Principal(iamARN("user", "editor"))
	if fs := an.Escalations(editor); len(fs) != 0 {
		t.Errorf("editor escalates through a reserved role: %v", methodIDs(fs))
	}
	// The same role outside /aws-reserved/ is an escalation target.
	ac2 := newAccount()
	plain := ac2.role("ops-admin", trustAccount)
	plain.AttachedPolicies = []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: adminARN}}
	ac2.user("editor", stmt{"Effect": "Allow", "Action": "iam:UpdateAssumeRolePolicy", "Resource": "*"})
	an2 := ac2.analyze()
	if fs := an2.Escalations(an2.Model.Principal(iamARN("user", "editor"))); !slices.Contains(methodIDs(fs), "iam-012") {
		t.Errorf("editor on a plain role: %v", methodIDs(fs))
	}
}

// group adds a group with one inline policy holding the statements.
func (ac *account) group(name string, sts ...stmt) *snapshot.Group {
	g := &snapshot.Group{Name: name, ARN: iamARN("group", name), Path: "/", CreatedAt: now.AddDate(-1, 0, 0),
		InlinePolicies: []snapshot.InlinePolicy{{Name: name + "-inline", Document: doc(sts...)}}}
	a := ac.b.Account()
	a.Groups = append(a.Groups, g)
	return g
}

// Item 15: who-can sts:AssumeRole and explain agree on every role of the
// demo organisation and of the real CloudMapper and Cloudsplaining
// accounts.
func TestWhoCanAssumeAgreesWithExplain(t *testing.T) {
	check := func(t *testing.T, s *snapshot.Snapshot) {
		for _, acct := range s.Accounts {
			an := Analyze(Build(s, acct, nil), now)
			canAssume := map[string][]string{} // role -> principals, from explain
			for _, p := range an.Model.Principals {
				if p.Kind == KindGroup {
					continue
				}
				for _, r := range an.Explain(p).CanAssume {
					canAssume[r] = append(canAssume[r], p.ARN)
				}
			}
			for _, r := range an.Model.Principals {
				if r.Kind != KindRole {
					continue
				}
				var who []string
				for _, p := range an.WhoCan("sts:AssumeRole", r.ARN) {
					who = append(who, p.ARN)
				}
				slices.Sort(who)
				want := canAssume[r.ARN]
				slices.Sort(want)
				if !slices.Equal(who, want) {
					t.Errorf("%s: who-can %v, explain %v", r.ARN, who, want)
				}
			}
		}
	}
	t.Run("demo", func(t *testing.T) { check(t, demo.Snapshot()) })
	t.Run("project fixture", func(t *testing.T) {
		s, err := importer.Import(importer.Options{AuthzDetails: []string{"../importer/testdata/fixtures/authz-details.json"}, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		check(t, s)
	})
	for _, f := range []string{"cloudmapper-demo-authz-details.json", "cloudsplaining-test-example-authz-details.json"} {
		t.Run(f, func(t *testing.T) {
			path := shareddata.Path(t, "authz-details/"+f)
			s, err := importer.Import(importer.Options{AuthzDetails: []string{path}, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			check(t, s)
		})
	}
}
