package access

import (
	"math/bits"
	"unsafe"
)

// Candidates that outrank the principal.
//
// Most escalation methods that take over another principal (its access
// keys, its role through a service) only count when the target holds
// something the principal does not. The candidates are scanned in a fixed
// order until ten qualify; for a principal few others outrank, that was a
// scan of every user (or every role trusting the service) for each method
// and principal: quadratic in the account. Whether t outranks p depends
// only on their power classes (power.go), so the members of a list that
// outrank a class are found once per list and class, as a bitset over the
// list's positions, and the scan reads only those.

// outrankKey names a candidate list (by its first element's address and
// length: the lists are built once per analysis) and a power class.
type outrankKey struct {
	head  unsafe.Pointer
	n     int
	class int32
}

// outrankFrom: shorter lists are checked member by member.
const outrankFrom = 64

// eachCandidate calls yield with the members of list, in order, narrowed
// to keep as inOrder narrows them, and, when outrank is set, to those that
// outrank s.p. It stops when yield returns false.
func eachCandidate[T any](a *Analysis, s *pstate, list []T, keep map[*Principal]bool, outrank bool,
	role func(T) *Principal, inOrder func([]T, map[*Principal]bool) []T, yield func(T) bool) {
	ordered := inOrder(list, keep)
	if outrank && len(list) >= outrankFrom && len(ordered) == len(list) {
		if set, ok := outrankersOf(a, s, list, role); ok {
			for w, word := range set {
				for word != 0 {
					i := w*64 + bits.TrailingZeros64(word)
					word &= word - 1
					if !yield(list[i]) {
						return
					}
				}
			}
			return
		}
	}
	for _, t := range ordered {
		if outrank && !a.outranks(s, role(t)) {
			continue
		}
		if !yield(t) {
			return
		}
	}
}

// outrankersOf returns which members of list outrank s.p, kept per list
// and power class; ok is false when s.p has no class (a hypothetical
// principal, or one outside the model).
func outrankersOf[T any](a *Analysis, s *pstate, list []T, role func(T) *Principal) ([]uint64, bool) {
	i, ok := a.position(s.p)
	if !ok {
		return nil, false
	}
	a.power(s.p)
	c := a.powerClass[i].Load() - 1
	if c < 0 {
		return nil, false
	}
	key := outrankKey{unsafe.Pointer(unsafe.SliceData(list)), len(list), c}
	if v, ok := a.outrankSets.Load(key); ok {
		return v.([]uint64), true
	}
	set := make([]uint64, (len(list)+63)/64)
	for j, t := range list {
		if a.outranks(s, role(t)) {
			set[j/64] |= 1 << (j % 64)
		}
	}
	v, _ := a.outrankSets.LoadOrStore(key, set)
	return v.([]uint64), true
}

func self(p *Principal) *Principal           { return p }
func serviceRoleOf(r serviceRole) *Principal { return r.role }
