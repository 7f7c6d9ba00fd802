package access

import (
	"fmt"
	"testing"

	"github.com/iamspect/iamspect/internal/policy"
)

// The sparse index (scoped.go) answers for the roles trusting anyone or the
// account root by group; the answer must be what evaluating every role
// one by one gives, for patterns that only allow (the class is the matched
// roles), allow on every role alike (the unscoped class), or mix an allow
// on every role with a deny on some (every role listed again).
func TestSparseClassesMatchRoleByRole(t *testing.T) {
	ac := newAccount()
	mfa := map[string]any{"Bool": map[string]any{"aws:MultiFactorAuthPresent": "true"}}
	trustAnyoneMFA := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`
	for i := range 4 {
		ac.role(fmt.Sprintf("team-a-%d", i), trustAccount)
		ac.role(fmt.Sprintf("team-b-%d", i), trustAccount)
		ac.role(fmt.Sprintf("open-a-%d", i), trustARN("*"))
		ac.role(fmt.Sprintf("other-%d", i), trustAnyoneMFA)
	}
	ac.role("team-a-open", trustARN("*"))
	role := func(p string) string { return iamARN("role", p) }
	allow := func(res any, cond ...map[string]any) stmt {
		s := stmt{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": res}
		if len(cond) > 0 {
			s["Condition"] = cond[0]
		}
		return s
	}
	deny := func(res any) stmt { return stmt{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": res} }
	ac.user("allow-a", allow(role("team-a-*")))
	ac.user("allow-a-mfa", allow(role("team-a-*"), mfa))
	ac.user("allow-a-and-b1", allow([]string{role("team-a-*"), role("team-b-1")}))
	ac.user("allow-a-twice", allow(role("team-a-*")), allow(role("team-a-*"), mfa))
	ac.user("star-and-a", allow("*"), allow(role("team-a-*"), mfa))
	ac.user("star-deny-b", allow("*"), deny(role("team-b-*")))
	ac.user("deny-open", deny(role("open-*")))
	ac.user("star", allow("*"))
	ac.user("not-resource", stmt{"Effect": "Allow", "Action": "sts:AssumeRole", "NotResource": role("team-b-*")})
	an := ac.analyze()

	for _, p := range an.Model.Principals {
		if p.Kind != KindUser {
			continue
		}
		want := map[string]string{}
		s := an.state(p)
		for _, r := range an.Model.Principals {
			if r.Kind != KindRole || an.trusts[r] == nil {
				continue
			}
			res := an.assumeResult(s, r)
			switch {
			case !an.allowed(res):
			case res.Decision == policy.ConditionallyAllowed:
				want[r.Name] = "conditional"
			default:
				want[r.Name] = "allowed"
			}
		}
		got := map[string]string{}
		for _, as := range an.Assumable(p) {
			got[as.Role.Name] = "allowed"
			if as.Conditional {
				got[as.Role.Name] = "conditional"
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s assumes %v\nwant (role by role) %v", p.Name, got, want)
		}
	}
	if len(an.anyone.sparse) == 0 {
		t.Fatal("no principal went through the sparse index")
	}
	// Allowing every role and some by pattern gives the same verdict on
	// every group: the class is the one of "star", not a copy.
	star, starA := an.split(an.Model.Principal(iamARN("user", "star"))), an.split(an.Model.Principal(iamARN("user", "star-and-a")))
	if star.class == nil || star.class != starA.class {
		t.Errorf("star-and-a's class %p is not star's %p", starA.class, star.class)
	}
}
