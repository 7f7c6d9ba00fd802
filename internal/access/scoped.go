package access

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/iamspect/iamspect/internal/policy"
)

// Principals whose sts:AssumeRole statements name particular roles
// ("role/team-*") get classes too: within one trust document, the answer
// for a role depends only on which of those statements match the role's
// ARN. The roles are grouped once per distinct set of resource patterns
// (principals whose policies name the same patterns share the grouping,
// even when the patterns come from different policies) by trust document
// and match pattern; each principal then evaluates one role per group.

// resourceMatch is the resources of one statement: Resource, or
// NotResource when not is set.
type resourceMatch struct {
	not  bool
	pats []string
}

// scopedStatements returns the distinct resource patterns of the
// statements of the set that cover sts:AssumeRole and name particular
// resources, and a key identifying them by content; ok is false when a
// pattern holds a policy variable (its match would depend on the
// principal).
func scopedStatements(set *policy.Set) (ms []resourceMatch, key string, ok bool) {
	var keys []string
	seen := map[string]bool{}
	layers := append([][]*policy.Policy{set.Identity, set.Boundary}, set.SCPs...)
	for _, l := range layers {
		for _, pol := range l {
			for _, st := range pol.Doc.Statements {
				if !coversAction(st, "sts:AssumeRole") {
					continue
				}
				m := resourceMatch{pats: st.Resource}
				if st.NotResource != nil {
					m = resourceMatch{not: true, pats: st.NotResource}
				} else if !slices.ContainsFunc(m.pats, func(r string) bool { return r != "*" }) {
					continue // every resource alike
				}
				if pol.Doc.VariablesEnabled() && slices.ContainsFunc(m.pats, func(r string) bool { return strings.Contains(r, "${") }) {
					return nil, "", false
				}
				k := fmt.Sprintf("%t%q", m.not, m.pats)
				if !seen[k] {
					seen[k] = true
					keys = append(keys, k)
					ms = append(ms, m)
				}
			}
		}
	}
	// The order of the patterns does not change the grouping; sorting makes
	// the key the same for every principal holding them.
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int { return strings.Compare(keys[i], keys[j]) })
	sorted := make([]resourceMatch, len(ms))
	var b strings.Builder
	for i, o := range order {
		sorted[i] = ms[o]
		b.WriteString(keys[o])
		b.WriteByte(';')
	}
	return sorted, b.String(), true
}

// matches reports whether the statement's resources cover arn.
func (m resourceMatch) matches(arn string) bool {
	hit := slices.ContainsFunc(m.pats, func(p string) bool { return policy.MatchARN(p, arn) })
	return hit != m.not
}

// scopedDocs groups the shared roles of account acct by trust document
// and by which of the statements match them.
func (a *Analysis) scopedDocs(acct string, sts []resourceMatch, key string) *docIndex {
	a.anyone.mu.Lock()
	defer a.anyone.mu.Unlock()
	x := &a.anyone
	if x.scoped == nil {
		x.scoped = map[string]*docIndex{}
	}
	k := acct + "|" + key
	if d, ok := x.scoped[k]; ok {
		return d
	}
	base := a.sharedDocsLocked(acct)
	d := &docIndex{classes: map[string]*assumeClass{}}
	idx := map[string]int{}
	mask := make([]byte, len(sts)+1)
	for i, rs := range base.byDoc {
		for _, r := range rs {
			for j, st := range sts {
				mask[j] = '0'
				if st.matches(r.ARN) {
					mask[j] = '1'
				}
			}
			mask[len(sts)] = '|'
			g := string(mask) + strconv.Itoa(i)
			n, ok := idx[g]
			if !ok {
				n = len(d.byDoc)
				idx[g] = n
				d.byDoc = append(d.byDoc, nil)
			}
			d.byDoc[n] = append(d.byDoc[n], r) // stays sorted by ARN
		}
	}
	x.scoped[k] = d
	return d
}

// Most principals' patterns name few of the shared roles ("role/team-03-*"
// among thousands trusting anyone). Grouping every shared role by match
// pattern for each distinct set of patterns would cost the number of sets
// times the number of roles, and the classes built from those groups would
// each hold every role trusting anyone: quadratic in time and memory. The
// sparse index keeps only the roles a pattern matches (found once per
// pattern and account, by the pattern's literal prefix in the roles sorted
// by ARN); the rest of each trust document's roles are one group, stood
// for by its first role by ARN no pattern matches. When a principal's
// verdict is the same on every group of a trust document, its class is the
// unscoped class of those verdicts, shared with every principal whose
// policies apply to all roles alike; when its patterns only allow, the
// class holds the matched roles alone. Only a class that mixes both (an
// allow on every role with a deny on some) lists every shared role again.

// sparseIndex groups the shared roles of an account for one set of
// Resource patterns (no NotResource).
type sparseIndex struct {
	base *docIndex
	// zero is, per trust document of base, its first role (by ARN) that no
	// pattern matches, or nil when the patterns match them all.
	zero []*Principal
	// groups are the matched roles by trust document and match pattern,
	// each sorted by ARN; doc is each group's trust document and group
	// each matched role's group.
	groups  [][]*Principal
	doc     []int
	mask    []string // each group's match pattern: which patterns match its roles
	group   map[*Principal]int
	classes map[string]*assumeClass
}

// baseOrder is what the sparse indexes of an account look roles up in:
// the shared roles sorted by ARN, each role's trust document, and the
// roles each pattern matches.
type baseOrder struct {
	sorted  []*Principal
	docOf   map[*Principal]int
	matched map[string][]*Principal
}

// sparseDocs returns the sparse index of account acct for these patterns
// (nil when one is a NotResource: it matches nearly every role).
func (a *Analysis) sparseDocs(acct string, ms []resourceMatch, key string) *sparseIndex {
	if slices.ContainsFunc(ms, func(m resourceMatch) bool { return m.not }) {
		return nil
	}
	a.anyone.mu.Lock()
	defer a.anyone.mu.Unlock()
	x := &a.anyone
	if x.sparse == nil {
		x.sparse = map[string]*sparseIndex{}
	}
	k := acct + "|" + key
	if d, ok := x.sparse[k]; ok {
		return d
	}
	base := a.sharedDocsLocked(acct)
	order := a.baseOrderLocked(acct, base)
	masks := map[*Principal][]byte{}
	var hit []*Principal
	for j, m := range ms {
		for _, r := range order.rolesMatching(m) {
			mask, ok := masks[r]
			if !ok {
				mask = make([]byte, len(ms))
				for i := range mask {
					mask[i] = '0'
				}
				masks[r] = mask
				hit = append(hit, r)
			}
			mask[j] = '1'
		}
	}
	slices.SortFunc(hit, func(p, q *Principal) int { return strings.Compare(p.ARN, q.ARN) })
	d := &sparseIndex{base: base, zero: make([]*Principal, len(base.byDoc)), group: map[*Principal]int{}, classes: map[string]*assumeClass{}}
	idx := map[string]int{}
	for _, r := range hit {
		i := order.docOf[r]
		g := string(masks[r]) + "|" + strconv.Itoa(i)
		n, ok := idx[g]
		if !ok {
			n = len(d.groups)
			idx[g] = n
			d.groups = append(d.groups, nil)
			d.doc = append(d.doc, i)
			d.mask = append(d.mask, string(masks[r]))
		}
		d.groups[n] = append(d.groups[n], r)
		d.group[r] = n
	}
	for i, rs := range base.byDoc {
		for _, r := range rs {
			if _, ok := masks[r]; !ok {
				d.zero[i] = r
				break
			}
		}
	}
	x.sparse[k] = d
	return d
}

// baseOrderLocked returns the lookup order of account acct's shared roles.
func (a *Analysis) baseOrderLocked(acct string, base *docIndex) *baseOrder {
	x := &a.anyone
	if x.order == nil {
		x.order = map[string]*baseOrder{}
	}
	if o, ok := x.order[acct]; ok {
		return o
	}
	o := &baseOrder{docOf: map[*Principal]int{}, matched: map[string][]*Principal{}}
	for i, rs := range base.byDoc {
		for _, r := range rs {
			o.sorted = append(o.sorted, r)
			o.docOf[r] = i
		}
	}
	slices.SortFunc(o.sorted, func(p, q *Principal) int { return strings.Compare(p.ARN, q.ARN) })
	x.order[acct] = o
	return o
}

// rolesMatching returns the shared roles the patterns of m match (m is
// a Resource list), sorted by ARN, computed once per pattern. A role an ARN
// pattern matches starts with the pattern's text up to its first wildcard
// (matching is case-sensitive), so only that range of the sorted roles is
// tried.
func (o *baseOrder) rolesMatching(m resourceMatch) []*Principal {
	var out []*Principal
	for _, pat := range m.pats {
		rs, ok := o.matched[pat]
		if !ok {
			prefix := pat
			if i := strings.IndexAny(pat, "*?"); i >= 0 {
				prefix = pat[:i]
			}
			from := sort.Search(len(o.sorted), func(i int) bool { return o.sorted[i].ARN >= prefix })
			for _, r := range o.sorted[from:] {
				if !strings.HasPrefix(r.ARN, prefix) {
					break
				}
				if policy.MatchARN(pat, r.ARN) {
					rs = append(rs, r)
				}
			}
			o.matched[pat] = rs
		}
		out = append(out, rs...)
	}
	return out
}

// sparseClass returns the principal's class of shared roles through the
// sparse index: one evaluation per group.
func (a *Analysis) sparseClass(s *pstate, d *sparseIndex) *assumeClass {
	verdict := a.sparseVerdicts(s, d)
	// One byte per trust document for its unmatched roles (3: none), then
	// one per group.
	vs := make([]byte, len(d.zero)+len(d.groups))
	for i, z := range d.zero {
		vs[i] = 3
		if z != nil {
			vs[i] = verdict(z, "", i)
		}
	}
	for n, rs := range d.groups {
		vs[len(d.zero)+n] = verdict(rs[0], d.mask[n], d.doc[n])
	}
	if perDoc, ok := d.uniform(vs); ok {
		return a.classFor(d.base, perDoc)
	}
	a.anyone.mu.Lock()
	defer a.anyone.mu.Unlock()
	if c, ok := d.classes[string(vs)]; ok {
		return c
	}
	var roles []Assumption
	add := func(r *Principal, v byte) {
		if v == 1 || v == 2 {
			roles = append(roles, Assumption{Role: r, Conditional: v == 2})
		}
	}
	if !slices.ContainsFunc(vs[:len(d.zero)], func(v byte) bool { return v == 1 || v == 2 }) {
		for n, rs := range d.groups {
			for _, r := range rs {
				add(r, vs[len(d.zero)+n])
			}
		}
	} else {
		for i, rs := range d.base.byDoc {
			for _, r := range rs {
				if n, ok := d.group[r]; ok {
					add(r, vs[len(d.zero)+n])
				} else {
					add(r, vs[i])
				}
			}
		}
	}
	c := newClass(roles)
	d.classes[string(vs)] = c
	return c
}

// sparseVerdicts returns assumer's verdict for role r, which the
// principal's patterns match as mask ("": none) and whose trust document is
// doc. Through a prepared set the principal's half of each verdict
// (Prepared.OwnPart) depends only on which of its patterns match the role,
// and the trust policy's half (ResourcePart) only on the document when no
// statement of it names a resource: each is computed once per mask and per
// document, where each group's verdict matched the principal's
// sts:AssumeRole statements again.
func (a *Analysis) sparseVerdicts(s *pstate, d *sparseIndex) func(r *Principal, mask string, doc int) byte {
	n := len(d.zero) + len(d.groups)
	prepared := a.assumePrepared(s, n)
	if prepared == nil {
		assume := a.assumer(s, n)
		return func(r *Principal, _ string, _ int) byte { return assume(r) }
	}
	owns := map[string]policy.OwnPart{}
	trusts := map[int]policy.ResourcePart{}
	return func(r *Principal, mask string, doc int) byte {
		own, ok := owns[mask]
		if !ok {
			own = prepared.OwnPart(assumeIndex, r.ARN, a.matchSatisfiable)
			owns[mask] = own
		}
		trust := a.trusts[r]
		res, ok := trusts[doc]
		if !ok || namesResources(trust) {
			res = prepared.ResourcePart(assumeIndex, r.ARN, []*policy.Policy{trust}, a.matchSatisfiable)
			trusts[doc] = res
		}
		return verdictByte(prepared.Combine(own, res, r.ARN, true, true))
	}
}

// namesResources reports whether some statement of the policy has a
// Resource or NotResource element (then its answer may differ between
// roles with the same document).
func namesResources(p *policy.Policy) bool {
	return slices.ContainsFunc(p.Doc.Statements, func(st *policy.Statement) bool { return st.Resource != nil || st.NotResource != nil })
}

// uniform returns one verdict per trust document when every group of each
// document got the same verdict.
func (d *sparseIndex) uniform(vs []byte) ([]byte, bool) {
	perDoc := make([]byte, len(d.zero))
	copy(perDoc, vs[:len(d.zero)])
	for n, i := range d.doc {
		v := vs[len(d.zero)+n]
		switch perDoc[i] {
		case 3:
			perDoc[i] = v
		case v:
		default:
			return nil, false
		}
	}
	return perDoc, true
}
