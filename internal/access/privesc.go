package access

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
// (iam:PassedToService); aws:TokenIssueTime is bounded by the snapshot's
// time (policy.Request.Now). A condition the context decides false grants
// nothing; one it cannot decide (MFA, source IP) leaves the step
// "conditional", reported with the conditions.
type Analysis struct {
	Model *Model
	Now   time.Time
	// IncludeRetired also checks methods whose service is gone (tests).
	IncludeRetired bool
	// Ctx, when set, stops the long computations (every principal's
	// escalations, the chains) early once it is done; the answers are then
	// incomplete, and the caller must check Ctx.Err().
	Ctx context.Context
	// MaxTargets caps the targets reported per method and principal
	// (administrator targets first); 0 means DefaultMaxTargets. The last
	// finding kept has More set when others were left out.
	MaxTargets int

	states  map[*Principal]*pstate
	byIndex []*pstate // states in model order (Principal.index)
	// adminFlags caches IsAdmin in model order (0 not known yet, 1 no, 2
	// yes): ordering targets administrators first asks it millions of
	// times, and reaching a principal's state each time is a cache miss.
	adminFlags []atomic.Uint32
	// powers holds each principal's power (power.go) in model order, once
	// computed.
	powers   []atomic.Pointer[[]uint64]
	groups   map[string]*Principal // by group name
	users    []*Principal
	roles    []*Principal // not service-linked
	trusts   map[*Principal]*policy.Policy
	problems map[*Principal]string // trust policies that do not parse

	byTrustARN     map[string][]*Principal             // AWS principal ARN -> roles trusting it
	byTrustAccount map[string][]*Principal             // account root -> roles
	trustAnyone    []*Principal                        // roles trusting "*" (or NotPrincipal)
	anyone         anyoneIndex                         // trustAnyone by trust document, and classes (reach.go)
	serviceRoles   onceMap[string, []*Principal]       // service principal -> the roles trusting it
	ordered        sync.Map                            // &list[0] -> admin-first copy (adminFirst)
	trusting       onceMap[trustingKey, []serviceRole] // a method's services -> the roles trusting them
	usersByARN     byARN
	groupsByARN    byARN
	rolesByARN     byARN
	hypo           sync.Map   // *Principal -> *pstate: a user as if it had joined a group (grouphop.go)
	empowerCands   sync.Map   // "index" -> *empowerIndex (empower.go)
	empowerMu      sync.Mutex // held while the index or a bulk union is built
	bulkUnions     sync.Map   // bulkUnionKey -> *bulkUnion (empower_bulk.go)
	arnPosOnce     sync.Once
	arnPos         []int    // model position -> first position with the same ARN (empower.go)
	policyBits     sync.Map // *policy.Policy -> []uint64: powerActions its Allow statements cover (power.go)
	groupActs      sync.Map // groupAction -> bool (grouphop.go)
	satisfiable    sync.Map // *policy.Statement -> bool: its open conditions can hold (satisfy.go)
	matches        sync.Map // matchKey -> map[*Principal]bool (filter.go)
	empowerMatches sync.Map // empowerFilterKey -> []int32 (empower.go)
	statementRefs  sync.Map // statementKey -> string (grants.go)
	passedFalse    sync.Map // *policy.Statement -> []uint64 over passServices (filter.go)
	condTexts      sync.Map // condKey -> string (grants.go)
	admins         sync.Map // &list[0] -> leading administrators (candidates.go)
	listPos        sync.Map // &list[0] -> map[*Principal]int (candidates.go)
	rolePolOnce    sync.Once
	boundedOnce    sync.Once
	bounded        []*Principal // the roles with a permissions boundary (candidates.go)
	rolePol        *policyRoles // roles by customer managed policy (candidates.go)
	groupBitsCache sync.Map     // group *Principal -> []uint64: allowBitsOf its identity policies (escalate.go)
	// powerTable numbers powerActions for prepared evaluation; it keeps
	// what each policy's statements cover, so it lives with the analysis
	// (power.go).
	powerTable *policy.ActionTable
	// powerClass is each model position's power class + 1 (0: its power
	// is not computed yet), numbered by classes (power.go).
	powerClass  []atomic.Int32
	classes     powerClasses
	outrankSets sync.Map // outrankKey -> []uint64: the members of a list that outrank a class (outrank.go)

	chainsOnce sync.Once
	chains     map[string][]Chain
	// searchClasses: the users and roles whose searches share memos
	// (findclass.go), built once.
	searchClassOnce sync.Once
	searchClasses   map[*Principal]*searchClass
	neutralTrusts   map[*Principal]bool // roles whose trust admits a class's members alike (trustNeutral)
	neutralDocs     sync.Map            // *docIndex -> bool: docsNeutral (findclass.go)
	heldMemos       atomic.Int32        // classes keeping memos outside precompute's loop (findclass.go)
	assumeGraphOnce sync.Once
	arnOrderOnce    sync.Once
	arnPlaces       []uint32 // arnOrder (chains.go)
	assumeGraph     *graph   // unconditional sts:AssumeRole only (AssumeChain)
}

// pstate is the per-principal cache.
type pstate struct {
	p   *Principal
	ctx map[string][]string
	// req is a prepared request for p with ctx; passed holds the prepared
	// variants with iam:PassedToService set, by service.
	req    policy.Request
	passed sync.Map

	powerOnce sync.Once
	power     []uint64

	unboundOnce sync.Once
	unbound     []uint64 // power without the boundary (escalate.go)

	assumeOnce sync.Once
	split      *assumeSplit

	findOnce  sync.Once
	findings  []Finding
	searching // findAll's memos, dropped when it returns
	// lent is searching's prepared set while findAll runs, for the
	// principal's role assumptions to borrow from any goroutine (a
	// prepared set is immutable).
	lent atomic.Pointer[policy.Prepared]

	policyOnce sync.Once
	customer   []string // customer managed policy ARNs attached, directly or via groups

	adminOnce sync.Once
	admin     bool

	// hypothetical: a user as if it had joined a group; its group methods
	// are not followed further.
	hypothetical bool
}

// searching holds what findAll keeps while it searches one principal's
// escalations, and drops when it returns: only the goroutine running
// findAll for the state reads or writes it.
type searching struct {
	anyMemo  map[string]policy.Result // answers on "some resource" (escalate.go)
	covering map[string][]allowStmt   // covering Allow statements by action (filter.go)
	prepared *policy.Prepared         // the principal's set judged once (escalate.go)
	outrank  outrankRow               // which power classes outrank the principal (power.go)
	// passPrepared: the set prepared with iam:PassedToService, by service,
	// for the PassRole questions (escalate.go).
	passPrepared map[string]*lazyPrepared
	raises       map[*Principal]bool             // groupRaises by group (escalate.go)
	passable     map[string]map[*Principal]bool  // passableTo by action and service (filter.go)
	passFilters  map[passFilterKey]passFilter    // passRoleFilter by action and services (filter.go)
	assumable    map[*Method]map[*Principal]bool // assumableFilter by method (candidates.go)
	assumeGrants map[*Principal]assumeAnswer     // assumeGrantOwn by role (chains.go)
	anyGrants    map[string]*Grant               // anyGrant by action (escalate.go)
	steps        map[stepKey]stepAnswer          // target steps' answers (escalate.go)
	refs         map[refKey]string               // statement names (grants.go)
	scratch      *policy.Scratch                 // transient results' matches (scratchOf, escalate.go)
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
	i, indexed := a.position(p)
	if indexed {
		if v := a.adminFlags[i].Load(); v != 0 {
			return v == 2
		}
	}
	s := a.state(p)
	s.adminOnce.Do(func() {
		s.admin = p.Set.IsAdmin() || (len(p.Set.SCPs) > 0 && (&policy.Set{Identity: p.Set.Identity, Boundary: p.Set.Boundary}).IsAdmin())
	})
	if indexed {
		v := uint32(1)
		if s.admin {
			v = 2
		}
		a.adminFlags[i].Store(v)
	}
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
// A large account holds millions of them for the whole scan: the target's
// name and kind are read from its ARN and a small number, not kept as
// strings (their JSON is unchanged: FindingJSON).
type Finding struct {
	Method *Method
	// TargetARN: the role passed or assumed, the user whose credentials
	// are taken, the group joined, the policy rewritten (TargetName,
	// TargetKind).
	TargetARN string
	// Via names a second object: the policy of the target role rewritten
	// by iam-016 / iam-020, the service a role is passed to.
	Via    string
	Grants []*Grant // shared between findings: never changed
	kind   targetKind
	then   thenCode // Then
	// ToAdmin: the method yields administrator (the target is admin, or the
	// method lets the principal grant itself or its target anything, or the
	// group joined makes its members administrators or lets them become
	// one).
	ToAdmin bool
	// More: further targets of the same method were left out (see
	// Analysis.MaxTargets).
	More bool
}

// targetKind is a finding's kind of target.
type targetKind uint8

const (
	targetNone targetKind = iota
	targetUser
	targetGroup
	targetRole
	targetPolicy
	targetIdentityCenter
)

var targetKindNames = [...]string{"", "user", "group", "role", "policy", "identity-center"}

// kindOf is the target kind of a principal.
func kindOf(p *Principal) targetKind {
	switch p.Kind {
	case KindUser:
		return targetUser
	case KindGroup:
		return targetGroup
	}
	return targetRole
}

// TargetKind is the kind of target: user, group, role, policy or
// identity-center ("" without a target).
func (f Finding) TargetKind() string { return targetKindNames[f.kind] }

// Then, for a group joined (iam-013) with ToAdmin: Membership when the
// group's policies make the user administrator, else the method the user
// can use once a member to become one ("iam-008"); "" otherwise.
func (f Finding) Then() string {
	switch {
	case f.then == thenNone:
		return ""
	case f.then == thenMembership:
		return Membership
	}
	return Methods[f.then-thenMethod].ID
}

// thenCode is Then as a small number: none, Membership, or thenMethod plus
// the method's place in Methods.
type thenCode uint16

const (
	thenNone thenCode = iota
	thenMembership
	thenMethod
)

// thenOf codes a Then.
func thenOf(then string) thenCode {
	if then == "" {
		return thenNone
	}
	if then == Membership {
		return thenMembership
	}
	i := slices.IndexFunc(Methods, func(m *Method) bool { return m.ID == then })
	if i < 0 {
		panic("access: Then names no method: " + then)
	}
	return thenMethod + thenCode(i)
}

// TargetName is the target's name, the last part of its ARN (IAM names
// hold no "/").
func (f Finding) TargetName() string {
	return f.TargetARN[strings.LastIndexByte(f.TargetARN, '/')+1:]
}

// FindingJSON is a Finding as JSON (explain --format json embeds it).
type FindingJSON struct {
	TargetARN  string   `json:"target_arn,omitempty"`
	TargetName string   `json:"target,omitempty"`
	TargetKind string   `json:"target_kind,omitempty"`
	Via        string   `json:"via,omitempty"`
	ToAdmin    bool     `json:"to_admin"`
	Then       string   `json:"then,omitempty"`
	Grants     []*Grant `json:"grants"`
	More       bool     `json:"more_targets,omitempty"`
}

// JSON is the finding as JSON writes it.
func (f Finding) JSON() FindingJSON {
	return FindingJSON{TargetARN: f.TargetARN, TargetName: f.TargetName(), TargetKind: f.TargetKind(),
		Via: f.Via, ToAdmin: f.ToAdmin, Then: f.Then(), Grants: f.Grants, More: f.More}
}

// MarshalJSON writes the finding with its target's name and kind.
func (f Finding) MarshalJSON() ([]byte, error) { return json.Marshal(f.JSON()) }

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
	m.Cache.Warm(trustDocs(m))
	a.adminFlags = make([]atomic.Uint32, len(m.Principals))
	a.powers = make([]atomic.Pointer[[]uint64], len(m.Principals))
	a.powerClass = make([]atomic.Int32, len(m.Principals))
	a.powerTable = policy.NewActionTable(powerActions)
	defer func() {
		a.usersByARN, a.rolesByARN, a.groupsByARN = sortedByARN(a.users), sortedByARN(a.roles), sortedByARN(slices.Collect(maps.Values(a.groups)))
	}()
	for _, p := range m.Principals {
		a.states[p] = newPState(p, a.baseContext(p), a.Now)
		a.byIndex = append(a.byIndex, a.states[p])
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

// trustDocs lists the trust policies indexTrust compiles, as it names
// them, for Cache.Warm to parse on every CPU.
func trustDocs(m *Model) []policy.NamedDoc {
	var docs []policy.NamedDoc
	for _, p := range m.Principals {
		if p.Kind == KindRole && !p.Role.ServiceLinked() && len(p.Role.TrustPolicy) > 0 {
			docs = append(docs, policy.NamedDoc{Name: "trust:" + p.ARN, Raw: p.Role.TrustPolicy})
		}
	}
	return docs
}

// Trust returns a role's compiled trust policy (nil if absent or broken).
func (a *Analysis) Trust(r *Principal) *policy.Policy { return a.trusts[r] }

func (a *Analysis) state(p *Principal) *pstate {
	if i, ok := a.position(p); ok && i < len(a.byIndex) {
		return a.byIndex[i]
	}
	if s := a.states[p]; s != nil {
		return s
	}
	if s, ok := a.hypo.Load(p); ok {
		return s.(*pstate)
	}
	// A principal not of this model (a test's combined set): analyse it
	// without caching across calls.
	return newPState(p, a.baseContext(p), a.Now)
}

// eval asks the principal's set about one request.
func (a *Analysis) eval(s *pstate, set *policy.Set, action, resource, passedTo string) policy.Result {
	req := a.request(s, passedTo)
	req.Action, req.Resource = action, resource
	return set.Evaluate(&req)
}

// request is the principal's prepared request, with iam:PassedToService
// set when passedTo is not empty (kept per service).
func (a *Analysis) request(s *pstate, passedTo string) policy.Request {
	if passedTo == "" {
		return s.req
	}
	if v, ok := s.passed.Load(passedTo); ok {
		return v.(policy.Request)
	}
	ctx := make(map[string][]string, len(s.ctx)+1)
	for k, v := range s.ctx {
		ctx[k] = v
	}
	ctx["iam:passedtoservice"] = []string{passedTo}
	req := policy.Request{Principal: s.p.ARN, Context: ctx, Now: s.req.Now}.Prepare()
	s.passed.Store(passedTo, req)
	return req
}

// newPState starts a principal's state with its request prepared once. now
// also bounds aws:TokenIssueTime (policy.Request.Now).
func newPState(p *Principal, ctx map[string][]string, now time.Time) *pstate {
	return &pstate{p: p, ctx: ctx, req: policy.Request{Principal: p.ARN, Context: ctx, Now: now}.Prepare()}
}

// allowed: allowed outright, or under conditions that can hold together
// (satisfy.go).
func allowed(r policy.Result) bool { return satisfiable(r) }
