package access

// Search classes: principals whose own policies answer every question
// alike share findAll's memos.
//
// Users are mostly made alike: ten thousand users in an account often fall
// into a few hundred combinations of groups, each user holding exactly its
// groups' policies. Whether such a user may take an action on a resource
// is then the same for every user of the combination, unless a policy
// depends on which user asks (a policy variable, a condition on
// aws:PrincipalArn or aws:username, a Principal element) or the users'
// tags differ. Each user's search still runs on its own (its own ARN, the
// roles whose trust policies admit it, its place among the targets), but
// the answers about its own set — on "some resource", on each target, the
// statements named in grants — are computed by the first user of the
// combination and looked up by the others, the grants shared.

import (
	"encoding/binary"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/iamspect/iamspect/internal/parallel"
	"github.com/iamspect/iamspect/internal/policy"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// searchClass is the memos shared by the principals of one class. Its
// members search one at a time (mu), the memos handed from one to the
// next; the last one done drops them. A search outside precompute's loop
// over the class (another rule asking for one member early) keeps them
// only while fewer than maxLentMemos classes hold memos that way: the
// memos of every class some member of which was asked for would
// otherwise stay until precompute reaches it.
type searchClass struct {
	a       *Analysis
	mu      sync.Mutex
	memo    searching // only the shareable memos (share)
	left    int       // members whose search has not run yet
	working int       // loops over the members under way (begin, end)
	counted bool      // memo kept outside a loop, counted in Analysis.heldMemos

	// scoped is scopedStatements of the members' set (alike for all),
	// and indep roleIndependent's answer for sts:AssumeRole, computed once
	// (scopedOf, independentOf).
	scopedOnce sync.Once
	scoped     scopedAnswer
	indepOnce  sync.Once
	indep      bool

	// power is powerOf's bitset for the members (powerOfClass); plans
	// the members' empowerPlan per target kind and action.
	powerOnce sync.Once
	power     []uint64
	plans     sync.Map // empowerPlanKey -> *empowerPlan

	// splits: the shared role class of the members' splits, by document
	// index, when every trust document of the index admits the members
	// alike (splitClassOf).
	splitMu sync.Mutex
	splits  map[*docIndex]*assumeClass
}

// independentOf is roleIndependent(s.p.Set, sts:AssumeRole), once per
// class.
func (a *Analysis) independentOf(s *pstate) bool {
	c := a.searchClassOf(s)
	if c == nil {
		return roleIndependent(s.p.Set, ActAssumeRole)
	}
	c.indepOnce.Do(func() { c.indep = roleIndependent(s.p.Set, ActAssumeRole) })
	return c.indep
}

// powerOfClass is computePower of s's own set, once per class.
func (a *Analysis) powerOfClass(s *pstate) []uint64 {
	c := a.searchClassOf(s)
	if c == nil {
		return a.computePower(s, s.p.Set)
	}
	c.powerOnce.Do(func() { c.power = a.computePower(s, s.p.Set) })
	return c.power
}

// splitClassOf is compute's answer (the shared role class of s's split
// over the roles of x's trust documents), once per search class when every
// one of those documents admits the members alike: the verdicts then
// depend on the members' set alone.
func (a *Analysis) splitClassOf(s *pstate, x *docIndex, compute func() *assumeClass) *assumeClass {
	c := a.searchClassOf(s)
	if c == nil || !a.docsNeutral(x) {
		return compute()
	}
	c.splitMu.Lock()
	defer c.splitMu.Unlock()
	if cl, ok := c.splits[x]; ok {
		return cl
	}
	cl := compute()
	if c.splits == nil {
		c.splits = map[*docIndex]*assumeClass{}
	}
	c.splits[x] = cl
	return cl
}

// docsNeutral: every trust document of x admits a class's members alike
// (trustNeutral), answered once per index.
func (a *Analysis) docsNeutral(x *docIndex) bool {
	if v, ok := a.neutralDocs.Load(x); ok {
		return v.(bool)
	}
	v := !slices.ContainsFunc(x.byDoc, func(rs []*Principal) bool { return !a.trustNeutral(rs[0]) })
	a.neutralDocs.Store(x, v)
	return v
}

// scopedAnswer is what scopedStatements returns.
type scopedAnswer struct {
	ms  []resourceMatch
	key string
	ok  bool
}

// scopedOf is scopedStatements of the principal's set, once per class.
func (a *Analysis) scopedOf(s *pstate) ([]resourceMatch, string, bool) {
	c := a.searchClassOf(s)
	if c == nil {
		return scopedStatements(s.p.Set)
	}
	c.scopedOnce.Do(func() {
		ms, key, ok := scopedStatements(s.p.Set)
		c.scoped = scopedAnswer{ms, key, ok}
	})
	return c.scoped.ms, c.scoped.key, c.scoped.ok
}

// share keeps the memos of s that depend only on the principal's own set
// answering questions alike for every member: not its prepared sets
// (the trust policies a prepared set also evaluates name the principal),
// nor the group hops (a group's policies may depend on who joins).
func share(s *searching) searching {
	return searching{anyMemo: s.anyMemo, covering: s.covering, outrank: s.outrank,
		passable: s.passable, passFilters: s.passFilters, assumable: s.assumable, assumeGrants: s.assumeGrants, anyGrants: s.anyGrants,
		steps: s.steps, refs: s.refs}
}

// searchClassOf is the class whose memos the search of s uses, nil when
// it searches alone.
func (a *Analysis) searchClassOf(s *pstate) *searchClass {
	if s.hypothetical {
		return nil
	}
	a.searchClassOnce.Do(a.buildSearchClasses)
	return a.searchClasses[s.p]
}

// beginSearch lends the class's memos to s, its member about to search;
// endSearch takes them back (and drops them after the last member).
func (c *searchClass) beginSearch(s *pstate) {
	c.mu.Lock()
	s.searching = c.memo
}

func (c *searchClass) endSearch(s *pstate) {
	defer c.mu.Unlock()
	c.memo = share(&s.searching)
	switch c.left--; {
	case c.left <= 0:
		c.dropMemo()
	case c.working == 0 && !c.counted:
		if c.a.heldMemos.Add(1) > maxLentMemos {
			c.a.heldMemos.Add(-1)
			c.dropMemo()
		} else {
			c.counted = true
		}
	}
}

// maxLentMemos bounds the classes whose memos are kept outside
// precompute's loop.
const maxLentMemos = 256

// begin and end bracket a loop over the class's members (precompute).
func (c *searchClass) begin() {
	c.mu.Lock()
	c.working++
	c.mu.Unlock()
}

func (c *searchClass) end() {
	c.mu.Lock()
	if c.working--; c.working == 0 {
		c.dropMemo()
	}
	c.mu.Unlock()
}

// dropMemo lets the memos go (c.mu held).
func (c *searchClass) dropMemo() {
	dropAnyMemo(c.memo.anyMemo)
	c.memo = searching{}
	if c.counted {
		c.counted = false
		c.a.heldMemos.Add(-1)
	}
}

// dropAnyMemo gives a "some resource" memo back to its pool.
func dropAnyMemo(m map[string]policy.Result) {
	if m != nil {
		clear(m)
		anyMemoPool.Put(m)
	}
}

// buildSearchClasses files every user and role with at least one other
// principal searched alike under a shared class. The keys are written on
// every CPU: it runs before any search can go on.
func (a *Analysis) buildSearchClasses() {
	ps := a.Model.Principals
	keys := make([]string, len(ps))
	x := &sourceIDs{byContent: map[string]uint32{}}
	parallel.For(len(ps), 256, nil, func(i int) { keys[i] = a.searchKey(ps[i], x) })
	byKey := map[string][]*Principal{}
	for i, k := range keys {
		if k != "" {
			byKey[k] = append(byKey[k], ps[i])
		}
	}
	a.neutralTrusts = map[*Principal]bool{}
	for r, t := range a.trusts {
		if trustIsNeutral(t) {
			a.neutralTrusts[r] = true
		}
	}
	a.searchClasses = map[*Principal]*searchClass{}
	for _, members := range byKey {
		if len(members) < 2 {
			continue
		}
		c := &searchClass{a: a, left: len(members)}
		for _, p := range members {
			a.searchClasses[p] = c
		}
	}
}

// searchKey names what a principal's answers about its own set depend on:
// its kind, account, tags and groups, and its sources (every policy with
// its origin, which grants name, numbered by x) and set, each string with
// its length before it and each policy by address. It is "" for a
// principal searched alone: a group, a service-linked role, a principal
// with problems or a resource policy, or one holding a policy that depends
// on who asks.
func (a *Analysis) searchKey(p *Principal, x *sourceIDs) string {
	if len(p.Problems) > 0 || p.Set == nil || p.Set.Resource != nil || p.Set.ResourceRequired {
		return ""
	}
	var tags []snapshot.Tag
	switch {
	case p.Kind == KindUser && p.User != nil:
		tags = p.User.Tags
	case p.Kind == KindRole && p.Role != nil && !p.Role.ServiceLinked():
		tags = p.Role.Tags
	default:
		return ""
	}
	k := keyWriter{b: make([]byte, 0, 64+4*len(p.Sources)+8*len(p.Set.Identity))}
	k.str(string(p.Kind))
	k.str(policy.AccountOf(p.ARN))
	k.num(len(tags))
	for _, t := range tags {
		k.str(t.Key)
		k.str(t.Value)
	}
	if p.Kind == KindUser {
		groups := slices.Clone(p.User.Groups)
		slices.Sort(groups)
		k.num(len(groups))
		for _, g := range groups {
			k.str(g)
		}
	}
	k.num(len(p.Sources))
	for _, src := range p.Sources {
		id, neutral := x.of(src)
		if !neutral {
			return ""
		}
		k.b = binary.LittleEndian.AppendUint32(k.b, id)
	}
	layers := append([][]*policy.Policy{p.Set.Identity, p.Set.Boundary}, p.Set.SCPs...)
	k.num(len(layers))
	for _, l := range layers {
		k.num(len(l))
		for _, pol := range l {
			if !x.neutral(pol) {
				return ""
			}
			k.ptr(unsafe.Pointer(pol))
		}
	}
	return string(k.b)
}

// keyWriter writes a search key: numbers as varints, strings after their
// length, pointers as addresses (the policies live as long as the
// analysis).
type keyWriter struct{ b []byte }

func (k *keyWriter) num(n int)    { k.b = binary.AppendUvarint(k.b, uint64(n)) }
func (k *keyWriter) str(s string) { k.num(len(s)); k.b = append(k.b, s...) }
func (k *keyWriter) ptr(p unsafe.Pointer) {
	k.b = binary.LittleEndian.AppendUint64(k.b, uint64(uintptr(p)))
}

// sourceIDs numbers sources by content (kind, name, ARN, via and policy),
// each source read once: a user's sources through its groups are the
// groups' own, shared by their members. Safe for concurrent use.
type sourceIDs struct {
	byPtr     sync.Map // *Source -> sourceID
	mu        sync.Mutex
	byContent map[string]uint32
	policies  sync.Map // *policy.Policy -> bool (neutral)
}

type sourceID struct {
	id      uint32
	neutral bool
}

// of returns the source's number, and whether its policy is neutral.
func (x *sourceIDs) of(src *Source) (uint32, bool) {
	if v, ok := x.byPtr.Load(src); ok {
		s := v.(sourceID)
		return s.id, s.neutral
	}
	var k keyWriter
	k.str(src.Kind)
	k.str(src.Name)
	k.str(src.ARN)
	k.str(src.Via)
	k.ptr(unsafe.Pointer(src.Policy))
	x.mu.Lock()
	id, ok := x.byContent[string(k.b)]
	if !ok {
		id = uint32(len(x.byContent))
		x.byContent[string(k.b)] = id
	}
	x.mu.Unlock()
	s := sourceID{id, x.neutral(src.Policy)}
	x.byPtr.Store(src, s)
	return s.id, s.neutral
}

// neutral reports whether nothing in the policy depends on which
// principal of an account asks, given equal tags: no policy variable, no
// condition on aws:PrincipalArn, aws:username or aws:userid, no Principal
// element. Kept per policy.
func (x *sourceIDs) neutral(pol *policy.Policy) bool {
	if pol == nil || pol.Doc == nil {
		return false
	}
	if v, ok := x.policies.Load(pol); ok {
		return v.(bool)
	}
	v := !slices.ContainsFunc(pol.Doc.Statements, dependsOnPrincipal)
	x.policies.Store(pol, v)
	return v
}

func dependsOnPrincipal(st *policy.Statement) bool {
	return st.Principal != nil || st.NotPrincipal != nil || readsPrincipal(st)
}

// readsPrincipal: the statement's resources or conditions read who asks
// (a policy variable, a condition on aws:PrincipalArn, aws:username or
// aws:userid).
func readsPrincipal(st *policy.Statement) bool {
	hasVar := func(ss []string) bool {
		return slices.ContainsFunc(ss, func(v string) bool { return strings.Contains(v, "${") })
	}
	if hasVar(st.Resource) || hasVar(st.NotResource) {
		return true
	}
	for _, c := range st.Conditions {
		switch strings.ToLower(c.Key) {
		case "aws:principalarn", "aws:username", "aws:userid":
			return true
		}
		if strings.Contains(c.Key, "${") || hasVar(c.Values) {
			return true
		}
	}
	return false
}

// trustNeutral reports whether role r's trust policy admits every
// principal of an account alike, given equal tags: its Principal elements
// name everyone, accounts or services, never a particular user or role,
// and nothing in it reads who asks. Then whether a member of a search
// class may assume r, and by which statements, is the same for all its
// members. Computed once per role with the classes.
func (a *Analysis) trustNeutral(r *Principal) bool {
	a.searchClassOnce.Do(a.buildSearchClasses)
	return a.neutralTrusts[r]
}

func trustIsNeutral(t *policy.Policy) bool {
	if t == nil || t.Doc == nil {
		return false
	}
	for _, st := range t.Doc.Statements {
		if st.NotPrincipal != nil || readsPrincipal(st) {
			return false
		}
		if st.Principal == nil || st.Principal.All {
			continue
		}
		for _, arn := range st.Principal.AWSARNs() {
			if arn != "*" && !strings.HasSuffix(arn, ":root") {
				return false
			}
		}
	}
	return true
}

// searchOrder puts the actors of one class together, each class as one
// piece of work (its members search one at a time anyway, and its memos
// are dropped as soon as the last is done); the pieces keep the order of
// their first actor.
func (a *Analysis) searchOrder(actors []*Principal) [][]*Principal {
	a.searchClassOnce.Do(a.buildSearchClasses)
	at := map[*searchClass]int{}
	var out [][]*Principal
	for _, p := range actors {
		c := a.searchClasses[p]
		if c == nil {
			out = append(out, []*Principal{p})
			continue
		}
		i, ok := at[c]
		if !ok {
			i = len(out)
			at[c] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], p)
	}
	return out
}
