package access

// Group hops: joining a group (iam:AddUserToGroup, iam-013) gives the user
// the group's policies, and with them whatever those policies let it do
// next. A group holding iam:* is not itself an administrator, but a member
// of it can attach AdministratorAccess to itself: joining it is an
// escalation to administrator, through the group.

import (
	"slices"

	"github.com/iamspect/iamspect/internal/policy"
)

// Membership is the Then of a group hop whose group alone makes its
// members administrators.
const Membership = "membership"

// joinGain tells whether user s.p, once a member of group g, is
// administrator (then Membership) or can reach administrator with one
// method of the catalogue (then that method's ID, unconditional methods
// first). "" means joining raises the user without making it
// administrator.
func (a *Analysis) joinGain(s *pstate, g *Principal) string {
	p := s.p
	joined := &policy.Set{Identity: append(slices.Clip(p.Set.Identity), g.Set.Identity...), Boundary: p.Set.Boundary, SCPs: p.Set.SCPs}
	if g.Set.IsAdmin() || (&policy.Set{Identity: joined.Identity, Boundary: joined.Boundary}).IsAdmin() {
		return Membership
	}
	u := *p.User
	u.Groups = append(slices.Clip(u.Groups), g.Name)
	hp := &Principal{ARN: p.ARN, Name: p.Name, Kind: KindUser, User: &u, Set: joined,
		Sources: append(slices.Clip(p.Sources), g.Sources...), Problems: p.Problems}
	hs := newPState(hp, s.ctx, a.Now)
	hs.hypothetical = true
	a.hypo.Store(hp, hs)
	defer a.hypo.Delete(hp)
	memo := map[string]policy.Result{}
	own := a.onAnyOf(s)
	anyRes := func(action string) policy.Result {
		if r, ok := memo[action]; ok {
			return r
		}
		var r policy.Result
		if a.groupNames(g, action) {
			r = a.eval(hs, joined, action, "", "")
		} else {
			// No statement of the group names the action: the user's
			// own answer, the same request on the same statements.
			r = own.result(action)
		}
		memo[action] = r
		return r
	}
	q := onAny{result: anyRes, ok: func(action string) bool {
		if !a.groupNames(g, action) {
			return own.ok(action)
		}
		return a.allowed(anyRes(action))
	}}
	conditional := ""
	// Methods on the user itself first: they are cheap, and the usual way
	// a group's IAM permissions lead to administrator.
	self := func(m *Method) bool {
		return m.Target == TargetSelf || m.Target == TargetSelfPolicy || m.Target == TargetSelfGroup
	}
	ordered := slices.Clone(Methods)
	slices.SortStableFunc(ordered, func(x, y *Method) int {
		switch {
		case self(x) == self(y):
			return 0
		case self(x):
			return -1
		}
		return 1
	})
	for _, m := range ordered {
		if m.Target == TargetGroup || !m.AppliesTo(string(KindUser)) || (m.Retired != "" && !a.IncludeRetired) {
			continue
		}
		for _, f := range a.tryMethod(hs, m, q) {
			if !f.ToAdmin {
				continue
			}
			if !f.Conditional() {
				return m.ID
			}
			if conditional == "" {
				conditional = m.ID
			}
		}
	}
	return conditional
}

// groupNames reports whether some statement of the group's policies may
// apply to the action (any effect; every NotAction statement counts).
func (a *Analysis) groupNames(g *Principal, action string) bool {
	key := groupAction{g, action}
	if v, ok := a.groupActs.Load(key); ok {
		return v.(bool)
	}
	names := false
	for _, pol := range g.Set.Identity {
		for _, st := range pol.Doc.Statements {
			if st.NotAction != nil || coversAction(st, action) {
				names = true
			}
		}
	}
	a.groupActs.Store(key, names)
	return names
}

type groupAction struct {
	g      *Principal
	action string
}
