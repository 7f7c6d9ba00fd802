package policy

import (
	"bytes"
	"encoding/base64"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"
)

type family uint8

const (
	famString family = iota
	famStringFold
	famStringLike
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famARN
	famNull
)

type cmpKind uint8

const (
	cmpEq cmpKind = iota
	cmpLt
	cmpLe
	cmpGt
	cmpGe
)

// operator describes one condition operator of the IAM policy language.
type operator struct {
	name   string
	family family
	negate bool
	cmp    cmpKind
}

// vars reports whether policy variables are replaced in this operator's
// values: IAM does so for the string and ARN operators only.
func (o *operator) vars() bool {
	switch o.family {
	case famString, famStringFold, famStringLike, famARN:
		return true
	}
	return false
}

var operators = func() map[string]*operator {
	list := []operator{
		{name: "StringEquals", family: famString},
		{name: "StringNotEquals", family: famString, negate: true},
		{name: "StringEqualsIgnoreCase", family: famStringFold},
		{name: "StringNotEqualsIgnoreCase", family: famStringFold, negate: true},
		{name: "StringLike", family: famStringLike},
		{name: "StringNotLike", family: famStringLike, negate: true},
		{name: "NumericEquals", family: famNumeric},
		{name: "NumericNotEquals", family: famNumeric, negate: true},
		{name: "NumericLessThan", family: famNumeric, cmp: cmpLt},
		{name: "NumericLessThanEquals", family: famNumeric, cmp: cmpLe},
		{name: "NumericGreaterThan", family: famNumeric, cmp: cmpGt},
		{name: "NumericGreaterThanEquals", family: famNumeric, cmp: cmpGe},
		{name: "DateEquals", family: famDate},
		{name: "DateNotEquals", family: famDate, negate: true},
		{name: "DateLessThan", family: famDate, cmp: cmpLt},
		{name: "DateLessThanEquals", family: famDate, cmp: cmpLe},
		{name: "DateGreaterThan", family: famDate, cmp: cmpGt},
		{name: "DateGreaterThanEquals", family: famDate, cmp: cmpGe},
		{name: "Bool", family: famBool},
		{name: "BinaryEquals", family: famBinary},
		{name: "IpAddress", family: famIP},
		{name: "NotIpAddress", family: famIP, negate: true},
		// ArnEquals and ArnLike behave the same: both take wildcards.
		{name: "ArnEquals", family: famARN},
		{name: "ArnLike", family: famARN},
		{name: "ArnNotEquals", family: famARN, negate: true},
		{name: "ArnNotLike", family: famARN, negate: true},
		{name: "Null", family: famNull},
	}
	m := make(map[string]*operator, len(list))
	for i := range list {
		m[strings.ToLower(list[i].name)] = &list[i]
	}
	return m
}()

func lookupOperator(name string) *operator { return operators[strings.ToLower(name)] }

// Operators returns the names of every condition operator IAM defines,
// without qualifiers or the IfExists suffix, sorted.
func Operators() []string {
	out := make([]string, 0, len(operators))
	for _, o := range operators {
		out = append(out, o.name)
	}
	sort.Strings(out)
	return out
}

// cvalue is one policy value of a condition, prepared for comparison.
type cvalue struct {
	raw  string
	tmpl template // only when variables apply and the value holds some
	g    glob     // string patterns (StringLike / ArnLike) and plain text
	arn  arnGlob
	num  float64
	t    time.Time
	ip   netip.Prefix
	bin  []byte
	ok   bool // the value parsed for its operator family
}

func (o *operator) prepare(raw string, vars bool) cvalue {
	v := cvalue{raw: raw, ok: true}
	if vars && o.vars() {
		t := parseTemplate(raw)
		if t.vars {
			v.tmpl = t // resolved per request
			return v
		}
		v.g = t.literalGlob() // only escapes such as ${*}
	} else {
		v.g = newGlob(raw)
	}
	if o.family == famARN {
		v.arn = newARNGlob(v.g)
	}
	switch o.family {
	case famNumeric:
		v.num, v.ok = parseNumber(raw)
	case famDate:
		v.t, v.ok = parseDate(raw)
	case famIP:
		v.ip, v.ok = parseCIDR(raw)
	case famBinary:
		b, err := base64.StdEncoding.DecodeString(raw)
		v.bin, v.ok = b, err == nil
	}
	return v
}

// matchOne reports whether one request value matches one policy value under
// the operator's positive form (the caller applies negation).
func (o *operator) matchOne(pv cvalue, g glob, rv string) bool {
	switch o.family {
	case famString:
		return g.text == rv
	case famStringFold:
		return strings.EqualFold(g.text, rv)
	case famStringLike:
		return g.match(rv)
	case famARN:
		if pv.tmpl.vars {
			return newARNGlob(g).match(rv)
		}
		return pv.arn.match(rv)
	case famBool:
		return strings.EqualFold(pv.raw, rv) && (strings.EqualFold(rv, "true") || strings.EqualFold(rv, "false"))
	case famBinary:
		b, err := base64.StdEncoding.DecodeString(rv)
		if err != nil || !pv.ok {
			return pv.raw == rv
		}
		return bytes.Equal(pv.bin, b)
	case famNumeric:
		n, ok := parseNumber(rv)
		return ok && pv.ok && compare(o.cmp, cmpFloat(n, pv.num))
	case famDate:
		t, ok := parseDate(rv)
		return ok && pv.ok && compare(o.cmp, t.Compare(pv.t))
	case famIP:
		ip, err := netip.ParseAddr(rv)
		return err == nil && pv.ok && pv.ip.Contains(ip.Unmap())
	}
	return false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compare turns a three-way comparison of request against policy value into
// the operator's answer. Negated equality is handled by the caller.
func compare(k cmpKind, c int) bool {
	switch k {
	case cmpLt:
		return c < 0
	case cmpLe:
		return c <= 0
	case cmpGt:
		return c > 0
	case cmpGe:
		return c >= 0
	}
	return c == 0
}

func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f, err == nil
}

// ParseDate reads a Date operator's value as IAM does: the ISO 8601 forms
// it accepts, or epoch seconds.
func ParseDate(s string) (time.Time, bool) { return parseDate(s) }

// parseDate accepts the ISO 8601 forms IAM accepts, and epoch seconds.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseCIDR accepts a CIDR block or a single address (a /32 or /128).
func parseCIDR(s string) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	return netip.Prefix{}, false
}
