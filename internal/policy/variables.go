package policy

import (
	"strings"
)

// template is a string that may hold policy variables: "${aws:username}",
// "${aws:PrincipalTag/team, 'none'}", and the escapes ${*}, ${?} and ${$},
// which stand for the literal characters.
type template struct {
	parts []tpart
	vars  bool // at least one variable (not just escapes)
}

type tpart struct {
	text    string // literal text (or, for a variable, the key)
	isVar   bool
	def     string
	hasDef  bool
	literal bool // text came from an escape: '*' and '?' are not wildcards
}

// parseTemplate splits s into literal text and variables. Malformed
// variables ("${", "${}") stay literal text, as IAM leaves them.
func parseTemplate(s string) template {
	var t template
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		body := strings.TrimSpace(s[i+2 : i+j])
		part, ok := variablePart(body)
		if !ok {
			t.parts = append(t.parts, tpart{text: s[:i+j+1]})
			s = s[i+j+1:]
			continue
		}
		if i > 0 {
			t.parts = append(t.parts, tpart{text: s[:i]})
		}
		t.parts = append(t.parts, part)
		t.vars = t.vars || part.isVar
		s = s[i+j+1:]
	}
	if s != "" {
		t.parts = append(t.parts, tpart{text: s})
	}
	return t
}

func variablePart(body string) (tpart, bool) {
	switch body {
	case "*", "?", "$":
		return tpart{text: body, literal: true}, true
	case "":
		return tpart{}, false
	}
	key, def, hasDef := strings.Cut(body, ",")
	key = strings.TrimSpace(key)
	if key == "" || strings.ContainsAny(key, " ${") {
		return tpart{}, false
	}
	p := tpart{text: key, isVar: true}
	if hasDef {
		def = strings.TrimSpace(def)
		if len(def) < 2 || def[0] != '\'' || def[len(def)-1] != '\'' {
			return tpart{}, false
		}
		// Inside a default, '' stands for one quote.
		p.def, p.hasDef = strings.ReplaceAll(def[1:len(def)-1], "''", "'"), true
	}
	return p, true
}

// Variables returns the condition keys that s refers to as policy variables
// (meaningful only when the document enables variables).
func Variables(s string) []string {
	var out []string
	for _, p := range parseTemplate(s).parts {
		if p.isVar {
			out = append(out, p.text)
		}
	}
	return out
}

// resolve fills the variables from the context. It returns a glob (escapes
// and substituted values are literal), and the state: known, unknown (a key
// the context does not know) or absent (no value and no default: the value
// then matches nothing, as IAM does).
func (t template) resolve(ctx *evalContext) (glob, keyState, string) {
	var b strings.Builder
	var lit []bool
	mark := func(s string, literal bool) {
		if literal && lit == nil {
			lit = make([]bool, b.Len(), b.Len()+len(s))
		}
		b.WriteString(s)
		if lit != nil {
			for range len(s) {
				lit = append(lit, literal)
			}
		}
	}
	for _, p := range t.parts {
		if !p.isVar {
			mark(p.text, p.literal)
			continue
		}
		vals, st := ctx.lookup(p.text)
		switch {
		case st == keyUnknown:
			return glob{}, keyUnknown, p.text
		case st == keyPresent && len(vals) == 1: // a multivalued key cannot fill a variable
			mark(vals[0], true)
		case p.hasDef:
			mark(p.def, true)
		default:
			return glob{}, keyAbsent, p.text
		}
	}
	if lit == nil {
		return newGlob(b.String()), keyPresent, ""
	}
	return newGlobLit(b.String(), lit), keyPresent, ""
}

// literalGlob is the glob of a template without variables; escapes count.
func (t template) literalGlob() glob {
	g, _, _ := t.resolve(nil)
	return g
}
