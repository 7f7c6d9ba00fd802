package policy

import (
	"strconv"
	"strings"
)

// ccond is a condition prepared for evaluation.
type ccond struct {
	cond Condition
	vals []cvalue
	key  string // cond.Key in lower case, as the context is keyed
}

func compileCondition(c Condition, vars bool) ccond {
	cc := ccond{cond: c, key: strings.ToLower(c.Key)}
	if c.op == nil {
		return cc
	}
	cc.vals = make([]cvalue, len(c.Values))
	for i, v := range c.Values {
		cc.vals[i] = c.op.prepare(v, vars)
	}
	return cc
}

// EvalCondition evaluates one condition against a request context, with the
// same rules as Evaluate: it returns (true, false) or (false, false) when the
// answer is known, and (false, true) when it depends on a key the context
// does not give. Policy variables are replaced when vars is true.
func EvalCondition(c Condition, req *Request, vars bool) (ok, unknown bool) {
	cc := compileCondition(c, vars)
	t := cc.eval(newEvalContext(req))
	return t == triTrue, t == triUnknown
}

// EvalConditions evaluates a condition block (all must hold).
func EvalConditions(conds []Condition, req *Request, vars bool) (ok, unknown bool) {
	ctx := newEvalContext(req)
	res := triTrue
	for _, c := range conds {
		cc := compileCondition(c, vars)
		switch cc.eval(ctx) {
		case triFalse:
			return false, false
		case triUnknown:
			res = triUnknown
		}
	}
	return res == triTrue, res == triUnknown
}

// eval applies the operator to the request's values of the key:
//   - key missing: IfExists, ForAllValues and negated operators are true,
//     everything else false;
//   - no qualifier: some request value matches some policy value (negated
//     operators: none does);
//   - ForAnyValue: at least one request value passes; ForAllValues: every
//     request value passes (true for an empty set).
func (cc *ccond) eval(ctx *evalContext) tri {
	op := cc.cond.op
	if op == nil {
		return triFalse // IAM would have refused the policy
	}
	reqVals, st := ctx.lookupLower(cc.key)
	if st == keyUnknown {
		if t, ok := cc.evalBounded(ctx); ok {
			return t
		}
		return triUnknown
	}
	if op.family == famNull {
		present := st == keyPresent
		for _, v := range cc.vals {
			b, err := strconv.ParseBool(v.raw)
			if err == nil && b != present {
				return triTrue
			}
		}
		return triFalse
	}
	if st == keyAbsent {
		if cc.cond.IfExists || cc.cond.Qualifier == ForAllValues || (op.negate && cc.cond.Qualifier == "") {
			return triTrue
		}
		return triFalse
	}
	globs, t := cc.resolve(ctx)
	if t != triTrue {
		return t
	}
	pass := func(rv string) bool { return cc.anyMatch(globs, rv) != op.negate }
	switch cc.cond.Qualifier {
	case ForAllValues:
		for _, rv := range reqVals {
			if !pass(rv) {
				return triFalse
			}
		}
		return triTrue
	case ForAnyValue:
		for _, rv := range reqVals {
			if pass(rv) {
				return triTrue
			}
		}
		return triFalse
	}
	any := false
	for _, rv := range reqVals {
		if cc.anyMatch(globs, rv) {
			any = true
			break
		}
	}
	return boolTri(any != op.negate)
}

// resolve returns the policy values' globs with variables filled in. A value
// whose variable has no value and no default matches nothing (nil entry).
func (cc *ccond) resolve(ctx *evalContext) ([]*glob, tri) {
	out := make([]*glob, len(cc.vals))
	for i := range cc.vals {
		v := &cc.vals[i]
		if !v.tmpl.vars {
			out[i] = &v.g
			continue
		}
		g, st, _ := v.tmpl.resolve(ctx)
		switch st {
		case keyUnknown:
			return nil, triUnknown
		case keyPresent:
			out[i] = &g
		}
	}
	return out, triTrue
}

func (cc *ccond) anyMatch(globs []*glob, rv string) bool {
	for i, g := range globs {
		if g != nil && cc.cond.op.matchOne(cc.vals[i], *g, rv) {
			return true
		}
	}
	return false
}

func boolTri(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}
