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
	if p.Kind == KindGroup || (p.Kind == KindRole && p.Role.ServiceLinked()) || a.IsAdmin(p) {
		return nil
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
	var out []Empowerment
	ew := &empowerWork{s: s}
	for _, kind := range []string{"user", "group", "role", "policy"} {
		for _, act := range empowerActions[kind] {
			if kind == "group" && act == "iam:AddUserToGroup" && p.Kind == KindUser {
				continue // a user may add itself: iam-013 judges that
			}
			if !a.allowed(a.eval(s, p.Set, act, "", "")) {
				continue
			}
			out = a.empowerTargets(out, ew, kind, act, own)
		}
	}
	return sortEmpowerments(out)
}

// sortEmpowerments orders administrator-capable changes first, then by
// target and action, as a stable sort would: it sorts positions, not the
// large records, and breaks ties by position.
func sortEmpowerments(es []Empowerment) []Empowerment {
	if len(es) < 2 {
		return es
	}
	idx := make([]int32, len(es))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(i, j int32) int {
		x, y := &es[i], &es[j]
		if x.Admin != y.Admin {
			if x.Admin {
				return -1
			}
			return 1
		}
		if c := strings.Compare(x.TargetARN, y.TargetARN); c != 0 {
			return c
		}
		if c := strings.Compare(x.Action, y.Action); c != 0 {
			return c
		}
		return int(i - j)
	})
	// es[k] = old es[idx[k]], in place, one cycle of the permutation at a
	// time (idx[j] = j marks a placed position)
	for k := range idx {
		if idx[k] == int32(k) {
			continue
		}
		tmp := es[k]
		j := int32(k)
		for {
			next := idx[j]
			idx[j] = j
			if next == int32(k) {
				es[j] = tmp
				break
			}
			es[j] = es[next]
			j = next
		}
	}
	return es
}

// empowerWork is what one principal's Empowerments reuse between targets:
// the request with iam:PolicyARN set to AdministratorAccess, and the last
// grant built (consecutive targets are mostly allowed by the same
// statements).
type empowerWork struct {
	s        *pstate
	adminReq *policy.Request
	last     policy.Result
	lastG    Grant
	haveLast bool
}

type empowerTarget struct {
	arn, name string
	p         *Principal // nil for a policy
	empowers  []*Principal
	// empowerARNs: the ARNs of empowers; outsiders: for a group, the ARNs
	// of the users not in it (whoever iam:AddUserToGroup may add).
	empowerARNs []string
	outsiders   []string
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

// outsiders returns the ARNs of the users not among members, in model
// order.
func (a *Analysis) outsiders(members []*Principal) []string {
	in := make(map[*Principal]bool, len(members))
	for _, m := range members {
		in[m] = true
	}
	var out []string
	for _, u := range a.users {
		if !in[u] {
			out = append(out, u.ARN)
		}
	}
	return out
}

// empowerTargets appends to out the changes of one action on the targets
// of one kind. The principal itself is never among a visited target's
// empowered principals (own holds itself, its groups and the policies
// attached to it, and a user never gets iam:AddUserToGroup here), so the
// target's precomputed ARN lists are used as they are.
func (a *Analysis) empowerTargets(out []Empowerment, ew *empowerWork, kind, act string, own map[string]bool) []Empowerment {
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
		e := Empowerment{Action: act, TargetARN: t.arn, TargetName: t.name, TargetKind: kind, Grant: ew.grant(a, r, act, t.arn)}
		e.Empowers = t.empowerARNs
		if act == "iam:AddUserToGroup" {
			e.Empowers = t.outsiders // whoever is added: the users not in the group yet
		}
		e.Admin = a.empowersAdmin(ew, act, t, independent, &adminMemo)
		out = append(out, e)
	}
	return out
}

// grant is Analysis.grant, reusing the statements and conditions of the
// last grant when the result names the same statements (only Resource
// differs between targets then).
func (ew *empowerWork) grant(a *Analysis, r policy.Result, act, resource string) Grant {
	if ew.haveLast && r.Decision == policy.Allowed && ew.last.Decision == policy.Allowed &&
		len(r.AllowIf) == 0 && len(ew.last.AllowIf) == 0 && sameMatches(r.Allows, ew.last.Allows) {
		g := ew.lastG
		g.Action, g.Resource = act, resource
		return g
	}
	g := a.grant(ew.s.p, r, act, resource)
	ew.last, ew.lastG, ew.haveLast = r, g, true
	return g
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
