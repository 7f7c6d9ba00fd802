package access

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/iamspect/iamspect/internal/policy"
)

// A condition on a key the snapshot cannot know (the region asked for, MFA,
// a request tag) leaves a step conditional. Some such conditions still can
// never hold together: "StringEquals aws:RequestedRegion eu-west-1" beside
// "StringEquals aws:RequestedRegion us-east-1", or "Bool
// aws:MultiFactorAuthPresent yes" (a Bool key is only ever true or false).
// satisfiable finds those, so that they grant nothing; for dates and
// numbers it finds ranges that do not meet ("DateGreaterThan
// aws:TokenIssueTime 2026-06-01" beside "DateLessThan aws:TokenIssueTime
// 2026-01-01"). It is conservative: whenever it cannot be sure (wildcards,
// addresses, IfExists, set operators, policy variables) it assumes the
// conditions can hold.

// satisfiable reports whether an allowing result can hold in some request.
func satisfiable(r policy.Result) bool { return satisfiableBy(r, matchSatisfiable) }

// allowed is satisfiable with the answers per statement kept for the
// analysis: a statement whose conditions the context leaves all open gets
// the same answer every time it is asked.
func (a *Analysis) allowed(r policy.Result) bool {
	if r.Decision != policy.ConditionallyAllowed {
		return r.Decision == policy.Allowed
	}
	return satisfiableBy(r, a.matchSatisfiable)
}

func (a *Analysis) matchSatisfiable(m policy.Match) bool {
	open := 0
	for _, c := range m.Unknown {
		if c.Operator != "Resource" {
			open++
		}
	}
	if m.Statement == nil || open != len(m.Statement.Conditions) {
		return matchSatisfiable(m)
	}
	if v, ok := a.satisfiable.Load(m.Statement); ok {
		return v.(bool)
	}
	v := matchSatisfiable(m)
	a.satisfiable.Store(m.Statement, v)
	return v
}

func satisfiableBy(r policy.Result, matchOK func(policy.Match) bool) bool {
	switch r.Decision {
	case policy.Allowed:
		return true
	case policy.ConditionallyAllowed:
	default:
		return false
	}
	for _, cl := range r.AllowIf {
		ok := false
		for _, m := range cl {
			if matchOK(m) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// matchSatisfiable checks one statement's open conditions, key by key: some
// single value of the key must satisfy every condition on it.
func matchSatisfiable(m policy.Match) bool {
	byKey := map[string][]policy.Condition{}
	for _, c := range m.Unknown {
		if c.Operator == "Resource" {
			continue // an unresolved policy variable in Resource
		}
		k := strings.ToLower(c.Key)
		byKey[k] = append(byKey[k], c)
	}
	for _, cs := range byKey {
		cands, decidable := candidates(cs)
		if !decidable {
			continue
		}
		found := false
		for _, v := range cands {
			if holdsAll(cs, v) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// candidates returns the values worth trying for one key: the literal
// values of its positive conditions (and "true"/"false" for Bool), or
// decidable=false when the key's conditions are beyond this check.
func candidates(cs []policy.Condition) (out []string, decidable bool) {
	positive := false
	for _, c := range cs {
		if !c.Known() || c.Qualifier != "" || c.IfExists {
			return nil, false
		}
		for _, v := range c.Values {
			if strings.Contains(v, "${") {
				return nil, false
			}
		}
		switch c.Operator {
		case "StringEquals", "StringEqualsIgnoreCase", "ArnEquals", "ArnLike", "StringLike":
			for _, v := range c.Values {
				if (c.Operator == "StringLike" || c.Operator == "ArnLike" || c.Operator == "ArnEquals") && strings.ContainsAny(v, "*?") {
					return nil, false
				}
			}
			positive = true
			out = append(out, c.Values...)
		case "Bool":
			positive = true
			out = append(out, "true", "false")
		case "DateEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals":
			// A range: its bounds and the instants just beside them are
			// enough to find a value inside an intersection of ranges.
			for _, v := range c.Values {
				t, ok := policy.ParseDate(v)
				if !ok {
					return nil, false
				}
				for _, d := range []time.Duration{0, -time.Nanosecond, time.Nanosecond} {
					out = append(out, t.Add(d).Format(time.RFC3339Nano))
				}
			}
			positive = true
		case "NumericEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals":
			for _, v := range c.Values {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil {
					return nil, false
				}
				for _, x := range []float64{f, math.Nextafter(f, math.Inf(-1)), math.Nextafter(f, math.Inf(1))} {
					out = append(out, strconv.FormatFloat(x, 'g', -1, 64))
				}
			}
			positive = true
		case "StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike", "DateNotEquals", "NumericNotEquals":
			// A constraint only: checked against the candidates.
		default:
			return nil, false
		}
	}
	return out, positive
}

func holdsAll(cs []policy.Condition, v string) bool {
	for _, c := range cs {
		ok, unknown := policy.EvalCondition(c, &policy.Request{Context: map[string][]string{c.Key: {v}}}, false)
		if !ok || unknown {
			return false
		}
	}
	return true
}
