package access

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/iamspect/iamspect/internal/policy"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// Analysis answers privilege-escalation questions about one account's
// Model: which catalogue methods each user and role can use, which roles
// each principal can assume, and how principals reach administrator through
// chains of both. Results are computed on first use and cached; an
// Analysis is safe for concurrent use.
//
// Every question is asked of the principal's combined policy set (identity
// policies from every source, permissions boundary, SCPs), with resources
// and conditions: the request context holds the snapshot's time
// (aws:CurrentTime, aws:EpochTime), the principal's ARN, account, user name
// and tags, and for iam:PassRole the service the role is passed to
// (iam:PassedToService). A condition the context decides false grants
// nothing; one it cannot decide (MFA, source IP) leaves the step
// "conditional", reported with the conditions.
type Analysis struct {
	Model *Model
	Now   time.Time
	// IncludeRetired also checks methods whose service is gone (tests).
	IncludeRetired bool
	// MaxTargets caps the targets reported per method and principal
	// (administrator targets first); 0 means DefaultMaxTargets. The last
	// finding kept has More set when others were left out.
	MaxTargets int

	states   map[*Principal]*pstate
	groups   map[string]*Principal // by group name
	users    []*Principal
	roles    []*Principal // not service-linked
	trusts   map[*Principal]*policy.Policy
	problems map[*Principal]string // trust policies that do not parse

	byTrustARN     map[string][]*Principal // AWS principal ARN -> roles trusting it
	byTrustAccount map[string][]*Principal // account root -> roles
	trustAnyone    []*Principal            // roles trusting "*" (or NotPrincipal)
	serviceRoles   sync.Map                // service principal -> []*Principal
	ordered        sync.Map                // &list[0] -> admin-first copy (adminFirst)
	trusting       sync.Map                // services + named -> []serviceRole
	usersByARN     byARN
	rolesByARN     byARN

	chainsOnce sync.Once
	chains     map[string][]Chain
	adminDist  map[*Principal]int
}

// pstate is the per-principal cache.
type pstate struct {
	p   *Principal
	ctx map[string][]string

	powerOnce sync.Once
	power     []uint64

	assumeOnce sync.Once
	assumable  []Assumption

	findOnce sync.Once
	findings []Finding

	policyOnce sync.Once
	customer   []string // customer managed policy ARNs attached, directly or via groups

	adminOnce sync.Once
	admin     bool
}

// IsAdmin reports whether the principal is administrator within its
// account: its identity policies, under its permissions boundary, allow
// every action on every resource. SCPs are left out of this one question:
// they bind every principal of the account alike, so no escalation can get
// past them, and a principal whose only limits are SCPs has nothing left to
// escalate to. (Every other question of the analysis does apply SCPs.)
func (a *Analysis) IsAdmin(p *Principal) bool {
	if p == nil || p.Kind == KindGroup {
		return p != nil && p.Set.IsAdmin()
	}
	s := a.state(p)
	s.adminOnce.Do(func() {
		s.admin = p.Set.IsAdmin() || (len(p.Set.SCPs) > 0 && (&policy.Set{Identity: p.Set.Identity, Boundary: p.Set.Boundary}).IsAdmin())
	})
	return s.admin
}

// Assumption is a role a principal can assume (Analysis.AssumeGrant
// tells how).
type Assumption struct {
	Role *Principal
	// Conditional: only when conditions hold (MFA, external ID, ...).
	Conditional bool
}

// Grant is one step of a method as the principal's policies answer it.
type Grant struct {
	Action   string `json:"action"`
	Resource string `json:"resource"`
	// Conditional: allowed only under conditions (Conditions says which).
	Conditional bool   `json:"conditional,omitempty"`
	Conditions  string `json:"conditions,omitempty"`
	// Statements names the statements that allow the step, e.g.
	// `policy "deploy" Statement[0] (Sid "Pass")`.
	Statements []string `json:"statements"`
}

// Finding is one usable escalation method, with its target when it has one.
type Finding struct {
	Method *Method `json:"-"`
	// TargetARN / TargetName: the role passed or assumed, the user whose
	// credentials are taken, the group joined, the policy rewritten.
	TargetARN  string `json:"target_arn,omitempty"`
	TargetName string `json:"target,omitempty"`
	TargetKind string `json:"target_kind,omitempty"` // user, group, role, policy
	// Via names a second object: the policy of the target role rewritten
	// by iam-016 / iam-020.
	Via string `json:"via,omitempty"`
	// ToAdmin: the method yields administrator (the target is admin, or the
	// method lets the principal grant itself or its target anything).
	ToAdmin bool    `json:"to_admin"`
	Grants  []Grant `json:"grants"`
	// More: further targets of the same method were left out (see
	// Analysis.MaxTargets).
	More bool `json:"more_targets,omitempty"`
}

// Conditional reports whether some step holds only under conditions.
func (f Finding) Conditional() bool {
	for _, g := range f.Grants {
		if g.Conditional {
			return true
		}
	}
	return false
}

// DefaultMaxTargets is the default of Analysis.MaxTargets.
const DefaultMaxTargets = 10

// Analyze prepares the analysis of a model; now is the snapshot's reference
// time, used for date conditions.
func Analyze(m *Model, now time.Time) *Analysis {
	a := &Analysis{Model: m, Now: now.UTC(), states: make(map[*Principal]*pstate, len(m.Principals)),
		groups: map[string]*Principal{}, trusts: map[*Principal]*policy.Policy{}, problems: map[*Principal]string{},
		byTrustARN: map[string][]*Principal{}, byTrustAccount: map[string][]*Principal{}}
	defer func() { a.usersByARN, a.rolesByARN = sortedByARN(a.users), sortedByARN(a.roles) }()
	for _, p := range m.Principals {
		a.states[p] = &pstate{p: p, ctx: a.baseContext(p)}
		switch p.Kind {
		case KindUser:
			a.users = append(a.users, p)
		case KindGroup:
			a.groups[p.Name] = p
		case KindRole:
			if p.Role.ServiceLinked() {
				continue
			}
			a.roles = append(a.roles, p)
			a.indexTrust(p)
		}
	}
	return a
}

func (a *Analysis) baseContext(p *Principal) map[string][]string {
	// Keys in lower case, as the evaluator would make them (it then has
	// nothing to convert).
	ctx := map[string][]string{
		"aws:currenttime": {a.Now.Format(time.RFC3339)},
		"aws:epochtime":   {strconv.FormatInt(a.Now.Unix(), 10)},
	}
	var tags []snapshot.Tag
	switch p.Kind {
	case KindUser:
		ctx["aws:principaltype"] = []string{"User"}
		tags = p.User.Tags
	case KindRole:
		ctx["aws:principaltype"] = []string{"AssumedRole"}
		tags = p.Role.Tags
	}
	for _, t := range tags {
		ctx[strings.ToLower("aws:PrincipalTag/"+t.Key)] = []string{t.Value}
	}
	return ctx
}

// indexTrust files a role under every principal its trust policy names, so
// that "which roles can X assume" looks at a few candidates, not all roles.
func (a *Analysis) indexTrust(r *Principal) {
	if len(r.Role.TrustPolicy) == 0 {
		return
	}
	t, err := a.Model.Cache.Compile("trust:"+r.ARN, r.Role.TrustPolicy)
	if err != nil {
		a.problems[r] = fmt.Sprintf("trust policy does not parse: %v", err)
		return
	}
	a.trusts[r] = t
	seen := map[string]bool{}
	add := func(m map[string][]*Principal, k string) {
		if !seen[k] {
			seen[k] = true
			m[k] = append(m[k], r)
		}
	}
	anyone := false
	for _, st := range t.Doc.Statements {
		if st.Effect != policy.Allow {
			continue
		}
		if st.NotPrincipal != nil || st.Principal.IsWildcard() {
			anyone = true
			continue
		}
		for _, arn := range st.Principal.AWSARNs() {
			if strings.HasSuffix(arn, ":root") {
				add(a.byTrustAccount, policy.AccountOf(arn))
			} else {
				add(a.byTrustARN, arn)
			}
		}
	}
	if anyone {
		a.trustAnyone = append(a.trustAnyone, r)
	}
}

// Trust returns a role's compiled trust policy (nil if absent or broken).
func (a *Analysis) Trust(r *Principal) *policy.Policy { return a.trusts[r] }

func (a *Analysis) state(p *Principal) *pstate {
	if s := a.states[p]; s != nil {
		return s
	}
	// A principal not of this model (a test's combined set): analyse it
	// without caching across calls.
	return &pstate{p: p, ctx: a.baseContext(p)}
}

// eval asks the principal's set about one request.
func (a *Analysis) eval(s *pstate, set *policy.Set, action, resource, passedTo string) policy.Result {
	ctx := s.ctx
	if passedTo != "" {
		ctx = make(map[string][]string, len(s.ctx)+1)
		for k, v := range s.ctx {
			ctx[k] = v
		}
		ctx["iam:passedtoservice"] = []string{passedTo}
	}
	return set.Evaluate(&policy.Request{Principal: s.p.ARN, Action: action, Resource: resource, Context: ctx})
}

func allowed(r policy.Result) bool {
	return r.Decision == policy.Allowed || r.Decision == policy.ConditionallyAllowed
}

// grant turns an allowing result into a Grant naming the statements.
func (a *Analysis) grant(p *Principal, r policy.Result, action, resource string, extra ...*policy.Policy) Grant {
	g := Grant{Action: action, Resource: resource, Conditional: r.Decision == policy.ConditionallyAllowed}
	if resource == "" {
		g.Resource = "*"
	}
	seen := map[string]bool{}
	add := func(m policy.Match) {
		if !a.counts(p, m.Policy, extra) {
			return
		}
		ref := a.describe(p, m.Policy) + " " + m.Statement.Ref()
		if !seen[ref] {
			seen[ref] = true
			g.Statements = append(g.Statements, ref)
		}
	}
	for _, m := range r.Allows {
		add(m)
	}
	if g.Conditional {
		for _, cl := range r.AllowIf {
			for _, m := range cl {
				add(m)
			}
		}
		g.Conditions = conditionText(r)
	}
	return g
}

// conditionText renders what a conditional result depends on, without the
// statement references (Grant.Statements has them): "Bool
// aws:MultiFactorAuthPresent "true"", alternatives joined by "or", clauses
// by "and", Denies that may apply after "unless".
func conditionText(r policy.Result) string {
	match := func(m policy.Match) string {
		parts := make([]string, len(m.Unknown))
		for i, c := range m.Unknown {
			parts[i] = c.String()
		}
		return strings.Join(parts, " and ")
	}
	var clauses []string
	for _, cl := range r.AllowIf {
		var alts []string
		for _, m := range cl {
			if t := match(m); !slices.Contains(alts, t) {
				alts = append(alts, t)
			}
		}
		clauses = append(clauses, strings.Join(alts, " or "))
	}
	out := strings.Join(clauses, ", and ")
	var unless []string
	for _, m := range r.DenyIf {
		if t := match(m); !slices.Contains(unless, t) {
			unless = append(unless, t)
		}
	}
	if len(unless) > 0 {
		if out != "" {
			out += " "
		}
		out += "unless " + strings.Join(unless, " or ")
	}
	return out
}

// counts: only identity policies (and the extra resource policy) grant;
// boundary and SCP allows merely permit.
func (a *Analysis) counts(p *Principal, pol *policy.Policy, extra []*policy.Policy) bool {
	return slices.Contains(p.Set.Identity, pol) || slices.Contains(extra, pol)
}

// describe names a policy for messages, from the principal's sources.
func (a *Analysis) describe(p *Principal, pol *policy.Policy) string {
	for _, s := range p.Sources {
		if s.Policy != pol {
			continue
		}
		switch s.Kind {
		case SourceGroupInline, SourceGroupManaged:
			return fmt.Sprintf("policy %q (group %s)", s.Name, s.Via)
		case SourceInline:
			return fmt.Sprintf("inline policy %q", s.Name)
		}
		return fmt.Sprintf("policy %q", s.Name)
	}
	if strings.HasPrefix(pol.Name, "trust:") {
		return "trust policy of " + roleName(strings.TrimPrefix(pol.Name, "trust:"))
	}
	return fmt.Sprintf("policy %q", pol.Name)
}

func roleName(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }

// powerActions are the actions whose reach decides whether one principal
// holds more than another: the catalogue's actions and the sensitive
// actions list.
var powerActions = func() []string {
	seen := map[string]bool{}
	var out []string
	add := func(a string) {
		if k := strings.ToLower(a); !seen[k] {
			seen[k] = true
			out = append(out, a)
		}
	}
	for _, m := range Methods {
		for _, s := range m.Steps {
			add(s.Action)
		}
	}
	for _, a := range sensitiveActions {
		add(a)
	}
	return out
}()

// powerOf returns which powerActions the principal's set allows on some
// resource, as a bitset.
func (a *Analysis) powerOf(s *pstate) []uint64 {
	s.powerOnce.Do(func() { s.power = a.computePower(s, s.p.Set) })
	return s.power
}

func (a *Analysis) computePower(s *pstate, set *policy.Set) []uint64 {
	out := make([]uint64, (len(powerActions)+63)/64)
	all := set == s.p.Set && a.IsAdmin(s.p) || set.IsAdmin()
	for i, act := range powerActions {
		// An action no identity Allow statement names cannot be allowed:
		// skip the evaluation.
		if all || (mayAllow(set, act) && allowed(a.eval(s, set, act, "", ""))) {
			out[i/64] |= 1 << (i % 64)
		}
	}
	return out
}

// mayAllow reports whether some identity Allow statement covers the action.
func mayAllow(set *policy.Set, action string) bool {
	for _, pol := range set.Identity {
		for _, st := range pol.Doc.Statements {
			if st.Effect == policy.Allow && coversAction(st, action) {
				return true
			}
		}
	}
	return false
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
	return exceeds(a.powerOf(a.state(target)), a.powerOf(a.state(p)))
}

func exceeds(t, p []uint64) bool {
	for i := range t {
		if t[i]&^p[i] != 0 {
			return true
		}
	}
	return false
}

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
	var out []Finding
	memo := map[string]policy.Result{}
	anyRes := func(action string) policy.Result {
		if r, ok := memo[action]; ok {
			return r
		}
		r := a.eval(s, s.p.Set, action, "", "")
		memo[action] = r
		return r
	}
	for _, m := range Methods {
		if !m.AppliesTo(string(s.p.Kind)) || (m.Retired != "" && !a.IncludeRetired) {
			continue
		}
		out = append(out, a.tryMethod(s, m, anyRes)...)
	}
	slices.SortStableFunc(out, func(x, y Finding) int {
		if c := strings.Compare(x.Method.ID, y.Method.ID); c != 0 {
			return c
		}
		return strings.Compare(x.TargetARN+x.Via, y.TargetARN+y.Via)
	})
	return out
}

// tryMethod checks one method for one principal.
func (a *Analysis) tryMethod(s *pstate, m *Method, anyRes func(string) policy.Result) []Finding {
	p := s.p
	// Steps on "some resource" first: they do not depend on the target,
	// and most principals fail here.
	var common []Grant
	for _, st := range m.Steps {
		switch st.On {
		case OnAny:
			r := anyRes(st.Action)
			if !allowed(r) {
				return nil
			}
			common = append(common, a.grant(p, r, st.Action, ""))
		case OnAssume:
			// The trust policy may admit the principal without any
			// identity permission: no precheck.
		default:
			if !allowed(anyRes(st.Action)) {
				return nil
			}
		}
	}
	var out []Finding
	limit := a.MaxTargets
	if limit <= 0 {
		limit = DefaultMaxTargets
	}
	full := false // the cap is reached: one more qualifying target sets More
	emit := func(f Finding, targetSteps []Grant) {
		if full {
			out[len(out)-1].More = true
			return
		}
		f.Method = m
		f.Grants = mergeGrants(m, common, targetSteps)
		out = append(out, f)
		full = len(out) == limit
	}
	done := func() bool { return full && out[len(out)-1].More }
	// The first step on the target narrows the candidates (filter.go).
	var keep map[*Principal]bool
	narrow := func(list byARN) {
		for _, st := range m.Steps {
			if st.On == OnTarget || st.On == OnPassRole {
				keep = targetFilter(p, st.Action, list)
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
			emit(Finding{TargetARN: inst, TargetName: inst[strings.LastIndexByte(inst, '/')+1:], TargetKind: "identity-center", ToAdmin: true}, nil)
		}
	case TargetSelf:
		if m.Prereq == PrereqBoundary && p.Set.Boundary == nil {
			return nil
		}
		if gs, ok := a.targetSteps(s, m, p.ARN, nil, ""); ok {
			emit(Finding{TargetARN: p.ARN, TargetName: p.Name, TargetKind: string(p.Kind), ToAdmin: m.Prereq != PrereqBoundary}, gs)
		}
	case TargetSelfPolicy:
		for _, arn := range a.customerPolicies(s) {
			if gs, ok := a.targetSteps(s, m, "", nil, arn); ok {
				emit(Finding{TargetARN: arn, TargetName: policyName(arn), TargetKind: "policy", ToAdmin: m.ID == "iam-001"}, gs)
			}
		}
	case TargetSelfGroup:
		for _, gn := range p.User.Groups {
			if g := a.groups[gn]; g != nil {
				if gs, ok := a.targetSteps(s, m, g.ARN, nil, ""); ok {
					emit(Finding{TargetARN: g.ARN, TargetName: g.Name, TargetKind: "group", ToAdmin: true}, gs)
				}
			}
		}
	case TargetGroup:
		for _, g := range a.sortedGroups() {
			if slices.Contains(p.User.Groups, g.Name) || !a.groupRaises(s, g) {
				continue
			}
			if gs, ok := a.targetSteps(s, m, g.ARN, nil, ""); ok {
				emit(Finding{TargetARN: g.ARN, TargetName: g.Name, TargetKind: "group", ToAdmin: g.Set.IsAdmin()}, gs)
			}
		}
	case TargetUser:
		grants := m.grantsTarget()
		narrow(a.usersByARN)
		for _, u := range a.adminFirst(a.users) {
			if done() {
				break
			}
			if u == p || skip(u) || !userPrereq(a.Model.Account, u.User, m.Prereq) || (!grants && !a.Outranks(u, p)) {
				continue
			}
			if gs, ok := a.targetSteps(s, m, u.ARN, nil, ""); ok {
				emit(Finding{TargetARN: u.ARN, TargetName: u.Name, TargetKind: "user", ToAdmin: grants || a.IsAdmin(u)}, gs)
			}
		}
	case TargetRole, TargetAssumableRole:
		var cands []*Principal
		if m.Target == TargetRole {
			cands = a.adminFirst(a.roles)
			narrow(a.rolesByARN)
		} else {
			for _, as := range a.Assumable(p) {
				cands = append(cands, as.Role)
			}
			slices.SortStableFunc(cands, func(x, y *Principal) int { return a.adminRank(x) - a.adminRank(y) })
		}
		grants := m.grantsTarget()
		for _, r := range cands {
			if done() {
				break
			}
			if r == p || skip(r) || !a.roleQualifies(s, r, m, grants) {
				continue
			}
			pols := []string{""}
			if m.onTargetPolicy() {
				pols = a.customerPoliciesOf(r)
			}
			for _, pol := range pols {
				if gs, ok := a.targetSteps(s, m, r.ARN, r, pol); ok {
					emit(Finding{TargetARN: r.ARN, TargetName: r.Name, TargetKind: "role", Via: pol,
						ToAdmin: grants || a.IsAdmin(r)}, gs)
				}
			}
		}
	case TargetPassRole, TargetServiceRole:
		narrow(a.rolesByARN)
		for _, r := range a.rolesTrusting(m.Services, m.Target == TargetServiceRole) {
			if done() {
				break
			}
			if r.role == p || skip(r.role) || !a.Outranks(r.role, p) {
				continue
			}
			gs, ok := a.targetSteps(s, m, r.role.ARN, r.role, "", r.service)
			if ok {
				emit(Finding{TargetARN: r.role.ARN, TargetName: r.role.Name, TargetKind: "role", Via: r.service, ToAdmin: a.IsAdmin(r.role)}, gs)
			}
		}
	}
	return out
}

// roleQualifies: a role target must be more privileged than the principal
// unless the method grants it new permissions; boundary methods need a
// boundary whose removal gains something.
func (a *Analysis) roleQualifies(s *pstate, r *Principal, m *Method, grants bool) bool {
	if m.Prereq == PrereqBoundary {
		if r.Set.Boundary == nil {
			return false
		}
		unbound := &policy.Set{Identity: r.Set.Identity, SCPs: r.Set.SCPs}
		if (&policy.Set{Identity: r.Set.Identity}).IsAdmin() {
			return !a.IsAdmin(s.p)
		}
		return exceeds(a.computePower(a.state(r), unbound), a.powerOf(s))
	}
	return grants || a.Outranks(r, s.p)
}

// groupRaises: joining the group adds something the user lacks (the group's
// policies under the user's own boundary and SCPs).
func (a *Analysis) groupRaises(s *pstate, g *Principal) bool {
	joined := &policy.Set{Identity: append(slices.Clip(s.p.Set.Identity), g.Set.Identity...),
		Boundary: s.p.Set.Boundary, SCPs: s.p.Set.SCPs}
	if (&policy.Set{Identity: joined.Identity, Boundary: joined.Boundary}).IsAdmin() {
		return true
	}
	return exceeds(a.computePower(s, joined), a.powerOf(s))
}

// targetSteps evaluates the target-dependent steps. targetARN is the user,
// group or role; pol the customer policy for OnSelfPolicy/OnTargetPolicy;
// passedTo the service for OnPassRole.
func (a *Analysis) targetSteps(s *pstate, m *Method, targetARN string, role *Principal, pol string, passedTo ...string) ([]Grant, bool) {
	var out []Grant
	for _, st := range m.Steps {
		var r policy.Result
		var res string
		var extra []*policy.Policy
		switch st.On {
		case OnAny:
			continue
		case OnSelf:
			res = s.p.ARN
			r = a.eval(s, s.p.Set, st.Action, res, "")
		case OnSelfPolicy, OnTargetPolicy:
			res = pol
			if res == "" {
				return nil, false
			}
			r = a.eval(s, s.p.Set, st.Action, res, "")
		case OnSelfGroup, OnTarget:
			res = targetARN
			r = a.eval(s, s.p.Set, st.Action, res, "")
		case OnPassRole:
			res = targetARN
			svc := ""
			if len(passedTo) > 0 {
				svc = passedTo[0]
			}
			r = a.eval(s, s.p.Set, st.Action, res, svc)
		case OnAssume:
			res = targetARN
			as, ok := a.assumeGrant(s, role)
			if !ok {
				return nil, false
			}
			out = append(out, as)
			continue
		}
		if !allowed(r) {
			return nil, false
		}
		out = append(out, a.grant(s.p, r, st.Action, res, extra...))
	}
	return out, true
}

// mergeGrants puts the grants back in step order.
func mergeGrants(m *Method, common, target []Grant) []Grant {
	out := make([]Grant, 0, len(m.Steps))
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

// customerPolicies lists the customer managed policies attached to the
// principal, directly or through its groups, sorted.
func (a *Analysis) customerPolicies(s *pstate) []string {
	s.policyOnce.Do(func() {
		var refs []snapshot.PolicyRef
		switch s.p.Kind {
		case KindUser:
			refs = append(refs, s.p.User.AttachedPolicies...)
			for _, gn := range s.p.User.Groups {
				if g := a.groups[gn]; g != nil {
					refs = append(refs, g.Group.AttachedPolicies...)
				}
			}
		case KindRole:
			refs = s.p.Role.AttachedPolicies
		case KindGroup:
			refs = s.p.Group.AttachedPolicies
		}
		s.customer = customerARNs(refs)
	})
	return s.customer
}

func (a *Analysis) customerPoliciesOf(p *Principal) []string {
	return a.customerPolicies(a.state(p))
}

func customerARNs(refs []snapshot.PolicyRef) []string {
	var out []string
	for _, r := range refs {
		if !snapshot.IsAWSManagedPolicyARN(r.ARN) && !slices.Contains(out, r.ARN) {
			out = append(out, r.ARN)
		}
	}
	slices.Sort(out)
	return out
}

func policyName(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }

func (a *Analysis) sortedGroups() []*Principal {
	out := make([]*Principal, 0, len(a.groups))
	for _, g := range a.groups {
		out = append(out, g)
	}
	slices.SortFunc(out, func(x, y *Principal) int { return strings.Compare(x.ARN, y.ARN) })
	return out
}

// identityCenter returns the ARN of the Identity Center instance the
// account holds, or "". Without the identity_center input nothing is known
// and the methods are not reported (a documented blind spot).
func (a *Analysis) identityCenter() string {
	ac := a.Model.Account
	if ac.IdentityCenter == nil {
		return ""
	}
	for _, in := range ac.IdentityCenter.Instances {
		if in.OwnerAccountID == "" || in.OwnerAccountID == ac.ID {
			return in.ARN
		}
	}
	return ""
}

type serviceRole struct {
	role    *Principal
	service string
}

// rolesTrusting lists the roles whose trust policy admits one of the
// services (the first such service is kept), in model order.
// With named, only roles whose trust policy names the service count: an
// existing Lambda function or instance runs as a role made for it, not as
// a role that trusts "*" (which a new resource could still be given).
func (a *Analysis) rolesTrusting(services []string, named bool) []serviceRole {
	key := strings.Join(services, " ")
	if named {
		key += " named"
	}
	if v, ok := a.trusting.Load(key); ok {
		return v.([]serviceRole)
	}
	v, _ := a.trusting.LoadOrStore(key, a.computeRolesTrusting(services, named))
	return v.([]serviceRole)
}

func (a *Analysis) computeRolesTrusting(services []string, named bool) []serviceRole {
	var out []serviceRole
	seen := map[*Principal]bool{}
	for _, svc := range services {
		for _, r := range a.trustingService(svc) {
			if named && !namesService(a.trusts[r], svc) {
				continue
			}
			if !seen[r] {
				seen[r] = true
				out = append(out, serviceRole{r, svc})
			}
		}
	}
	slices.SortStableFunc(out, func(x, y serviceRole) int { return a.adminRank(x.role) - a.adminRank(y.role) })
	return out
}

// adminRank orders administrators first.
func (a *Analysis) adminRank(p *Principal) int {
	if a.IsAdmin(p) {
		return 0
	}
	return 1
}

// adminFirst returns the principals with administrators first, else in
// their order. The orderings of the analysis's user and role lists are
// computed once.
func (a *Analysis) adminFirst(ps []*Principal) []*Principal {
	if len(ps) == 0 {
		return ps
	}
	key := &ps[0]
	if v, ok := a.ordered.Load(key); ok {
		return v.([]*Principal)
	}
	out := slices.Clone(ps)
	slices.SortStableFunc(out, func(x, y *Principal) int { return a.adminRank(x) - a.adminRank(y) })
	v, _ := a.ordered.LoadOrStore(key, out)
	return v.([]*Principal)
}

func (a *Analysis) trustingService(svc string) []*Principal {
	if v, ok := a.serviceRoles.Load(svc); ok {
		return v.([]*Principal)
	}
	var out []*Principal
	for _, r := range a.roles {
		if t := a.trusts[r]; t != nil && TrustAdmitsService(t, svc) {
			out = append(out, r)
		}
	}
	v, _ := a.serviceRoles.LoadOrStore(svc, out)
	return v.([]*Principal)
}

func namesService(t *policy.Policy, svc string) bool {
	for _, st := range t.Doc.Statements {
		if st.Effect == policy.Allow && st.Principal != nil && slices.Contains(st.Principal.Service, svc) {
			return true
		}
	}
	return false
}

// TrustAdmitsService reports whether a trust policy lets the service
// principal (e.g. "ec2.amazonaws.com") assume the role, possibly under
// conditions (aws:SourceAccount and the like, which the attacker's own
// resources satisfy).
func TrustAdmitsService(trust *policy.Policy, svc string) bool {
	set := &policy.Set{Identity: []*policy.Policy{trust}}
	for _, act := range []string{"sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"} {
		if allowed(set.Evaluate(&policy.Request{Principal: svc, Action: act})) {
			return true
		}
	}
	return false
}
