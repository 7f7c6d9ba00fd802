package access

import (
	"slices"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/snapshot"
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
