package access

// Empowerment: a principal that can change other principals' permissions
// (rule principal-can-grant-permissions). Attaching or putting a policy on
// another user, group or role, adding users to a group, writing a new
// version of a customer managed policy, rewriting a role's trust: none of
// these raises the principal itself when it cannot use the target, so they
// are not privilege escalation — but each can make someone else an
// administrator.

import (
	"slices"
	"strings"

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
	recs, grants := a.empowerRecs(p)
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
	// Empowers: every distinct principal ARN of the empowerments' Empowers
	// lists, in the order of Empowerments.
	Empowers []string
}

// EmpowerAction: the empowerments of one action.
type EmpowerAction struct {
	Action string
	// First holds the first empowerments of the action (at most the
	// number asked for); Count how many there are.
	First []Empowerment
	Count int
}

// EmpowermentSummary summarises Empowerments(p), keeping at most first
// empowerments per action. Nil when there are none.
func (a *Analysis) EmpowermentSummary(p *Principal, first int) *EmpowerSummary {
	recs, grants := a.empowerRecs(p)
	if len(recs) == 0 {
		return nil
	}
	sum := &EmpowerSummary{Admin: recs[0].admin}
	// distinct by ARN (as Empowers lists ARNs), through the position of
	// the first principal with each ARN
	canon := a.arnPositions()
	seen := make([]uint64, (len(canon)+63)/64)
	add := func(q *Principal) {
		if i := q.index - 1; i >= 0 && i < len(canon) && a.Model.Principals[i] == q {
			c := canon[i]
			if seen[c/64]&(1<<(c%64)) != 0 {
				return
			}
			seen[c/64] |= 1 << (c % 64)
		} else if slices.Contains(sum.Empowers, q.ARN) {
			return // not of this model: never the case for a model's targets
		}
		sum.Empowers = append(sum.Empowers, q.ARN)
	}
	for i := range recs {
		r := &recs[i]
		k := slices.IndexFunc(sum.Actions, func(x EmpowerAction) bool { return x.Action == r.act })
		if k < 0 {
			sum.Actions = append(sum.Actions, EmpowerAction{Action: r.act})
			k = len(sum.Actions) - 1
		}
		ea := &sum.Actions[k]
		ea.Count++
		if len(ea.First) < first {
			ea.First = append(ea.First, r.empowerment(grants))
		}
		for _, q := range r.empowered() {
			add(q)
		}
	}
	return sum
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
	e.Empowers = r.t.empowerARNs
	if r.act == "iam:AddUserToGroup" {
		e.Empowers = r.t.outsiderARNs // whoever is added: the users not in the group yet
	}
	return e
}

func (r *empowerRec) empowered() []*Principal {
	if r.act == "iam:AddUserToGroup" {
		return r.t.outsiders
	}
	return r.t.empowers
}

// empowerRecs finds p's empowerments as records, sorted, with the grants
// they index.
func (a *Analysis) empowerRecs(p *Principal) ([]empowerRec, []Grant) {
	if p.Kind == KindGroup || (p.Kind == KindRole && p.Role.ServiceLinked()) || a.IsAdmin(p) {
		return nil, nil
	}
	s := a.state(p)
	own := map[string]bool{p.ARN: true}
	for _, f := range a.Escalations(p) {
		own[f.TargetARN] = true
		if f.Via != "" && strings.HasPrefix(f.Via, "arn:") {
			own[f.Via] = true
		}
	}
	for _, arn := range a.customerPolicies(s) {
		own[arn] = true
	}
	if p.Kind == KindUser {
		for _, gn := range p.User.Groups {
			if g := a.groups[gn]; g != nil {
				own[g.ARN] = true
			}
		}
	}
	ew := &empowerWork{s: s}
	for _, kind := range []string{"user", "group", "role", "policy"} {
		for _, act := range empowerActions[kind] {
			if kind == "group" && act == "iam:AddUserToGroup" && p.Kind == KindUser {
				continue // a user may add itself: iam-013 judges that
			}
			if !a.allowed(a.eval(s, p.Set, act, "", "")) {
				continue
			}
			a.empowerTargets(ew, kind, act, own)
		}
	}
	sortEmpowerRecs(ew.recs)
	return ew.recs, ew.grants
}

// sortEmpowerRecs orders administrator-capable changes first, then by
// target and action; ties (a policy listed twice) keep their order.
func sortEmpowerRecs(rs []empowerRec) {
	slices.SortStableFunc(rs, func(x, y empowerRec) int {
		if x.admin != y.admin {
			if x.admin {
				return -1
			}
			return 1
		}
		if c := strings.Compare(x.t.arn, y.t.arn); c != 0 {
			return c
		}
		return strings.Compare(x.act, y.act)
	})
}

// empowerWork is what one principal's empowerments collect and reuse
// between targets: the records and grants, the request with iam:PolicyARN
// set to AdministratorAccess, and the last grant built (consecutive
// targets are mostly allowed by the same statements).
type empowerWork struct {
	s        *pstate
	recs     []empowerRec
	grants   []Grant
	adminReq *policy.Request
	last     policy.Result
	haveLast bool
}

type empowerTarget struct {
	arn, name string
	p         *Principal // nil for a policy
	empowers  []*Principal
	// empowerARNs: the ARNs of empowers; outsiders: for a group, the users
	// not in it (whoever iam:AddUserToGroup may add).
	empowerARNs  []string
	outsiders    []*Principal
	outsiderARNs []string
	// reach: no permissions boundary keeps the change from making an
	// empowered principal administrator (for a group, also when it has no
	// members yet); groupAdmin: the group's own policies are administrator.
	reach, groupAdmin bool
}

// empowerCandidates returns the targets of one kind, computed once per
// analysis.
func (a *Analysis) empowerCandidates(kind string) []empowerTarget {
	if v, ok := a.empowerCands.Load(kind); ok {
		return v.([]empowerTarget)
	}
	v, _ := a.empowerCands.LoadOrStore(kind, a.computeEmpowerCandidates(kind))
	return v.([]empowerTarget)
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
			out = append(out, empowerTarget{arn: g.ARN, name: g.Name, p: g, empowers: members[g.Name], outsiders: a.outsiders(members[g.Name])})
			out[len(out)-1].outsiderARNs = principalARNs(out[len(out)-1].outsiders)
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
		t.empowerARNs = principalARNs(t.empowers)
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

// outsiders returns the users not among members, in model order.
func (a *Analysis) outsiders(members []*Principal) []*Principal {
	in := make(map[*Principal]bool, len(members))
	for _, m := range members {
		in[m] = true
	}
	var out []*Principal
	for _, u := range a.users {
		if !in[u] {
			out = append(out, u)
		}
	}
	return out
}

// empowerTargets records the changes of one action on the targets of one
// kind. The principal itself is never among a visited target's empowered
// principals (own holds itself, its groups and the policies attached to
// it, and a user never gets iam:AddUserToGroup here), so the target's
// precomputed lists are used as they are.
func (a *Analysis) empowerTargets(ew *empowerWork, kind, act string, own map[string]bool) {
	s := ew.s
	// When no statement covering the action names a resource, every
	// target gets the same answer: evaluate once.
	var memo *policy.Result
	independent := roleIndependent(s.p.Set, act)
	adminMemo := -1 // empowersAdmin's evaluation when independent: -1 unknown, 0 no, 1 yes
	// Targets no Allow statement of the principal names are not allowed
	// (filter.go): they are skipped before any evaluation.
	var keep map[*Principal]bool
	switch kind {
	case "user":
		keep = a.targetFilter(s.p, act, a.usersByARN)
	case "group":
		keep = a.targetFilter(s.p, act, a.groupsByARN)
	case "role":
		keep = a.targetFilter(s.p, act, a.rolesByARN)
	}
	cands := a.empowerCandidates(kind)
	for i := range cands {
		t := &cands[i]
		if (keep != nil && !keep[t.p]) || own[t.arn] || (kind == "role" && act == "iam:UpdateAssumeRolePolicy" && a.assumes(s.p, t.p)) {
			continue
		}
		var r policy.Result
		if independent && memo != nil {
			r = *memo
		} else {
			r = a.eval(s, s.p.Set, act, t.arn, "")
			if independent {
				memo = &r
			}
		}
		if !a.allowed(r) {
			continue
		}
		ew.recs = append(ew.recs, empowerRec{t: t, act: act, kind: kind, grant: ew.grant(a, r, act, t.arn),
			admin: a.empowersAdmin(ew, act, t, independent, &adminMemo)})
	}
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
	switch strings.ToLower(act) {
	case "iam:addusertogroup":
		return t.groupAdmin
	case "iam:updateassumerolepolicy":
		return a.IsAdmin(t.p)
	case "iam:attachuserpolicy", "iam:attachgrouppolicy", "iam:attachrolepolicy":
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
// through a group) and roles it is attached to, in model order.
func (a *Analysis) attachments() map[string][]*Principal {
	out := map[string][]*Principal{}
	add := func(refs []snapshot.PolicyRef, p *Principal) {
		for _, r := range refs {
			if l := out[r.ARN]; len(l) == 0 || l[len(l)-1] != p {
				out[r.ARN] = append(l, p)
			}
		}
	}
	for _, p := range a.Model.Principals {
		switch {
		case p.Kind == KindUser:
			add(p.User.AttachedPolicies, p)
			for _, gn := range p.User.Groups {
				if g := a.groups[gn]; g != nil {
					add(g.Group.AttachedPolicies, p)
				}
			}
		case p.Kind == KindRole && !p.Role.ServiceLinked():
			add(p.Role.AttachedPolicies, p)
		}
	}
	return out
}

// assumes: p can assume role r (r is in Assumable(p), found without
// building that list).
func (a *Analysis) assumes(p, r *Principal) bool {
	if p.Kind == KindGroup || r == p {
		return false
	}
	_, ok := a.split(p).lookup(r)
	return ok
}
