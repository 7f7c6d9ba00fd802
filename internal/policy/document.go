package policy

import (
	"fmt"
	"strings"
	"sync/atomic"
	"unsafe"
)

// Policy language versions. Only VersionCurrent enables policy variables;
// under the older version (or none) "${...}" is literal text.
const (
	VersionCurrent = "2012-10-17"
	VersionLegacy  = "2008-10-17"
)

// Effect of a statement.
type Effect uint8

// Effects. EffectInvalid is kept (not rejected) so that Validate can report it.
const (
	EffectInvalid Effect = iota
	Allow
	Deny
)

func (e Effect) String() string {
	switch e {
	case Allow:
		return "Allow"
	case Deny:
		return "Deny"
	}
	return "Invalid"
}

// Document is a parsed policy: identity, resource, trust, SCP or boundary.
// The parser keeps what was written (original case, order of statements); the
// compiler (Compile) turns it into the form the evaluator uses.
type Document struct {
	Version    string
	ID         string
	Statements []*Statement

	issues   []Issue // soft problems found while parsing, reported by Validate
	listForm bool    // Statement was written as a list
}

// StatementPath is the JSON path of a statement: "Statement" when the
// document holds a single statement object, else "Statement[i]".
func (d *Document) StatementPath(st *Statement) string {
	if d.listForm {
		return fmt.Sprintf("Statement[%d]", st.Index)
	}
	return "Statement"
}

// VariablesEnabled reports whether "${...}" is a policy variable here.
func (d *Document) VariablesEnabled() bool { return d.Version == VersionCurrent }

// Statement is one statement. For the list elements, nil means the element is
// absent and an empty non-nil slice means it was written as an empty list.
type Statement struct {
	Index     int    // position in the document, from 0
	Sid       string // may be empty
	Effect    Effect
	RawEffect string // as written, for messages

	Action, NotAction       []string
	Resource, NotResource   []string
	Principal, NotPrincipal *Principal // nil when absent

	// Conditions hold one entry per (operator, key) pair; all must be true.
	Conditions []Condition

	condTexts atomic.Pointer[[]string] // Conditions' String(), built once (ConditionString)
}

// ConditionString returns c.String() when c is one of the statement's own
// conditions (the same operator block, key and values, as evaluation
// results carry them), built once per statement: the analysis writes the
// conditions of a conditional statement into the grants of everyone who
// holds it. ok is false for any other condition.
func (s *Statement) ConditionString(c Condition) (text string, ok bool) {
	for i := range s.Conditions {
		own := &s.Conditions[i]
		if len(own.Values) != len(c.Values) || unsafe.SliceData(own.Values) != unsafe.SliceData(c.Values) || own.Raw != c.Raw || own.Key != c.Key {
			continue
		}
		texts := s.condTexts.Load()
		if texts == nil {
			t := make([]string, len(s.Conditions))
			for j := range s.Conditions {
				t[j] = s.Conditions[j].String()
			}
			s.condTexts.CompareAndSwap(nil, &t)
			texts = s.condTexts.Load()
		}
		return (*texts)[i], true
	}
	return "", false
}

// Ref names a statement in messages: its Sid when set, else its index.
func (s *Statement) Ref() string {
	if s.Sid != "" {
		return fmt.Sprintf("Statement[%d] (Sid %q)", s.Index, s.Sid)
	}
	return fmt.Sprintf("Statement[%d]", s.Index)
}

// HasCondition reports whether the statement has a condition on key
// (compared case-insensitively, as IAM compares condition keys).
func (s *Statement) HasCondition(key string) bool {
	for i := range s.Conditions {
		if strings.EqualFold(s.Conditions[i].Key, key) {
			return true
		}
	}
	return false
}

// ConditionsOn returns the conditions on key, compared case-insensitively.
func (s *Statement) ConditionsOn(key string) []Condition {
	var out []Condition
	for _, c := range s.Conditions {
		if strings.EqualFold(c.Key, key) {
			out = append(out, c)
		}
	}
	return out
}

// ParseError is a structural error in a policy, located by a JSON path such
// as "Statement[2].Condition.StringLike".
type ParseError struct {
	Path string
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Path == "" {
		return "policy: " + e.Msg
	}
	return "policy: " + e.Path + ": " + e.Msg
}

func errAt(path, format string, args ...any) error {
	return &ParseError{Path: path, Msg: fmt.Sprintf(format, args...)}
}
