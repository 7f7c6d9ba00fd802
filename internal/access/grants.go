package access

// Grants: how a step is explained (the statements that allow it, the
// conditions it depends on).

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"unique"
	"unsafe"

	"github.com/iamspect/iamspect/internal/policy"
)

// grant turns an allowing result into a Grant naming the statements.
func (a *Analysis) grant(p *Principal, r policy.Result, action, resource string, extra ...*policy.Policy) Grant {
	return a.grantNamed(p, nil, r, action, resource, extra)
}

// ownGrant is grant of the principal's own set inside findAll, its
// statements named through the state's memo (only the goroutine running
// findAll for s calls it). A user in ten groups has some twenty statements
// behind each action it may take on some resource, and finding each one's
// source among a hundred, for each of a hundred actions, was a good part
// of the analysis.
func (a *Analysis) ownGrant(s *pstate, r policy.Result, action, resource string) Grant {
	if s.refs == nil {
		s.refs = map[refKey]string{}
	}
	return a.grantNamed(s.p, s.refs, r, action, resource, nil)
}

func (a *Analysis) grantNamed(p *Principal, refs map[refKey]string, r policy.Result, action, resource string, extra []*policy.Policy) Grant {
	g := Grant{Action: action, Resource: resource, Conditional: r.Decision == policy.ConditionallyAllowed}
	if resource == "" {
		g.Resource = "*"
	}
	n := len(r.Allows) // at most one name a match
	if g.Conditional {
		for _, cl := range r.AllowIf {
			n += len(cl)
		}
	}
	if n > 0 {
		g.Statements = make([]string, 0, n)
	}
	add := func(m policy.Match) {
		if ref, ok := a.nameOf(p, refs, m, extra); ok && !slices.Contains(g.Statements, ref) {
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
		g.Conditions = a.conditionText(r)
	}
	if len(g.Statements) == 0 {
		g.Statements = nil // as before it was sized: JSON null, not []
	}
	return g
}

// refKey is a statement of a policy, in a principal's memo of statement
// names.
type refKey struct {
	pol *policy.Policy
	st  *policy.Statement
}

// nameOf names the matched statement (statementRef) when it grants
// (counts): ok is false when it only permits. refs, when not nil, is the
// principal's memo, "" for a statement that does not count; extra must
// then be nil.
func (a *Analysis) nameOf(p *Principal, refs map[refKey]string, m policy.Match, extra []*policy.Policy) (string, bool) {
	if refs == nil {
		if !a.counts(p, m.Policy, extra) {
			return "", false
		}
		return a.statementRef(p, m), true
	}
	key := refKey{m.Policy, m.Statement}
	ref, ok := refs[key]
	if !ok {
		if a.counts(p, m.Policy, nil) {
			ref = a.statementRef(p, m)
		}
		refs[key] = ref
	}
	return ref, ref != ""
}

// conditionText renders what a conditional result depends on, without the
// statement references (Grant.Statements has them): "Bool
// aws:MultiFactorAuthPresent "true"", alternatives joined by "or", clauses
// by "and", Denies that may apply after "unless".
func (a *Analysis) conditionText(r policy.Result) string {
	t := textBufs.Get().(*textBuf)
	defer textBufs.Put(t)
	t.b = t.b[:0]
	for i, cl := range r.AllowIf {
		if i > 0 {
			t.b = append(t.b, ", and "...)
		}
		a.alternatives(t, cl)
	}
	if len(r.DenyIf) > 0 {
		if len(t.b) > 0 {
			t.b = append(t.b, ' ')
		}
		t.b = append(t.b, "unless "...)
		a.alternatives(t, r.DenyIf)
	}
	// The same conditions recur in many grants (every principal holding a
	// group's conditional statements): one copy is kept.
	return unique.Make(string(t.b)).Value()
}

// alternatives writes the matches' conditions joined by " or ", each
// distinct text once. Written into one buffer rather than joined from
// pieces: a principal in ten groups has a dozen conditional statements
// behind every action, and their texts were a good part of the garbage.
func (a *Analysis) alternatives(t *textBuf, ms []policy.Match) {
	t.alts = t.alts[:0]
	for _, m := range ms {
		start := len(t.b)
		if len(t.alts) > 0 {
			t.b = append(t.b, " or "...)
		}
		from := len(t.b)
		for i, c := range m.Unknown {
			if i > 0 {
				t.b = append(t.b, " and "...)
			}
			t.b = append(t.b, a.conditionString(m.Statement, c)...)
		}
		text := t.b[from:]
		if slices.ContainsFunc(t.alts, func(sp [2]int) bool { return string(t.b[sp[0]:sp[1]]) == string(text) }) {
			t.b = t.b[:start]
			continue
		}
		t.alts = append(t.alts, [2]int{from, len(t.b)})
	}
}

// textBuf is conditionText's buffer and the spans of the alternatives
// written so far.
type textBuf struct {
	b    []byte
	alts [][2]int
}

var textBufs = sync.Pool{New: func() any { return new(textBuf) }}

// counts: only identity policies (and the extra resource policy) grant;
// boundary and SCP allows merely permit.
func (a *Analysis) counts(p *Principal, pol *policy.Policy, extra []*policy.Policy) bool {
	return slices.Contains(p.Set.Identity, pol) || slices.Contains(extra, pol)
}

// conditionString is c.String(), built once per statement's condition: a
// conditional statement (MFA, source IP) makes the grants of everyone who
// holds it conditional.
func (a *Analysis) conditionString(st *policy.Statement, c policy.Condition) string {
	if text, ok := st.ConditionString(c); ok {
		return text // one of the statement's own conditions: no lookup
	}
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
	for _, src := range p.Sources {
		if src.Policy == pol {
			return src
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
