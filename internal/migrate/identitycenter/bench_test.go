package identitycenter

import (
	"fmt"
	"testing"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// BenchmarkPlanAdmins plans 100 administrators (every catalogue action is
// compared for each): go test -bench PlanAdmins -run XXX ./internal/migrate/identitycenter/
func BenchmarkPlanAdmins(b *testing.B) {
	sb := snapshot.NewBuilder(acct, t0)
	withIC(sb)
	a := sb.Account()
	admin := "arn:aws:iam::aws:policy/AdministratorAccess"
	a.Policies = append(a.Policies, &snapshot.ManagedPolicy{Name: "AdministratorAccess", ARN: admin,
		Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)})
	for i := 0; i < 100; i++ {
		u := sb.User(fmt.Sprintf("admin.person%03d", i), t0).Password(t0, nil).User
		u.AttachedPolicies = []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: admin}}
	}
	s := sb.Build()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Plan(s, Options{Now: fixedNow}); err != nil {
			b.Fatal(err)
		}
	}
}
