package access

import (
	"slices"
	"strings"
	"sync"

	"github.com/iamspect/iamspect/internal/parallel"
)

// Roles that trust "*" (anyone) are the shape that makes role assumption
// quadratic: every principal can assume every one of them. The analysis
// does not give every principal its own list of those roles. For a
// principal whose sts:AssumeRole statements apply to every resource alike,
// the answer for such a role depends only on the role's trust document, so
// the principal's verdict on each distinct trust document (allowed,
// conditional, denied) decides the whole set. Principals with the same
// verdicts share one assumeClass: one sorted list of roles, one
// administrators-first ordering, one node of the reachability graph.

// assumeClass is a set of trust-anyone roles that some principals can all
// assume.
type assumeClass struct {
	roles []Assumption // sorted by ARN
	ps    []*Principal // the roles alone, same order
	cond  map[*Principal]bool

	// member has a bit per model position (Principal.index) of the roles,
	// built on the first contains: a principal allowed to rewrite the trust
	// of every role asks about each one.
	memberOnce sync.Once
	member     []uint64
}

// contains reports whether r is one of the class's roles; decided is false
// for a principal that is not at its position in model (the caller
// searches the list then).
func (c *assumeClass) contains(model []*Principal, r *Principal) (in, decided bool) {
	if r.index <= 0 || r.index > len(model) || model[r.index-1] != r {
		return false, false
	}
	c.memberOnce.Do(func() {
		n := 0
		for _, q := range c.ps {
			n = max(n, q.index)
		}
		c.member = make([]uint64, (n+64)/64)
		for _, q := range c.ps {
			if q.index > 0 {
				c.member[q.index/64] |= 1 << (q.index % 64)
			}
		}
	})
	if w := r.index / 64; w < len(c.member) {
		return c.member[w]&(1<<(r.index%64)) != 0, true
	}
	return false, true
}

// anyoneIndex groups, per account of the assuming principal, the roles
// that trust anyone or that account's root by trust document.
type anyoneIndex struct {
	mu     sync.Mutex
	byAcct map[string]*docIndex
	scoped map[string]*docIndex    // by account and scopedStatements key
	sparse map[string]*sparseIndex // the same, for Resource patterns only
	order  map[string]*baseOrder   // by account
}

type docIndex struct {
	byDoc   [][]*Principal // roles per distinct trust document, each sorted by ARN
	classes map[string]*assumeClass
}

// assumeSplit is what a principal can assume: its own candidates (roles
// naming it or its account, and trust-anyone roles when its policies name
// particular roles) and a shared class of trust-anyone roles.
type assumeSplit struct {
	own   []Assumption // sorted by ARN
	class *assumeClass // may be nil

	adminOnce sync.Once
	ownAdmin  []Assumption // own, administrators first (eachAssumable)
}

// ownAdminFirst returns own with the administrators first, then by ARN,
// sorted once.
func (sp *assumeSplit) ownAdminFirst(a *Analysis) []Assumption {
	sp.adminOnce.Do(func() {
		sp.ownAdmin = slices.Clone(sp.own)
		slices.SortStableFunc(sp.ownAdmin, func(x, y Assumption) int { return a.adminRank(x.Role) - a.adminRank(y.Role) })
	})
	return sp.ownAdmin
}

// sharedDocs returns the roles a principal of account acct may be able to
// assume on the strength of their trust document alone (given identity
// policies that apply to every role alike): those trusting anyone and
// those trusting the account root, grouped by trust document.
func (a *Analysis) sharedDocs(acct string) *docIndex {
	a.anyone.mu.Lock()
	defer a.anyone.mu.Unlock()
	return a.sharedDocsLocked(acct)
}

func (a *Analysis) sharedDocsLocked(acct string) *docIndex {
	x := &a.anyone
	if x.byAcct == nil {
		x.byAcct = map[string]*docIndex{}
	}
	if d, ok := x.byAcct[acct]; ok {
		return d
	}
	d := &docIndex{classes: map[string]*assumeClass{}}
	idx := map[string]int{}
	seen := map[*Principal]bool{}
	for _, r := range append(append([]*Principal{}, a.trustAnyone...), a.byTrustAccount[acct]...) {
		if a.trusts[r] == nil || seen[r] {
			continue
		}
		seen[r] = true
		k := string(r.Role.TrustPolicy)
		i, ok := idx[k]
		if !ok {
			i = len(d.byDoc)
			idx[k] = i
			d.byDoc = append(d.byDoc, nil)
		}
		d.byDoc[i] = append(d.byDoc[i], r)
	}
	for _, rs := range d.byDoc {
		slices.SortFunc(rs, func(p, q *Principal) int { return strings.Compare(p.ARN, q.ARN) })
	}
	x.byAcct[acct] = d
	return d
}

// classFor interns the class of trust-anyone roles with these verdicts
// (one byte per trust document: 0 denied, 1 allowed, 2 conditional).
func (a *Analysis) classFor(x *docIndex, verdicts []byte) *assumeClass {
	a.anyone.mu.Lock()
	defer a.anyone.mu.Unlock()
	if c, ok := x.classes[string(verdicts)]; ok {
		return c
	}
	var roles []Assumption
	for i, v := range verdicts {
		for _, r := range x.byDoc[i] {
			if v != 0 {
				roles = append(roles, Assumption{Role: r, Conditional: v == 2})
			}
		}
	}
	c := newClass(roles)
	x.classes[string(verdicts)] = c
	return c
}

// newClass makes the class of these roles (nil when there are none),
// sorting them by ARN.
func newClass(roles []Assumption) *assumeClass {
	if len(roles) == 0 {
		return nil
	}
	c := &assumeClass{roles: roles} // cond only when some role is conditional: most classes have none
	slices.SortFunc(c.roles, func(p, q Assumption) int { return strings.Compare(p.Role.ARN, q.Role.ARN) })
	c.ps = make([]*Principal, len(c.roles))
	for i, as := range c.roles {
		c.ps[i] = as.Role
		if as.Conditional {
			if c.cond == nil {
				c.cond = map[*Principal]bool{}
			}
			c.cond[as.Role] = true
		}
	}
	return c
}

// split returns what the principal can assume, computed once.
func (a *Analysis) split(p *Principal) *assumeSplit {
	if p.Kind == KindGroup {
		return &assumeSplit{}
	}
	s := a.state(p)
	s.assumeOnce.Do(func() { s.split = a.computeSplit(s) })
	return s.split
}

// eachAssumable calls fn with the roles p can assume, administrators first
// (then by ARN), until fn returns false. p itself is left out.
func (a *Analysis) eachAssumable(p *Principal, fn func(Assumption) bool) {
	sp := a.split(p)
	own := sp.ownAdminFirst(a)
	var shared []*Principal
	if sp.class != nil {
		shared = a.adminFirst(sp.class.ps)
	}
	seen := map[*Principal]bool{}
	i, j := 0, 0
	for i < len(own) || j < len(shared) {
		var as Assumption
		if j >= len(shared) || (i < len(own) && lessAdminFirst(a, own[i].Role, shared[j])) {
			as = own[i]
			i++
		} else {
			r := shared[j]
			as = Assumption{Role: r, Conditional: sp.class.cond[r]}
			j++
		}
		if as.Role == p || seen[as.Role] {
			continue
		}
		if len(own) > 0 {
			seen[as.Role] = true
		}
		if !fn(as) {
			return
		}
	}
}

func lessAdminFirst(a *Analysis, x, y *Principal) bool { return a.compareAdminFirst(x, y) < 0 }

// compareAdminFirst is the order assumable roles are walked in:
// administrators first, then by ARN.
func (a *Analysis) compareAdminFirst(x, y *Principal) int {
	if rx, ry := a.adminRank(x), a.adminRank(y); rx != ry {
		return rx - ry
	}
	return strings.Compare(x.ARN, y.ARN)
}

// maxChainHops caps the hops a Chain lists: a chain through thousands of
// roles is reported by its first hops, the number left out, and its end.
const maxChainHops = 8

// graph is the reachability of administrator over the actors: distances
// by one breadth-first search from every administrator (and AdminNode)
// over the reversed edges, where a principal's shared assumeClass is one
// node of weight 0 (so the roles that trust anyone add one edge per role,
// not one per principal and role). Its memos and scratch list make it one
// goroutine's at a time.
type graph struct {
	a          *Analysis
	assumeOnly bool // unconditional sts:AssumeRole edges only
	sink       *Principal
	fwd        map[*Principal][]edge
	class      map[*Principal]*assumeClass
	dist       map[*Principal]int
	cdist      map[*assumeClass]int
	best       map[*assumeClass][]edge // class roles at the class's distance, best first
	step       map[*Principal]edge     // memo: the first hop of the best chain
	hops       []edge                  // firstHops's list, reused
	end        map[*Principal]*Principal
}

func (a *Analysis) newGraph(actors []*Principal, assumeOnly bool) *graph {
	g := &graph{a: a, assumeOnly: assumeOnly, sink: &Principal{ARN: AdminNode},
		fwd: map[*Principal][]edge{}, class: map[*Principal]*assumeClass{}, dist: map[*Principal]int{},
		cdist: map[*assumeClass]int{}, best: map[*assumeClass][]edge{}, step: map[*Principal]edge{}, end: map[*Principal]*Principal{}}
	rev := map[*Principal][]*Principal{}
	members := map[*assumeClass][]*Principal{}
	var level []*Principal
	if !assumeOnly {
		g.dist[g.sink] = 0
		level = append(level, g.sink)
	}
	// Each actor's edges, sorted, on every CPU: the graph is then put
	// together in order.
	edgesOf := make([][]edge, len(actors))
	parallel.For(len(actors), 64, a.cancelled, func(i int) {
		p := actors[i]
		if !assumeOnly && a.IsAdmin(p) {
			return
		}
		var es []edge
		if assumeOnly {
			for _, as := range a.split(p).own {
				if !as.Conditional && as.Role != p {
					es = append(es, edge{to: as.Role, via: "sts:AssumeRole"})
				}
			}
		} else {
			es = a.edges(p)
		}
		edgesOf[i] = a.sortEdges(es)
	})
	for i, p := range actors {
		admin := a.IsAdmin(p)
		if admin && (!assumeOnly || p.Kind == KindRole) {
			g.dist[p] = 0
			level = append(level, p)
			if !assumeOnly {
				continue
			}
		}
		es := edgesOf[i]
		g.fwd[p] = es
		for _, e := range es {
			to := e.to
			if to == nil {
				to = g.sink
			}
			rev[to] = append(rev[to], p)
		}
		if c := a.split(p).class; c != nil {
			g.class[p] = c
			members[c] = append(members[c], p)
		}
	}
	roleIn := map[*Principal][]*assumeClass{}
	for c := range members {
		for _, as := range c.roles {
			if !assumeOnly || !as.Conditional {
				roleIn[as.Role] = append(roleIn[as.Role], c)
			}
		}
	}
	for d := 0; len(level) > 0; d++ {
		var next []*Principal
		reach := func(from *Principal) {
			if _, ok := g.dist[from]; !ok {
				g.dist[from] = d + 1
				next = append(next, from)
			}
		}
		for _, n := range level {
			for _, from := range rev[n] {
				reach(from)
			}
			for _, c := range roleIn[n] {
				if _, ok := g.cdist[c]; !ok {
					g.cdist[c] = d
					for _, from := range members[c] {
						reach(from)
					}
				}
			}
		}
		level = next
	}
	for c, d := range g.cdist {
		var unc, cond []edge
		for _, as := range c.roles {
			if g.dist[as.Role] != d || (as.Conditional && (assumeOnly || len(cond) > 3)) || (!as.Conditional && len(unc) > 3) {
				continue
			}
			if dd, ok := g.dist[as.Role]; !ok || dd != d {
				continue
			}
			e := edge{to: as.Role, via: "sts:AssumeRole", conditional: as.Conditional}
			if as.Conditional {
				cond = append(cond, e)
			} else {
				unc = append(unc, e)
			}
		}
		g.best[c] = append(unc, cond...)
	}
	return g
}

// distOf is the distance of an edge's target (AdminNode is 0).
func (g *graph) distOf(e edge) (int, bool) {
	if e.to == nil {
		return 0, !g.assumeOnly
	}
	d, ok := g.dist[e.to]
	return d, ok
}

// firstHops are p's edges to the nearest neighbours, best first. The list
// is the graph's scratch space: it is good until the next call.
func (g *graph) firstHops(p *Principal) []edge {
	m := g.nearest(p)
	if m < 0 {
		return nil
	}
	out := g.hops[:0]
	g.eachCandidate(p, func(e edge) {
		if d, ok := g.distOf(e); ok && d == m {
			out = append(out, e)
		}
	})
	g.hops = out
	return g.a.sortEdges(out)
}

// eachCandidate calls fn with p's own edges and its class's best ones (not
// to p itself): walked rather than gathered, as most are not kept.
func (g *graph) eachCandidate(p *Principal, fn func(edge)) {
	for _, e := range g.fwd[p] {
		fn(e)
	}
	if c := g.class[p]; c != nil {
		for _, e := range g.best[c] {
			if e.to != p {
				fn(e)
			}
		}
	}
}

// nearest is the distance of p's nearest neighbour on the way to an
// administrator, -1 when there is none.
func (g *graph) nearest(p *Principal) int {
	m := -1
	g.eachCandidate(p, func(e edge) {
		if d, ok := g.distOf(e); ok && (m < 0 || d < m) {
			m = d
		}
	})
	return m
}

// next is the first hop of n's best chain, the first of firstHops(n) found
// without gathering them (memoised).
func (g *graph) next(n *Principal) (edge, bool) {
	if e, ok := g.step[n]; ok {
		return e, true
	}
	m := g.nearest(n)
	if m < 0 {
		return edge{}, false
	}
	var best edge
	found := false
	g.eachCandidate(n, func(e edge) {
		if d, ok := g.distOf(e); ok && d == m && (!found || g.a.compareEdges(e, best) < 0) {
			best, found = e, true
		}
	})
	g.step[n] = best
	return best, true
}

// endOf is the administrator (or AdminNode) n's best chain ends at.
func (g *graph) endOf(n *Principal) string {
	var path []*Principal
	cur := n
	for {
		if e, ok := g.end[cur]; ok {
			cur = e
			break
		}
		if g.dist[cur] == 0 {
			break
		}
		e, ok := g.next(cur)
		if !ok {
			break
		}
		path = append(path, cur)
		if e.to == nil {
			cur = g.sink
			break
		}
		cur = e.to
	}
	for _, p := range path {
		g.end[p] = cur
	}
	return cur.ARN
}

// chains returns up to max shortest chains from p with different first
// hops (none if p cannot reach an administrator).
func (g *graph) chains(p *Principal, max int) []Chain {
	if _, ok := g.dist[p]; !ok {
		return nil
	}
	var out []Chain
	for _, e := range g.firstHops(p) {
		if len(out) == max {
			break
		}
		first := e.hops(p.ARN)
		if slices.ContainsFunc(out, func(c Chain) bool { return c.Hops[0].To == first[0].To }) {
			continue
		}
		c := Chain{Start: p.ARN, Hops: first}
		n := e.to
		for n != nil && g.dist[n] > 0 {
			if len(c.Hops) >= maxChainHops && g.dist[n] > 1 {
				c.Omitted = g.dist[n]
				c.End = g.endOf(n)
				break
			}
			ne, ok := g.next(n)
			if !ok {
				break
			}
			c.Hops = append(c.Hops, ne.hops(n.ARN)...)
			n = ne.to
		}
		if c.End == "" {
			c.End = c.Hops[len(c.Hops)-1].To
		}
		out = append(out, c)
	}
	return out
}

// cancelled reports whether the analysis's context is done.
func (a *Analysis) cancelled() bool { return a.Ctx != nil && a.Ctx.Err() != nil }
