package access

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/iamspect/iamspect/internal/parallel"
	"github.com/iamspect/iamspect/internal/policy"
)

// Assumable returns the roles of the account the principal can assume
// (sts:AssumeRole), sorted by ARN. A role qualifies when its trust policy
// admits the principal and the evaluation of both sides allows it:
//   - trust naming the principal's ARN (or "*"): the trust policy alone
//     suffices within the account;
//   - trust naming the account root: the principal's identity policies
//     must allow sts:AssumeRole on the role as well.
//
// Boundary, SCPs and explicit Denies on either side apply; conditions the
// context cannot decide (MFA, external ID) make the grant conditional.
func (a *Analysis) Assumable(p *Principal) []Assumption {
	if p.Kind == KindGroup {
		return nil
	}
	sp := a.split(p)
	if sp.class == nil {
		return sp.own
	}
	out := make([]Assumption, 0, len(sp.own)+len(sp.class.roles))
	i, j := 0, 0
	for i < len(sp.own) || j < len(sp.class.roles) {
		var as Assumption
		if j >= len(sp.class.roles) || (i < len(sp.own) && sp.own[i].Role.ARN <= sp.class.roles[j].Role.ARN) {
			as = sp.own[i]
			i++
		} else {
			as = sp.class.roles[j]
			j++
		}
		if as.Role == p || (len(out) > 0 && out[len(out)-1].Role == as.Role) {
			continue
		}
		out = append(out, as)
	}
	return out
}

func (a *Analysis) computeSplit(s *pstate) *assumeSplit {
	p := s.p
	cands := append([]*Principal{}, a.byTrustARN[p.ARN]...)
	// When no statement of the principal's policies that covers
	// sts:AssumeRole names a particular resource, the answer depends on the
	// trust policy only: the roles trusting anyone or the account root are
	// answered once per distinct trust document, as a class shared with
	// every principal that gets the same answers (reach.go). Roles naming
	// the principal itself are its own.
	indep := a.independentOf(s)
	acct := policy.AccountOf(p.ARN)
	sp := &assumeSplit{}
	var x *docIndex
	scoped := false
	if indep {
		x = a.sharedDocs(acct)
	} else if ms, key, ok := a.scopedOf(s); ok {
		if d := a.sparseDocs(acct, ms, key); d != nil {
			sp.class = a.splitClassOf(s, d.base, func() *assumeClass { return a.sparseClass(s, d) })
			scoped = true
		} else {
			x = a.scopedDocs(acct, ms, key)
		}
	}
	switch {
	case scoped:
	case x != nil:
		sp.class = a.splitClassOf(s, x, func() *assumeClass {
			verdicts := make([]byte, len(x.byDoc))
			assume := a.assumer(s, len(x.byDoc))
			for i, rs := range x.byDoc {
				verdicts[i] = assume(rs[0])
			}
			return a.classFor(x, verdicts)
		})
	default: // role by role
		cands = append(cands, a.trustAnyone...)
		if acct != "" && a.allowedOnSome(s, ActAssumeRole) {
			// A trust naming the account root needs the identity allow too:
			// only the roles the identity policies name are candidates.
			keep := a.targetFilter(p, "sts:AssumeRole", a.rolesByARN)
			for _, r := range a.byTrustAccount[acct] {
				if keep == nil || keep[r] {
					cands = append(cands, r)
				}
			}
		}
	}
	var memo map[string]policy.Result
	if indep {
		memo = map[string]policy.Result{}
	}
	seen := map[*Principal]bool{}
	for _, r := range cands {
		if r == p || seen[r] || a.trusts[r] == nil {
			continue
		}
		seen[r] = true
		var res policy.Result
		if memo != nil {
			// Indexing with string(bytes) directly does not allocate; the
			// key is copied only when a new trust document is stored.
			var ok bool
			if res, ok = memo[string(r.Role.TrustPolicy)]; !ok {
				res = a.assumeResult(s, r)
				memo[string(r.Role.TrustPolicy)] = res
			}
		} else {
			res = a.assumeResult(s, r)
		}
		if a.allowed(res) {
			sp.own = append(sp.own, Assumption{Role: r, Conditional: res.Decision == policy.ConditionallyAllowed})
		}
	}
	slices.SortFunc(sp.own, func(x, y Assumption) int { return strings.Compare(x.Role.ARN, y.Role.ARN) })
	return sp
}

// roleIndependent reports whether every statement of the set that covers
// action applies to all resources alike (Resource "*" or none).
func roleIndependent(set *policy.Set, action string) bool {
	layers := append([][]*policy.Policy{set.Identity, set.Boundary}, set.SCPs...)
	for _, l := range layers {
		for _, pol := range l {
			for _, st := range pol.Doc.Statements {
				if !coversAction(st, action) {
					continue
				}
				if st.NotResource != nil {
					return false
				}
				for _, r := range st.Resource {
					if r != "*" {
						return false
					}
				}
			}
		}
	}
	return true
}

// assumeResult evaluates sts:AssumeRole on role r for the principal, with
// the role's trust policy as the resource policy, which must admit the
// principal (an identity-policy allow alone assumes nothing).
func (a *Analysis) assumeResult(s *pstate, r *Principal) policy.Result {
	set := &policy.Set{Identity: s.p.Set.Identity, Boundary: s.p.Set.Boundary, SCPs: s.p.Set.SCPs,
		Resource: []*policy.Policy{a.trusts[r]}, ResourceRequired: true}
	return a.eval(s, set, "sts:AssumeRole", r.ARN, "")
}

// assumer returns the verdict of assumeResult for s (0: refused, 1:
// allowed, 2: allowed under conditions), for n roles to come: past a few,
// through the principal's set prepared once (policy.Prepared), each trust
// policy evaluated as it is, no result built (Prepared.VerdictWith).
func (a *Analysis) assumer(s *pstate, n int) func(r *Principal) byte {
	prepared := a.assumePrepared(s, n)
	if prepared == nil {
		return func(r *Principal) byte { return a.verdictOf(a.assumeResult(s, r)) }
	}
	return func(r *Principal) byte {
		return verdictByte(prepared.VerdictWith(assumeIndex, r.ARN, []*policy.Policy{a.trusts[r]}, true, a.matchSatisfiable))
	}
}

// assumePrepared is the prepared set assumer evaluates n roles through, or
// nil when they are evaluated as they are. The split is mostly computed
// inside the principal's own escalation search, which lends its prepared
// set (pstate.lent): preparing it a second time was a sixth of the
// analysis's garbage.
func (a *Analysis) assumePrepared(s *pstate, n int) *policy.Prepared {
	if s.p.Set.Resource != nil {
		return nil
	}
	if prepared := s.lent.Load(); prepared != nil {
		return prepared
	}
	if n < preparedAfter {
		return nil
	}
	return a.preparedFor(s, s.p.Set)
}

// verdictByte is a verdict as assumer gives it.
func verdictByte(allowed, conditional bool) byte {
	switch {
	case !allowed:
		return 0
	case conditional:
		return 2
	}
	return 1
}

// verdictOf is assumer's verdict of a result.
func (a *Analysis) verdictOf(res policy.Result) byte {
	return verdictByte(a.allowed(res), res.Decision == policy.ConditionallyAllowed)
}

// assumeResultOwn is assumeResult inside findAll, through the prepared
// set (escalate.go); the result is transient (its matches in the search's
// scratch): assumeGrantVia reads it at once for the grant.
func (a *Analysis) assumeResultOwn(s *pstate, r *Principal) policy.Result {
	if s.p.Set.Resource != nil {
		return a.assumeResult(s, r)
	}
	return a.preparedState(s).EvaluateWithTransient(assumeIndex, r.ARN, []*policy.Policy{a.trusts[r]}, true, a.scratchOf(s))
}

// assumeIndex is sts:AssumeRole's place among powerActions (the methods'
// OnAssume step): every test run starts by checking it is there.
var assumeIndex = func() int {
	i, ok := powerIndex[ActAssumeRole]
	if !ok {
		panic("access: sts:AssumeRole is not among powerActions")
	}
	return i
}()

// assumeGrant is assumeResult as a Grant naming the statements.
func (a *Analysis) assumeGrant(s *pstate, r *Principal) (Grant, bool) {
	return a.assumeGrantVia(s, r, a.assumeResult)
}

// assumeGrantOwn is assumeGrant inside findAll (assumeResultOwn), kept
// per role while it runs: sts-001 and iam-016 ask it of the same roles.
// In a search class the answers are handed on to the next member only for
// roles whose trust admits every member alike (trustNeutral). Only the
// goroutine running findAll for s calls it.
func (a *Analysis) assumeGrantOwn(s *pstate, r *Principal) (Grant, bool) {
	if ans, ok := s.assumeGrants[r]; ok {
		return ans.grant, ans.ok
	}
	g, ok := a.assumeGrantVia(s, r, a.assumeResultOwn)
	if r != nil && (a.searchClassOf(s) == nil || a.trustNeutral(r)) {
		if s.assumeGrants == nil {
			s.assumeGrants = map[*Principal]assumeAnswer{}
		}
		s.assumeGrants[r] = assumeAnswer{g, ok}
	}
	return g, ok
}

// assumeAnswer is an assumeGrantOwn answer.
type assumeAnswer struct {
	grant Grant
	ok    bool
}

func (a *Analysis) assumeGrantVia(s *pstate, r *Principal, assume func(*pstate, *Principal) policy.Result) (Grant, bool) {
	if r == nil || a.trusts[r] == nil {
		return Grant{}, false
	}
	res := assume(s, r)
	if !a.allowed(res) {
		return Grant{}, false
	}
	return a.grant(s.p, res, "sts:AssumeRole", r.ARN, a.trusts[r]), true
}

// AssumeGrant explains an assumption: the statements that allow it.
func (a *Analysis) AssumeGrant(p *Principal, as Assumption) Grant {
	g, _ := a.assumeGrant(a.state(p), as.Role)
	return g
}

// Hop is one step of a chain: From becomes To by Via (a method ID, or
// "sts:AssumeRole").
type Hop struct {
	From string `json:"from"`
	To   string `json:"to"` // a principal ARN, or AdminNode
	Via  string `json:"via"`
	// Conditional: the hop holds only under conditions.
	Conditional bool `json:"conditional,omitempty"`
}

// AdminNode stands for "administrator" at the end of a chain whose last hop
// lets the principal grant itself anything (no admin principal needed).
const AdminNode = "administrator"

// Chain is a path from a principal to administrator access. End is the
// admin principal reached (or AdminNode).
type Chain struct {
	Start string `json:"start"`
	End   string `json:"end"`
	Hops  []Hop  `json:"hops"`
	// Omitted counts the hops left out between the last of Hops and End
	// (a chain lists at most maxChainHops).
	Omitted int `json:"omitted_hops,omitempty"`
}

// String renders the chain, e.g.
// "user/alice -[sts:AssumeRole]-> role/deploy -[iam-009]-> administrator".
func (c Chain) String() string {
	var b strings.Builder
	b.WriteString(shortARN(c.Start))
	for _, h := range c.Hops {
		b.WriteString(" -[" + h.Via)
		if h.Conditional {
			b.WriteString(", conditional")
		}
		b.WriteString("]-> " + shortARN(h.To))
	}
	if c.Omitted > 0 {
		b.WriteString(" -[" + strconv.Itoa(c.Omitted) + " more hops]-> " + shortARN(c.End))
	}
	return b.String()
}

// shortARN keeps the resource part of an IAM ARN ("user/alice").
func shortARN(arn string) string {
	if arn == AdminNode {
		return arn
	}
	if i := strings.LastIndexByte(arn, ':'); i >= 0 && strings.HasPrefix(arn, "arn:") {
		return arn[i+1:]
	}
	return arn
}

type edge struct {
	to          *Principal // nil: AdminNode
	via         string
	conditional bool
	// group: an edge to AdminNode by joining a group (iam-013) runs through
	// the group, then the method its membership enables (grouphop.go).
	group *groupVia
}

type groupVia struct{ arn, then string }

// hops renders an edge from p as chain hops: one, or two for a group hop
// ("-[iam-013]-> group/ops -[iam-008]-> administrator").
func (e edge) hops(from string) []Hop {
	to := AdminNode
	if e.to != nil {
		to = e.to.ARN
	}
	if e.group == nil {
		return []Hop{{From: from, To: to, Via: e.via, Conditional: e.conditional}}
	}
	return []Hop{{From: from, To: e.group.arn, Via: e.via, Conditional: e.conditional}, {From: e.group.arn, To: to, Via: e.group.then}}
}

// edges are the ways a principal becomes another principal (or admin):
// roles it can assume, and usable methods whose target is a user or role
// (or that grant the principal anything). The roles of its shared
// assumeClass are left to the graph (reach.go), as one edge to the class.
func (a *Analysis) edges(p *Principal) []edge {
	own, fs := a.split(p).own, a.Escalations(p)
	out := make([]edge, 0, len(own)+len(fs))
	for _, as := range own {
		if as.Role != p {
			out = append(out, edge{to: as.Role, via: "sts:AssumeRole", conditional: as.Conditional})
		}
	}
	for _, f := range fs {
		if f.Method.ID == "sts-001" {
			continue // already an assume edge
		}
		e := edge{via: f.Method.ID, conditional: f.Conditional()}
		var target *Principal
		if f.kind == targetRole || f.kind == targetUser {
			target = a.Model.Principal(f.TargetARN)
		}
		switch {
		case target != nil && target != p && (a.IsAdmin(target) || !f.ToAdmin):
			// Becomes the target: an administrator, or a step on the way.
			e.to = target
		case f.ToAdmin:
			// The principal (or its target, once rewritten) can be made
			// administrator: the chain ends here.
			if f.kind == targetGroup && f.then != thenNone {
				e.group = &groupVia{f.TargetARN, f.Then()}
			}
		default:
			continue
		}
		out = append(out, e)
	}
	return out
}

// AdminChains returns, for every user and role that is not administrator
// but can become one, its shortest chains to administrator (at most three,
// with different first hops), keyed by principal ARN. A chain's hops are
// role assumptions and escalation methods; it ends at an administrator
// principal or at AdminNode. This is what principal-admin-access uses to
// report admin reach that is not in the principal's own policies.
func (a *Analysis) AdminChains() map[string][]Chain {
	a.chainsOnce.Do(a.computeChains)
	return a.chains
}

// AdminChains analyses the model at time now and returns its chains (see
// Analysis.AdminChains).
func AdminChains(m *Model, now time.Time) map[string][]Chain {
	return Analyze(m, now).AdminChains()
}

func (a *Analysis) computeChains() {
	actors := a.actors()
	a.precompute(actors)
	a.chains = map[string][]Chain{}
	if a.cancelled() {
		return
	}
	g := a.newGraph(actors, false)
	for _, p := range actors {
		if g.dist[p] == 0 {
			continue // administrator already, or no way there
		}
		if cs := g.chains(p, 3); len(cs) > 0 {
			a.chains[p.ARN] = cs
		}
	}
}

// actors are the users and the roles that are not service-linked.
func (a *Analysis) actors() []*Principal {
	var actors []*Principal
	for _, p := range a.Model.Principals {
		if p.Kind == KindUser || (p.Kind == KindRole && !p.Role.ServiceLinked()) {
			actors = append(actors, p)
		}
	}
	return actors
}

// AssumeChain returns the shortest chain by which the principal reaches
// an administrator role through unconditional sts:AssumeRole alone, if
// any. The distances of every principal are computed once per analysis.
func (a *Analysis) AssumeChain(p *Principal) (Chain, bool) {
	if p.Kind == KindGroup {
		return Chain{}, false
	}
	a.assumeGraphOnce.Do(func() { a.assumeGraph = a.newGraph(a.actors(), true) })
	cs := a.assumeGraph.chains(p, 1)
	if len(cs) == 0 {
		return Chain{}, false
	}
	return cs[0], true
}

// sortEdges orders edges deterministically: unconditional first, then
// AdminNode before principals, then by target ARN and method.
//
// The edges stay in place while their positions are sorted (ties by
// position, as a stable sort keeps them), then they are put in that order
// once: a stable sort of the edges themselves moved each one, pointers and
// all, a dozen times, and was a tenth of the chains' time.
func (a *Analysis) sortEdges(es []edge) []edge {
	if len(es) < 2 {
		return es
	}
	w := edgeSortPool.Get().(*edgeSort)
	defer edgeSortPool.Put(w)
	if !a.edgeKeys(w, es) {
		w.order = w.order[:0]
		for i := range es {
			w.order = append(w.order, uint32(i))
		}
		slices.SortFunc(w.order, func(i, j uint32) int {
			if c := a.compareEdges(es[i], es[j]); c != 0 {
				return c
			}
			return cmp.Compare(i, j)
		})
	} else {
		slices.SortFunc(w.keys, func(x, y edgeKey) int {
			if x.k != y.k {
				return cmp.Compare(x.k, y.k)
			}
			if c := strings.Compare(es[x.i].via, es[y.i].via); c != 0 {
				return c
			}
			return cmp.Compare(x.i, y.i)
		})
		w.order = w.order[:0]
		for _, k := range w.keys {
			w.order = append(w.order, k.i)
		}
	}
	w.sorted = w.sorted[:0]
	for _, i := range w.order {
		w.sorted = append(w.sorted, es[i])
	}
	copy(es, w.sorted)
	clear(w.sorted) // no edge kept alive by the pool
	return es
}

// edgeSort is sortEdges's work area, recycled between actors.
type edgeSort struct {
	order  []uint32
	keys   []edgeKey
	sorted []edge
}

// edgeKey is an edge's place in compareEdges's order up to its via: the
// unconditional first, then the edge to AdminNode, then the target's
// place in ARN order; i is the edge's position.
type edgeKey struct {
	k uint64
	i uint32
}

// edgeKeys fills w.keys for es, false when some target is not of the
// model (compareEdges then compares its ARN).
func (a *Analysis) edgeKeys(w *edgeSort, es []edge) bool {
	order := a.arnOrder()
	w.keys = w.keys[:0]
	for i, e := range es {
		var k uint64
		if e.conditional {
			k |= 1 << 63
		}
		if e.to != nil {
			pos, ok := a.position(e.to)
			if !ok {
				return false
			}
			k |= 1<<62 | uint64(order[pos])
		}
		w.keys = append(w.keys, edgeKey{k, uint32(i)})
	}
	return true
}

var edgeSortPool = sync.Pool{New: func() any { return new(edgeSort) }}

// compareEdges is sortEdges's order. Targets of the model compare by their
// place in ARN order (arnOrder): a principal has a hundred edges, and their
// ARNs share all but their last few characters.
func (a *Analysis) compareEdges(x, y edge) int {
	if x.conditional != y.conditional {
		if x.conditional {
			return 1
		}
		return -1
	}
	if (x.to == nil) != (y.to == nil) {
		if x.to == nil {
			return -1
		}
		return 1
	}
	if x.to != nil {
		if c := a.compareARNs(x.to, y.to); c != 0 {
			return c
		}
	}
	return strings.Compare(x.via, y.via)
}

// compareARNs compares two principals' ARNs.
func (a *Analysis) compareARNs(p, q *Principal) int {
	i, iok := a.position(p)
	j, jok := a.position(q)
	if !iok || !jok {
		return strings.Compare(p.ARN, q.ARN)
	}
	order := a.arnOrder()
	return cmp.Compare(order[i], order[j])
}

// arnOrder is each model principal's place in ARN order, by position
// (equal ARNs share a place), computed once.
func (a *Analysis) arnOrder() []uint32 {
	a.arnOrderOnce.Do(func() {
		ps := a.Model.Principals
		byARN := make([]int, len(ps))
		for i := range byARN {
			byARN[i] = i
		}
		slices.SortFunc(byARN, func(i, j int) int { return strings.Compare(ps[i].ARN, ps[j].ARN) })
		a.arnPlaces = make([]uint32, len(ps))
		for n := 1; n < len(byARN); n++ {
			i, prev := byARN[n], byARN[n-1]
			a.arnPlaces[i] = a.arnPlaces[prev]
			if ps[i].ARN != ps[prev].ARN {
				a.arnPlaces[i]++
			}
		}
	})
	return a.arnPlaces
}

// precompute finds the escalations of every actor on all CPUs (each
// principal's results are cached behind its own sync.Once, so workers never
// compute one twice).
func (a *Analysis) precompute(actors []*Principal) {
	// Every user's and role's power first, on every CPU: the escalation
	// methods compare each principal with the candidate targets by power
	// class (outrank.go), and a list's classes found by one goroutine would
	// compute the powers one by one.
	targets := append(slices.Clip(a.users), a.roles...)
	parallel.For(len(targets), 16, a.cancelled, func(i int) { a.power(targets[i]) })
	// A class's members one after the other (findclass.go).
	work := a.searchOrder(actors)
	parallel.For(len(work), 1, a.cancelled, func(i int) {
		if c := a.searchClasses[work[i][0]]; c != nil {
			c.begin()
			defer c.end()
		}
		for _, p := range work[i] {
			if a.cancelled() {
				return
			}
			a.Escalations(p)
		}
	})
}
