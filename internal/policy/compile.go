package policy

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Policy is a compiled document: action patterns are lower-cased, resource
// patterns and condition values parsed, so that queries never touch JSON.
// A Policy is immutable and safe for concurrent use.
type Policy struct {
	Name  string // a label for results, such as the policy ARN; may be empty
	Doc   *Document
	stmts []*cstmt
	// svcs: the services the statements' actions name (lower case), so
	// that a request for another service skips the policy unread; anySvc:
	// some statement may match any service (a wildcard service, NotAction).
	svcs   []string
	anySvc bool
	// svcBits has svcBit(s) set for each service of svcs: most policies
	// name none of the request's service, and one AND says so.
	svcBits uint64

	// whole is what IsAdmin asks of the policy, computed once: a policy is
	// shared by every principal it is attached to (query.go).
	wholeOnce sync.Once
	whole     wholeBits

	// covered is the last ActionTable.coverOf answer for this policy, with
	// its table: an analysis has one table, and every principal holding
	// the policy asks it again.
	covered atomic.Pointer[tableCover]
}

// mayMatch reports whether some statement of the policy may cover an
// action of service svc (lower case), whose svcBit is bit.
func (p *Policy) mayMatch(svc string, bit uint64) bool {
	return p.anySvc || (p.svcBits&bit != 0 && slices.Contains(p.svcs, svc))
}

// svcBit is a service name's bit among 64 (FNV-1a): a filter in front of
// the exact comparison.
func svcBit(svc string) uint64 {
	h := uint32(2166136261)
	for i := 0; i < len(svc); i++ {
		h = (h ^ uint32(svc[i])) * 16777619
	}
	return 1 << (h & 63)
}

type cstmt struct {
	st        *Statement
	pol       *Policy // the policy holding it (a prepared set keeps statements alone)
	effect    Effect  // st.Effect, read by every evaluation without reaching st
	actions   []actionPat
	notAction bool
	resources []resPat
	notRes    bool
	hasRes    bool
	principal *Principal
	notPrinc  bool
	conds     []ccond
	// allConds is every condition, in order: the unknown conditions of a
	// match where all are unknown, shared instead of copied per evaluation
	// (matches never change them).
	allConds []Condition

	bitsOnce sync.Once
	bits     bitset // catalogue actions the action element covers
	nbits    int    // number of bits set in bits
}

type actionPat struct {
	g   glob   // lower case
	svc string // lower-case service prefix when it has no wildcard
}

type resPat struct {
	tmpl      template // when the pattern holds variables
	arn       arnGlob
	universal bool
}

// Compile prepares a parsed document for evaluation.
func Compile(doc *Document) *Policy { return CompileNamed("", doc) }

// CompileNamed is Compile with a label carried into results.
func CompileNamed(name string, doc *Document) *Policy {
	p := &Policy{Name: name, Doc: doc, stmts: make([]*cstmt, 0, len(doc.Statements))}
	vars := doc.VariablesEnabled()
	for _, st := range doc.Statements {
		cs := &cstmt{st: st, pol: p, principal: st.Principal, effect: st.Effect}
		acts := st.Action
		if st.NotAction != nil && st.Action == nil {
			acts, cs.notAction = st.NotAction, true
		}
		cs.actions = make([]actionPat, 0, len(acts))
		for _, a := range acts {
			ap := newActionPat(a)
			cs.actions = append(cs.actions, ap)
			switch {
			case ap.svc == "" || cs.notAction:
				p.anySvc = true
			case !slices.Contains(p.svcs, ap.svc):
				p.svcs = append(p.svcs, ap.svc)
				p.svcBits |= svcBit(ap.svc)
			}
		}
		res := st.Resource
		if st.NotResource != nil && st.Resource == nil {
			res, cs.notRes = st.NotResource, true
		}
		cs.hasRes = res != nil
		cs.resources = make([]resPat, 0, len(res))
		for _, r := range res {
			cs.resources = append(cs.resources, newResPat(r, vars))
		}
		if st.NotPrincipal != nil && st.Principal == nil {
			cs.principal, cs.notPrinc = st.NotPrincipal, true
		}
		for _, c := range st.Conditions {
			cs.conds = append(cs.conds, compileCondition(c, vars))
		}
		if len(cs.conds) > 0 {
			cs.allConds = make([]Condition, len(cs.conds))
			for i := range cs.conds {
				cs.allConds[i] = cs.conds[i].cond
			}
		}
		p.stmts = append(p.stmts, cs)
	}
	return p
}

// ParseAndCompile parses and compiles in one step.
func ParseAndCompile(name string, data []byte) (*Policy, error) {
	doc, err := Parse(data)
	if err != nil {
		return nil, err
	}
	return CompileNamed(name, doc), nil
}

func newActionPat(a string) actionPat {
	low := strings.ToLower(a)
	p := actionPat{g: newGlob(low)}
	if svc, _, ok := strings.Cut(low, ":"); ok && !strings.ContainsAny(svc, "*?") {
		p.svc = svc
	}
	return p
}

func newResPat(r string, vars bool) resPat {
	var g glob
	if vars {
		t := parseTemplate(r)
		if t.vars {
			return resPat{tmpl: t}
		}
		g = t.literalGlob()
	} else {
		g = newGlob(r)
	}
	return resPat{arn: newARNGlob(g), universal: g.universal()}
}

// matchAction reports whether the lower-case action is covered by the
// statement's Action (or not excluded by its NotAction).
func (cs *cstmt) matchAction(action, svc string) bool {
	hit := false
	for i := range cs.actions {
		p := &cs.actions[i]
		if p.svc != "" && p.svc != svc {
			continue
		}
		if p.g.match(action) {
			hit = true
			break
		}
	}
	return hit != cs.notAction
}

// matchResource answers for one resource. An empty resource means "some
// resource": for an Allow, whether the element can match anything at all;
// for a Deny, whether it matches everything. Variables the context does not
// give make the answer unknown; the name of the missing key is returned.
func (cs *cstmt) matchResource(resource string, deny bool, ctx *evalContext) (tri, string) {
	if !cs.hasRes {
		return triTrue, "" // trust policies and some SCPs have no Resource
	}
	if resource == "" {
		return cs.someResource(deny), ""
	}
	hit, unknownKey := false, ""
	for i := range cs.resources {
		p := &cs.resources[i]
		if p.universal {
			hit = true
			break
		}
		if !p.tmpl.vars {
			if p.arn.match(resource) {
				hit = true
				break
			}
			continue
		}
		g, st, key := p.tmpl.resolve(ctx)
		switch st {
		case keyUnknown:
			unknownKey = key
		case keyPresent:
			if newARNGlob(g).match(resource) {
				hit = true
			}
		}
		if hit {
			break
		}
	}
	if !hit && unknownKey != "" {
		return triUnknown, unknownKey
	}
	return boolTri(hit != cs.notRes), ""
}

func (cs *cstmt) someResource(deny bool) tri {
	anyUniversal := false
	for i := range cs.resources {
		anyUniversal = anyUniversal || cs.resources[i].universal
	}
	if deny {
		return boolTri(anyUniversal && !cs.notRes)
	}
	if cs.notRes {
		return boolTri(!anyUniversal)
	}
	return boolTri(len(cs.resources) > 0)
}

// matchPrincipal applies Principal / NotPrincipal. Identity policies have
// neither, and match. An empty principal means "some principal", treated as
// for resources. viaAccount: see Principal.matches.
func (cs *cstmt) matchPrincipal(principal string, deny bool) (hit, viaAccount bool) {
	if cs.principal == nil {
		return true, false
	}
	if principal == "" {
		if deny {
			return !cs.notPrinc && cs.principal.IsWildcard(), false
		}
		return !(cs.notPrinc && cs.principal.IsWildcard()), false
	}
	hit, viaAccount = cs.principal.matches(principal)
	if cs.notPrinc {
		return !hit, false
	}
	return hit, viaAccount
}
