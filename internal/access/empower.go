package access

// Empowerment: a principal that can change other principals' permissions
// (rule principal-can-grant-permissions). Attaching or putting a policy on
// another user, group or role, adding users to a group, writing a new
// version of a customer managed policy, rewriting a role's trust: none of
// these raises the principal itself when it cannot use the target, so they
// are not privilege escalation — but each can make someone else an
// administrator.

import (
	"iter"
	"slices"
	"sort"
	"strings"
	"sync"
	"unsafe"

	"github.com/iamspect/iamspect/internal/policy"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// Empowerment is one change a principal may make to another principal's
// permissions.
type Empowerment struct {
	Action string `json:"action"`
	// TargetARN / TargetName / TargetKind: the user, group or role changed,
	// or the customer managed policy rewritten (kind "policy").
	TargetARN  string `json:"target_arn"`
	TargetName string `json:"target"`
	TargetKind string `json:"target_kind"`
	// Empowers names the principals whose permissions change: the target,
	// a group's members, the principals a policy is attached to (ARNs).
	Empowers []string `json:"empowers,omitempty"`
	// Admin: the change can make a principal administrator-equivalent (any
	// inline policy, AdministratorAccess allowed as the policy attached, a
	// new policy version, a group or role that is administrator already),
	// and no permissions boundary on the target stops it.
	Admin bool  `json:"admin"`
	Grant Grant `json:"grant"`
}

// empowerActions are the permission-changing actions by target kind.
var empowerActions = map[string][]string{
	"user":   {"iam:AttachUserPolicy", "iam:PutUserPolicy"},
	"group":  {"iam:AttachGroupPolicy", "iam:PutGroupPolicy", "iam:AddUserToGroup"},
	"role":   {"iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"},
	"policy": {"iam:CreatePolicyVersion"},
}

// AdministratorAccessARN is the AWS managed administrator policy, the
// iam:PolicyARN an attach grant is tried with.
const AdministratorAccessARN = "arn:aws:iam::aws:policy/AdministratorAccess"

// Empowerments lists the changes principal p can make to the permissions of
// principals other than itself, on targets it cannot use itself: not
// itself, its own groups or the policies attached to it, nor any target of
// its escalation findings (privilege-escalation reports those). Sorted
// administrator-capable first, then by target and action. Administrators
// and groups get none. The Empowers lists and Grant.Statements may be
// shared between empowerments and principals: callers must not modify them.
func (a *Analysis) Empowerments(p *Principal) []Empowerment {
	ew := a.empowerRecs(p, false)
	defer ew.release()
	recs, grants := ew.recs, ew.grants
	if len(recs) == 0 {
		return nil
	}
	out := make([]Empowerment, len(recs))
	for i := range recs {
		out[i] = recs[i].empowerment(grants)
	}
	return out
}

// EmpowerSummary is what a report of a principal's empowerments shows,
// without building each of them: for a principal that may change
// thousands of targets, the first few per action and the principals
// empowered.
type EmpowerSummary struct {
	// Admin: some change can make a principal administrator (the first
	// empowerment is administrator-capable).
	Admin bool
	// Actions: one per action, in the order of Empowerments.
	Actions []EmpowerAction
	// Empowers: the first distinct principal ARNs of the empowerments'
	// Empowers lists, in the order of Empowerments (at most the number
	// asked for); EmpowersTotal: how many distinct ones there are.
	Empowers      []string
	EmpowersTotal int
}

// EmpowerAction: the empowerments of one action.
type EmpowerAction struct {
	Action string
	// First holds the first empowerments of the action (at most the
	// number asked for); Count how many there are.
	First []Empowerment
	Count int
}

// covered: every bit of b is set in seen.
func covered(seen, b []uint64) bool {
	for i, w := range b {
		if w&^seen[i] != 0 {
			return false
		}
	}
	return true
}

func orInto(seen, b []uint64) {
	for i, w := range b {
		seen[i] |= w
	}
}

// arnPositions gives, for each principal of the model by position, the
// position of the first principal with the same ARN, computed once.
func (a *Analysis) arnPositions() []int {
	a.arnPosOnce.Do(func() {
		first := make(map[string]int, len(a.Model.Principals))
		a.arnPos = make([]int, len(a.Model.Principals))
		for i, q := range a.Model.Principals {
			if j, ok := first[q.ARN]; ok {
				a.arnPos[i] = j
				continue
			}
			first[q.ARN] = i
			a.arnPos[i] = i
		}
	})
	return a.arnPos
}

// empowerRec is one empowerment before it is built: sorting and
// summarising move these small records, not Empowerments.
type empowerRec struct {
	t     *empowerTarget
	act   string
	kind  string
	admin bool
	grant int32 // into the grants of empowerRecs (Action and Resource left to fill)
}

func (r *empowerRec) empowerment(grants []Grant) Empowerment {
	g := grants[r.grant]
	g.Action, g.Resource = r.act, r.t.arn
	e := Empowerment{Action: r.act, TargetARN: r.t.arn, TargetName: r.t.name, TargetKind: r.kind, Admin: r.admin, Grant: g}
	empowers, outsiders := r.t.arns.get(r.t)
	e.Empowers = empowers
	if r.act == "iam:AddUserToGroup" {
		e.Empowers = outsiders // whoever is added: the users not in the group yet
	}
	return e
}

// targetARNs are an empowerTarget's ARN lists, built once.
type targetARNs struct {
	once                sync.Once
	empowers, outsiders []string
}

func (x *targetARNs) get(t *empowerTarget) (empowers, outsiders []string) {
	x.once.Do(func() { x.empowers, x.outsiders = principalARNs(t.empowers), principalARNs(t.outsiderList()) })
	return x.empowers, x.outsiders
}

// empowered: the principals the change empowers, and the index of their
// shared bitset (empowerIndex.sets), -1 for a short list.
func (r *empowerRec) empowered() (iter.Seq[*Principal], int32) {
	return r.t.empoweredBy(r.act == "iam:AddUserToGroup")
}

// empoweredBy: the principals a change on t empowers — its outsiders,
// whoever iam:AddUserToGroup may add, when outsiders is set, else its
// members or itself — and the index of their shared bitset, -1 for a
// short list.
func (t *empowerTarget) empoweredBy(outsiders bool) (iter.Seq[*Principal], int32) {
	if !outsiders {
		return slices.Values(t.empowers), t.empowerSet
	}
	if o := t.outsiders; o != nil {
		return o.each, t.outsiderSet
	}
	return func(func(*Principal) bool) {}, -1
}

// empowerRecs finds p's empowerments as records, sorted, with the grants
// they index, in a work area the caller releases when done with them. With
// bulk, a change allowed alike on every target of its kind is kept as one
// bulkPass instead of a record per target (empower_bulk.go).
func (a *Analysis) empowerRecs(p *Principal, bulk bool) *empowerWork {
	ew := empowerPool.Get().(*empowerWork)
	ew.bulkOK = bulk
	if p.Kind == KindGroup || (p.Kind == KindRole && p.Role.ServiceLinked()) || a.IsAdmin(p) {
		return ew
	}
	s := a.state(p)
	ew.s = s
	for _, kind := range []string{"user", "group", "role", "policy"} {
		for _, act := range empowerActions[kind] {
			if kind == "group" && act == "iam:AddUserToGroup" && p.Kind == KindUser {
				continue // a user may add itself: iam-013 judges that
			}
			if !a.allowedOnSome(s, act) {
				continue
			}
			a.empowerTargets(ew, kind, act)
		}
	}
	ew.sortRecs()
	return ew
}

// sortRecs orders administrator-capable changes first, then by target ARN
// and action; ties (a policy listed twice) keep their order. The ARNs and
// actions are ranked once, so each record is a key to sort as an integer
// (not administrator-capable, 27 bits of ARN rank, 4 of action, 32 of
// position: far beyond any account), and the records are then gathered in
// that order.
func (ew *empowerWork) sortRecs() {
	keys := ew.keys[:0]
	for i := range ew.recs {
		r := &ew.recs[i]
		k := uint64(r.t.rank)<<36 | uint64(empowerActionRank[r.act])<<32 | uint64(i)
		if !r.admin {
			k |= 1 << 63
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	sorted := ew.spare[:0]
	for _, k := range keys {
		sorted = append(sorted, ew.recs[uint32(k)])
	}
	ew.keys, ew.recs, ew.spare = keys, sorted, ew.recs
}

// empowerActionRank: each permission-changing action's place in byte
// order.
var empowerActionRank = func() map[string]uint8 {
	var all []string
	for _, acts := range empowerActions {
		all = append(all, acts...)
	}
	slices.Sort(all)
	out := make(map[string]uint8, len(all))
	for i, act := range all {
		out[act] = uint8(i)
	}
	return out
}()

// empowerWork is what one principal's empowerments collect and reuse
// between targets: the records and grants, the request with iam:PolicyARN
// set to AdministratorAccess, and the last grant built (consecutive
// targets are mostly allowed by the same statements).
type empowerWork struct {
	s        *pstate
	own      map[string]bool // targets left out: the principal's own and its escalations' (owned, built on first use)
	bulkOK   bool
	bulk     []bulkPass
	recs     []empowerRec
	spare    []empowerRec // the records before sorting
	keys     []uint64     // their sort keys
	grants   []Grant
	adminReq *policy.Request
	last     policy.Result
	haveLast bool
	prepared lazyPrepared // the principal's set, for evalTarget
}

// evalTarget is a.eval(s, s.p.Set, act, arn, "") for the principal of the
// work area: a principal allowed a change on many targets is asked about
// each, and past a few the questions go through its prepared set.
func (ew *empowerWork) evalTarget(a *Analysis, act, arn string) policy.Result {
	i, ok := powerIndex[act]
	if !ok || ew.s.p.Set.Resource != nil {
		return a.eval(ew.s, ew.s.p.Set, act, arn, "")
	}
	if prepared := ew.prepared.get(func() *policy.Prepared { return a.preparedFor(ew.s, ew.s.p.Set) }); prepared != nil {
		return prepared.Evaluate(i, arn)
	}
	return a.eval(ew.s, ew.s.p.Set, act, arn, "")
}

// empowerPool keeps the work areas' record and grant arrays between
// principals: a principal allowed a change on "*" has a record per target.
var empowerPool = sync.Pool{New: func() any { return new(empowerWork) }}

// release empties the work area (keeping its arrays) and returns it to
// the pool; nothing of it may be used afterwards.
func (ew *empowerWork) release() {
	clear(ew.recs)
	clear(ew.spare)
	clear(ew.grants)
	*ew = empowerWork{recs: ew.recs[:0], spare: ew.spare[:0], keys: ew.keys[:0], grants: ew.grants[:0], bulk: ew.bulk[:0]}
	empowerPool.Put(ew)
}

type empowerTarget struct {
	arn, name string
	p         *Principal // nil for a policy
	empowers  []*Principal
	// outsiders: for a group, the users not in it (whoever
	// iam:AddUserToGroup may add), listed when first needed; arns: both
	// lists' ARNs, built when an Empowerment first needs them (the
	// summaries never do, and a group's outsiders are most of the account).
	outsiders *outsiderList
	arns      *targetARNs
	// reach: no permissions boundary keeps the change from making an
	// empowered principal administrator (for a group, also when it has no
	// members yet); groupAdmin: the group's own policies are administrator.
	reach, groupAdmin bool
	// rank: the ARN's place among all targets' ARNs (equal ARNs share it);
	// empowerSet, outsiderSet: the bitsets of empowers and outsiders in
	// empowerIndex.sets, -1 for a short list.
	rank                    uint32
	empowerSet, outsiderSet int32
	// solePos: when empowers is one principal of the model, its ARN
	// position (arnPositions), else -1.
	solePos int32
}

// empowerIndex: the targets of every kind, computed once per analysis.
type empowerIndex struct {
	cands map[string][]empowerTarget
	// byARN: per kind, the positions in cands sorted by ARN (filter.go's
	// binary search on a pattern's literal prefix).
	byARN map[string][]int32
	// sets: the bitsets of long empowered lists over ARN positions
	// (arnPositions), one per distinct list content.
	sets [][]uint64
}

// empowerSetMin: lists shorter than this are walked rather than given a
// bitset, for n principals: merging a bitset costs n/64 words, walking a
// list a lookup per principal (a group's members are dozens).
func empowerSetMin(n int) int { return max(8, n/512) }

// empowerCandidates returns the targets of one kind.
func (a *Analysis) empowerCandidates(kind string) []empowerTarget {
	return a.empowerIndex().cands[kind]
}

func (a *Analysis) empowerIndex() *empowerIndex {
	if v, ok := a.empowerCands.Load("index"); ok {
		return v.(*empowerIndex)
	}
	// Built once: every worker of the rule asks for it at its start, and
	// building it is a pass over every principal and group.
	a.empowerMu.Lock()
	defer a.empowerMu.Unlock()
	if v, ok := a.empowerCands.Load("index"); ok {
		return v.(*empowerIndex)
	}
	ix := a.computeEmpowerIndex()
	a.empowerCands.Store("index", ix)
	return ix
}

func (a *Analysis) computeEmpowerIndex() *empowerIndex {
	ix := &empowerIndex{cands: map[string][]empowerTarget{}, byARN: map[string][]int32{}}
	var all []*empowerTarget
	canon := a.arnPositions()
	ids := map[string]int32{}
	// setOf: the id of the bitset of the n principals ps yields, -1 for a
	// short list or one with a principal not of this model.
	setOf := func(n int, ps iter.Seq[*Principal]) int32 {
		if n < empowerSetMin(len(canon)) {
			return -1
		}
		b := make([]uint64, (len(canon)+63)/64)
		for q := range ps {
			i := q.index - 1
			if i < 0 || i >= len(canon) || a.Model.Principals[i] != q {
				return -1 // not of this model: walked by ARN
			}
			c := canon[i]
			b[c/64] |= 1 << (c % 64)
		}
		key := string(unsafe.Slice((*byte)(unsafe.Pointer(&b[0])), len(b)*8))
		if id, ok := ids[key]; ok {
			return id
		}
		id := int32(len(ix.sets))
		ids[key] = id
		ix.sets = append(ix.sets, b)
		return id
	}
	for _, kind := range []string{"user", "group", "role", "policy"} {
		cands := a.computeEmpowerCandidates(kind)
		for i := range cands {
			t := &cands[i]
			t.empowerSet, t.outsiderSet = setOf(len(t.empowers), slices.Values(t.empowers)), -1
			if o := t.outsiders; o != nil {
				t.outsiderSet = setOf(o.count(), o.each)
			}
			t.solePos = -1
			if len(t.empowers) == 1 {
				if q := t.empowers[0]; q.index-1 >= 0 && q.index-1 < len(canon) && a.Model.Principals[q.index-1] == q {
					t.solePos = int32(canon[q.index-1])
				}
			}
			all = append(all, t)
		}
		ix.cands[kind] = cands
		order := make([]int32, len(cands))
		for i := range order {
			order[i] = int32(i)
		}
		slices.SortStableFunc(order, func(x, y int32) int { return strings.Compare(cands[x].arn, cands[y].arn) })
		ix.byARN[kind] = order
	}
	slices.SortFunc(all, func(x, y *empowerTarget) int { return strings.Compare(x.arn, y.arn) })
	for i, t := range all {
		if i > 0 && t.arn != all[i-1].arn {
			t.rank = all[i-1].rank + 1
		} else if i > 0 {
			t.rank = all[i-1].rank
		}
	}
	return ix
}

func (a *Analysis) computeEmpowerCandidates(kind string) []empowerTarget {
	var out []empowerTarget
	switch kind {
	case "user":
		for _, u := range a.users {
			out = append(out, empowerTarget{arn: u.ARN, name: u.Name, p: u, empowers: []*Principal{u}})
		}
	case "group":
		members := a.groupMembers()
		for _, g := range a.sortedGroups() {
			out = append(out, empowerTarget{arn: g.ARN, name: g.Name, p: g, empowers: members[g.Name], outsiders: &outsiderList{a: a, members: members[g.Name]}})
		}
	case "role":
		for _, r := range a.roles {
			if !Unmodifiable(r.Role) {
				out = append(out, empowerTarget{arn: r.ARN, name: r.Name, p: r, empowers: []*Principal{r}})
			}
		}
	case "policy":
		attached := a.attachments()
		for _, mp := range a.Model.Account.Policies {
			if mp.ARN == "" || snapshot.IsAWSManagedPolicyARN(mp.ARN) {
				continue
			}
			out = append(out, empowerTarget{arn: mp.ARN, name: mp.Name, empowers: attached[mp.ARN]})
		}
	}
	for i := range out {
		t := &out[i]
		t.arns = &targetARNs{}
		t.reach = slices.ContainsFunc(t.empowers, unbounded)
		if kind == "group" {
			t.reach = t.reach || len(t.empowers) == 0
			t.groupAdmin = t.p.Set.IsAdmin()
		}
	}
	return out
}

func principalARNs(ps []*Principal) []string {
	if len(ps) == 0 {
		return nil
	}
	out := make([]string, len(ps))
	for i, q := range ps {
		out[i] = q.ARN
	}
	return out
}

// outsiderList is a group's outsiders: the users not among its members,
// in model order. Listing them for every group costs a pointer per user
// and group (two hundred groups and ten thousand users: two million),
// and most scans never read a list: the empowerment index counts and
// marks them without one, and a list is built when a summary or an
// Empowerment first names them.
type outsiderList struct {
	a       *Analysis
	members []*Principal
	inOnce  sync.Once
	in      map[*Principal]bool
	once    sync.Once
	list    []*Principal
}

// isMember: u is one of the group's members.
func (o *outsiderList) isMember(u *Principal) bool {
	o.inOnce.Do(func() {
		o.in = make(map[*Principal]bool, len(o.members))
		for _, m := range o.members {
			o.in[m] = true
		}
	})
	return o.in[u]
}

// each yields the outsiders in model order.
func (o *outsiderList) each(yield func(*Principal) bool) {
	for _, u := range o.a.users {
		if !o.isMember(u) && !yield(u) {
			return
		}
	}
}

// count is how many outsiders there are.
func (o *outsiderList) count() int {
	n := 0
	for range o.each {
		n++
	}
	return n
}

// outsiderList returns t's outsiders (nil for a target that is not a
// group, or a group every user is in), listed on first use.
func (t *empowerTarget) outsiderList() []*Principal {
	o := t.outsiders
	if o == nil {
		return nil
	}
	o.once.Do(func() {
		if n := o.count(); n > 0 {
			o.list = slices.AppendSeq(make([]*Principal, 0, n), o.each)
		}
	})
	return o.list
}

// empowerTargets records the changes of one action on the targets of one
// kind. The principal itself is never among a visited target's empowered
// principals (ew.own holds itself, its groups and the policies attached to
// it, and a user never gets iam:AddUserToGroup here), so the target's
// precomputed lists are used as they are.
func (a *Analysis) empowerTargets(ew *empowerWork, kind, act string) {
	s := ew.s
	// When no statement covering the action names a resource, every
	// target gets the same answer: evaluate once.
	var memo policy.Result
	haveMemo := false
	plan := a.empowerPlanOf(s, kind, act)
	independent, visit := plan.independent, plan.visit
	adminMemo := -1 // empowersAdmin's evaluation when independent: -1 unknown, 0 no, 1 yes
	cands := a.empowerCandidates(kind)
	if independent && visit == nil && ew.bulkOK {
		a.bulkTargets(ew, kind, act)
		return
	}
	var allowedAt []uint64 // the class's allowed targets, when shared
	if plan.shared {
		if allowedAt = plan.allowedTargets(a, ew, cands, act); allowedAt == nil {
			return
		}
	}
	for i := range plan.each(len(cands)) {
		if allowedAt != nil && allowedAt[i/64]&(1<<(i%64)) == 0 {
			continue
		}
		t := &cands[i]
		if ew.leftOut(a, kind, act, t) {
			continue
		}
		var r policy.Result
		if independent && haveMemo {
			r = memo
		} else {
			r = ew.evalTarget(a, act, t.arn)
			if independent {
				memo, haveMemo = r, true
			}
		}
		if !a.allowed(r) {
			continue
		}
		ew.recs = append(ew.recs, empowerRec{t: t, act: act, kind: kind, grant: ew.grant(a, r, act, t.arn),
			admin: a.empowersAdmin(ew, act, t, independent, &adminMemo)})
	}
}

// empowerPlan is how a principal's changes of one action on the targets
// of one kind are looked for: independent, no statement covering the
// action names a resource (every target gets the same answer); visit,
// the targets no Allow statement names are not allowed (filter.go), so
// only those some statement's pattern matches are visited, in candidate
// order, before any evaluation (nil: all of them). Both depend on the
// principal's own set alone, and are found once per search class.
type empowerPlan struct {
	independent bool
	visit       []int32

	// shared: the plan of a search class, whose members are allowed the
	// change on the same targets; allowed marks them by candidate
	// position (nil when there are none), found once by the first member
	// to ask. Its members then evaluate only those they do not own, for
	// their grants: a class of fifty users allowed a change on no
	// target, or only on their own, is asked once, not fifty times.
	shared      bool
	allowedOnce sync.Once
	allowed     []uint64
}

// each yields the positions of the targets to visit among n candidates,
// in candidate order.
func (p *empowerPlan) each(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		if p.visit == nil {
			for i := range n {
				if !yield(i) {
					return
				}
			}
			return
		}
		for _, i := range p.visit {
			if !yield(int(i)) {
				return
			}
		}
	}
}

// allowedTargets returns the shared plan's allowed targets, evaluating
// each visited target once for the class (with ew, one member's work
// area: the members answer alike).
func (p *empowerPlan) allowedTargets(a *Analysis, ew *empowerWork, cands []empowerTarget, act string) []uint64 {
	p.allowedOnce.Do(func() {
		b := make([]uint64, (len(cands)+63)/64)
		some := false
		var memo policy.Result
		haveMemo := false
		for i := range p.each(len(cands)) {
			r := memo
			if !p.independent || !haveMemo {
				r = ew.evalTarget(a, act, cands[i].arn)
				memo, haveMemo = r, true
			}
			if a.allowed(r) {
				b[i/64] |= 1 << (i % 64)
				some = true
			}
		}
		if some {
			p.allowed = b
		}
	})
	return p.allowed
}

type empowerPlanKey struct{ kind, act string }

func (a *Analysis) empowerPlanOf(s *pstate, kind, act string) *empowerPlan {
	compute := func() *empowerPlan {
		return &empowerPlan{independent: roleIndependent(s.p.Set, act), visit: a.empowerFilter(s.p, kind, act)}
	}
	c := a.searchClassOf(s)
	if c == nil {
		return compute()
	}
	key := empowerPlanKey{kind, act}
	if v, ok := c.plans.Load(key); ok {
		return v.(*empowerPlan)
	}
	plan := compute()
	plan.shared = true
	v, _ := c.plans.LoadOrStore(key, plan)
	return v.(*empowerPlan)
}

// leftOut: t is not a target of the principal's change: it is its own (a
// target of its escalations, its groups, its policies), or, for a trust
// rewrite, a role it can already assume.
func (ew *empowerWork) leftOut(a *Analysis, kind, act string, t *empowerTarget) bool {
	return ew.owned(a)[t.arn] || ew.assumedAlready(a, kind, act, t)
}

// owned: the ARNs of the targets the principal owns — itself, the
// targets and vias of its escalations, its customer managed policies and
// its groups — gathered when a change is first allowed on some target:
// most principals may make none, and a user in ten groups holds a hundred
// policies.
func (ew *empowerWork) owned(a *Analysis) map[string]bool {
	if ew.own != nil {
		return ew.own
	}
	p := ew.s.p
	own := map[string]bool{p.ARN: true}
	for _, f := range a.Escalations(p) {
		own[f.TargetARN] = true
		if f.Via != "" && strings.HasPrefix(f.Via, "arn:") {
			own[f.Via] = true
		}
	}
	for _, arn := range a.customerPolicies(ew.s) {
		own[arn] = true
	}
	if p.Kind == KindUser {
		for _, gn := range p.User.Groups {
			if g := a.groups[gn]; g != nil {
				own[g.ARN] = true
			}
		}
	}
	ew.own = own
	return own
}

// assumedAlready: the change rewrites the trust of a role the principal
// can already assume.
func (ew *empowerWork) assumedAlready(a *Analysis, kind, act string, t *empowerTarget) bool {
	return kind == "role" && act == "iam:UpdateAssumeRolePolicy" && a.assumes(ew.s.p, t.p)
}

// grant records a.grant's answer and returns its index, reusing the last
// one when the result names the same statements (only Action and Resource
// differ between targets then, and the records carry those).
func (ew *empowerWork) grant(a *Analysis, r policy.Result, act, resource string) int32 {
	if ew.haveLast && r.Decision == policy.Allowed && ew.last.Decision == policy.Allowed &&
		len(r.AllowIf) == 0 && len(ew.last.AllowIf) == 0 && sameMatches(r.Allows, ew.last.Allows) {
		return int32(len(ew.grants) - 1)
	}
	ew.grants = append(ew.grants, a.grant(ew.s.p, r, act, resource))
	ew.last, ew.haveLast = r, true
	return int32(len(ew.grants) - 1)
}

// sameMatches: the same statements of the same policies, none waiting on
// a condition.
func sameMatches(x, y []policy.Match) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if x[i].Policy != y[i].Policy || x[i].Statement != y[i].Statement || len(x[i].Unknown) != 0 || len(y[i].Unknown) != 0 {
			return false
		}
	}
	return true
}

// empowersAdmin: can the change make a principal administrator-equivalent?
// An attach grant is asked again with iam:PolicyARN set to
// AdministratorAccess, so that a grant limited to named policies
// (ArnEquals iam:PolicyARN) is not taken for more than it is; when the
// action's statements name no resource (independent), that answer is the
// same for every target and kept in *memo.
func (a *Analysis) empowersAdmin(ew *empowerWork, act string, t *empowerTarget, independent bool, memo *int) bool {
	switch act { // one of empowerActions, spelled as there
	case "iam:AddUserToGroup":
		return t.groupAdmin
	case "iam:UpdateAssumeRolePolicy":
		return a.IsAdmin(t.p)
	case "iam:AttachUserPolicy", "iam:AttachGroupPolicy", "iam:AttachRolePolicy":
		if !independent || *memo < 0 {
			ok := a.allowed(ew.s.p.Set.Evaluate(ew.adminRequest(act, t.arn)))
			*memo = 0
			if ok {
				*memo = 1
			}
		}
		if *memo == 0 {
			return false
		}
	}
	// a new policy version, an inline policy, an allowed attach: whether a
	// boundary stops it (a group's future members are unknown: only
	// present, bounded ones stop it)
	return t.reach
}

// adminRequest: the principal's request with iam:PolicyARN set to
// AdministratorAccess, prepared once per principal.
func (ew *empowerWork) adminRequest(act, resource string) *policy.Request {
	if ew.adminReq == nil {
		s := ew.s
		ctx := make(map[string][]string, len(s.ctx)+1)
		for k, v := range s.ctx {
			ctx[k] = v
		}
		ctx["iam:policyarn"] = []string{AdministratorAccessARN}
		req := policy.Request{Principal: s.p.ARN, Context: ctx, Now: s.req.Now}.Prepare()
		ew.adminReq = &req
	}
	req := *ew.adminReq
	req.Action, req.Resource = act, resource
	return &req
}

// unbounded: no permissions boundary keeps the principal from being made
// administrator (none, or one that allows everything).
func unbounded(p *Principal) bool {
	return p.Set.Boundary == nil || (&policy.Set{Identity: p.Set.Boundary}).IsAdmin()
}

// groupMembers maps each group name to its users, in model order.
func (a *Analysis) groupMembers() map[string][]*Principal {
	out := map[string][]*Principal{}
	for _, u := range a.users {
		for _, gn := range u.User.Groups {
			if l := out[gn]; len(l) == 0 || l[len(l)-1] != u {
				out[gn] = append(l, u)
			}
		}
	}
	return out
}

// attachments maps each managed policy ARN to the users (directly or
// through a group) and roles it is attached to, in model order. A group's
// policies are looked up by ARN once, not once per member: ten thousand
// users in ten groups of ten policies are a million additions.
func (a *Analysis) attachments() map[string][]*Principal {
	ids := map[string]int{}
	var arns []string
	var lists [][]*Principal
	idOf := func(arn string) int {
		id, ok := ids[arn]
		if !ok {
			id = len(lists)
			ids[arn] = id
			arns, lists = append(arns, arn), append(lists, nil)
		}
		return id
	}
	add := func(id int, p *Principal) {
		if l := lists[id]; len(l) == 0 || l[len(l)-1] != p {
			lists[id] = append(l, p)
		}
	}
	addRefs := func(refs []snapshot.PolicyRef, p *Principal) {
		for _, r := range refs {
			add(idOf(r.ARN), p)
		}
	}
	byGroup := map[string][]int{} // group name -> its policies' ids
	for _, p := range a.Model.Principals {
		switch {
		case p.Kind == KindUser:
			addRefs(p.User.AttachedPolicies, p)
			for _, gn := range p.User.Groups {
				g := a.groups[gn]
				if g == nil {
					continue
				}
				gids, ok := byGroup[gn]
				if !ok {
					for _, r := range g.Group.AttachedPolicies {
						gids = append(gids, idOf(r.ARN))
					}
					byGroup[gn] = gids
				}
				for _, id := range gids {
					add(id, p)
				}
			}
		case p.Kind == KindRole && !p.Role.ServiceLinked():
			addRefs(p.Role.AttachedPolicies, p)
		}
	}
	out := make(map[string][]*Principal, len(lists))
	for id, l := range lists {
		out[arns[id]] = l
	}
	return out
}

// assumes: p can assume role r (r is in Assumable(p), found without
// building that list).
func (a *Analysis) assumes(p, r *Principal) bool {
	if p.Kind == KindGroup || r == p {
		return false
	}
	_, ok := a.split(p).lookup(a.Model.Principals, r)
	return ok
}

// empowerFilter returns the positions, in candidate order, of the targets
// of kind that some Allow statement of p covering act names, or nil when
// no narrowing is possible (a statement on every resource). Principals of
// one team name the same patterns: the answer is kept per kind and
// pattern set, shared (read it, do not change it).
func (a *Analysis) empowerFilter(p *Principal, kind, act string) []int32 {
	pats, all := resourcePatterns(p, act)
	if all {
		return nil
	}
	key := empowerFilterKey{kind: kind, patterns: strings.Join(pats, "\x00")}
	if v, ok := a.empowerMatches.Load(key); ok {
		return v.([]int32)
	}
	ix := a.empowerIndex()
	cands, order := ix.cands[kind], ix.byARN[kind]
	out := []int32{}
	for _, pat := range pats {
		prefix := pat
		if i := strings.IndexAny(pat, "*?"); i >= 0 {
			prefix = pat[:i]
		}
		m := policy.NewARNMatcher(pat)
		lo := sort.Search(len(order), func(i int) bool { return cands[order[i]].arn >= prefix })
		for i := lo; i < len(order) && strings.HasPrefix(cands[order[i]].arn, prefix); i++ {
			if m.Match(cands[order[i]].arn) {
				out = append(out, order[i])
			}
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	v, _ := a.empowerMatches.LoadOrStore(key, out)
	return v.([]int32)
}

type empowerFilterKey struct {
	kind, patterns string
}
