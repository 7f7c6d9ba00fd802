package policy

import (
	"strings"
	"sync"
)

// Many actions, one principal and one resource.
//
// Whether a statement applies to a request depends on the action only
// through the statement's Action element: its principal, resource and
// conditions are judged on the rest of the request. An analysis that asks
// about hundreds of actions for the same principal and resource (the
// escalation analysis's "what can this principal do on some resource")
// judges each statement once (Set.Prepare) and then, for each action, only
// looks up which of those statements cover it (ActionTable). A user in ten
// groups of ten policies has a hundred policies; evaluating each action
// walked them all and judged every statement covering the action again.

// ActionTable is a fixed list of actions, numbered. Which of them each
// statement's Action element covers is computed once per policy and kept.
// Safe for concurrent use.
type ActionTable struct {
	low    []string // lower case, as Evaluate matches them
	svc    []string // the service prefix of each
	words  int
	covers sync.Map // *Policy -> [][]uint64: per statement, the actions it covers
}

// NewActionTable numbers actions in the order given.
func NewActionTable(actions []string) *ActionTable {
	t := &ActionTable{low: make([]string, len(actions)), svc: make([]string, len(actions)), words: (len(actions) + 63) / 64}
	for i, a := range actions {
		t.low[i] = strings.ToLower(a)
		t.svc[i], _, _ = strings.Cut(t.low[i], ":")
	}
	return t
}

// Len is the number of actions.
func (t *ActionTable) Len() int { return len(t.low) }

// coverOf returns, for each statement of p, which of the table's actions
// its Action element covers (the same test Evaluate makes).
func (t *ActionTable) coverOf(p *Policy) [][]uint64 {
	if v, ok := t.covers.Load(p); ok {
		return v.([][]uint64)
	}
	out := make([][]uint64, len(p.stmts))
	for j, cs := range p.stmts {
		var bits []uint64
		for i := range t.low {
			if p.mayMatch(t.svc[i], svcBit(t.svc[i])) && cs.matchAction(t.low[i], t.svc[i]) {
				if bits == nil {
					bits = make([]uint64, t.words)
				}
				bits[i/64] |= 1 << (i % 64)
			}
		}
		out[j] = bits // nil: covers none of them
	}
	v, _ := t.covers.LoadOrStore(p, out)
	return v.([][]uint64)
}

// Prepared is a set judged for one request (its principal, resource and
// context), ready to be evaluated for each action of a table. It is
// immutable and safe for concurrent use.
type Prepared struct {
	set    *Set
	table  *ActionTable
	req    evalReq               // action and svc left empty
	layers map[layerKey][]judged // the statements that apply, action aside
}

// judged is a statement whose principal, resource and conditions admit the
// request: whether it matches depends on the action alone.
type judged struct {
	covers []uint64
	m      Match
	kind   matchKind
}

// Prepare judges every statement of the set for req (whose Action is
// ignored) once. Evaluate(i) then equals s.Evaluate for req with the
// table's action i.
func (s *Set) Prepare(req *Request, t *ActionTable) *Prepared {
	p := &Prepared{set: s, table: t, layers: map[layerKey][]judged{},
		req: evalReq{principal: req.Principal, resource: req.Resource, ctx: req.evalContext()}}
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
	var out []judged
	for _, pol := range policies {
		covers := p.table.coverOf(pol)
		for j, cs := range pol.stmts {
			if covers[j] == nil {
				continue // covers none of the table's actions
			}
			if m, kind, ok := p.req.judge(pol, cs); ok {
				out = append(out, judged{covers: covers[j], m: m, kind: kind})
			}
		}
	}
	p.layers[k] = out
}

// judge is match without the action test.
func (e *evalReq) judge(p *Policy, cs *cstmt) (Match, matchKind, bool) {
	if cs.effect == EffectInvalid {
		return Match{}, 0, false // IAM refuses such a statement
	}
	deny := cs.effect == Deny
	t, unknown, via := e.beyondAction(cs, deny)
	if t == triFalse {
		return Match{}, 0, false
	}
	return Match{Policy: p, Statement: cs.st, Unknown: unknown, ViaAccount: via}, matchKindOf(deny, t), true
}

// Evaluate is the set's decision for the table's action i.
func (p *Prepared) Evaluate(i int) Result {
	e := p.req
	e.action, e.svc = p.table.low[i], p.table.svc[i]
	word, bit := i/64, uint64(1)<<(i%64)
	return p.set.decide(&e, func(k layerKey, _ []*Policy, wantDirect bool) layer {
		var buf [64]Match
		var kindBuf [64]matchKind
		ms, kinds := buf[:0], kindBuf[:0]
		var count [nKinds]int
		for _, j := range p.layers[k] {
			if j.covers[word]&bit != 0 {
				ms, kinds = append(ms, j.m), append(kinds, j.kind)
				count[j.kind]++
			}
		}
		return newLayer(ms, kinds, &count, wantDirect)
	})
}
