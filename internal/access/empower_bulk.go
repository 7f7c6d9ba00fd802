package access

// Summaries of empowerments without a record per target. A principal
// allowed to change the permissions of every user, group, role or policy
// (iam:PutRolePolicy on "*") has one empowerment per target: tens of
// thousands in a large account, for each such principal. When no
// statement covering the action names a resource, every target gets the
// same answer, so such a pass is kept as one bulkPass; the summary walks
// its targets in report order only as far as it shows them, and counts the
// rest. Empowerments still lists every record: the summary is held to that
// list by TestEmpowermentSummaryMatchesList.

import (
	"cmp"
	"math/bits"
	"slices"
	"sync"
)

// bulkPass: one action allowed alike on every target of its kind that the
// principal does not own (empowerWork.own), nor assume (for
// iam:UpdateAssumeRolePolicy).
type bulkPass struct {
	kind, act string
	grant     int32
	// attachAdmin: an attach action allowed with AdministratorAccess as
	// the policy attached (empowersAdmin's question, the same for every
	// target).
	attachAdmin bool
	// in: by candidate position, whether the target is one of the pass's
	// (includes), asked once; n: how many are.
	in []bool
	n  int
}

// bulkTargets records an independent, unfiltered pass as a bulkPass when
// its action is allowed, answering for the first target as empowerTargets
// would (and so for all of them).
func (a *Analysis) bulkTargets(ew *empowerWork, kind, act string) {
	b := bulkPass{kind: kind, act: act}
	cands := a.empowerCandidates(kind)
	for i := range cands {
		t := &cands[i]
		if !b.includes(a, ew, t) {
			continue
		}
		r := ew.evalTarget(a, act, t.arn)
		if !a.allowed(r) {
			return
		}
		b.grant = ew.grant(a, r, act, t.arn)
		memo := -1 // set by an attach action's question, asked once
		a.empowersAdmin(ew, act, t, true, &memo)
		b.attachAdmin = memo == 1
		b.in, b.n = a.bulkMembers(ew, kind, act, cands, i)
		ew.bulk = append(ew.bulk, b)
		return
	}
}

// bulkMembers answers includes for the candidates from position from on,
// and counts them. Most are in: every candidate is first, then the few the
// principal owns are found by ARN (empowerIndex.byARN) rather than every
// candidate looked up among them; only the roles a principal may assume
// (iam:UpdateAssumeRolePolicy) are asked one by one. A principal allowed an
// action on every target holds one such pass per action, and a map lookup
// per target of the account made the passes quadratic.
func (a *Analysis) bulkMembers(ew *empowerWork, kind, act string, cands []empowerTarget, from int) ([]bool, int) {
	in := make([]bool, len(cands))
	for j := from; j < len(cands); j++ {
		in[j] = true
	}
	order := a.empowerIndex().byARN[kind]
	for arn := range ew.owned(a) {
		k, _ := slices.BinarySearchFunc(order, arn, func(pos int32, arn string) int { return cmp.Compare(cands[pos].arn, arn) })
		for ; k < len(order) && cands[order[k]].arn == arn; k++ {
			in[order[k]] = false
		}
	}
	n := 0
	for j := from; j < len(cands); j++ {
		if in[j] && ew.assumedAlready(a, kind, act, &cands[j]) {
			in[j] = false
		}
		if in[j] {
			n++
		}
	}
	return in, n
}

// includes: t is a target of the pass.
func (b *bulkPass) includes(a *Analysis, ew *empowerWork, t *empowerTarget) bool {
	return !ew.leftOut(a, b.kind, b.act, t)
}

// admin is empowersAdmin's answer for target t.
func (b *bulkPass) admin(a *Analysis, t *empowerTarget) bool {
	switch b.act {
	case "iam:AddUserToGroup":
		return t.groupAdmin
	case "iam:UpdateAssumeRolePolicy":
		return a.IsAdmin(t.p)
	case "iam:AttachUserPolicy", "iam:AttachGroupPolicy", "iam:AttachRolePolicy":
		return b.attachAdmin && t.reach
	}
	return t.reach
}

// recKey is a record's place in report order (sortRecs): administrator-
// capable first, then by target ARN and action; pos breaks ties between
// records of one pass.
func recKey(r *empowerRec, pos int) uint64 {
	k := uint64(r.t.rank)<<36 | uint64(empowerActionRank[r.act])<<32 | uint64(uint32(pos))
	if !r.admin {
		k |= 1 << 63
	}
	return k
}

// recCursor walks records in report order.
type recCursor interface {
	// peek returns the next record's key; false when there is none.
	peek() (uint64, bool)
	pop() empowerRec
}

// sortedCursor walks the sorted records of empowerRecs.
type sortedCursor struct {
	recs []empowerRec
	keys []uint64
	i    int
}

func (c *sortedCursor) peek() (uint64, bool) {
	if c.i >= len(c.recs) {
		return 0, false
	}
	return c.keys[c.i], true
}

func (c *sortedCursor) pop() empowerRec { c.i++; return c.recs[c.i-1] }

// bulkCursor walks a bulk pass's targets in report order: the
// administrator-capable ones by ARN, then the others by ARN (equal ARNs in
// candidate order, as the records of a pass are).
type bulkCursor struct {
	a       *Analysis
	ew      *empowerWork
	b       *bulkPass
	cands   []empowerTarget
	order   []int32 // candidate positions by ARN
	admin   bool    // the half being walked
	i       int     // into order
	next    empowerRec
	nextKey uint64
	ok      bool
}

func (a *Analysis) newBulkCursor(ew *empowerWork, b *bulkPass) *bulkCursor {
	ix := a.empowerIndex()
	c := &bulkCursor{a: a, ew: ew, b: b, cands: ix.cands[b.kind], order: ix.byARN[b.kind], admin: true}
	c.advance()
	return c
}

// advance finds the next target of the half being walked, then of the
// other half.
func (c *bulkCursor) advance() {
	for {
		for ; c.i < len(c.order); c.i++ {
			pos := int(c.order[c.i])
			t := &c.cands[pos]
			if !c.b.in[pos] || c.b.admin(c.a, t) != c.admin {
				continue
			}
			c.next = empowerRec{t: t, act: c.b.act, kind: c.b.kind, admin: c.admin, grant: c.b.grant}
			c.nextKey, c.ok = recKey(&c.next, pos), true
			c.i++
			return
		}
		if !c.admin {
			c.ok = false
			return
		}
		c.admin, c.i = false, 0
	}
}

func (c *bulkCursor) peek() (uint64, bool) { return c.nextKey, c.ok }

func (c *bulkCursor) pop() empowerRec {
	r := c.next
	c.advance()
	return r
}

// EmpowermentSummary summarises Empowerments(p), keeping at most first
// empowerments per action and maxEmpowers empowered principals (all of
// them counted). Nil when there are none.
func (a *Analysis) EmpowermentSummary(p *Principal, first, maxEmpowers int) *EmpowerSummary {
	ew := a.empowerRecs(p, true)
	defer ew.release()
	if len(ew.recs) == 0 && len(ew.bulk) == 0 {
		return nil
	}
	sum := &EmpowerSummary{}
	sum.Actions, sum.Admin = a.firstPerAction(ew, first)
	// The empowered principals: the first in report order, then all.
	u := a.newEmpowerUnion(maxEmpowers)
	cursors := a.cursors(ew)
	for len(u.names) < maxEmpowers {
		r, ok := popMin(cursors)
		if !ok {
			break
		}
		u.add(&r)
	}
	for i := range ew.recs {
		u.add(&ew.recs[i])
	}
	for i := range ew.bulk {
		// The names are complete by now (the cursors ran out, or the
		// list is full): only the count is left to take in.
		if !a.unionBulk(u, &ew.bulk[i]) {
			a.eachBulkRec(ew, &ew.bulk[i], u.add)
		}
	}
	sum.Empowers, sum.EmpowersTotal = u.names, u.total()
	return sum
}

// firstPerAction returns each action's count and first empowerments in
// report order, the actions in the order their first empowerments come,
// and whether the very first is administrator-capable.
// A bulk pass is one action's records on its own (each action is one
// pass), so each action is summarised from its own cursor.
func (a *Analysis) firstPerAction(ew *empowerWork, first int) ([]EmpowerAction, bool) {
	type action struct {
		EmpowerAction
		key uint64 // its first record's
	}
	var acts []action
	for i := range ew.recs {
		r := &ew.recs[i]
		k := slices.IndexFunc(acts, func(x action) bool { return x.Action == r.act })
		if k < 0 {
			acts = append(acts, action{EmpowerAction: EmpowerAction{Action: r.act}, key: ew.keys[i]})
			k = len(acts) - 1
		}
		ea := &acts[k].EmpowerAction
		ea.Count++
		if len(ea.First) < first {
			ea.First = append(ea.First, r.empowerment(ew.grants))
		}
	}
	for i := range ew.bulk {
		b := &ew.bulk[i]
		c := a.newBulkCursor(ew, b)
		key, _ := c.peek()
		act := action{EmpowerAction: EmpowerAction{Action: b.act, Count: b.n}, key: key}
		for len(act.First) < first {
			if _, ok := c.peek(); !ok {
				break
			}
			r := c.pop()
			act.First = append(act.First, r.empowerment(ew.grants))
		}
		acts = append(acts, act)
	}
	slices.SortFunc(acts, func(x, y action) int { return cmp.Compare(x.key, y.key) })
	out := make([]EmpowerAction, len(acts))
	for i := range acts {
		out[i] = acts[i].EmpowerAction
	}
	return out, acts[0].key>>63 == 0 // recKey: the top bit marks "not administrator-capable"
}

// cursors walk the records and the bulk passes in report order.
func (a *Analysis) cursors(ew *empowerWork) []recCursor {
	cs := []recCursor{&sortedCursor{recs: ew.recs, keys: ew.keys}}
	for i := range ew.bulk {
		cs = append(cs, a.newBulkCursor(ew, &ew.bulk[i]))
	}
	return cs
}

// popMin takes the next record in report order from the cursors.
func popMin(cs []recCursor) (empowerRec, bool) {
	best := -1
	var bestKey uint64
	for i, c := range cs {
		if k, ok := c.peek(); ok && (best < 0 || k < bestKey) {
			best, bestKey = i, k
		}
	}
	if best < 0 {
		return empowerRec{}, false
	}
	return cs[best].pop(), true
}

// eachBulkRec calls fn with a record for every target of the pass, in
// candidate order (Admin is not set: the union does not read it). The
// record is only valid during the call.
func (a *Analysis) eachBulkRec(ew *empowerWork, b *bulkPass, fn func(*empowerRec)) {
	cands := a.empowerCandidates(b.kind)
	var r empowerRec // one record reused: fn reads it and keeps nothing
	for i := range cands {
		if b.in[i] {
			r = empowerRec{t: &cands[i], act: b.act, kind: b.kind, grant: b.grant}
			fn(&r)
		}
	}
}

// empowerUnion gathers the distinct principals of empowerments' Empowers
// lists: the first max ARNs in the order added, and how many in all.
// Distinct by ARN, through the position of the first principal with each
// ARN. A long list (a group's outsiders, a policy attached to many) has a
// bitset of those positions shared by the targets with the same list: once
// the first max names are known, or when it adds none, it is merged a word
// at a time, and only once.
type empowerUnion struct {
	a      *Analysis
	canon  []int
	sets   [][]uint64
	seen   []uint64
	merged []bool
	names  []string
	max    int
	extra  map[string]bool // principals not of this model: never the case for a model's targets
}

func (a *Analysis) newEmpowerUnion(max int) *empowerUnion {
	canon := a.arnPositions()
	sets := a.empowerIndex().sets
	return &empowerUnion{a: a, canon: canon, sets: sets, seen: make([]uint64, (len(canon)+63)/64), merged: make([]bool, len(sets)), max: max}
}

func (u *empowerUnion) addPrincipal(q *Principal) {
	if i := q.index - 1; i >= 0 && i < len(u.canon) && u.a.Model.Principals[i] == q {
		c := u.canon[i]
		if u.seen[c/64]&(1<<(c%64)) != 0 {
			return
		}
		u.seen[c/64] |= 1 << (c % 64)
	} else {
		if u.extra[q.ARN] {
			return
		}
		if u.extra == nil {
			u.extra = map[string]bool{}
		}
		u.extra[q.ARN] = true
	}
	if len(u.names) < u.max {
		u.names = append(u.names, q.ARN)
	}
}

// add takes in the principals the record's change empowers.
func (u *empowerUnion) add(r *empowerRec) {
	if c := r.t.solePos; c >= 0 && r.act != "iam:AddUserToGroup" {
		// a user or role: no need to find its position
		if u.seen[c/64]&(1<<(c%64)) == 0 {
			u.seen[c/64] |= 1 << (c % 64)
			if len(u.names) < u.max {
				u.names = append(u.names, r.t.empowers[0].ARN)
			}
		}
		return
	}
	list, set := r.empowered()
	if set < 0 {
		for q := range list {
			u.addPrincipal(q)
		}
		return
	}
	if u.merged[set] {
		return
	}
	b := u.sets[set]
	if len(u.names) < u.max && !covered(u.seen, b) {
		for q := range list {
			if len(u.names) >= u.max {
				break
			}
			u.addPrincipal(q)
		}
	}
	orInto(u.seen, b)
	u.merged[set] = true
}

func (u *empowerUnion) total() int {
	n := len(u.extra)
	for _, w := range u.seen {
		n += bits.OnesCount64(w)
	}
	return n
}

// bulkUnion is, for the targets of one kind, the union of the principals
// their changes empower (a group's outsiders for iam:AddUserToGroup, else
// its members or the target), by ARN position: a bulk pass's principals
// are the union's less those only its left-out targets empower, found
// from the few targets left out rather than the thousands kept. Without it
// each principal allowed a change on every target walked every target's
// list: a power user in ten thousand was a quadratic term of the scan.
type bulkUnion struct {
	ok    bool     // every list's principals are of the model
	bits  []uint64 // the union
	count []int32  // by ARN position: how many targets' lists hold it
	sizes []int32  // by candidate position: the list's length
	// walk: by candidate position, what adding the target's principals
	// one record at a time costs (empowerUnion.add: a bit for a sole
	// principal, a bitset merge for a long list — once per distinct list
	// —, a position looked up per principal of a short one), in word
	// operations; walkTotal, summed.
	walk      []int32
	walkTotal int64
}

type bulkUnionKey struct {
	kind      string
	outsiders bool
}

// bulkUnionOf returns the union of the kind's targets, computed once.
func (a *Analysis) bulkUnionOf(kind string, outsiders bool) *bulkUnion {
	key := bulkUnionKey{kind, outsiders}
	if v, ok := a.bulkUnions.Load(key); ok {
		return v.(*bulkUnion)
	}
	canon := a.arnPositions()
	cands := a.empowerCandidates(kind) // before the lock: the index takes it too
	a.empowerMu.Lock()
	defer a.empowerMu.Unlock()
	if v, ok := a.bulkUnions.Load(key); ok {
		return v.(*bulkUnion)
	}
	words := (len(canon) + 63) / 64
	x := &bulkUnion{ok: true, bits: make([]uint64, words), count: make([]int32, len(canon)), sizes: make([]int32, len(cands)), walk: make([]int32, len(cands))}
	merged := map[int32]bool{}
	for i := range cands {
		t := &cands[i]
		list, set := t.empoweredBy(outsiders)
		for q := range list {
			c, ok := a.canonOf(q)
			if !ok {
				x.ok = false
				break
			}
			x.bits[c/64] |= 1 << (c % 64)
			x.count[c]++
			x.sizes[i]++
		}
		switch {
		case !outsiders && t.solePos >= 0:
			x.walk[i] = 1
		case set >= 0 && merged[set]:
			x.walk[i] = 1 // merged already, through another target with the same list
		case set >= 0:
			x.walk[i] = int32(words)
			merged[set] = true
		default:
			x.walk[i] = x.sizes[i]
		}
		x.walkTotal += int64(x.walk[i])
	}
	a.bulkUnions.Store(key, x)
	return x
}

// canonOf is q's ARN position (arnPositions), false for a principal not
// of the model.
func (a *Analysis) canonOf(q *Principal) (int, bool) {
	i, ok := a.position(q)
	if !ok {
		return 0, false
	}
	return a.arnPositions()[i], true
}

// unionBulk takes the principals of a bulk pass into u's count through
// the kind's union, when reading the left-out targets' lists costs less
// than adding the kept targets one by one; false when it did not (the
// caller walks the pass). A kind of sole targets (users, roles) or of
// short lists (policies) goes through the union; groups' outsiders, long
// lists merged as shared bitsets, mostly do not.
func (a *Analysis) unionBulk(u *empowerUnion, b *bulkPass) bool {
	outsiders := b.act == "iam:AddUserToGroup"
	x := a.bulkUnionOf(b.kind, outsiders)
	if !x.ok {
		return false
	}
	var left, leftWalk int64
	for i, in := range b.in {
		if !in {
			left += int64(x.sizes[i])
			leftWalk += int64(x.walk[i])
		}
	}
	if 2*left+2*int64(len(x.bits)) >= x.walkTotal-leftWalk {
		return false
	}
	// A principal is lost to the pass when every target whose list holds
	// it is left out: counted in a scratch array by ARN position, only the
	// positions touched reset afterwards.
	sc := heldPool.Get().(*heldScratch) // put back only clean (zero counts)
	if len(sc.n) < len(x.count) {
		sc.n = make([]int32, len(x.count))
	}
	cands := a.empowerCandidates(b.kind)
	for i, in := range b.in {
		if in {
			continue
		}
		list, _ := cands[i].empoweredBy(outsiders)
		for q := range list {
			c, _ := a.canonOf(q)
			if sc.n[c] == 0 {
				sc.touched = append(sc.touched, int32(c))
			}
			sc.n[c]++
		}
	}
	bits := append(sc.bits[:0], x.bits...)
	for _, c := range sc.touched {
		if sc.n[c] == x.count[c] {
			bits[c/64] &^= 1 << (c % 64)
		}
		sc.n[c] = 0
	}
	orInto(u.seen, bits)
	sc.touched, sc.bits = sc.touched[:0], bits
	heldPool.Put(sc)
	return true
}

// heldScratch is unionBulk's work area: counts by ARN position (zero
// between uses), the positions touched, and the bitset.
type heldScratch struct {
	n       []int32
	touched []int32
	bits    []uint64
}

var heldPool = sync.Pool{New: func() any { return new(heldScratch) }}
