package access

import (
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/iamspect/iamspect/internal/policy"
)

// Target pre-filtering. Asking "may P do X on target T" of every candidate
// T costs one evaluation per pair, and an account has thousands of roles.
// Most identity policies name their targets with a few ARN patterns
// ("role/team-3-*"), so the candidates can be narrowed first to the
// principals those patterns match, found by binary search on the literal
// prefix of each pattern. The full evaluation still decides every
// candidate; the filter only skips principals no Allow statement names.

// resourcePatterns returns the Resource patterns of the identity Allow
// statements of p that cover action, with ${aws:username} filled in; all is
// true when some statement covers every resource (or one the patterns
// cannot describe: NotResource, other policy variables).
func resourcePatterns(p *Principal, action string) (patterns []string, all bool) {
	return patternsOf(p, allowsCovering(p, action), nil)
}

// allowStmt is an identity Allow statement and its policy.
type allowStmt struct {
	pol *policy.Policy
	st  *policy.Statement
}

// allowsCovering returns p's identity Allow statements that cover action,
// in policy order.
func allowsCovering(p *Principal, action string) []allowStmt {
	var out []allowStmt
	for _, pol := range p.Set.Identity {
		for _, st := range pol.Doc.Statements {
			if st.Effect == policy.Allow && coversAction(st, action) {
				out = append(out, allowStmt{pol, st})
			}
		}
	}
	return out
}

// patternsOf is resourcePatterns over the covering statements found by
// allowsCovering, without those skip says to leave out (nil: none).
func patternsOf(p *Principal, covering []allowStmt, skip func(*policy.Statement) bool) (patterns []string, all bool) {
	for _, c := range covering {
		if skip != nil && skip(c.st) {
			continue
		}
		if c.st.NotResource != nil || c.st.Resource == nil {
			return nil, true
		}
		for _, r := range c.st.Resource {
			if c.pol.Doc.VariablesEnabled() && strings.Contains(r, "${") {
				var ok bool
				if r, ok = fillUsername(r, p); !ok {
					return nil, true
				}
			}
			if r == "*" || strings.HasPrefix(r, "*") {
				return nil, true
			}
			patterns = append(patterns, r)
		}
	}
	return patterns, false
}

// covering is allowsCovering for the principal of s, kept for the state:
// its escalation methods ask for the same few actions (iam:PassRole above
// all, once per method and service) and a principal in ten groups has a
// hundred policies to walk each time. Only the goroutine running findAll
// for the state calls it.
func (a *Analysis) covering(s *pstate, action string) []allowStmt {
	if v, ok := s.covering[action]; ok {
		return v
	}
	if s.covering == nil {
		s.covering = map[string][]allowStmt{}
	}
	v := allowsCovering(s.p, action)
	s.covering[action] = v
	return v
}

// passedToFalse is passedToFalseFor, answered once per statement for every
// service a PassRole method names (passServices): every principal holding
// a policy asks it again for each PassRole method and service, and a
// lookup keyed by statement and service name was most of the PassRole
// narrowing.
func (a *Analysis) passedToFalse(st *policy.Statement, svc string) bool {
	if !st.HasCondition("iam:PassedToService") {
		return false // most statements: nothing to look up
	}
	i, known := passServiceIndex[svc]
	if !known {
		return passedToFalseFor(st, svc)
	}
	v, ok := a.passedFalse.Load(st)
	if !ok {
		bits := make([]uint64, (len(passServices)+63)/64)
		for n, svc := range passServices {
			if passedToFalseFor(st, svc) {
				bits[n/64] |= 1 << (n % 64)
			}
		}
		v, _ = a.passedFalse.LoadOrStore(st, bits)
	}
	return v.([]uint64)[i/64]&(1<<(i%64)) != 0
}

// passServices lists the services the catalogue's methods pass roles to,
// numbered by passServiceIndex.
var passServices, passServiceIndex = func() ([]string, map[string]int) {
	index := map[string]int{}
	var list []string
	for _, m := range Methods {
		for _, svc := range m.Services {
			if _, ok := index[svc]; !ok {
				index[svc] = len(list)
				list = append(list, svc)
			}
		}
	}
	return list, index
}()

// passedToFalseFor reports whether the statement's conditions on
// iam:PassedToService are false when the role is passed to svc. Only that
// key's conditions are read, and only literal values: the key's value is
// the same in the real request, so the statement cannot apply there
// either.
func passedToFalseFor(st *policy.Statement, svc string) bool {
	for _, c := range st.Conditions {
		if !c.KeyIs("iam:PassedToService") || slices.ContainsFunc(c.Values, func(v string) bool { return strings.Contains(v, "${") }) {
			continue
		}
		ok, unknown := policy.EvalCondition(c, &policy.Request{Context: map[string][]string{c.Key: {svc}}}, false)
		if !ok && !unknown {
			return true
		}
	}
	return false
}

func coversAction(st *policy.Statement, action string) bool {
	if st.NotAction != nil && st.Action == nil {
		for _, a := range st.NotAction {
			if policy.MatchWildcardFold(a, action) {
				return false
			}
		}
		return true
	}
	for _, a := range st.Action {
		if policy.MatchWildcardFold(a, action) {
			return true
		}
	}
	return false
}

// fillUsername replaces ${aws:username} (any case) for users; any other
// variable makes the pattern unusable for filtering.
func fillUsername(r string, p *Principal) (string, bool) {
	low := strings.ToLower(r)
	const v = "${aws:username}"
	if p.Kind == KindUser {
		for i := strings.Index(low, v); i >= 0; i = strings.Index(low, v) {
			r, low = r[:i]+p.Name+r[i+len(v):], low[:i]+strings.ToLower(p.Name)+low[i+len(v):]
		}
	}
	return r, !strings.Contains(r, "${")
}

// byARN is a list of principals sorted by ARN.
type byARN []*Principal

func sortedByARN(ps []*Principal) byARN {
	out := slices.Clone(ps)
	slices.SortFunc(out, func(x, y *Principal) int { return strings.Compare(x.ARN, y.ARN) })
	return out
}

// match returns the principals whose ARN one of the patterns matches.
func (l byARN) match(patterns []string) map[*Principal]bool {
	out := map[*Principal]bool{}
	for _, pat := range patterns {
		prefix := pat
		if i := strings.IndexAny(pat, "*?"); i >= 0 {
			prefix = pat[:i]
		}
		m := policy.NewARNMatcher(pat)
		lo := sort.Search(len(l), func(i int) bool { return l[i].ARN >= prefix })
		for i := lo; i < len(l) && strings.HasPrefix(l[i].ARN, prefix); i++ {
			if m.Match(l[i].ARN) {
				out[l[i]] = true
			}
		}
	}
	return out
}

// targetFilter returns the candidates of list that an Allow of action on
// them exists for, or nil when no narrowing is possible. Principals of one
// team name the same patterns: the matches are kept per list and pattern
// set, and the map returned is shared (read it, do not change it).
func (a *Analysis) targetFilter(p *Principal, action string, list byARN) map[*Principal]bool {
	pats, all := patternsOf(p, allowsCovering(p, action), nil)
	return a.narrowed(list, pats, all)
}

// targetFilterOf is targetFilter with the covering statements kept for
// the state (covering).
func (a *Analysis) targetFilterOf(s *pstate, action string, list byARN) map[*Principal]bool {
	pats, all := patternsOf(s.p, a.covering(s, action), nil)
	return a.narrowed(list, pats, all)
}

// narrowed is the members of list the patterns match, nil (no narrowing)
// when all.
func (a *Analysis) narrowed(list byARN, pats []string, all bool) map[*Principal]bool {
	if all {
		return nil
	}
	return a.matching(list, pats)
}

// matching returns list.match(pats), kept per list and pattern set.
func (a *Analysis) matching(list byARN, pats []string) map[*Principal]bool {
	if len(list) == 0 {
		return map[*Principal]bool{}
	}
	key := matchKey{list: &list[0], patterns: strings.Join(pats, "\x00")}
	if v, ok := a.matches.Load(key); ok {
		return v.(map[*Principal]bool)
	}
	v, _ := a.matches.LoadOrStore(key, list.match(pats))
	return v.(map[*Principal]bool)
}

// passRoleFilter narrows the roles p may pass, per service (nil: no
// narrowing for that service), and their union (nil unless every service
// narrows).
func (a *Analysis) passRoleFilter(s *pstate, m *Method) (union map[*Principal]bool, bySvc map[string]map[*Principal]bool) {
	action := ""
	for _, st := range m.Steps {
		if st.On == OnPassRole {
			action = st.Action
		}
	}
	if action == "" {
		return nil, nil
	}
	// Kept per action and services while findAll runs: dozens of methods
	// pass roles to the same service, and building the same maps for each
	// was a good part of the search's garbage.
	key := passFilterKey{action: action}
	if len(m.Services) == 1 {
		key.services = m.Services[0]
	} else {
		key.services = strings.Join(m.Services, "\x00")
	}
	if f, ok := s.passFilters[key]; ok {
		return f.union, f.bySvc
	}
	union, bySvc = a.computePassRoleFilter(s, action, m.Services)
	if s.passFilters == nil {
		s.passFilters = map[passFilterKey]passFilter{}
	}
	s.passFilters[key] = passFilter{union, bySvc}
	return union, bySvc
}

// passFilterKey and passFilter are a passRoleFilter answer.
type passFilterKey struct{ action, services string }

type passFilter struct {
	union map[*Principal]bool
	bySvc map[string]map[*Principal]bool
}

func (a *Analysis) computePassRoleFilter(s *pstate, action string, services []string) (union map[*Principal]bool, bySvc map[string]map[*Principal]bool) {
	bySvc = map[string]map[*Principal]bool{}
	narrowed := true
	for _, svc := range services {
		keep, all := a.passableTo(s, action, svc)
		if all {
			bySvc[svc], narrowed = nil, false
			continue
		}
		bySvc[svc] = keep
	}
	switch {
	case !narrowed:
	case len(services) == 1:
		union = bySvc[services[0]]
	default:
		union = map[*Principal]bool{}
		for _, k := range bySvc {
			maps.Copy(union, k)
		}
	}
	return union, bySvc
}

// passableTo is the roles the principal of s may pass to svc by its
// resource patterns (all: no narrowing), kept per action and service while
// findAll runs: the PassRole methods share their services. Only the
// goroutine running findAll for s calls it.
func (a *Analysis) passableTo(s *pstate, action, svc string) (keep map[*Principal]bool, all bool) {
	key := action + "\x00" + svc
	if v, ok := s.passable[key]; ok {
		return v, v == nil
	}
	pats, all := patternsOf(s.p, a.covering(s, action), func(st *policy.Statement) bool { return a.passedToFalse(st, svc) })
	keep = a.narrowed(a.rolesByARN, pats, all)
	if s.passable == nil {
		s.passable = map[string]map[*Principal]bool{}
	}
	s.passable[key] = keep
	return keep, all
}

type matchKey struct {
	list     **Principal
	patterns string
}
