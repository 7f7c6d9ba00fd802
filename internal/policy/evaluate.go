package policy

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
)

// Set is the policies that apply to one principal, grouped as IAM's
// evaluation logic groups them. Fill the fields, then do not change them:
// the Set caches derived data on first use and is then safe for concurrent
// use.
type Set struct {
	Identity []*Policy // identity policies (managed, inline, group)
	// Boundary is the permissions boundary; nil means none is set. An empty
	// non-nil slice means a boundary that allows nothing.
	Boundary []*Policy
	// SCPs holds one entry per level of the organisation (root, each OU,
	// the account); every level must allow. Nil means no SCPs apply.
	SCPs [][]*Policy
	// Resource holds the resource-based policy of the target, if any.
	Resource []*Policy
	// ResourceRequired: the resource policy must admit the caller even in
	// the caller's own account, as a role's trust policy must for
	// sts:AssumeRole (an identity-policy allow alone never lets anyone
	// assume a role). A Resource policy that names the caller suffices on
	// its own; one that names only the caller's account needs the
	// identity-policy allow as well.
	ResourceRequired bool

	adminOnce sync.Once
	admin     bool
}

// NewSet compiles documents into a Set of identity policies.
func NewSet(docs ...*Document) *Set {
	s := &Set{Identity: make([]*Policy, len(docs))}
	for i, d := range docs {
		s.Identity[i] = Compile(d)
	}
	return s
}

// Decision is the outcome of an evaluation.
type Decision uint8

// Decisions. ConditionallyAllowed means the request is allowed in some
// contexts: the Result lists the conditions it depends on.
const (
	ImplicitDeny Decision = iota
	ExplicitDeny
	Allowed
	ConditionallyAllowed
)

func (d Decision) String() string {
	switch d {
	case ImplicitDeny:
		return "ImplicitDeny"
	case ExplicitDeny:
		return "ExplicitDeny"
	case Allowed:
		return "Allowed"
	case ConditionallyAllowed:
		return "ConditionallyAllowed"
	}
	return fmt.Sprintf("Decision(%d)", uint8(d))
}

// Match is a statement that takes part in a decision. Unknown lists the
// conditions whose truth the request context did not settle (empty when the
// statement applies outright).
type Match struct {
	Policy    *Policy
	Statement *Statement
	Unknown   []Condition
	// ViaAccount: the statement names the caller's account (its root), not
	// the caller. Such a resource-policy allow needs an identity-policy
	// allow as well, even within the account.
	ViaAccount bool
}

func (m Match) String() string {
	name := ""
	if m.Policy != nil && m.Policy.Name != "" {
		name = m.Policy.Name + " "
	}
	ref := name + m.Statement.Ref()
	if len(m.Unknown) == 0 {
		return ref
	}
	parts := make([]string, len(m.Unknown))
	for i, c := range m.Unknown {
		parts[i] = c.String()
	}
	return strings.Join(parts, " and ") + " (" + ref + ")"
}

// Clause is satisfied when any one of its matches applies (all of that
// match's Unknown conditions hold).
type Clause []Match

// Result is the answer to a Request.
type Result struct {
	Decision Decision
	// Allows are the statements that allow the request outright; Denies the
	// Deny statements that apply outright.
	Allows, Denies []Match
	// For ConditionallyAllowed: every clause of AllowIf must be satisfied,
	// and no match of DenyIf may apply.
	AllowIf []Clause
	DenyIf  []Match
}

// Depends returns the distinct conditions the decision depends on.
func (r Result) Depends() []Condition {
	var out []Condition
	seen := map[string]bool{}
	add := func(m Match) {
		for _, c := range m.Unknown {
			if k := c.String(); !seen[k] {
				seen[k] = true
				out = append(out, c)
			}
		}
	}
	for _, cl := range r.AllowIf {
		for _, m := range cl {
			add(m)
		}
	}
	for _, m := range r.DenyIf {
		add(m)
	}
	return out
}

// Explain renders the result in one sentence for reports.
func (r Result) Explain() string {
	if r.Decision != ConditionallyAllowed {
		return r.Decision.String()
	}
	var parts []string
	for _, cl := range r.AllowIf {
		alts := make([]string, len(cl))
		for i, m := range cl {
			alts[i] = m.String()
		}
		parts = append(parts, strings.Join(alts, " or "))
	}
	s := "allowed"
	if len(parts) > 0 {
		s += " only if " + strings.Join(parts, ", and ")
	}
	if len(r.DenyIf) > 0 {
		denies := make([]string, len(r.DenyIf))
		for i, m := range r.DenyIf {
			denies[i] = m.String()
		}
		s += " unless " + strings.Join(denies, " or ")
	}
	return s
}

// formula is a truth value in conjunctive form: true, false, or unknown
// with clauses that must all be satisfied.
type formula struct {
	t       tri
	clauses []Clause
}

var (
	fTrue  = formula{t: triTrue}
	fFalse = formula{t: triFalse}
)

func and(a, b formula) formula {
	switch {
	case a.t == triFalse || b.t == triFalse:
		return fFalse
	case a.t == triTrue:
		return b
	case b.t == triTrue:
		return a
	}
	return formula{t: triUnknown, clauses: append(append([]Clause{}, a.clauses...), b.clauses...)}
}

// or distributes: (a1 ∧ a2) ∨ (b1) = (a1 ∨ b1) ∧ (a2 ∨ b1).
func or(a, b formula) formula {
	switch {
	case a.t == triTrue || b.t == triTrue:
		return fTrue
	case a.t == triFalse:
		return b
	case b.t == triFalse:
		return a
	}
	var out []Clause
	for _, x := range a.clauses {
		for _, y := range b.clauses {
			out = append(out, append(append(Clause{}, x...), y...))
		}
	}
	return formula{t: triUnknown, clauses: out}
}

// layer is the outcome of one group of policies. direct leaves out allows
// that reach the caller only through its account root; only resource
// policies need it, and layer computes it when asked.
type layer struct {
	allow, direct  formula
	allows, denies []Match
	denyIf         []Match
}

type evalReq struct {
	principal, action, svc, resource string
	svcBit                           uint64
	ctx                              *evalContext
	arena                            *matchArena // where the layers' matches go; nil: a new allocation each
}

func (e *evalReq) layer(policies []*Policy, wantDirect bool) layer {
	// The matches are gathered on the stack and then copied into one
	// allocation, grouped by kind: an evaluation runs for every principal,
	// action and target, and growing four slices each time was most of the
	// analysis's garbage.
	var buf [64]Match
	var kindBuf [64]matchKind
	ms, kinds := buf[:0], kindBuf[:0]
	var count [nKinds]int
	for _, p := range policies {
		if !p.mayMatch(e.svc, e.svcBit) {
			continue // no statement covers the action
		}
		for _, cs := range p.stmts {
			if cs.effect == EffectInvalid {
				continue // IAM refuses such a statement
			}
			deny := cs.effect == Deny
			t, unknown, via := e.statement(cs, deny)
			if t == triFalse {
				continue
			}
			k := matchKindOf(deny, t)
			ms = append(ms, Match{Policy: p, Statement: cs.st, Unknown: unknown, ViaAccount: via})
			kinds = append(kinds, k)
			count[k]++
		}
	}
	return newLayer(ms, kinds, &count, wantDirect, e.arena)
}

// matchKindOf sorts a statement that applies (t is true or unknown).
func matchKindOf(deny bool, t tri) matchKind {
	switch {
	case deny && t == triTrue:
		return kindDeny
	case deny:
		return kindDenyIf
	case t == triTrue:
		return kindAllow
	}
	return kindMaybe
}

// newLayer copies the gathered matches into one allocation grouped by
// kind, keeping their order within each kind.
func newLayer(ms []Match, kinds []matchKind, count *[nKinds]int, wantDirect bool, arena *matchArena) layer {
	var l layer
	var maybe []Match
	if len(ms) > 0 {
		all := arena.take(len(ms))
		var start [nKinds]int
		for k := matchKind(1); k < nKinds; k++ {
			start[k] = start[k-1] + count[k-1]
		}
		part := func(k matchKind) []Match {
			if count[k] == 0 {
				return nil
			}
			return all[start[k] : start[k]+count[k] : start[k]+count[k]]
		}
		next := start
		for i, m := range ms {
			all[next[kinds[i]]] = m
			next[kinds[i]]++
		}
		l.denies, l.denyIf, l.allows, maybe = part(kindDeny), part(kindDenyIf), part(kindAllow), part(kindMaybe)
	}
	l.allow = anyOf(l.allows, maybe, false)
	if wantDirect {
		l.direct = anyOf(l.allows, maybe, true)
	}
	return l
}

// matchArena lends the layers of transient results their matches
// (Prepared.EvaluateTransient): one buffer, reused from one evaluation to
// the next, instead of an allocation per layer.
type matchArena struct {
	buf  []Match
	off  int
	want int // the most an evaluation asked for: the size after the next reset
}

// take returns n matches of the buffer, or new ones when it is full (or
// there is no arena).
func (a *matchArena) take(n int) []Match {
	if a == nil {
		return make([]Match, n)
	}
	a.want = max(a.want, a.off+n)
	if a.off+n > len(a.buf) {
		return make([]Match, n)
	}
	s := a.buf[a.off : a.off+n : a.off+n]
	a.off += n
	return s
}

// reset makes the whole buffer available again, grown to what the last
// evaluations asked for.
func (a *matchArena) reset() {
	if a.want > len(a.buf) {
		a.buf = make([]Match, 2*a.want)
	}
	a.off = 0
}

// matchKind sorts a layer's matches.
type matchKind uint8

const (
	kindDeny   matchKind = iota // a Deny that applies
	kindDenyIf                  // a Deny that may apply
	kindAllow                   // an Allow that applies
	kindMaybe                   // an Allow that may apply
	nKinds
)

// anyOf is true when one of the outright matches applies, else unknown when
// one of the conditional ones may; directOnly skips ViaAccount matches.
func anyOf(sure, maybe []Match, directOnly bool) formula {
	for _, m := range sure {
		if !directOnly || !m.ViaAccount {
			return fTrue
		}
	}
	if !directOnly {
		if len(maybe) > 0 {
			return formula{t: triUnknown, clauses: []Clause{maybe}} // shared: clauses are never changed in place
		}
		return fFalse
	}
	var cl Clause
	for _, m := range maybe {
		if !m.ViaAccount {
			cl = append(cl, m)
		}
	}
	if len(cl) > 0 {
		return formula{t: triUnknown, clauses: []Clause{cl}}
	}
	return fFalse
}

// statement decides whether one statement applies to the request.
func (e *evalReq) statement(cs *cstmt, deny bool) (tri, []Condition, bool) {
	if !cs.matchAction(e.action, e.svc) {
		return triFalse, nil, false
	}
	return e.beyondAction(cs, deny)
}

// beyondAction is statement without the action: whether the statement's
// principal, resource and conditions admit the request. None of them
// depends on the action, and only the resource test on the resource
// (Prepared relies on both).
func (e *evalReq) beyondAction(cs *cstmt, deny bool) (tri, []Condition, bool) {
	hit, via := cs.matchPrincipal(e.principal, deny)
	if !hit {
		return triFalse, nil, false
	}
	res, key := cs.matchResource(e.resource, deny, e.ctx)
	if res == triFalse {
		return triFalse, nil, false
	}
	ok, unknown := e.conditions(cs)
	if !ok {
		return triFalse, nil, false
	}
	return withResource(cs, res, key, unknown, via)
}

// conditions judges the statement's conditions: false when one is known
// not to hold, else the unknown ones, in order. Up to the first condition
// known to hold they are a prefix of the statement's own list, shared
// rather than copied (matches never change it); a copy is made only when
// an unknown one follows a known one.
func (e *evalReq) conditions(cs *cstmt) (bool, []Condition) {
	var unknown []Condition
	known := -1 // the first condition known to hold
	for i := range cs.conds {
		switch cs.conds[i].eval(e.ctx) {
		case triFalse:
			return false, nil
		case triUnknown:
			if known >= 0 {
				if unknown == nil {
					unknown = append(make([]Condition, 0, len(cs.conds)), cs.allConds[:known]...)
				}
				unknown = append(unknown, cs.conds[i].cond)
			}
		default:
			if known < 0 {
				known = i
			}
		}
	}
	switch {
	case known < 0:
		unknown = cs.allConds
	case unknown == nil:
		unknown = cs.allConds[:known:known]
	}
	return true, unknown
}

// withResource completes a statement that applies: a resource match that
// is unknown (a policy variable the context does not give, named by key)
// comes first among the unknown conditions.
func withResource(cs *cstmt, res tri, key string, unknown []Condition, via bool) (tri, []Condition, bool) {
	if res == triUnknown {
		resource := Condition{Raw: "Resource", Operator: "Resource", Key: key, Values: cs.st.Resource}
		unknown = append([]Condition{resource}, unknown...)
	}
	if len(unknown) == 0 {
		return triTrue, nil, via
	}
	return triUnknown, unknown, via
}

// Evaluate follows IAM's policy evaluation logic:
//  1. an explicit Deny in any policy wins;
//  2. every SCP level must allow;
//  3. in the same account, an allow in the resource policy that names the
//     caller (or "*") suffices, or an allow in an identity policy that the
//     boundary (if any) also allows (a resource policy that names only the
//     caller's account delegates to the identity policies);
//     across accounts, both the identity side and the resource policy must
//     allow;
//  4. otherwise the request is implicitly denied.
//
// Conditions on keys the request does not give are unknown: a Deny that
// depends on them cannot be ruled out, an Allow that depends on them is not
// assumed; the decision is then ConditionallyAllowed with the conditions
// listed. A request with an empty Resource or Principal asks about "some"
// resource or principal; "*" is a literal resource.
//
// Simplifications: session policies and resource control policies are not
// modelled, and a boundary limits identity-policy allows only (as for IAM
// users; for a role, a resource policy naming the role ARN is also limited).
func (s *Set) Evaluate(req *Request) Result {
	action := lowerAction(req.Action)
	svc, _, _ := strings.Cut(action, ":")
	e := &evalReq{principal: req.Principal, action: action, svc: svc, svcBit: svcBit(svc), resource: req.Resource, ctx: req.evalContext()}
	return s.decide(e, s.Resource, s.ResourceRequired, func(k layerKey, policies []*Policy, wantDirect bool) layer {
		return e.layer(policies, wantDirect)
	})
}

// layerKey names a layer of a set: identity, boundary, resource, or the
// SCP level layerSCP+i.
type layerKey int

const (
	layerIdentity layerKey = iota
	layerBoundary
	layerResource
	layerSCP
)

// decide combines the set's layers, as Evaluate documents, with resource
// policies rp (required: ResourceRequired) in place of the set's own;
// layerOf evaluates one layer for the request e.
func (s *Set) decide(e *evalReq, rp []*Policy, required bool, layerOf func(k layerKey, policies []*Policy, wantDirect bool) layer) Result {
	var res Result
	collect := func(l layer) formula {
		res.Denies = appendMatches(res.Denies, l.denies)
		res.DenyIf = appendMatches(res.DenyIf, l.denyIf)
		res.Allows = appendMatches(res.Allows, l.allows)
		return l.allow
	}
	identity := collect(layerOf(layerIdentity, s.Identity, false))
	if s.Boundary != nil {
		identity = and(identity, collect(layerOf(layerBoundary, s.Boundary, false)))
	}
	allow := identity
	if rp != nil || required {
		rl := layerOf(layerResource, rp, true)
		collect(rl)
		switch {
		case crossAccount(e.principal, e.resource):
			allow = and(allow, rl.allow)
		case required:
			// the resource policy admits the caller, directly or through
			// its account (then the identity side must allow too)
			allow = and(rl.allow, or(allow, rl.direct))
		default:
			// identity ∨ direct ∨ (identity ∧ via-account) = identity ∨ direct
			allow = or(allow, rl.direct)
		}
	}
	for i, level := range s.SCPs {
		allow = and(allow, collect(layerOf(layerSCP+layerKey(i), level, false)))
	}
	switch {
	case len(res.Denies) > 0:
		res.Decision = ExplicitDeny
	case allow.t == triFalse:
		res.Decision = ImplicitDeny
	case allow.t == triTrue && len(res.DenyIf) == 0:
		res.Decision = Allowed
	default:
		res.Decision = ConditionallyAllowed
		res.AllowIf = allow.clauses
	}
	if res.Decision != ConditionallyAllowed {
		res.DenyIf = nil
	}
	return res
}

// appendMatches appends src to dst, taking src itself when dst is empty: a
// layer's matches belong to one evaluation, so the result may keep them
// without a copy.
func appendMatches(dst, src []Match) []Match {
	switch {
	case len(src) == 0:
		return dst
	case len(dst) == 0:
		return src
	}
	return append(dst, src...)
}

// lowerActions keeps the lower-case form of the actions evaluated (the
// catalogue's and the analysis's, in their AWS spelling), so that each
// evaluation does not allocate one; bounded, past which ToLower is used.
var (
	lowerActions     sync.Map // string -> string
	lowerActionCount atomic.Int32
)

const maxLowerActions = 1 << 14

func lowerAction(a string) string {
	if v, ok := lowerActions.Load(a); ok {
		return v.(string)
	}
	l := strings.ToLower(a)
	if l != a && lowerActionCount.Load() < maxLowerActions {
		lowerActionCount.Add(1)
		lowerActions.Store(strings.Clone(a), l)
	}
	return l
}

// crossAccount reports whether the principal and the resource are known to
// live in different accounts. Resource ARNs without an account (S3 buckets)
// cannot tell, and count as the same account.
func crossAccount(principal, resource string) bool {
	p, r := AccountOf(principal), AccountOf(resource)
	return p != "" && r != "" && p != r
}
