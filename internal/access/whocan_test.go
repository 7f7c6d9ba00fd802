package access

import (
	"slices"
	"testing"

	"github.com/iamspect/iamspect/internal/snapshot"
)

func TestWhoCanAndExplain(t *testing.T) {
	ac := newAccount()
	ac.user("boss").AttachedPolicies = []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: adminARN}}
	ac.user("mfa-only", stmt{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
		"Condition": map[string]any{"Bool": map[string]any{"aws:MultiFactorAuthPresent": "true"}}})
	ac.user("denied", stmt{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}, stmt{"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"})
	ac.user("reader", stmt{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
	ac.role("ops", trustAccount, stmt{"Effect": "Allow", "Action": "iam:PassRole", "Resource": iamARN("role", "ops")})
	an := ac.analyze()

	var got []string
	for _, p := range an.WhoCan("iam:PassRole", iamARN("role", "ops")) {
		got = append(got, p.Name)
		if p.Name == "mfa-only" && (!p.Conditional || p.Conditions == "") {
			t.Errorf("mfa-only should be conditional: %+v", p)
		}
	}
	// Unconditional first, then by ARN (roles sort before users).
	if want := []string{"ops", "boss", "mfa-only"}; !slices.Equal(got, want) {
		t.Errorf("who can PassRole: %v, want %v", got, want)
	}

	// sts:AssumeRole on a role reads its trust policy: only boss has the
	// identity allow that a trust naming the account root requires.
	got = nil
	for _, p := range an.WhoCan("sts:AssumeRole", iamARN("role", "ops")) {
		got = append(got, p.Name)
	}
	if want := []string{"boss"}; !slices.Equal(got, want) {
		t.Errorf("who can assume ops: %v, want %v", got, want)
	}

	e := an.Explain(an.Model.Principal(iamARN("user", "denied")))
	if e.Admin || len(e.Services) != 1 || e.Services[0].Service != "iam" || e.Services[0].PermissionsManagement == 0 {
		t.Errorf("explain denied: admin=%v services=%+v", e.Admin, e.Services)
	}
	if !slices.Contains(methodIDs(e.Escalations), "iam-007") {
		t.Errorf("explain denied: escalations %v", methodIDs(e.Escalations))
	}
	ops := an.Explain(an.Model.Principal(iamARN("role", "ops")))
	var by []string
	for _, b := range ops.BecomableBy {
		by = append(by, b.Name+":"+b.Via)
	}
	// boss assumes it; "denied" holds iam:* but not iam:PassRole, which ops
	// has: ops is more privileged, so rewriting its trust (iam-012) is an
	// escalation, as are attaching a policy to it or putting one on it and
	// rewriting the trust (iam-019, iam-021).
	if want := []string{"boss:sts:AssumeRole", "denied:iam-012", "denied:iam-019", "denied:iam-021"}; !slices.Equal(by, want) {
		t.Errorf("ops becomable by %v, want %v", by, want)
	}
}
