package policy

import (
	"fmt"
	"strings"

	"github.com/iamspect/iamspect/internal/iamdata"
)

// Issue is a problem in a policy that does not stop it from being read: what
// IAM would refuse, or what cannot do what its author meant.
type Issue struct {
	Path     string // JSON path, e.g. "Statement[1].Action[0]"
	Code     string // one of the Code* constants
	Severity Severity
	Message  string
}

func (i Issue) String() string { return i.Path + ": " + i.Message }

// Severity of an Issue.
type Severity string

// Severities: an Error is something IAM would refuse or that cannot work; a
// Warning is legal but probably not what was meant.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Issue codes, stable for rules and suppressions.
const (
	CodeUnknownElement   = "unknown-element"
	CodeBadVersion       = "bad-version"
	CodeBadEffect        = "bad-effect"
	CodeBadElement       = "bad-element"
	CodeUnknownService   = "unknown-service"
	CodeUnknownAction    = "unknown-action"
	CodeBadAction        = "bad-action"
	CodeBadARN           = "bad-arn"
	CodeBadPrincipal     = "bad-principal"
	CodeBadOperator      = "bad-operator"
	CodeBadValue         = "bad-condition-value"
	CodeLiteralWildcard  = "literal-wildcard"
	CodeLiteralVariable  = "literal-variable"
	CodeDuplicateSid     = "duplicate-sid"
	CodeMissingResource  = "missing-resource"
	CodeMissingPrincipal = "missing-principal"
)

// Validate reports the issues of a parsed document, in document order.
func Validate(doc *Document) []Issue {
	v := &validator{}
	for _, is := range doc.issues {
		if is.Severity == "" {
			is.Severity = SeverityError
		}
		v.out = append(v.out, is)
	}
	if doc.Version == "" {
		v.warn("Version", CodeBadVersion, "no Version: policy variables are read as literal text (use %s)", VersionCurrent)
	}
	sids := map[string]bool{}
	for _, st := range doc.Statements {
		path := doc.StatementPath(st)
		if st.Sid != "" {
			if sids[st.Sid] {
				v.warn(path+".Sid", CodeDuplicateSid, "Sid %q is used twice", st.Sid)
			}
			sids[st.Sid] = true
		}
		v.statement(path, st, doc.VariablesEnabled())
	}
	return v.out
}

type validator struct{ out []Issue }

func (v *validator) add(sev Severity, path, code, format string, args ...any) {
	v.out = append(v.out, Issue{Path: path, Code: code, Severity: sev, Message: fmt.Sprintf(format, args...)})
}
func (v *validator) err(path, code, format string, args ...any) {
	v.add(SeverityError, path, code, format, args...)
}
func (v *validator) warn(path, code, format string, args ...any) {
	v.add(SeverityWarning, path, code, format, args...)
}

func (v *validator) statement(path string, st *Statement, vars bool) {
	if st.Effect == EffectInvalid {
		if st.RawEffect == "" {
			v.err(path+".Effect", CodeBadEffect, "no Effect")
		} else {
			v.err(path+".Effect", CodeBadEffect, "Effect %q is neither Allow nor Deny", st.RawEffect)
		}
	}
	v.pair(path, "Action", "NotAction", st.Action != nil, st.NotAction != nil, true)
	v.pair(path, "Resource", "NotResource", st.Resource != nil, st.NotResource != nil, false)
	v.pair(path, "Principal", "NotPrincipal", st.Principal != nil, st.NotPrincipal != nil, false)
	for i, a := range st.Action {
		v.action(fmt.Sprintf("%s.Action[%d]", path, i), a)
	}
	for i, a := range st.NotAction {
		v.action(fmt.Sprintf("%s.NotAction[%d]", path, i), a)
	}
	for i, r := range st.Resource {
		v.resource(fmt.Sprintf("%s.Resource[%d]", path, i), r, vars)
	}
	for i, r := range st.NotResource {
		v.resource(fmt.Sprintf("%s.NotResource[%d]", path, i), r, vars)
	}
	v.principal(path+".Principal", st.Principal)
	v.principal(path+".NotPrincipal", st.NotPrincipal)
	for _, c := range st.Conditions {
		v.condition(path+".Condition."+c.Raw+"."+c.Key, c, vars)
	}
}

func (v *validator) pair(path, a, notA string, hasA, hasNot, required bool) {
	switch {
	case hasA && hasNot:
		v.err(path, CodeBadElement, "both %s and %s", a, notA)
	case required && !hasA && !hasNot:
		v.err(path, CodeBadElement, "neither %s nor %s", a, notA)
	}
}

func (v *validator) action(path, a string) {
	if a == "*" {
		return
	}
	svc, name, ok := strings.Cut(a, ":")
	if !ok || svc == "" || name == "" || strings.Contains(name, ":") {
		v.err(path, CodeBadAction, "action %q is not service:Action", a)
		return
	}
	if strings.ContainsAny(svc, "*?") {
		return // any service may match
	}
	if !iamdata.KnownService(svc) {
		v.err(path, CodeUnknownService, "unknown service %q", svc)
		return
	}
	if strings.ContainsAny(name, "*?") {
		if !matchesSomeAction(a) {
			v.err(path, CodeUnknownAction, "%q matches no known %s action", a, svc)
		}
		return
	}
	if _, ok := iamdata.Lookup(a); !ok {
		v.err(path, CodeUnknownAction, "unknown action %q", a)
	}
}

func (v *validator) resource(path, r string, vars bool) {
	if r == "*" {
		return
	}
	if !vars && strings.Contains(r, "${") {
		v.warn(path, CodeLiteralVariable, "%q holds ${...}, which is literal text without Version %s", r, VersionCurrent)
	}
	a, ok := SplitARN(r)
	if !ok || a.Partition == "" || a.Service == "" {
		v.err(path, CodeBadARN, "%q is not an ARN (arn:partition:service:region:account:resource)", r)
		return
	}
	if a.Account != "" && !strings.ContainsAny(a.Account, "*?$") && !isAccountID(a.Account) && a.Account != "aws" {
		v.err(path, CodeBadARN, "%q: account %q is not 12 digits", r, a.Account)
	}
}

func (v *validator) principal(path string, p *Principal) {
	if p == nil {
		return
	}
	for i, a := range p.AWS {
		pp := fmt.Sprintf("%s.AWS[%d]", path, i)
		switch {
		case a == "*" || isAccountID(a):
		case isUniqueID(a):
			v.warn(pp, CodeBadPrincipal, "%q is a unique ID: IAM shows one when the principal it named was deleted", a)
		case strings.ContainsAny(a, "*?"):
			v.err(pp, CodeBadPrincipal, "%q: wildcards are only allowed as the whole principal \"*\"", a)
		default:
			arn, ok := SplitARN(a)
			if !ok || (arn.Service != "iam" && arn.Service != "sts") || !isAccountID(arn.Account) {
				v.err(pp, CodeBadPrincipal, "%q is neither an account ID nor an IAM or STS principal ARN", a)
			}
		}
	}
	for i, s := range p.Service {
		if !strings.Contains(s, ".") {
			v.err(fmt.Sprintf("%s.Service[%d]", path, i), CodeBadPrincipal, "%q is not a service principal such as ec2.amazonaws.com", s)
		}
	}
}

// isUniqueID recognises IAM unique IDs of users (AIDA), roles (AROA),
// groups (AGPA) and instance profiles (AIPA), which replace the ARN of a
// deleted principal in a policy.
func isUniqueID(s string) bool {
	if len(s) < 16 || len(s) > 128 {
		return false
	}
	switch s[:4] {
	case "AIDA", "AROA", "AGPA", "AIPA":
	default:
		return false
	}
	for i := 0; i < len(s); i++ {
		if (s[i] < 'A' || s[i] > 'Z') && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}

func (v *validator) condition(path string, c Condition, vars bool) {
	if c.op == nil {
		return // reported while parsing
	}
	for _, val := range c.Values {
		bad := ""
		switch c.op.family {
		case famNumeric:
			if _, ok := parseNumber(val); !ok {
				bad = "a number"
			}
		case famDate:
			if _, ok := parseDate(val); !ok {
				bad = "a date"
			}
		case famIP:
			if _, ok := parseCIDR(val); !ok {
				bad = "an IP address or CIDR block"
			}
		case famBool, famNull:
			if !strings.EqualFold(val, "true") && !strings.EqualFold(val, "false") {
				bad = "true or false"
			}
		case famBinary:
			if !c.op.prepare(val, false).ok {
				bad = "base64"
			}
		case famString, famStringFold:
			if strings.ContainsAny(val, "*?") && !strings.Contains(val, "${") {
				v.warn(path, CodeLiteralWildcard, "%s compares %q literally: '*' and '?' are wildcards only under StringLike", c.Operator, val)
			}
		}
		if bad != "" {
			v.err(path, CodeBadValue, "%s needs %s, got %q", c.Operator, bad, val)
		}
		if !vars && strings.Contains(val, "${") {
			v.warn(path, CodeLiteralVariable, "%q holds ${...}, which is literal text without Version %s", val, VersionCurrent)
		}
	}
}
