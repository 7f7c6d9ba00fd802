package policy

import (
	"slices"
	"strings"
	"sync"
)

// Many actions and resources, one principal.
//
// Whether a statement applies to a request depends on the action only
// through the statement's Action element, on the resource only through its
// Resource element: its principal and conditions are judged on the rest
// of the request. An analysis that asks hundreds of questions of the same
// principal (the escalation analysis: every catalogue action on "some
// resource", then the method's actions on each candidate target) judges
// each statement's principal and conditions once (Set.Prepare); each
// question then looks up which statements cover its action (ActionTable)
// and matches their resources. A user in ten groups of ten policies has a
// hundred policies; evaluating each question walked them all and judged
// every statement covering the action again.

// ActionTable is a fixed list of actions, numbered. Which of them each
// statement's Action element covers is computed once per policy and kept.
// Safe for concurrent use.
type ActionTable struct {
	low    []string // lower case, as Evaluate matches them
	svc    []string // the service prefix of each
	bits   []uint64 // svcBit of each service
	words  int
	covers sync.Map // *Policy -> [][]uint64: per statement, the actions it covers
}

// NewActionTable numbers actions in the order given.
func NewActionTable(actions []string) *ActionTable {
	n := len(actions)
	t := &ActionTable{low: make([]string, n), svc: make([]string, n), bits: make([]uint64, n), words: (n + 63) / 64}
	for i, a := range actions {
		t.low[i] = lowerAction(a)
		t.svc[i], _, _ = strings.Cut(t.low[i], ":")
		t.bits[i] = svcBit(t.svc[i])
	}
	return t
}

// Len is the number of actions.
func (t *ActionTable) Len() int { return len(t.low) }

// coverOf returns, for each statement of p, which of the table's actions
// its Action element covers (the same test Evaluate makes).
func (t *ActionTable) coverOf(p *Policy) [][]uint64 {
	if c := p.covered.Load(); c != nil && c.table == t {
		return c.bits
	}
	if v, ok := t.covers.Load(p); ok {
		bits := v.([][]uint64)
		p.covered.Store(&tableCover{table: t, bits: bits})
		return bits
	}
	out := make([][]uint64, len(p.stmts))
	for j, cs := range p.stmts {
		var bits []uint64
		for i := range t.low {
			if p.mayMatch(t.svc[i], t.bits[i]) && cs.matchAction(t.low[i], t.svc[i]) {
				if bits == nil {
					bits = make([]uint64, t.words)
				}
				bits[i/64] |= 1 << (i % 64)
			}
		}
		out[j] = bits // nil: covers none of them
	}
	v, _ := t.covers.LoadOrStore(p, out)
	bits := v.([][]uint64)
	p.covered.Store(&tableCover{table: t, bits: bits})
	return bits
}

// tableCover is a coverOf answer kept on the policy (Policy.covered).
type tableCover struct {
	table *ActionTable
	bits  [][]uint64
}

// Prepared is a set judged for one principal and context, ready to be
// evaluated for each action of a table on any resource. It is immutable
// and safe for concurrent use.
type Prepared struct {
	set    *Set
	table  *ActionTable
	req    evalReq       // action, svc and resource left empty
	layers []judgedLayer // by layerKey
}

// judgedLayer holds the statements of a layer whose principal and
// conditions admit the request: whether one applies depends on the action
// and the resource alone. covers[w][n] is word w of the actions statement
// n covers: an evaluation reads one word of each statement, side by side.
type judgedLayer struct {
	covers [][]uint64
	stmts  []judged
	// unknowns holds the unknown conditions of the statements whose
	// unknown ones are not a leading run of their own (judged.unknown).
	unknowns [][]Condition
}

// judged is a statement that applies to the prepared request whatever the
// action and resource; 16 bytes, as a set holds hundreds of them and an
// analysis prepares a set per principal.
type judged struct {
	cs *cstmt
	// unk gives the statement's unknown conditions: its first unk ones
	// when unk >= 0 (most often none or all of them), else
	// unknowns[-unk-1] of its layer.
	unk int32
	via bool
}

// unknown is the statement's conditions that are unknown.
func (l *judgedLayer) unknown(j *judged) []Condition {
	if j.unk < 0 {
		return l.unknowns[-j.unk-1]
	}
	if j.unk == 0 {
		return nil
	}
	return j.cs.allConds[:j.unk:j.unk]
}

// judgedOf records a statement with its unknown conditions.
func (l *judgedLayer) judgedOf(cs *cstmt, unknown []Condition, via bool) judged {
	j := judged{cs: cs, via: via}
	switch n := len(unknown); {
	case n == 0:
	case len(cs.allConds) >= n && &cs.allConds[0] == &unknown[0]:
		j.unk = int32(n)
	default:
		l.unknowns = append(l.unknowns, unknown)
		j.unk = -int32(len(l.unknowns))
	}
	return j
}

// on matches statement n's resource against e's: ok is false when it
// does not apply, else its match, whether it is a Deny, and whether it
// applies outright (t) or may.
func (l *judgedLayer) on(n int, e *evalReq) (m Match, deny bool, t tri, ok bool) {
	j := &l.stmts[n]
	deny = j.cs.effect == Deny
	res, key := j.cs.matchResource(e.resource, deny, e.ctx)
	if res == triFalse {
		return Match{}, deny, triFalse, false
	}
	t, unknown, via := withResource(j.cs, res, key, l.unknown(j), j.via)
	return Match{Policy: j.cs.pol, Statement: j.cs.st, Unknown: unknown, ViaAccount: via}, deny, t, true
}

// Prepare judges the principal and conditions of every statement of the
// set for req once (req's Action and Resource are ignored). Evaluate(i, r)
// then equals s.Evaluate for req with the table's action i and resource r.
func (s *Set) Prepare(req *Request, t *ActionTable) *Prepared {
	p := &Prepared{set: s, table: t, layers: make([]judgedLayer, int(layerSCP)+len(s.SCPs)),
		req: evalReq{principal: req.Principal, ctx: req.evalContext()}}
	p.judge(layerIdentity, s.Identity)
	if s.Boundary != nil {
		p.judge(layerBoundary, s.Boundary)
	}
	if s.Resource != nil || s.ResourceRequired {
		p.judge(layerResource, s.Resource)
	}
	for i, level := range s.SCPs {
		p.judge(layerSCP+layerKey(i), level)
	}
	return p
}

func (p *Prepared) judge(k layerKey, policies []*Policy) {
	l := &p.layers[k]
	// Sized for every statement that covers one of the table's actions at
	// once, and filled by index: growing the columns statement by
	// statement was most of the preparation's time.
	n := 0
	for _, pol := range policies {
		for _, c := range p.table.coverOf(pol) {
			if c != nil {
				n++
			}
		}
	}
	nw := p.table.words
	l.stmts = make([]judged, 0, n)
	words := make([]uint64, nw*n)
	for _, pol := range policies {
		covers := p.table.coverOf(pol)
		for j, cs := range pol.stmts {
			if covers[j] == nil || cs.effect == EffectInvalid {
				continue // covers none of the table's actions, or IAM refuses it
			}
			hit, via := cs.matchPrincipal(p.req.principal, cs.effect == Deny)
			if !hit {
				continue
			}
			if ok, unknown := p.req.conditions(cs); ok {
				at := len(l.stmts)
				l.stmts = append(l.stmts, l.judgedOf(cs, unknown, via))
				for w, c := range covers[j][:nw] {
					words[w*n+at] = c
				}
			}
		}
	}
	m := len(l.stmts)
	l.covers = make([][]uint64, nw)
	for w := range l.covers {
		l.covers[w] = words[w*n : w*n+m : w*n+m]
	}
}

// Evaluate is the set's decision for the table's action i on resource
// ("": some resource, as for Evaluate).
func (p *Prepared) Evaluate(i int, resource string) Result {
	e := p.request(i, resource)
	return p.set.decide(&e, p.set.Resource, p.set.ResourceRequired, p.layerOf(&e, i))
}

// Scratch holds the matches of transient results (EvaluateTransient). It
// is not safe for concurrent use.
type Scratch struct{ arena matchArena }

// EvaluateTransient is Evaluate, the result's matches held in sc: the
// result is valid only until the next evaluation with sc. For a caller
// that reads a result at once and keeps nothing of it (a grant's
// statement names), the matches need no allocation.
func (p *Prepared) EvaluateTransient(i int, resource string, sc *Scratch) Result {
	sc.arena.reset()
	e := p.request(i, resource)
	e.arena = &sc.arena
	return p.set.decide(&e, p.set.Resource, p.set.ResourceRequired, p.layerOf(&e, i))
}

// EvaluateWith is Evaluate with the resource policies rp in place of the
// set's (required as Set.ResourceRequired), evaluated as they are: a
// role's trust policy, which differs from one target to the next.
func (p *Prepared) EvaluateWith(i int, resource string, rp []*Policy, required bool) Result {
	return p.evaluateWith(i, resource, rp, required, nil)
}

// EvaluateWithTransient is EvaluateWith with the result's matches held in
// sc, as EvaluateTransient.
func (p *Prepared) EvaluateWithTransient(i int, resource string, rp []*Policy, required bool, sc *Scratch) Result {
	sc.arena.reset()
	return p.evaluateWith(i, resource, rp, required, &sc.arena)
}

func (p *Prepared) evaluateWith(i int, resource string, rp []*Policy, required bool, arena *matchArena) Result {
	e := p.request(i, resource)
	e.arena = arena
	judged := p.layerOf(&e, i)
	return p.set.decide(&e, rp, required, func(k layerKey, policies []*Policy, wantDirect bool) layer {
		if k == layerResource {
			return e.layer(policies, wantDirect)
		}
		return judged(k, policies, wantDirect)
	})
}

func (p *Prepared) request(i int, resource string) evalReq {
	e := p.req
	e.action, e.svc, e.svcBit, e.resource = p.table.low[i], p.table.svc[i], p.table.bits[i], resource
	return e
}

// layerOf returns the layers of the judged statements that cover action i,
// their resources matched against e's.
func (p *Prepared) layerOf(e *evalReq, i int) func(k layerKey, _ []*Policy, wantDirect bool) layer {
	word, bit := i/64, uint64(1)<<(i%64)
	return func(k layerKey, _ []*Policy, wantDirect bool) layer {
		var buf [64]Match
		var kindBuf [64]matchKind
		ms, kinds := buf[:0], kindBuf[:0]
		var count [nKinds]int
		l := &p.layers[k]
		for n, c := range l.covers[word] {
			if c&bit == 0 {
				continue
			}
			if m, deny, t, ok := l.on(n, e); ok {
				k := matchKindOf(deny, t)
				ms, kinds = append(ms, m), append(kinds, k)
				count[k]++
			}
		}
		return newLayer(ms, kinds, &count, wantDirect, e.arena)
	}
}

// AllowedIf reports whether the set allows the table's action i on
// resource, outright or under conditions of which ok accepts one in every
// clause of Evaluate's AllowIf (conditional Denies aside, as a caller
// asking "can this be allowed at all" counts them). It is Evaluate followed
// by that check, without building the result: nothing is allocated unless
// a statement's resource match is itself unknown. Sets with resource
// policies are answered through Evaluate.
func (p *Prepared) AllowedIf(i int, resource string, ok func(Match) bool) bool {
	if p.set.Resource != nil || p.set.ResourceRequired {
		r := p.Evaluate(i, resource)
		return allowedIf(r, ok)
	}
	e := p.request(i, resource)
	word, bit := i/64, uint64(1)<<(i%64)
	deny := false
	// layer is whether the layer's allow can hold: an Allow that applies,
	// or one ok accepts among those that may.
	layer := func(k layerKey) bool {
		l := &p.layers[k]
		holds := false
		for n, c := range l.covers[word] {
			if c&bit == 0 {
				continue
			}
			m, isDeny, t, applies := l.on(n, &e)
			switch {
			case !applies:
			case isDeny && t == triTrue:
				deny = true
			case isDeny:
			case holds:
			case t == triTrue || ok(m):
				holds = true
			}
		}
		return holds
	}
	holds := layer(layerIdentity)
	if p.set.Boundary != nil {
		holds = layer(layerBoundary) && holds
	}
	for n := range p.set.SCPs {
		holds = layer(layerSCP+layerKey(n)) && holds
	}
	return holds && !deny
}

// allowedIf is AllowedIf's question asked of a result.
func allowedIf(r Result, ok func(Match) bool) bool {
	switch r.Decision {
	case Allowed:
		return true
	case ConditionallyAllowed:
	default:
		return false
	}
	for _, cl := range r.AllowIf {
		if !slices.ContainsFunc(cl, ok) {
			return false
		}
	}
	return true
}

// VerdictWith is EvaluateWith reduced to what a "can it be allowed" question
// reads: allowed is the result's allowedIf with ok (as AllowedIf), and
// conditional whether its decision is ConditionallyAllowed. It builds no
// result: each layer is reduced to whether an Allow applies outright, or
// may (and then whether ok accepts one), and the layers are combined as
// decide combines their formulas. (A conjunction of clause lists holds when
// both do; a disjunction, distributed clause by clause, when either does.)
// A principal's role assumptions ask it of every candidate role.
func (p *Prepared) VerdictWith(i int, resource string, rp []*Policy, required bool, ok func(Match) bool) (allowed, conditional bool) {
	return p.Combine(p.OwnPart(i, resource, ok), p.ResourcePart(i, resource, rp, ok), resource, rp != nil || required, required)
}

// OwnPart is the half of VerdictWith that reads the set's own layers
// (identity, boundary, SCPs) on resource; ResourcePart the half that reads
// the resource policies; Combine joins them. A caller asking about many
// resources whose halves repeat (roles its patterns match alike, roles
// with the same trust document) computes each half once.
type OwnPart struct {
	allow verdictFormula // identity and boundary
	scps  verdictFormula // every SCP level
	seen  verdictSeen
}

// ResourcePart: see OwnPart.
type ResourcePart struct {
	l    layerVerdict
	seen verdictSeen
}

// OwnPart computes the set's own half of VerdictWith for action i on
// resource.
func (p *Prepared) OwnPart(i int, resource string, ok func(Match) bool) OwnPart {
	e := p.request(i, resource)
	word, bit := i/64, uint64(1)<<(i%64)
	var part OwnPart
	judged := func(k layerKey) verdictFormula {
		var l layerVerdict
		jl := &p.layers[k]
		for n, c := range jl.covers[word] {
			if c&bit == 0 {
				continue
			}
			if m, deny, t, applies := jl.on(n, &e); applies {
				part.seen.add(&l, m, deny, t, ok)
			}
		}
		return l.allow()
	}
	part.allow = judged(layerIdentity)
	if p.set.Boundary != nil {
		part.allow = part.allow.and(judged(layerBoundary))
	}
	part.scps = verdictFormula{triTrue, true}
	for n := range p.set.SCPs {
		part.scps = part.scps.and(judged(layerSCP + layerKey(n)))
	}
	return part
}

// ResourcePart computes the resource policies' half of VerdictWith for
// action i on resource, the policies evaluated as they are.
func (p *Prepared) ResourcePart(i int, resource string, rp []*Policy, ok func(Match) bool) ResourcePart {
	e := p.request(i, resource)
	var part ResourcePart
	for _, pol := range rp {
		if !pol.mayMatch(e.svc, e.svcBit) {
			continue
		}
		for _, cs := range pol.stmts {
			if cs.effect == EffectInvalid {
				continue
			}
			deny := cs.effect == Deny
			if t, unknown, via := e.statement(cs, deny); t != triFalse {
				part.seen.add(&part.l, Match{Policy: pol, Statement: cs.st, Unknown: unknown, ViaAccount: via}, deny, t, ok)
			}
		}
	}
	return part
}

// Combine is VerdictWith's answer from its halves, the resource layer
// counted when withResource (resource policies given, or required).
func (p *Prepared) Combine(own OwnPart, res ResourcePart, resource string, withResource, required bool) (allowed, conditional bool) {
	allow, seen := own.allow, own.seen
	if withResource {
		seen.deny, seen.denyIf = seen.deny || res.seen.deny, seen.denyIf || res.seen.denyIf
		switch {
		case crossAccount(p.req.principal, resource):
			allow = allow.and(res.l.allow())
		case required:
			allow = res.l.allow().and(allow.or(res.l.direct()))
		default:
			allow = allow.or(res.l.direct())
		}
	}
	allow = allow.and(own.scps)
	switch {
	case seen.deny || allow.t == triFalse:
		return false, false
	case allow.t == triTrue && !seen.denyIf:
		return true, false
	}
	return allow.sat, true
}

// verdictSeen: whether a Deny applies outright, or may, in any layer.
type verdictSeen struct{ deny, denyIf bool }

// layerVerdict is a layer's Allow statements reduced for VerdictWith: one
// applies outright (sure), may apply (maybe) and then ok accepts one
// (maybeOK); the d* fields count only those that name the caller itself
// (a formula's direct form).
type layerVerdict struct {
	sure, maybe, maybeOK    bool
	dsure, dmaybe, dmaybeOK bool
}

func (s *verdictSeen) add(l *layerVerdict, m Match, deny bool, t tri, ok func(Match) bool) {
	switch {
	case deny && t == triTrue:
		s.deny = true
	case deny:
		s.denyIf = true
	case t == triTrue:
		l.sure = true
		l.dsure = l.dsure || !m.ViaAccount
	default:
		accepted := ok(m)
		l.maybe, l.maybeOK = true, l.maybeOK || accepted
		if !m.ViaAccount {
			l.dmaybe, l.dmaybeOK = true, l.dmaybeOK || accepted
		}
	}
}

func (l layerVerdict) allow() verdictFormula  { return verdictOf(l.sure, l.maybe, l.maybeOK) }
func (l layerVerdict) direct() verdictFormula { return verdictOf(l.dsure, l.dmaybe, l.dmaybeOK) }

// verdictFormula is a formula reduced to its truth and, when unknown,
// whether every clause holds an accepted match (sat).
type verdictFormula struct {
	t   tri
	sat bool
}

func verdictOf(sure, maybe, maybeOK bool) verdictFormula {
	switch {
	case sure:
		return verdictFormula{triTrue, true}
	case maybe:
		return verdictFormula{triUnknown, maybeOK}
	}
	return verdictFormula{triFalse, false}
}

func (a verdictFormula) and(b verdictFormula) verdictFormula {
	return a.join(b, triFalse, a.sat && b.sat)
}
func (a verdictFormula) or(b verdictFormula) verdictFormula {
	return a.join(b, triTrue, a.sat || b.sat)
}

// join is and (zero false) or or (zero true): zero absorbs, the other
// truth value passes the second formula through, and two unknown ones
// combine their clauses (sat).
func (a verdictFormula) join(b verdictFormula, zero tri, sat bool) verdictFormula {
	switch {
	case a.t == zero || b.t == zero:
		return verdictFormula{zero, zero == triTrue}
	case a.t != triUnknown:
		return b
	case b.t != triUnknown:
		return a
	}
	return verdictFormula{triUnknown, sat}
}

// AllowedOnSome returns, as a bitset over the table's actions, those for
// which AllowedIf(i, "", ok) holds. Whether a statement applies to "some
// resource" does not depend on the action, so each statement is matched
// once and its covered actions merged word by word, rather than once for
// every action it covers (a principal's power asks every action of the
// table).
func (p *Prepared) AllowedOnSome(ok func(Match) bool) []uint64 {
	out := make([]uint64, p.table.words)
	if p.set.Resource != nil || p.set.ResourceRequired {
		for i := range p.table.low {
			if p.AllowedIf(i, "", ok) {
				out[i/64] |= 1 << (i % 64)
			}
		}
		return out
	}
	e := p.request(0, "")
	deny := make([]uint64, p.table.words)
	layer := func(k layerKey) []uint64 {
		holds := make([]uint64, p.table.words)
		l := &p.layers[k]
		for n := range l.stmts {
			m, isDeny, t, applies := l.on(n, &e)
			var into []uint64
			switch {
			case !applies:
			case isDeny && t == triTrue:
				into = deny
			case isDeny:
			case t == triTrue || ok(m):
				into = holds
			}
			for w := range into {
				into[w] |= l.covers[w][n]
			}
		}
		return holds
	}
	copy(out, layer(layerIdentity))
	and := func(b []uint64) {
		for w := range out {
			out[w] &= b[w]
		}
	}
	if p.set.Boundary != nil {
		and(layer(layerBoundary))
	}
	for n := range p.set.SCPs {
		and(layer(layerSCP + layerKey(n)))
	}
	for w := range out {
		out[w] &^= deny[w]
	}
	return out
}
