package access

// The method checks: which catalogue methods a principal can use, on which
// targets.

import (
	"cmp"
	"slices"
	"strings"
	"sync"

	"github.com/iamspect/iamspect/internal/policy"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// Escalations returns the methods the principal can use, sorted by method
// ID then target. Administrators and groups get none (escalation is moot,
// or a group cannot act); service-linked roles are skipped.
func (a *Analysis) Escalations(p *Principal) []Finding {
	if p.Kind == KindGroup || (p.Kind == KindRole && p.Role.ServiceLinked()) || a.IsAdmin(p) {
		return nil
	}
	s := a.state(p)
	s.findOnce.Do(func() { s.findings = a.findAll(s) })
	return s.findings
}

func (a *Analysis) findAll(s *pstate) []Finding {
	bp := findingsPool.Get().(*[]Finding)
	out := (*bp)[:0]
	defer func() {
		clear(out)
		*bp = out[:0]
		findingsPool.Put(bp)
	}()
	class := a.searchClassOf(s)
	if class != nil {
		class.beginSearch(s) // the memos of the members before it
	}
	q := a.onAnyOf(s)
	defer func() {
		if s.scratch != nil {
			scratchPool.Put(s.scratch)
			s.scratch = nil
		}
		if class != nil {
			class.endSearch(s)
		} else {
			dropAnyMemo(s.anyMemo)
		}
		s.searching = searching{}
		s.lent.Store(nil)
	}()
	for _, m := range Methods {
		if !m.AppliesTo(string(s.p.Kind)) || (m.Retired != "" && !a.IncludeRetired) {
			continue
		}
		if a.cancelled() {
			break
		}
		out = a.appendMethod(out, s, m, q)
	}
	if !s.hypothetical && !a.cancelled() {
		// The chains need every actor's split (reach.go): computed here,
		// through the lent prepared set, it costs no third Prepare of the
		// principal's set (after its power and its search).
		a.split(s.p)
	}
	slices.SortStableFunc(out, func(x, y Finding) int {
		if c := strings.Compare(x.Method.ID, y.Method.ID); c != 0 {
			return c
		}
		return compareJoined(x.TargetARN, x.Via, y.TargetARN, y.Via)
	})
	// The findings are kept for the whole scan: a copy of exactly their
	// size, the gathering slice going back to the pool.
	if len(out) == 0 {
		return nil
	}
	return slices.Clone(out)
}

// findingsPool keeps findAll's gathering slices between principals: a
// principal has dozens of findings, and growing a new slice for each of
// tens of thousands of principals was a good part of the analysis's
// allocations.
var findingsPool = sync.Pool{New: func() any { return new([]Finding) }}

// anyResource returns the principal's answers about its own set on "some
// resource", each evaluated once; the memo lives with the state, for the
// group hops (grouphop.go) to reuse. Only the goroutine running findAll for
// the state uses it.
func (a *Analysis) anyResource(s *pstate) func(string) policy.Result {
	if s.anyMemo == nil {
		s.anyMemo = anyMemoPool.Get().(map[string]policy.Result)
	}
	return func(action string) policy.Result {
		if r, ok := s.anyMemo[action]; ok {
			return r
		}
		// The principal's power (power.go) has already evaluated every
		// catalogue action on some resource: one it cannot perform needs
		// no second evaluation (most principals fail most methods here).
		var r policy.Result
		i, known := powerIndex[action]
		switch {
		case known && !a.hasPowerAt(s, i):
			r.Decision = policy.ImplicitDeny
		case known:
			r = a.preparedState(s).Evaluate(i, "")
		default:
			r = a.eval(s, s.p.Set, action, "", "")
		}
		s.anyMemo[action] = r
		return r
	}
}

// onAny answers a principal's questions about its own set on "some
// resource": ok is whether the action can be allowed there (Analysis.allowed
// of its result), result the answer itself, which only a grant's
// statements and conditions need.
type onAny struct {
	ok     func(action string) bool
	result func(action string) policy.Result
	// own: the answers are those of this state's own set (findAll's), so
	// that a grant may read a transient result (anyGrant).
	own *pstate
}

// onAnyOf is findAll's onAny. The principal's power (power.go) already
// holds ok for every catalogue action (Prepared.AllowedIf is allowed of
// Evaluate without building the result): most questions are a bit test,
// and a result is built only for a grant. Building one for every step of
// every method was the analysis's largest garbage.
func (a *Analysis) onAnyOf(s *pstate) onAny {
	res := a.anyResource(s)
	return onAny{own: s, result: res, ok: func(action string) bool {
		if i, known := powerIndex[action]; known {
			return a.hasPowerAt(s, i)
		}
		return a.allowed(res(action))
	}}
}

// preparedState is the principal's own set prepared for findAll
// (policy.Prepared), kept while findAll runs. Only the goroutine running
// findAll for the state calls it.
func (a *Analysis) preparedState(s *pstate) *policy.Prepared {
	if s.prepared == nil {
		s.prepared = a.preparedFor(s, s.p.Set)
		if !s.hypothetical {
			s.lent.Store(s.prepared)
		}
	}
	return s.prepared
}

// stepKey is one question of a target step: action on resource, with
// iam:PassedToService passedTo (or none).
type stepKey struct{ action, resource, passedTo string }

// stepAnswer is its answer: whether it is allowed, and then its grant.
type stepAnswer struct {
	grant *Grant
	ok    bool
}

// step answers a target step's question once per findAll: methods share
// their steps (eight ECS methods pass the same roles to ecs-tasks), and
// the grant's statements and conditions are written once. Only the
// goroutine running findAll for s calls it.
func (a *Analysis) step(s *pstate, action, resource, passedTo string) stepAnswer {
	key := stepKey{action, resource, passedTo}
	if ans, ok := s.steps[key]; ok {
		return ans
	}
	var ans stepAnswer
	if r, ok := a.ask(s, action, resource, passedTo); ok {
		ans = stepAnswer{grant: new(a.ownGrant(s, r, action, resource)), ok: true}
	}
	if s.steps == nil {
		s.steps = map[stepKey]stepAnswer{}
	}
	s.steps[key] = ans
	return ans
}

// ask is a.eval(s, s.p.Set, action, resource, passedTo) inside findAll,
// and whether it allows (Analysis.allowed). Through a prepared set, most
// questions are refused without building a result (Prepared.AllowedIf),
// and an allowed one is transient (its matches in the search's scratch):
// read it before the next evaluation.
func (a *Analysis) ask(s *pstate, action, resource, passedTo string) (policy.Result, bool) {
	if prepared, i := a.preparedForStep(s, action, passedTo); prepared != nil {
		if !prepared.AllowedIf(i, resource, a.matchSatisfiable) {
			return policy.Result{}, false
		}
		return prepared.EvaluateTransient(i, resource, a.scratchOf(s)), true
	}
	r := a.eval(s, s.p.Set, action, resource, passedTo)
	return r, a.allowed(r)
}

// preparedForStep returns the prepared set that answers action with
// passedTo and the action's index in it, or nil when the question is
// evaluated as it is: the action is not one of powerActions, or too few
// questions with that service were asked yet. The PassRole questions for
// one service are many (every role trusting it that the filters leave), so
// from the preparedAfter-th the set is prepared with that service's
// context.
func (a *Analysis) preparedForStep(s *pstate, action, passedTo string) (*policy.Prepared, int) {
	i, ok := powerIndex[action]
	switch {
	case !ok:
		return nil, 0
	case passedTo == "":
		return a.preparedState(s), i
	}
	if s.passPrepared == nil {
		s.passPrepared = map[string]*lazyPrepared{}
	}
	lp := s.passPrepared[passedTo]
	if lp == nil {
		lp = &lazyPrepared{}
		s.passPrepared[passedTo] = lp
	}
	return lp.get(func() *policy.Prepared { return a.preparedWith(s, s.p.Set, passedTo) }), i
}

// lazyPrepared prepares a set on its preparedAfter-th question: the
// questions before it are evaluated as they are.
type lazyPrepared struct {
	asked    int
	prepared *policy.Prepared
}

// get returns the prepared set, or nil while too few questions were asked.
func (l *lazyPrepared) get(prepare func() *policy.Prepared) *policy.Prepared {
	if l.prepared == nil {
		if l.asked++; l.asked >= preparedAfter {
			l.prepared = prepare()
		}
	}
	return l.prepared
}

// preparedAfter: preparing a set costs about as much as a few evaluations.
const preparedAfter = 4

// anyGrant is the grant of action on some resource (r, from anyResource),
// kept per action while findAll runs: many methods share a step, and
// writing the grant's statements and conditions was a good part of the
// analysis. Grants are shared, never changed. Only the goroutine running
// findAll for s calls it.
func (a *Analysis) anyGrant(s *pstate, q onAny, action string) *Grant {
	if g, ok := s.anyGrants[action]; ok {
		return g
	}
	var r policy.Result
	if i, known := powerIndex[action]; known && q.own == s && a.hasPowerAt(s, i) {
		// The grant is all that is kept of the result: its matches go to
		// the search's scratch rather than to a new allocation.
		r = a.preparedState(s).EvaluateTransient(i, "", a.scratchOf(s))
	} else {
		r = q.result(action)
	}
	g := new(a.ownGrant(s, r, action, ""))
	if s.anyGrants == nil {
		s.anyGrants = map[string]*Grant{}
	}
	s.anyGrants[action] = g
	return g
}

// scratchOf is the search's scratch for transient results, taken from
// scratchPool on first use and given back when findAll returns.
func (a *Analysis) scratchOf(s *pstate) *policy.Scratch {
	if s.scratch == nil {
		s.scratch = scratchPool.Get().(*policy.Scratch)
	}
	return s.scratch
}

// scratchPool recycles the searches' scratch for transient results.
var scratchPool = sync.Pool{New: func() any { return new(policy.Scratch) }}

// anyMemoPool recycles the "some resource" memos between principals: each
// holds an answer for most of the catalogue's actions, and building a new
// map for each of tens of thousands of principals is a good part of the
// analysis's garbage.
var anyMemoPool = sync.Pool{New: func() any { return make(map[string]policy.Result, 128) }}

// compareJoined compares x1+x2 with y1+y2 as strings, without building
// them.
func compareJoined(x1, x2, y1, y2 string) int {
	for {
		if x1 == "" {
			x1, x2 = x2, ""
		}
		if y1 == "" {
			y1, y2 = y2, ""
		}
		if x1 == "" || y1 == "" { // one string is used up
			return cmp.Compare(len(x1), len(y1))
		}
		n := min(len(x1), len(y1))
		if c := strings.Compare(x1[:n], y1[:n]); c != 0 {
			return c
		}
		x1, y1 = x1[n:], y1[n:]
	}
}

// commonGrants are the grants of the method's steps on "some resource"
// (none: an empty, non-nil slice).
func (a *Analysis) commonGrants(s *pstate, m *Method, q onAny) []*Grant {
	common := []*Grant{}
	for _, st := range m.Steps {
		if st.On == OnAny {
			common = append(common, a.anyGrant(s, q, st.Action))
		}
	}
	return common
}

// tryMethod checks one method for one principal.
func (a *Analysis) tryMethod(s *pstate, m *Method, q onAny) []Finding {
	return a.appendMethod(nil, s, m, q)
}

// appendMethod is tryMethod appending the findings to out: findAll gathers
// every method's findings in one slice.
func (a *Analysis) appendMethod(out []Finding, s *pstate, m *Method, q onAny) []Finding {
	p := s.p
	// Steps on "some resource" first: they do not depend on the target,
	// and most principals fail here. Their grants are written only for a
	// finding: many methods pass them and find no target.
	for _, st := range m.Steps {
		switch st.On {
		case OnAssume:
			// The trust policy may admit the principal without any
			// identity permission: no precheck.
		default:
			if !q.ok(st.Action) {
				return out
			}
		}
	}
	start := len(out) // this method's findings are out[start:]
	limit := a.MaxTargets
	if limit <= 0 {
		limit = DefaultMaxTargets
	}
	full := false // the cap is reached: one more qualifying target sets More
	var common []*Grant
	emit := func(f Finding, targetSteps []*Grant) {
		if full {
			out[len(out)-1].More = true
			return
		}
		if common == nil {
			common = a.commonGrants(s, m, q)
		}
		f.Method = m
		f.Grants = mergeGrants(m, common, targetSteps)
		out = append(out, f)
		full = len(out)-start == limit
	}
	done := func() bool { return full && out[len(out)-1].More }
	// A hypothetical member of a group (joinGain) is asked only for
	// findings to administrator. Targets come administrators first, so the
	// first target that is not one ends a method whose finding is ToAdmin
	// only through its target.

	// The first step on the target narrows the candidates (filter.go).
	var keep map[*Principal]bool
	narrow := func(list byARN) {
		for _, st := range m.Steps {
			if st.On == OnTarget || st.On == OnPassRole {
				keep = a.targetFilterOf(s, st.Action, list)
				return
			}
		}
	}
	skip := func(t *Principal) bool { return keep != nil && !keep[t] }
	switch m.Target {
	case TargetNone:
		emit(Finding{}, nil)
	case TargetIdentityCenter:
		if inst := a.identityCenter(); inst != "" {
			emit(Finding{TargetARN: inst, kind: targetIdentityCenter, ToAdmin: true}, nil)
		}
	case TargetSelf:
		if (m.Prereq == PrereqBoundary && p.Set.Boundary == nil) || cannotModify(m, p) {
			return out
		}
		if gs, ok := a.targetSteps(s, m, p.ARN, nil, ""); ok {
			emit(Finding{TargetARN: p.ARN, kind: kindOf(p), ToAdmin: m.Prereq != PrereqBoundary}, gs)
		}
	case TargetSelfPolicy:
		for _, arn := range a.customerPolicies(s) {
			if done() {
				break
			}
			if gs, ok := a.targetSteps(s, m, "", nil, arn); ok {
				emit(Finding{TargetARN: arn, kind: targetPolicy, ToAdmin: m.ID == "iam-001"}, gs)
			}
		}
	case TargetSelfGroup:
		for _, gn := range p.User.Groups {
			if done() {
				break
			}
			if g := a.groups[gn]; g != nil {
				if gs, ok := a.targetSteps(s, m, g.ARN, nil, ""); ok {
					emit(Finding{TargetARN: g.ARN, kind: targetGroup, ToAdmin: true}, gs)
				}
			}
		}
	case TargetGroup:
		if s.hypothetical {
			return out
		}
		narrow(a.groupsByARN)
		for _, g := range a.sortedGroups() {
			if done() {
				break
			}
			// Whether the user may add itself to the group is one
			// evaluation; whether the group raises it costs more.
			if slices.Contains(p.User.Groups, g.Name) || skip(g) {
				continue
			}
			if gs, ok := a.targetSteps(s, m, g.ARN, nil, ""); ok && a.groupRaisesOwn(s, g) {
				then := a.joinGain(s, g)
				emit(Finding{TargetARN: g.ARN, kind: targetGroup, ToAdmin: then != "", then: thenOf(then)}, gs)
			}
		}
	case TargetUser:
		grants := m.grantsTarget()
		narrow(a.usersByARN)
		users := a.adminFirst(a.users)
		if s.hypothetical && !grants {
			users = users[:a.leadingAdmins(users)]
		}
		eachCandidate(a, s, users, keep, !grants, self, a.inListOrder, func(u *Principal) bool {
			if done() || (s.hypothetical && !grants && !a.IsAdmin(u)) {
				return false
			}
			if u.ARN == p.ARN || skip(u) || !userPrereq(a.Model.Account, u.User, m.Prereq) {
				return true
			}
			if gs, ok := a.targetSteps(s, m, u.ARN, nil, ""); ok {
				emit(Finding{TargetARN: u.ARN, kind: targetUser, ToAdmin: grants || a.IsAdmin(u)}, gs)
			}
			return true
		})
	case TargetRole, TargetAssumableRole:
		grants := m.grantsTarget()
		try := func(r *Principal) bool {
			if done() || (s.hypothetical && !grants && !a.IsAdmin(r)) {
				return false
			}
			if r == p || skip(r) || !a.roleQualifies(s, r, m, grants) {
				return true
			}
			pols := []string{""}
			if m.onTargetPolicy() {
				pols = a.customerPoliciesOf(r)
			}
			for _, pol := range pols {
				if done() {
					break
				}
				if gs, ok := a.targetSteps(s, m, r.ARN, r, pol); ok {
					emit(Finding{TargetARN: r.ARN, kind: targetRole, Via: pol,
						ToAdmin: grants || a.IsAdmin(r)}, gs)
				}
			}
			return true
		}
		if m.Target == TargetRole {
			narrow(a.rolesByARN)
			roles := a.adminFirst(a.roles)
			if s.hypothetical && !grants {
				roles = roles[:a.leadingAdmins(roles)]
			}
			for _, r := range a.inListOrder(roles, keep) {
				if !try(r) {
					break
				}
			}
		} else {
			only := a.assumableFilterOwn(s, m)
			if only != nil && s.hypothetical && !grants {
				only = a.adminsOf(only)
			}
			tryAs := func(as Assumption) bool { return try(as.Role) }
			switch {
			case m.Prereq == PrereqBoundary:
				// Only a role with a boundary qualifies (roleQualifies):
				// walked from their list, not from every role the
				// principal may assume (all of an account whose roles
				// trust its root, for each principal).
				a.eachAssumableOf(p, a.boundedRoles(), only, tryAs)
			case only != nil:
				a.eachAssumableIn(p, only, tryAs)
			default:
				// Administrators first, without listing every role that
				// trusts anyone for every principal (reach.go).
				a.eachAssumable(p, tryAs)
			}
		}
	case TargetPassRole, TargetServiceRole:
		// The roles p may pass to each service (a PassRole statement for
		// another service does not count).
		var bySvc map[string]map[*Principal]bool
		keep, bySvc = a.passRoleFilter(s, m)
		list := a.rolesTrusting(m.Services, m.Target == TargetServiceRole)
		if s.hypothetical {
			list = list[:a.leadingAdmins(list)]
		}
		eachCandidate(a, s, list, keep, true, serviceRoleOf, a.serviceRolesInOrder, func(r serviceRole) bool {
			if done() || (s.hypothetical && !a.IsAdmin(r.role)) {
				return false
			}
			if only := bySvc[r.service]; r.role == p || skip(r.role) || (only != nil && !only[r.role]) || !a.instanceReady(s, r, m.Target == TargetPassRole, q) {
				return true
			}
			gs, ok := a.targetSteps(s, m, r.role.ARN, r.role, "", r.service)
			if ok {
				emit(Finding{TargetARN: r.role.ARN, kind: targetRole, Via: r.service, ToAdmin: a.IsAdmin(r.role)}, gs)
			}
			return true
		})
	}
	return out
}

// roleQualifies: a role target must be more privileged than the principal
// unless the method grants it new permissions; boundary methods need a
// boundary whose removal gains something.
func (a *Analysis) roleQualifies(s *pstate, r *Principal, m *Method, grants bool) bool {
	if cannotModify(m, r) {
		return false
	}
	if m.Prereq == PrereqBoundary {
		if r.Set.Boundary == nil {
			return false
		}
		if (&policy.Set{Identity: r.Set.Identity}).IsAdmin() {
			return !a.IsAdmin(s.p)
		}
		return exceeds(a.unboundPower(r), a.powerOf(s))
	}
	return grants || a.outranks(s, r)
}

// groupRaises: joining the group adds something the user lacks (the group's
// policies under the user's own boundary and SCPs). Only the powerActions
// some Allow statement of the group covers and the user lacks are
// evaluated: adding the group's other statements (Denies, or statements on
// other actions) cannot allow an action the user was not allowed.
func (a *Analysis) groupRaises(s *pstate, g *Principal) bool {
	gain := slices.Clone(a.groupBits(g))
	mine := a.powerOf(s)
	none := true
	for i := range gain {
		gain[i] &^= mine[i]
		none = none && gain[i] == 0
	}
	identity := append(slices.Clip(s.p.Set.Identity), g.Set.Identity...)
	if (&policy.Set{Identity: identity, Boundary: s.p.Set.Boundary}).IsAdmin() {
		return true
	}
	if none {
		return false
	}
	joined := &policy.Set{Identity: identity, Boundary: s.p.Set.Boundary, SCPs: s.p.Set.SCPs}
	for i, act := range powerActions {
		if gain[i/64]&(1<<(i%64)) != 0 && a.allowed(a.eval(s, joined, act, "", "")) {
			return true
		}
	}
	return false
}

// groupRaisesOwn is groupRaises inside findAll, kept per group while it
// runs: each group method asks it again of the same groups. Only the
// goroutine running findAll for s calls it.
func (a *Analysis) groupRaisesOwn(s *pstate, g *Principal) bool {
	if v, ok := s.raises[g]; ok {
		return v
	}
	if s.raises == nil {
		s.raises = map[*Principal]bool{}
	}
	v := a.groupRaises(s, g)
	s.raises[g] = v
	return v
}

// groupBits returns which powerActions the group's identity policies
// cover with an Allow statement, once per group.
func (a *Analysis) groupBits(g *Principal) []uint64 {
	if v, ok := a.groupBitsCache.Load(g); ok {
		return v.([]uint64)
	}
	v, _ := a.groupBitsCache.LoadOrStore(g, a.allowBitsOf(g.Set.Identity))
	return v.([]uint64)
}

// targetSteps evaluates the target-dependent steps. targetARN is the user,
// group or role; pol the customer policy for OnSelfPolicy/OnTargetPolicy;
// passedTo the service for OnPassRole.
func (a *Analysis) targetSteps(s *pstate, m *Method, targetARN string, role *Principal, pol string, passedTo ...string) ([]*Grant, bool) {
	var out []*Grant
	for _, st := range m.Steps {
		var res, svc string
		switch st.On {
		case OnAny:
			continue
		case OnSelf:
			res = s.p.ARN
		case OnSelfPolicy, OnTargetPolicy:
			res = pol
			if res == "" {
				return nil, false
			}
		case OnSelfGroup, OnTarget:
			res = targetARN
		case OnPassRole:
			res = targetARN
			if len(passedTo) > 0 {
				svc = passedTo[0]
			}
		case OnAssume:
			as, ok := a.assumeGrantOwn(s, role)
			if !ok {
				return nil, false
			}
			out = append(out, &as)
			continue
		}
		ans := a.step(s, st.Action, res, svc)
		if !ans.ok {
			return nil, false
		}
		out = append(out, ans.grant)
	}
	return out, true
}

// mergeGrants puts the grants back in step order. When all come from one
// side, that side is the answer as it is (findings share their grants:
// nothing may change them).
func mergeGrants(m *Method, common, target []*Grant) []*Grant {
	switch {
	case len(common) == 0:
		return target
	case len(target) == 0:
		return common
	}
	out := make([]*Grant, 0, len(m.Steps))
	ci, ti := 0, 0
	for _, st := range m.Steps {
		if st.On == OnAny {
			if ci < len(common) {
				out = append(out, common[ci])
				ci++
			}
		} else if ti < len(target) {
			out = append(out, target[ti])
			ti++
		}
	}
	return out
}

// grantsTarget reports whether the method gives its target any permission
// the attacker wants (attach, put, rewrite a policy), so that the target
// need not be more privileged beforehand.
func (m *Method) grantsTarget() bool {
	for _, s := range m.Steps {
		switch strings.ToLower(s.Action) {
		case "iam:attachrolepolicy", "iam:putrolepolicy", "iam:attachuserpolicy", "iam:putuserpolicy", "iam:createpolicyversion":
			return true
		}
	}
	return false
}

func (m *Method) onTargetPolicy() bool {
	for _, s := range m.Steps {
		if s.On == OnTargetPolicy {
			return true
		}
	}
	return false
}

// userPrereq checks a user target's credentials against the method. Without
// the credential report the state is unknown and the method is kept.
func userPrereq(acct *snapshot.Account, u *snapshot.User, pr Prereq) bool {
	if !acct.Has(snapshot.InputCredentialReport) || u.Password == nil {
		return true
	}
	keys := len(u.AccessKeys)
	switch pr {
	case PrereqKeySlot:
		return keys < 2
	case PrereqTwoKeys:
		return keys >= 2
	case PrereqNoPassword:
		return !u.Password.Enabled
	case PrereqPassword:
		return u.Password.Enabled
	}
	return true
}

// instanceReady: an EC2 instance runs as a role only through an instance
// profile. When the snapshot lists instance profiles (authorization
// details) and the role has none, an existing instance cannot be running as
// it, and a new one can be launched with it only if the principal can make
// the profile itself (iam:CreateInstanceProfile and
// iam:AddRoleToInstanceProfile).
func (a *Analysis) instanceReady(s *pstate, r serviceRole, passing bool, q onAny) bool {
	if r.service != "ec2.amazonaws.com" || len(r.role.Role.InstanceProfiles) > 0 ||
		!a.Model.Account.Has(snapshot.InputAuthorizationDetails) {
		return true
	}
	return passing && q.ok("iam:CreateInstanceProfile") && q.ok("iam:AddRoleToInstanceProfile")
}
