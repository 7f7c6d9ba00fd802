package policy

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// glob is a compiled wildcard pattern: '*' matches any run of characters and
// '?' exactly one. Characters that came from the policy variables ${*} and
// ${?} are literal; lit marks them (nil when there are none).
type glob struct {
	text  string
	lit   []bool
	plain bool // no wildcard at all: plain string comparison
}

func newGlob(text string) glob {
	return glob{text: text, plain: !strings.ContainsAny(text, "*?")}
}

// newGlobLit builds a glob from text with explicit literal marks.
func newGlobLit(text string, lit []bool) glob {
	g := glob{text: text, lit: lit, plain: true}
	for i := 0; i < len(text); i++ {
		if (text[i] == '*' || text[i] == '?') && !lit[i] {
			g.plain = false
			break
		}
	}
	if g.plain {
		g.lit = nil
	}
	return g
}

func (g glob) isWild(i int, c byte) bool {
	return (c == '*' || c == '?') && (g.lit == nil || !g.lit[i])
}

// universal reports whether the glob matches every string.
func (g glob) universal() bool {
	if g.plain || g.text == "" {
		return false
	}
	for i := 0; i < len(g.text); i++ {
		if g.text[i] != '*' || !g.isWild(i, '*') {
			return false
		}
	}
	return true
}

// match runs the greedy two-pointer algorithm: on a mismatch it returns to
// the last '*' and lets it swallow one more character. Each '*' only moves
// forward, so the cost is O(len(p)*len(s)) at worst and never exponential.
func (g glob) match(s string) bool {
	if g.plain {
		return g.text == s
	}
	p := g.text
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		if pi < len(p) {
			c := p[pi]
			if c == '*' && g.isWild(pi, c) {
				star, mark = pi, si
				pi++
				continue
			}
			if c == '?' && g.isWild(pi, c) {
				_, n := utf8.DecodeRuneInString(s[si:])
				pi, si = pi+1, si+n
				continue
			}
			if c == s[si] {
				pi, si = pi+1, si+1
				continue
			}
		}
		if star < 0 {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[mark:])
		mark += n
		pi, si = star+1, mark
	}
	for pi < len(p) && p[pi] == '*' && g.isWild(pi, '*') {
		pi++
	}
	return pi == len(p)
}

// MatchWildcard reports whether s matches the wildcard pattern, case-sensitively, as
// the StringLike operator compares.
func MatchWildcard(pattern, s string) bool { return newGlob(pattern).match(s) }

// MatchWildcardFold is MatchWildcard ignoring ASCII case, as IAM compares
// action names. It allocates nothing: the escalation analysis calls it for
// every action of every statement.
func MatchWildcardFold(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || lowerASCII(pattern[p]) == lowerASCII(s[i])):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// arnGlob matches ARNs segment by segment: "arn:partition:service:region:
// account:resource". A '*' in one of the first five segments cannot run into
// the next segment; the resource part (which may hold colons) is one segment.
// A pattern that is not a six-part ARN (such as "*") is matched as a whole.
type arnGlob struct {
	whole glob
	segs  [6]glob
	isARN bool
}

func newARNGlob(g glob) arnGlob {
	a := arnGlob{whole: g}
	if g.plain || g.universal() {
		return a
	}
	var parts [6]string
	rest := g.text
	for i := 0; i < 5; i++ {
		seg, after, ok := strings.Cut(rest, ":")
		if !ok {
			return a
		}
		parts[i], rest = seg, after
	}
	parts[5] = rest
	off := 0
	for i, part := range parts {
		if g.lit != nil {
			a.segs[i] = newGlobLit(part, g.lit[off:off+len(part)])
		} else {
			a.segs[i] = newGlob(part)
		}
		off += len(part) + 1
	}
	a.isARN = true
	return a
}

func (a arnGlob) match(arn string) bool {
	if !a.isARN {
		return a.whole.match(arn)
	}
	var parts [6]string
	rest := arn
	for i := 0; i < 5; i++ {
		seg, after, ok := strings.Cut(rest, ":")
		if !ok {
			return false
		}
		parts[i], rest = seg, after
	}
	parts[5] = rest
	for i := range parts {
		if !a.segs[i].match(parts[i]) {
			return false
		}
	}
	return true
}

// MatchARN reports whether arn matches pattern the way ArnLike and the
// Resource element compare: per colon-separated segment, case-sensitively.
// To match one pattern against many ARNs, compile it once with NewARNMatcher.
func MatchARN(pattern, arn string) bool { return cachedARNGlob(pattern).match(arn) }

// maxARNGlobs bounds the cache of compiled MatchARN patterns: the patterns
// come from the scanned policies (hostile input), so a scan holding more
// distinct patterns than this starts the cache afresh rather than growing
// without end.
const maxARNGlobs = 4096

// arnGlobs caches compiled MatchARN patterns: the role-assumption analysis
// matches the same few patterns against every role, and compiling one costs
// more than matching it.
var arnGlobs struct {
	sync.Mutex
	m map[string]*arnGlob
}

func cachedARNGlob(pattern string) *arnGlob {
	arnGlobs.Lock()
	defer arnGlobs.Unlock()
	if g, ok := arnGlobs.m[pattern]; ok {
		return g
	}
	if arnGlobs.m == nil || len(arnGlobs.m) >= maxARNGlobs {
		arnGlobs.m = make(map[string]*arnGlob, 64)
	}
	g := newARNGlob(newGlob(pattern))
	arnGlobs.m[strings.Clone(pattern)] = &g
	return &g
}

// ARNMatcher is an ARN pattern compiled once for many matches.
type ARNMatcher struct{ g arnGlob }

// NewARNMatcher compiles pattern for Match.
func NewARNMatcher(pattern string) ARNMatcher { return ARNMatcher{newARNGlob(newGlob(pattern))} }

// Match reports whether arn matches the pattern, as MatchARN does.
func (m ARNMatcher) Match(arn string) bool { return m.g.match(arn) }
