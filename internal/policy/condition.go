package policy

import (
	"fmt"
	"sort"
	"strings"
)

// Set qualifiers of a condition operator.
const (
	ForAllValues = "ForAllValues"
	ForAnyValue  = "ForAnyValue"
)

// Condition is one key of one operator block. A statement's conditions are
// ANDed; the Values of one condition are ORed (for negated operators: none
// may match).
type Condition struct {
	Raw       string // operator block as written, e.g. "ForAnyValue:StringLikeIfExists"
	Operator  string // base operator in AWS's spelling, e.g. "StringLike"; as written when unknown
	Qualifier string // ForAllValues, ForAnyValue or ""
	IfExists  bool
	Key       string // as written; compare with strings.EqualFold
	Values    []string

	op *operator // nil when the operator is unknown
}

// KeyIs reports whether the condition is on key, ignoring case as IAM does.
func (c Condition) KeyIs(key string) bool { return strings.EqualFold(c.Key, key) }

// Known reports whether the operator is one IAM defines.
func (c Condition) Known() bool { return c.op != nil }

// Negated reports whether the operator is a negated one (StringNotEquals,
// NotIpAddress, ArnNotLike, ...).
func (c Condition) Negated() bool { return c.op != nil && c.op.negate }

// String renders the condition for messages, e.g.
// `Bool aws:MultiFactorAuthPresent "true"`.
func (c Condition) String() string {
	vals := make([]string, len(c.Values))
	for i, v := range c.Values {
		vals[i] = fmt.Sprintf("%q", v)
	}
	return c.Raw + " " + c.Key + " " + strings.Join(vals, " or ")
}

// splitOperator separates "ForAnyValue:StringLikeIfExists" into its parts.
func splitOperator(raw string) (qualifier, base string, ifExists bool) {
	base = raw
	if q, rest, ok := strings.Cut(raw, ":"); ok {
		qualifier, base = q, rest
	}
	if b, ok := strings.CutSuffix(base, "IfExists"); ok && b != "" {
		base, ifExists = b, true
	}
	return qualifier, base, ifExists
}

func (d *Document) parseConditions(path string, v any) ([]Condition, error) {
	blocks, ok := v.(map[string]any)
	if !ok {
		return nil, errAt(path, "must be an object, got %s", kindOf(v))
	}
	var out []Condition
	for _, raw := range sortedKeys(blocks) {
		p := path + "." + raw
		keys, ok := blocks[raw].(map[string]any)
		if !ok {
			return nil, errAt(p, "must be an object of condition keys, got %s", kindOf(blocks[raw]))
		}
		q, base, ifExists := splitOperator(raw)
		c := Condition{Raw: raw, Operator: base, Qualifier: q, IfExists: ifExists}
		if op := lookupOperator(base); op != nil {
			c.op, c.Operator = op, op.name
		}
		c = d.checkOperator(p, c)
		for _, key := range sortedKeys(keys) {
			if len(out) >= MaxConditions {
				return nil, errAt(path, "more than %d condition keys", MaxConditions)
			}
			vals, err := scalarList(p+"."+key, keys[key])
			if err != nil {
				return nil, err
			}
			c.Key, c.Values = key, vals
			out = append(out, c)
		}
	}
	return out, nil
}

// checkOperator records soft problems with an operator name; evaluation then
// treats an unknown operator as never true.
func (d *Document) checkOperator(path string, c Condition) Condition {
	bad := func(msg string, args ...any) {
		d.issues = append(d.issues, Issue{Path: path, Code: CodeBadOperator, Message: fmt.Sprintf(msg, args...)})
	}
	switch {
	case c.op == nil:
		bad("unknown condition operator %q", c.Raw)
	case c.Qualifier != "" && c.Qualifier != ForAllValues && c.Qualifier != ForAnyValue:
		bad("unknown set qualifier %q (want ForAllValues or ForAnyValue)", c.Qualifier)
		c.op = nil
	case c.op.family == famNull && (c.IfExists || c.Qualifier != ""):
		bad("Null takes neither IfExists nor a set qualifier")
	case !strings.Contains(c.Raw, c.op.name):
		d.issues = append(d.issues, Issue{Path: path, Code: CodeBadOperator, Severity: SeverityWarning,
			Message: fmt.Sprintf("operator %q differs in case from IAM's spelling %q", c.Raw, c.op.name)})
	}
	return c
}

// ConditionKeys returns the distinct condition keys of the statement, in
// lower case, sorted.
func (s *Statement) ConditionKeys() []string {
	seen := map[string]bool{}
	for _, c := range s.Conditions {
		seen[strings.ToLower(c.Key)] = true
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
