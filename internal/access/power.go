package access

// Power: which principal holds more than another.

import (
	"encoding/binary"
	"strings"
	"sync"

	"github.com/iamspect/iamspect/internal/policy"
)

// powerActions are the actions whose reach decides whether one principal
// holds more than another: the catalogue's actions and the sensitive
// actions list. powerIndex gives each spelling of them its place.
var powerActions, powerIndex = func() ([]string, map[string]int) {
	at := map[string]int{} // lower case -> place
	index := map[string]int{}
	var out []string
	add := func(a string) {
		k := strings.ToLower(a)
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, a)
		}
		index[a] = i
	}
	for _, m := range Methods {
		for _, s := range m.Steps {
			add(s.Action)
		}
	}
	for _, a := range sensitiveActions {
		add(a)
	}
	return out, index
}()

// hasPowerAt reports whether the principal may perform powerActions[i] on
// some resource.
func (a *Analysis) hasPowerAt(s *pstate, i int) bool {
	return a.powerOf(s)[i/64]&(1<<(i%64)) != 0
}

// allowedOnSome is a.allowed(a.eval(s, s.p.Set, action, "", "")): for one
// of powerActions, the principal's power bit.
func (a *Analysis) allowedOnSome(s *pstate, action string) bool {
	if i, ok := powerIndex[action]; ok {
		return a.hasPowerAt(s, i)
	}
	return a.allowed(a.eval(s, s.p.Set, action, "", ""))
}

// powerOf returns which powerActions the principal's set allows on some
// resource, as a bitset.
func (a *Analysis) powerOf(s *pstate) []uint64 {
	s.powerOnce.Do(func() {
		s.power = a.powerOfClass(s) // shared: read it, do not change it
		if i, ok := a.position(s.p); ok {
			a.powerClass[i].Store(a.classes.of(s.power, a.IsAdmin(s.p)) + 1)
			a.powers[i].Store(&s.power)
		}
	})
	return s.power
}

// powerClasses numbers the distinct (power, administrator) pairs: whether
// one principal outranks another depends on nothing else, and an account
// of 20,000 principals has a few hundred of them.
type powerClasses struct {
	mu  sync.Mutex
	ids map[string]int32
}

func (c *powerClasses) of(power []uint64, admin bool) int32 {
	key := make([]byte, 0, 8*len(power)+1)
	for _, w := range power {
		key = binary.LittleEndian.AppendUint64(key, w)
	}
	if admin {
		key = append(key, 1)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.ids[string(key)]
	if !ok {
		if c.ids == nil {
			c.ids = map[string]int32{}
		}
		id = int32(len(c.ids))
		c.ids[string(key)] = id
	}
	return id
}

// outranks is Outranks(t, s.p) for findAll, which asks it of every
// candidate target of every method: the answer is kept per power class of
// t (outrankRow), so each class is compared with the principal once.
// Only the goroutine running findAll for s calls it.
func (a *Analysis) outranks(s *pstate, t *Principal) bool {
	if t == s.p {
		return false
	}
	i, ok := a.position(t)
	if !ok {
		return a.Outranks(t, s.p)
	}
	c := a.powerClass[i].Load() - 1
	if c < 0 {
		a.power(t) // assigns t its class
		if c = a.powerClass[i].Load() - 1; c < 0 {
			return a.Outranks(t, s.p)
		}
	}
	return s.outrank.get(int(c), func() bool { return a.Outranks(t, s.p) })
}

// outrankRow holds, per power class, whether a class outranks the
// principal: known and value bits.
type outrankRow struct{ known, value []uint64 }

func (r *outrankRow) get(c int, compute func() bool) bool {
	w, bit := c/64, uint64(1)<<(c%64)
	if w < len(r.known) && r.known[w]&bit != 0 {
		return r.value[w]&bit != 0
	}
	for len(r.known) <= w {
		r.known, r.value = append(r.known, 0), append(r.value, 0)
	}
	v := compute()
	r.known[w] |= bit
	if v {
		r.value[w] |= bit
	}
	return v
}

// power is powerOf(a.state(p)), read from the dense per-position array
// once known: Outranks compares the principal with every candidate target,
// and reaching each target's state is a cache miss.
func (a *Analysis) power(p *Principal) []uint64 {
	if i, ok := a.position(p); ok {
		if v := a.powers[i].Load(); v != nil {
			return *v
		}
	}
	return a.powerOf(a.state(p))
}

// position is p's place in the model, when p is the model's.
func (a *Analysis) position(p *Principal) (int, bool) {
	i := p.index - 1
	return i, i >= 0 && i < len(a.Model.Principals) && a.Model.Principals[i] == p
}

// unboundPower is the power of role r without its permissions boundary,
// computed once per role.
func (a *Analysis) unboundPower(r *Principal) []uint64 {
	s := a.state(r)
	s.unboundOnce.Do(func() { s.unbound = a.computePower(s, &policy.Set{Identity: r.Set.Identity, SCPs: r.Set.SCPs}) })
	return s.unbound
}

func (a *Analysis) computePower(s *pstate, set *policy.Set) []uint64 {
	out := make([]uint64, powerWords)
	if set == s.p.Set && a.IsAdmin(s.p) || set.IsAdmin() {
		for i := range powerActions {
			out[i/64] |= 1 << (i % 64)
		}
		return out
	}
	// Each statement judged once, and matched against "some resource"
	// once for all the actions it covers (Prepared.AllowedOnSome).
	return a.preparedFor(s, set).AllowedOnSome(a.matchSatisfiable)
}

// preparedFor prepares set for the principal of s, for powerActions
// (policy.Prepared): its statements' principals and conditions are judged
// once, then each question only looks up the statements that cover its
// action and matches their resources.
func (a *Analysis) preparedFor(s *pstate, set *policy.Set) *policy.Prepared {
	return a.preparedWith(s, set, "")
}

// preparedWith is preparedFor with iam:PassedToService set to passedTo
// (none when empty).
func (a *Analysis) preparedWith(s *pstate, set *policy.Set, passedTo string) *policy.Prepared {
	req := a.request(s, passedTo)
	req.Action, req.Resource = "", ""
	return set.Prepare(&req, a.powerTable)
}

var powerWords = (len(powerActions) + 63) / 64

// allowBits returns which powerActions some Allow statement of the policy
// covers, computed once per compiled policy (a policy is shared by every
// principal it is attached to).
func (a *Analysis) allowBits(p *policy.Policy) []uint64 {
	if v, ok := a.policyBits.Load(p); ok {
		return v.([]uint64)
	}
	out := make([]uint64, powerWords)
	for i, act := range powerActions {
		for _, st := range p.Doc.Statements {
			if st.Effect == policy.Allow && coversAction(st, act) {
				out[i/64] |= 1 << (i % 64)
				break
			}
		}
	}
	v, _ := a.policyBits.LoadOrStore(p, out)
	return v.([]uint64)
}

// allowBitsOf unions allowBits over policies.
func (a *Analysis) allowBitsOf(ps []*policy.Policy) []uint64 {
	out := make([]uint64, powerWords)
	for _, p := range ps {
		for i, w := range a.allowBits(p) {
			out[i] |= w
		}
	}
	return out
}

// Outranks reports whether target holds something p does not: it is
// administrator and p is not, or it is allowed one of the escalation or
// sensitive actions (on some resource) that p is not. A role that can only
// do what p can already do is a lateral move, not an escalation.
func (a *Analysis) Outranks(target, p *Principal) bool {
	if target == p {
		return false
	}
	if a.IsAdmin(target) {
		return !a.IsAdmin(p)
	}
	return exceeds(a.power(target), a.power(p))
}

func exceeds(t, p []uint64) bool {
	for i := range t {
		if t[i]&^p[i] != 0 {
			return true
		}
	}
	return false
}
