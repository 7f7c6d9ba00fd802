package access

// Targets: the candidates a method is checked against (policies, groups,
// users, roles trusting a service).

import (
	"slices"
	"sync"
	"unsafe"

	"github.com/iamspect/iamspect/internal/policy"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// customerPolicies lists the customer managed policies attached to the
// principal, directly or through its groups, sorted.
func (a *Analysis) customerPolicies(s *pstate) []string {
	s.policyOnce.Do(func() {
		var refs []snapshot.PolicyRef
		switch s.p.Kind {
		case KindUser:
			n := len(s.p.User.AttachedPolicies)
			for _, gn := range s.p.User.Groups {
				if g := a.groups[gn]; g != nil {
					n += len(g.Group.AttachedPolicies)
				}
			}
			refs = append(make([]snapshot.PolicyRef, 0, n), s.p.User.AttachedPolicies...)
			for _, gn := range s.p.User.Groups {
				if g := a.groups[gn]; g != nil {
					refs = append(refs, g.Group.AttachedPolicies...)
				}
			}
		case KindRole:
			refs = s.p.Role.AttachedPolicies
		case KindGroup:
			refs = s.p.Group.AttachedPolicies
		}
		s.customer = customerARNs(refs)
	})
	return s.customer
}

func (a *Analysis) customerPoliciesOf(p *Principal) []string {
	return a.customerPolicies(a.state(p))
}

// customerARNs are the customer managed policy ARNs of refs, sorted, each
// once (sorted first, then compacted: a user in ten groups has a hundred).
func customerARNs(refs []snapshot.PolicyRef) []string {
	var out []string
	for _, r := range refs {
		if !snapshot.IsAWSManagedPolicyARN(r.ARN) {
			if out == nil {
				out = make([]string, 0, len(refs))
			}
			out = append(out, r.ARN)
		}
	}
	slices.Sort(out)
	return slices.Clip(slices.Compact(out))
}

func (a *Analysis) sortedGroups() []*Principal {
	return a.groupsByARN // sorted once by Analyze; callers only read it
}

// identityCenter returns the ARN of the Identity Center instance the
// account holds, or "". Without the identity_center input nothing is known
// and the methods are not reported (a documented blind spot).
func (a *Analysis) identityCenter() string {
	ac := a.Model.Account
	if ac.IdentityCenter == nil {
		return ""
	}
	for _, in := range ac.IdentityCenter.Instances {
		if in.OwnerAccountID == "" || in.OwnerAccountID == ac.ID {
			return in.ARN
		}
	}
	return ""
}

type serviceRole struct {
	role    *Principal
	service string
}

// rolesTrusting lists the roles whose trust policy admits one of the
// services (the first such service is kept), in model order.
// With named, only roles whose trust policy names the service count: an
// existing Lambda function or instance runs as a role made for it, not as
// a role that trusts "*" (which a new resource could still be given).
func (a *Analysis) rolesTrusting(services []string, named bool) []serviceRole {
	// A method's Services list is fixed for the life of the program: it is
	// named by its address, without joining it for every principal.
	key := trustingKey{unsafe.SliceData(services), len(services), named}
	return a.trusting.get(key, func() []serviceRole { return a.computeRolesTrusting(services, named) })
}

type trustingKey struct {
	services *string
	n        int
	named    bool
}

func (a *Analysis) computeRolesTrusting(services []string, named bool) []serviceRole {
	var out []serviceRole
	seen := map[*Principal]bool{}
	for _, svc := range services {
		for _, r := range a.trustingService(svc) {
			if named && !namesService(a.trusts[r], svc) {
				continue
			}
			if !seen[r] {
				seen[r] = true
				out = append(out, serviceRole{r, svc})
			}
		}
	}
	slices.SortStableFunc(out, func(x, y serviceRole) int { return a.adminRank(x.role) - a.adminRank(y.role) })
	return out
}

// adminRank orders administrators first.
func (a *Analysis) adminRank(p *Principal) int {
	if a.IsAdmin(p) {
		return 0
	}
	return 1
}

// adminFirst returns the principals with administrators first, else in
// their order. The orderings of the analysis's user and role lists are
// computed once.
func (a *Analysis) adminFirst(ps []*Principal) []*Principal {
	if len(ps) == 0 {
		return ps
	}
	key := &ps[0]
	if v, ok := a.ordered.Load(key); ok {
		return v.([]*Principal)
	}
	out := slices.Clone(ps)
	slices.SortStableFunc(out, func(x, y *Principal) int { return a.adminRank(x) - a.adminRank(y) })
	v, _ := a.ordered.LoadOrStore(key, out)
	return v.([]*Principal)
}

func (a *Analysis) trustingService(svc string) []*Principal {
	return a.serviceRoles.get(svc, func() []*Principal {
		var out []*Principal
		req := policy.Request{Principal: svc}.Prepare()
		for _, r := range a.roles {
			if t := a.trusts[r]; t != nil && trustAdmits(t, req) {
				out = append(out, r)
			}
		}
		return out
	})
}

// onceMap keeps a value per key, computed once however many goroutines
// ask for it at the same time: with sync.Map's LoadOrStore each of them
// would compute it (the rules ask for the roles trusting a service on
// every CPU at once, and each answer reads every trust policy).
type onceMap[K comparable, V any] struct{ m sync.Map }

type onceEntry[V any] struct {
	once sync.Once
	v    V
}

func (o *onceMap[K, V]) get(k K, compute func() V) V {
	e, ok := o.m.Load(k)
	if !ok {
		e, _ = o.m.LoadOrStore(k, new(onceEntry[V]))
	}
	x := e.(*onceEntry[V])
	x.once.Do(func() { x.v = compute() })
	return x.v
}

func namesService(t *policy.Policy, svc string) bool {
	for _, st := range t.Doc.Statements {
		if st.Effect == policy.Allow && st.Principal != nil && slices.Contains(st.Principal.Service, svc) {
			return true
		}
	}
	return false
}

// TrustAdmitsService reports whether a trust policy lets the service
// principal (e.g. "ec2.amazonaws.com") assume the role, possibly under
// conditions (aws:SourceAccount and the like, which the attacker's own
// resources satisfy).
func TrustAdmitsService(trust *policy.Policy, svc string) bool {
	return trustAdmits(trust, policy.Request{Principal: svc}.Prepare())
}

// trustAdmits is TrustAdmitsService with the service's request prepared
// once for all the roles asked about.
func trustAdmits(trust *policy.Policy, req policy.Request) bool {
	set := &policy.Set{Identity: []*policy.Policy{trust}}
	for _, act := range [...]string{"sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"} {
		req.Action = act
		if allowed(set.Evaluate(&req)) {
			return true
		}
	}
	return false
}
