package policy

import (
	"math/bits"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/iamspect/iamspect/internal/iamdata"
)

// Allows asks whether the set allows action on resource for some principal,
// with every condition key unknown. The Result says Allowed (in every
// context), ConditionallyAllowed (in some) or a deny (in none).
func (s *Set) Allows(action, resource string) Result {
	return s.Evaluate(&Request{Action: action, Resource: resource})
}

// AllowsUnconditionally reports whether action on resource is allowed in
// every context.
func (s *Set) AllowsUnconditionally(action, resource string) bool {
	return s.Allows(action, resource).Decision == Allowed
}

// AllowsSomehow reports whether action on resource is allowed in at least
// one context (possibly only under conditions).
func (s *Set) AllowsSomehow(action, resource string) bool {
	d := s.Allows(action, resource).Decision
	return d == Allowed || d == ConditionallyAllowed
}

// ActionDecision is one catalogue action and how the set treats it.
type ActionDecision struct {
	Action   iamdata.Action
	Decision Decision // Allowed or ConditionallyAllowed
}

// AllowedActions lists the catalogue actions of a service that the set
// allows on some resource, in some context. A Deny removes an action only
// when it covers every resource.
func (s *Set) AllowedActions(service string) []ActionDecision {
	var out []ActionDecision
	for _, a := range iamdata.ServiceActions(service) {
		r := s.Evaluate(&Request{Action: a.String()})
		if r.Decision == Allowed || r.Decision == ConditionallyAllowed {
			out = append(out, ActionDecision{Action: a, Decision: r.Decision})
		}
	}
	return out
}

// IsAdmin reports whether the set amounts to full administrator: every action
// of the catalogue is allowed on "*" without conditions (through Action "*",
// service wildcards, or NotAction that excludes no real action), through the
// identity policies, boundary and every SCP level, and no unconditional Deny
// on "*" takes any action away. A conditional Deny (say, "deny all without
// MFA") does not remove admin status: the principal is admin whenever the
// condition is false. Resource policies do not count.
func IsAdmin(s *Set) bool {
	s.adminOnce.Do(func() { s.admin = s.computeAdmin() })
	return s.admin
}

// IsAdmin is the method form of IsAdmin.
func (s *Set) IsAdmin() bool { return IsAdmin(s) }

// IsAdminPolicy reports whether one policy on its own amounts to
// administrator access.
func IsAdminPolicy(p *Policy) bool { return IsAdmin(&Set{Identity: []*Policy{p}}) }

func (s *Set) computeAdmin() bool {
	// Cheap rejection first: most sets cannot reach every action at all.
	if !mayCoverAll(s.Identity) || (s.Boundary != nil && !mayCoverAll(s.Boundary)) {
		return false
	}
	for _, level := range s.SCPs {
		if !mayCoverAll(level) {
			return false
		}
	}
	// Scratch bitsets from a pool: the answer is one bool, and every
	// principal (and every hypothetical member of a group) asks once.
	allowed, other := scratchBitset(), scratchBitset()
	defer releaseBitset(allowed)
	defer releaseBitset(other)
	layerAllowBits(allowed, s.Identity)
	if s.Boundary != nil {
		allowed.and(layerAllowBits(other, s.Boundary))
	}
	for _, level := range s.SCPs {
		allowed.and(layerAllowBits(other, level))
	}
	deny := *other
	clear(deny)
	layers := append([][]*Policy{s.Identity, s.Boundary}, s.SCPs...)
	for _, l := range layers {
		for _, p := range l {
			if w := p.wholeBits(); w.deny != nil {
				deny.or(w.deny)
			}
		}
	}
	allowed.andNot(deny)
	return allowed.full()
}

// bitsetPool holds catalogue-sized scratch bitsets (scratchBitset).
var bitsetPool = sync.Pool{New: func() any { return new(bitset) }}

// scratchBitset returns a cleared catalogue-sized bitset; releaseBitset
// gives it back.
func scratchBitset() *bitset {
	b := bitsetPool.Get().(*bitset)
	if n := (iamdata.Len() + 63) / 64; len(*b) != n {
		*b = make(bitset, n)
	}
	clear(*b)
	return b
}

func releaseBitset(b *bitset) { bitsetPool.Put(b) }

// wholeBits is what one policy adds to an IsAdmin question: the actions
// its unconditional Allow statements on "*" cover (allow, nil when none,
// and how many), and those its unconditional Deny statements on "*" cover
// (deny, nil when none).
type wholeBits struct {
	allow, deny bitset
	allowN      int
}

func (p *Policy) wholeBits() *wholeBits {
	p.wholeOnce.Do(func() {
		for _, cs := range p.stmts {
			if !cs.appliesToAllUnconditionally() {
				continue
			}
			target := &p.whole.allow
			if cs.st.Effect == Deny {
				target = &p.whole.deny
			} else if cs.st.Effect != Allow {
				continue
			}
			if *target == nil {
				*target = newBitset()
			}
			target.or(cs.actionBits())
		}
		if p.whole.allow != nil {
			p.whole.allowN = p.whole.allow.count()
		}
	})
	return &p.whole
}

// mayCoverAll reports whether the layer's unconditional allows on "*" add
// up to at least as many actions as the catalogue holds (a necessary
// condition for covering it).
func mayCoverAll(ps []*Policy) bool {
	n := 0
	for _, p := range ps {
		n += p.wholeBits().allowN
	}
	return n >= iamdata.Len()
}

// layerAllowBits sets out (cleared first) to the actions the layer allows
// on "*" without conditions, and returns it.
func layerAllowBits(out *bitset, ps []*Policy) bitset {
	b := *out
	clear(b)
	for _, p := range ps {
		if w := p.wholeBits(); w.allow != nil {
			b.or(w.allow)
		}
	}
	return b
}

// appliesToAllUnconditionally: no conditions, no principal restriction, and
// the resource element matches the literal "*".
func (cs *cstmt) appliesToAllUnconditionally() bool {
	if len(cs.conds) > 0 || (cs.principal != nil && !cs.principal.IsWildcard()) || cs.notPrinc {
		return false
	}
	t, _ := cs.matchResource("*", cs.st.Effect == Deny, nil)
	return t == triTrue
}

// actionBits returns the catalogue actions the statement's action element
// covers (NotAction: all but the excluded), computed once.
func (cs *cstmt) actionBits() bitset {
	cs.bitsOnce.Do(func() {
		b := newBitset()
		for _, p := range cs.actions {
			expandPattern(p).addTo(b)
		}
		if cs.notAction {
			b.not()
		}
		cs.bits, cs.nbits = b, b.count()
	})
	return cs.bits
}

// expansion is the set of catalogue actions one pattern matches: a list of
// positions when short (most patterns name a few actions), else a bitset.
type expansion struct {
	idx  []int32
	bits bitset
}

func (e *expansion) addTo(b bitset) {
	if e.bits != nil {
		b.or(e.bits)
		return
	}
	for _, i := range e.idx {
		b.set(int(i))
	}
}

// Expansions are shared by all policies, since real accounts repeat the same
// patterns many times. The cache is bounded so that hostile input cannot
// grow it without limit.
var (
	expansions    sync.Map // lower-case pattern -> *expansion
	expansionsLen atomic.Int64
)

const maxExpansions = 200_000

func expandPattern(p actionPat) *expansion {
	if v, ok := expansions.Load(p.g.text); ok {
		return v.(*expansion)
	}
	var idx []int32
	if p.g.plain {
		if i, ok := iamdata.Index(p.g.text); ok {
			idx = append(idx, int32(i))
		}
	} else {
		names := iamdata.LowerNames()
		lo, hi := 0, len(names)
		if p.svc != "" {
			lo, hi = iamdata.ServiceRange(p.svc)
		}
		if i := strings.IndexAny(p.g.text, "*?"); i > 0 {
			// The literal prefix narrows the scan to a sorted range.
			l, h := iamdata.SearchPrefix(p.g.text[:i])
			lo, hi = max(lo, l), min(hi, h)
		}
		for i := lo; i < hi; i++ {
			if p.g.match(names[i]) {
				idx = append(idx, int32(i))
			}
		}
	}
	e := &expansion{idx: idx}
	if len(idx) > 256 {
		e.bits = newBitset()
		for _, i := range idx {
			e.bits.set(int(i))
		}
		e.idx = nil
	}
	if expansionsLen.Load() >= maxExpansions {
		return e
	}
	v, loaded := expansions.LoadOrStore(p.g.text, e)
	if !loaded {
		expansionsLen.Add(1)
	}
	return v.(*expansion)
}

// matchesSomeAction reports whether an action pattern matches at least one
// catalogue action, without listing them (Validate asks this of every
// wildcard action of every policy).
func matchesSomeAction(pattern string) bool {
	e := expandPattern(newActionPat(pattern))
	return e.bits != nil || len(e.idx) > 0
}

// ExpandActions returns the catalogue actions matching an action pattern
// such as "iam:*" or "s3:Get*", ignoring case.
func ExpandActions(pattern string) []iamdata.Action {
	b := newBitset()
	expandPattern(newActionPat(pattern)).addTo(b)
	all := iamdata.Actions()
	var out []iamdata.Action
	for i := range all {
		if b.has(i) {
			out = append(out, all[i])
		}
	}
	return out
}

// bitset has one bit per catalogue action.
type bitset []uint64

func newBitset() bitset { return make(bitset, (iamdata.Len()+63)/64) }

func (b bitset) set(i int)      { b[i/64] |= 1 << (i % 64) }
func (b bitset) has(i int) bool { return b[i/64]&(1<<(i%64)) != 0 }

func (b bitset) or(o bitset) {
	for i := range b {
		b[i] |= o[i]
	}
}

func (b bitset) and(o bitset) {
	for i := range b {
		b[i] &= o[i]
	}
}

func (b bitset) andNot(o bitset) {
	for i := range b {
		b[i] &^= o[i]
	}
}

func (b bitset) not() {
	for i := range b {
		b[i] = ^b[i]
	}
	b.trim()
}

// trim clears the bits past the last action.
func (b bitset) trim() {
	if r := iamdata.Len() % 64; r != 0 {
		b[len(b)-1] &= (1 << r) - 1
	}
}

func (b bitset) full() bool {
	return b.count() == iamdata.Len()
}

func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}
