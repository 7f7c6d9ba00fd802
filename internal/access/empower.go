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
// and groups get none.
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
	for _, kind := range []string{"user", "group", "role", "policy"} {
		for _, act := range empowerActions[kind] {
			if kind == "group" && act == "iam:AddUserToGroup" && p.Kind == KindUser {
				continue // a user may add itself: iam-013 judges that
			}
			if !a.allowed(a.eval(s, p.Set, act, "", "")) {
				continue
			}
			out = append(out, a.empowerTargets(s, kind, act, own)...)
		}
	}
	slices.SortStableFunc(out, func(x, y Empowerment) int {
		if x.Admin != y.Admin {
			if x.Admin {
				return -1
			}
			return 1
		}
		if c := strings.Compare(x.TargetARN, y.TargetARN); c != 0 {
			return c
		}
		return strings.Compare(x.Action, y.Action)
	})
	return out
}

type empowerTarget struct {
	arn, name string
	p         *Principal // nil for a policy
	empowers  []*Principal
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
			out = append(out, empowerTarget{u.ARN, u.Name, u, []*Principal{u}})
		}
	case "group":
		for _, g := range a.sortedGroups() {
			out = append(out, empowerTarget{g.ARN, g.Name, g, a.members(g)})
		}
	case "role":
		for _, r := range a.roles {
			if !Unmodifiable(r.Role) {
				out = append(out, empowerTarget{r.ARN, r.Name, r, []*Principal{r}})
			}
		}
	case "policy":
		attached := a.attachments()
		for _, mp := range a.Model.Account.Policies {
			if mp.ARN == "" || snapshot.IsAWSManagedPolicyARN(mp.ARN) {
				continue
			}
			out = append(out, empowerTarget{mp.ARN, mp.Name, nil, attached[mp.ARN]})
		}
	}
	return out
}

func (a *Analysis) empowerTargets(s *pstate, kind, act string, own map[string]bool) []Empowerment {
	var out []Empowerment
	// When no statement covering the action names a resource, every
	// target gets the same answer: evaluate once.
	var memo *policy.Result
	independent := roleIndependent(s.p.Set, act)
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
	for _, t := range a.empowerCandidates(kind) {
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
		e := Empowerment{Action: act, TargetARN: t.arn, TargetName: t.name, TargetKind: kind, Grant: a.grant(s.p, r, act, t.arn)}
		empowers := t.empowers
		if act == "iam:AddUserToGroup" {
			// whoever is added: the users not in the group yet
			empowers = slices.DeleteFunc(slices.Clone(a.users), func(u *Principal) bool { return slices.Contains(t.empowers, u) })
		}
		for _, q := range empowers {
			if q != s.p {
				e.Empowers = append(e.Empowers, q.ARN)
			}
		}
		e.Admin = a.empowersAdmin(s, act, t)
		out = append(out, e)
	}
	return out
}

// empowersAdmin: can the change make a principal administrator-equivalent?
// An attach grant is asked again with iam:PolicyARN set to
// AdministratorAccess, so that a grant limited to named policies
// (ArnEquals iam:PolicyARN) is not taken for more than it is.
func (a *Analysis) empowersAdmin(s *pstate, act string, t empowerTarget) bool {
	switch strings.ToLower(act) {
	case "iam:addusertogroup":
		return t.p.Set.IsAdmin()
	case "iam:updateassumerolepolicy":
		return a.IsAdmin(t.p)
	case "iam:createpolicyversion":
		for _, q := range t.empowers {
			if unbounded(q) {
				return true
			}
		}
		return false
	case "iam:attachuserpolicy", "iam:attachgrouppolicy", "iam:attachrolepolicy":
		ctx := make(map[string][]string, len(s.ctx)+1)
		for k, v := range s.ctx {
			ctx[k] = v
		}
		ctx["iam:policyarn"] = []string{AdministratorAccessARN}
		req := policy.Request{Principal: s.p.ARN, Action: act, Resource: t.arn, Context: ctx, Now: a.Now}
		if !a.allowed(s.p.Set.Evaluate(&req)) {
			return false
		}
	}
	if t.p.Kind == KindGroup {
		// future members are unknown: only present, bounded ones stop it
		return len(t.empowers) == 0 || slices.ContainsFunc(t.empowers, unbounded)
	}
	return unbounded(t.p)
}

// unbounded: no permissions boundary keeps the principal from being made
// administrator (none, or one that allows everything).
func unbounded(p *Principal) bool {
	return p.Set.Boundary == nil || (&policy.Set{Identity: p.Set.Boundary}).IsAdmin()
}

// members returns the users in group g.
func (a *Analysis) members(g *Principal) []*Principal {
	var out []*Principal
	for _, u := range a.users {
		if slices.Contains(u.User.Groups, g.Name) {
			out = append(out, u)
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
