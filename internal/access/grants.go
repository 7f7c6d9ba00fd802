package access

// Grants: how a step is explained (the statements that allow it, the
// conditions it depends on).

import (
	"fmt"
	"slices"
	"strings"
	"unique"
	"unsafe"

	"github.com/iamspect/iamspect/internal/policy"
)

// grant turns an allowing result into a Grant naming the statements.
func (a *Analysis) grant(p *Principal, r policy.Result, action, resource string, extra ...*policy.Policy) Grant {
	g := Grant{Action: action, Resource: resource, Conditional: r.Decision == policy.ConditionallyAllowed}
	if resource == "" {
		g.Resource = "*"
	}
	add := func(m policy.Match) {
		if !a.counts(p, m.Policy, extra) {
			return
		}
		if ref := a.statementRef(p, m); !slices.Contains(g.Statements, ref) {
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
		// The same conditions recur in many grants (every principal
		// holding a group's conditional statements): one copy is kept.
		g.Conditions = unique.Make(a.conditionText(r)).Value()
	}
	return g
}

// conditionText renders what a conditional result depends on, without the
// statement references (Grant.Statements has them): "Bool
// aws:MultiFactorAuthPresent "true"", alternatives joined by "or", clauses
// by "and", Denies that may apply after "unless".
func (a *Analysis) conditionText(r policy.Result) string {
	match := func(m policy.Match) string {
		parts := make([]string, len(m.Unknown))
		for i, c := range m.Unknown {
			parts[i] = a.conditionString(m.Statement, c)
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

// conditionString is c.String(), built once per statement's condition: a
// conditional statement (MFA, source IP) makes the grants of everyone who
// holds it conditional.
func (a *Analysis) conditionString(st *policy.Statement, c policy.Condition) string {
	key := condKey{st, c.Raw, c.Key, unsafe.SliceData(c.Values), len(c.Values)}
	if v, ok := a.condTexts.Load(key); ok {
		return v.(string)
	}
	v, _ := a.condTexts.LoadOrStore(key, c.String())
	return v.(string)
}

// condKey names one condition of a statement: its operator block and key
// (a statement has one condition per pair), and its values by address (the
// evaluator's stand-in for a Resource it could not resolve has the
// statement's Resource list as values).
type condKey struct {
	st       *policy.Statement
	raw, key string
	vals     *string
	n        int
}

// statementRef names a matched statement for a Grant: the policy as the
// principal holds it (describe) and the statement's place. The same
// managed policies, reached the same way, allow the grants of many
// principals, so each name is built once and shared.
func (a *Analysis) statementRef(p *Principal, m policy.Match) string {
	key := statementKey{pol: m.Policy, st: m.Statement}
	if src := sourceOf(p, m.Policy); src != nil {
		key.kind, key.name, key.via = src.Kind, src.Name, src.Via
	} else {
		key.kind = "none"
	}
	if v, ok := a.statementRefs.Load(key); ok {
		return v.(string)
	}
	v, _ := a.statementRefs.LoadOrStore(key, a.describe(p, m.Policy)+" "+m.Statement.Ref())
	return v.(string)
}

// statementKey: what describe's answer depends on, with the statement.
type statementKey struct {
	pol             *policy.Policy
	st              *policy.Statement
	kind, name, via string
}

// sourceOf returns the principal's first source holding pol, nil when none.
func sourceOf(p *Principal, pol *policy.Policy) *Source {
	for i := range p.Sources {
		if p.Sources[i].Policy == pol {
			return &p.Sources[i]
		}
	}
	return nil
}

// describe names a policy for messages, from the principal's sources.
func (a *Analysis) describe(p *Principal, pol *policy.Policy) string {
	if s := sourceOf(p, pol); s != nil {
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
