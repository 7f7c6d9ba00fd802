package access

// Candidate lists restricted to the targets a principal's policies name.
// A method's loop over every user or role of the account, for every
// principal, is quadratic; when the principal's statements name their
// targets with ARN patterns (filter.go), the loop visits only the matching
// targets, in the order the full list would have visited them, so that the
// findings and the cap on targets come out the same.

import (
	"slices"
	"sort"
	"strings"

	"github.com/iamspect/iamspect/internal/policy"
)

// inListOrder returns the members of keep in the order of list, or list
// itself when keep is nil or holds a good part of it.
func (a *Analysis) inListOrder(list []*Principal, keep map[*Principal]bool) []*Principal {
	if keep == nil || len(list) == 0 || len(keep)*4 > len(list) {
		return list
	}
	pos := a.positions(list, func(i int) *Principal { return list[i] }, len(list))
	return sortedByPos(keep, pos, len(list))
}

// serviceRolesInOrder is inListOrder for a list of roles trusting services.
func (a *Analysis) serviceRolesInOrder(list []serviceRole, keep map[*Principal]bool) []serviceRole {
	if keep == nil || len(list) == 0 || len(keep)*4 > len(list) {
		return list
	}
	pos := a.positions(list, func(i int) *Principal { return list[i].role }, len(list))
	out := make([]serviceRole, 0, len(keep))
	for _, i := range sortedPositions(keep, pos, len(list)) {
		out = append(out, list[i])
	}
	return out
}

// leadingAdmins counts the administrators at the head of a list ordered
// administrators first ([]*Principal or []serviceRole), once per list. A
// hypothetical group member (grouphop.go) looks no further for a method
// whose findings are to administrator only through the target.
func (a *Analysis) leadingAdmins(list any) int {
	var key listKey
	var at func(int) *Principal
	switch l := list.(type) {
	case []*Principal:
		key.n, at = len(l), func(i int) *Principal { return l[i] }
		if key.n > 0 {
			key.head = &l[0]
		}
	case []serviceRole:
		key.n, at = len(l), func(i int) *Principal { return l[i].role }
		if key.n > 0 {
			key.head = &l[0]
		}
	}
	n := key.n
	if n == 0 {
		return 0
	}
	if v, ok := a.admins.Load(key); ok {
		return v.(int)
	}
	k := 0
	for k < n && a.IsAdmin(at(k)) {
		k++
	}
	v, _ := a.admins.LoadOrStore(key, k)
	return v.(int)
}

// adminsOf returns the administrators among keep.
func (a *Analysis) adminsOf(keep map[*Principal]bool) map[*Principal]bool {
	out := map[*Principal]bool{}
	for p, ok := range keep {
		if ok && a.IsAdmin(p) {
			out[p] = true
		}
	}
	return out
}

// listKey identifies a list the analysis holds for its whole life (a
// prefix of it is another list).
type listKey struct {
	head any // address of the first element
	n    int
}

// positions maps each principal of a list to its index.
func (a *Analysis) positions(list any, at func(int) *Principal, n int) map[*Principal]int {
	key := listKey{n: n}
	switch l := list.(type) {
	case []*Principal:
		key.head = &l[0]
	case []serviceRole:
		key.head = &l[0]
	}
	if v, ok := a.listPos.Load(key); ok {
		return v.(map[*Principal]int)
	}
	pos := make(map[*Principal]int, n)
	for i := range n {
		if _, dup := pos[at(i)]; !dup {
			pos[at(i)] = i
		}
	}
	v, _ := a.listPos.LoadOrStore(key, pos)
	return v.(map[*Principal]int)
}

// sortedPositions returns the positions below n of keep's members.
func sortedPositions(keep map[*Principal]bool, pos map[*Principal]int, n int) []int {
	out := make([]int, 0, len(keep))
	for p, ok := range keep {
		if i, in := pos[p]; ok && in && i < n {
			out = append(out, i)
		}
	}
	slices.Sort(out)
	return out
}

func sortedByPos(keep map[*Principal]bool, pos map[*Principal]int, n int) []*Principal {
	idx := sortedPositions(keep, pos, n)
	out := make([]*Principal, len(idx))
	byIdx := make(map[int]*Principal, len(keep))
	for p := range keep {
		if i, in := pos[p]; in {
			byIdx[i] = p
		}
	}
	for j, i := range idx {
		out[j] = byIdx[i]
	}
	return out
}

// assumableFilter narrows the roles p might use for a method on assumable
// roles by the method's first step on the role: its ARN for OnTarget, its
// customer managed policies for OnTargetPolicy. nil: no narrowing.
func (a *Analysis) assumableFilter(p *Principal, m *Method) map[*Principal]bool {
	for _, st := range m.Steps {
		switch st.On {
		case OnTarget:
			return a.targetFilter(p, st.Action, a.rolesByARN)
		case OnTargetPolicy:
			pats, all := resourcePatterns(p, st.Action)
			if all {
				return nil
			}
			keep := map[*Principal]bool{}
			ix := a.rolePolicies()
			for _, pat := range pats {
				for _, arn := range ix.match(pat) {
					for _, r := range ix.roles[arn] {
						keep[r] = true
					}
				}
			}
			return keep
		}
	}
	return nil
}

// assumableFilterOwn is assumableFilter inside findAll, kept per method
// while it runs (and shared by a search class: it depends on the
// principal's policies alone). Only the goroutine running findAll for s
// calls it.
func (a *Analysis) assumableFilterOwn(s *pstate, m *Method) map[*Principal]bool {
	if keep, ok := s.assumable[m]; ok {
		return keep
	}
	keep := a.assumableFilter(s.p, m)
	if s.assumable == nil {
		s.assumable = map[*Method]map[*Principal]bool{}
	}
	s.assumable[m] = keep
	return keep
}

// eachAssumableIn is eachAssumable restricted to keep: the same roles in
// the same order (administrators first, then by ARN), with the same
// Assumption.
func (a *Analysis) eachAssumableIn(p *Principal, keep map[*Principal]bool, fn func(Assumption) bool) {
	rs := make([]*Principal, 0, len(keep))
	for r := range keep {
		rs = append(rs, r)
	}
	slices.SortFunc(rs, a.compareAdminFirst)
	a.eachAssumableOf(p, rs, nil, fn)
}

// eachAssumableOf is eachAssumable restricted to the roles of list
// (ordered as eachAssumable walks: administrators first, then by ARN) and,
// unless nil, of keep.
func (a *Analysis) eachAssumableOf(p *Principal, list []*Principal, keep map[*Principal]bool, fn func(Assumption) bool) {
	sp := a.split(p)
	for _, r := range list {
		if r == p || (keep != nil && !keep[r]) {
			continue
		}
		if as, ok := sp.lookup(a.Model.Principals, r); ok && !fn(as) {
			return
		}
	}
}

// boundedRoles lists the roles with a permissions boundary, administrators
// first, then by ARN; computed once.
func (a *Analysis) boundedRoles() []*Principal {
	a.boundedOnce.Do(func() {
		for _, r := range a.roles {
			if r.Set.Boundary != nil {
				a.bounded = append(a.bounded, r)
			}
		}
		slices.SortStableFunc(a.bounded, a.compareAdminFirst)
	})
	return a.bounded
}

// lookup finds role r among the split's roles; the shared class's answer
// wins, as in eachAssumable.
func (sp *assumeSplit) lookup(model []*Principal, r *Principal) (Assumption, bool) {
	find := func(l []Assumption) (int, bool) {
		return sort.Find(len(l), func(i int) int { return strings.Compare(r.ARN, l[i].Role.ARN) })
	}
	if sp.class != nil {
		in, decided := sp.class.contains(model, r)
		if !decided {
			i, ok := find(sp.class.roles)
			in = ok && sp.class.roles[i].Role == r
		}
		if in {
			return Assumption{Role: r, Conditional: sp.class.cond[r]}, true
		}
	}
	if i, ok := find(sp.own); ok && sp.own[i].Role == r {
		return sp.own[i], true
	}
	return Assumption{}, false
}

// policyRoles indexes the roles by the customer managed policies attached
// to them.
type policyRoles struct {
	arns  []string // sorted
	roles map[string][]*Principal
}

func (a *Analysis) rolePolicies() *policyRoles {
	a.rolePolOnce.Do(func() {
		ix := &policyRoles{roles: map[string][]*Principal{}}
		for _, r := range a.roles {
			for _, arn := range a.customerPoliciesOf(r) {
				if ix.roles[arn] == nil {
					ix.arns = append(ix.arns, arn)
				}
				ix.roles[arn] = append(ix.roles[arn], r)
			}
		}
		slices.Sort(ix.arns)
		a.rolePol = ix
	})
	return a.rolePol
}

// match returns the policy ARNs the pattern matches.
func (ix *policyRoles) match(pat string) []string {
	prefix := pat
	if i := strings.IndexAny(pat, "*?"); i >= 0 {
		prefix = pat[:i]
	}
	m := policy.NewARNMatcher(pat)
	var out []string
	for i := sort.SearchStrings(ix.arns, prefix); i < len(ix.arns) && strings.HasPrefix(ix.arns[i], prefix); i++ {
		if m.Match(ix.arns[i]) {
			out = append(out, ix.arns[i])
		}
	}
	return out
}
