// Package access computes what principals can do: the policies that apply
// to each IAM user, group and role of an account (identity policies,
// permissions boundary, service control policies), compiled once, ready for
// the questions rules and the privilege-escalation engine ask.
package access

import (
	"fmt"
	"slices"
	"strings"
	"unsafe"

	"github.com/iamspect/iamspect/internal/policy"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// Kind is the kind of an IAM principal.
type Kind string

// Principal kinds.
const (
	KindUser  Kind = "user"
	KindGroup Kind = "group"
	KindRole  Kind = "role"
)

// Source kinds: where a policy in a principal's Set comes from.
const (
	SourceInline       = "inline"
	SourceManaged      = "managed"
	SourceGroupInline  = "group-inline"
	SourceGroupManaged = "group-managed"
	SourceBoundary     = "boundary"
	SourceSCP          = "scp"
)

// Source is one policy that applies to a principal and where it comes from.
type Source struct {
	// Kind is one of the Source* constants.
	Kind string
	// Name is the policy name (inline policy name, managed policy name, SCP
	// name); ARN is the managed policy or SCP ARN, or for inline policies the
	// ARN of the user, group or role that embeds it.
	Name, ARN string
	// Via is the group name for group policies, the target (root, OU or
	// account ID) for SCPs, else empty.
	Via    string
	Policy *policy.Policy
}

// Principal is an IAM user, group or role with the policies that apply to it.
type Principal struct {
	ARN, Name string
	Kind      Kind
	// Exactly one of User, Group and Role is set, by Kind.
	User  *snapshot.User
	Group *snapshot.Group
	Role  *snapshot.Role
	// Set holds the identity policies (own and, for users, their groups'),
	// the permissions boundary, and the SCP levels when the snapshot's
	// organisation has SCPs for the account (never for the management
	// account, where SCPs do not apply). A group's Set holds only its own
	// policies.
	Set *policy.Set
	// Sources lists every policy in Set with its origin, identity policies
	// first, then the boundary, then SCPs from the root down. The sources a
	// user holds through a group are the group's, shared by its members.
	Sources []*Source
	// Problems lists what could not be taken into account: documents that
	// failed to parse, attached policies missing from the snapshot, groups
	// that do not exist.
	Problems []string

	// index is 1 + the principal's position in its Model's Principals (0
	// for a principal built elsewhere), for the analysis's per-principal
	// state without a map lookup.
	index int
}

// Model is the effective-permission model of one account. It is read-only
// once built and safe for concurrent use.
type Model struct {
	Account    *snapshot.Account
	Principals []*Principal // users, then groups, then roles, in snapshot order
	Cache      *policy.Cache

	byARN   map[string]*Principal
	managed map[string]compiled
}

type compiled struct {
	p   *policy.Policy
	mp  *snapshot.ManagedPolicy
	err error
}

// Build compiles the policies of every principal of account a. Each distinct
// document is parsed once (through cache, which may be shared between
// accounts and scans; nil means a fresh cache). s gives the organisation for
// SCPs and may be nil.
func Build(s *snapshot.Snapshot, a *snapshot.Account, cache *policy.Cache) *Model {
	if cache == nil {
		cache = policy.NewCache()
	}
	m := &Model{Account: a, Cache: cache, byARN: map[string]*Principal{},
		managed: make(map[string]compiled, len(a.Policies))}
	cache.Warm(identityDocs(a))
	for _, mp := range a.Policies {
		m.managed[mp.ARN] = m.compileManaged(mp)
	}
	scps, scpSources, scpProblems := accountSCPs(s, a, cache)

	groups := make(map[string]*snapshot.Group, len(a.Groups))
	groupSources := make(map[string][]*Source, len(a.Groups))
	// inherited: each group's sources as its members hold them, built once
	// (a user in ten groups of ten policies has a hundred sources; copying
	// them for every member was half of the model).
	inherited := make(map[string][]*Source, len(a.Groups))
	groupProblems := make(map[string][]string, len(a.Groups))
	for _, g := range a.Groups {
		groups[g.Name] = g
		var b builder
		b.m = m
		b.inline(SourceInline, g.ARN, "", g.InlinePolicies)
		b.attached(SourceManaged, "", g.AttachedPolicies)
		groupSources[g.Name], groupProblems[g.Name] = b.sources, b.problems
		for _, src := range b.sources {
			held := *src
			held.Via = g.Name
			if held.Kind == SourceInline {
				held.Kind = SourceGroupInline
			} else {
				held.Kind = SourceGroupManaged
			}
			inherited[g.Name] = append(inherited[g.Name], &held)
		}
	}

	sets := setInterner{} // users holding the same policies share one set
	for _, u := range a.Users {
		var b builder
		b.m = m
		// Sized at once: growing a hundred sources was a tenth of the model.
		n := len(u.InlinePolicies) + len(u.AttachedPolicies)
		for _, gn := range u.Groups {
			n += len(inherited[gn])
		}
		b.sources = make([]*Source, 0, n)
		b.inline(SourceInline, u.ARN, "", u.InlinePolicies)
		b.attached(SourceManaged, "", u.AttachedPolicies)
		for _, gn := range u.Groups {
			if _, ok := groups[gn]; !ok {
				if len(a.Groups) > 0 || a.Has(snapshot.InputAuthorizationDetails) {
					b.problems = append(b.problems, fmt.Sprintf("group %s is not in the snapshot: its policies are not counted", gn))
				}
				continue
			}
			b.sources = append(b.sources, inherited[gn]...)
			for _, p := range groupProblems[gn] {
				b.problems = append(b.problems, "group "+gn+": "+p)
			}
		}
		b.boundary(u.PermissionsBoundary)
		p := b.principal(u.ARN, u.Name, KindUser, scps, scpSources, scpProblems)
		p.Set = sets.intern(p.Set)
		m.add(p, func(p *Principal) { p.User = u })
	}
	for _, g := range a.Groups {
		b := builder{m: m, sources: groupSources[g.Name], problems: groupProblems[g.Name]}
		m.add(b.principal(g.ARN, g.Name, KindGroup, scps, scpSources, scpProblems), func(p *Principal) { p.Group = g })
	}
	for _, r := range a.Roles {
		var b builder
		b.m = m
		b.inline(SourceInline, r.ARN, "", r.InlinePolicies)
		b.attached(SourceManaged, "", r.AttachedPolicies)
		b.boundary(r.PermissionsBoundary)
		m.add(b.principal(r.ARN, r.Name, KindRole, scps, scpSources, scpProblems), func(p *Principal) { p.Role = r })
	}
	return m
}

// identityDocs lists the documents Build compiles, as it names them: the
// managed policies and every inline policy. Parsing them is most of Build,
// and Cache.Warm does it on every CPU.
func identityDocs(a *snapshot.Account) []policy.NamedDoc {
	docs := make([]policy.NamedDoc, 0, len(a.Policies)+len(a.Users)+len(a.Roles))
	for _, mp := range a.Policies {
		if len(mp.Document) > 0 {
			docs = append(docs, policy.NamedDoc{Name: mp.ARN, Raw: mp.Document})
		}
	}
	inline := func(ps []snapshot.InlinePolicy) {
		for _, ip := range ps {
			docs = append(docs, policy.NamedDoc{Name: "inline:" + ip.Name, Raw: ip.Document})
		}
	}
	for _, g := range a.Groups {
		inline(g.InlinePolicies)
	}
	for _, u := range a.Users {
		inline(u.InlinePolicies)
	}
	for _, r := range a.Roles {
		inline(r.InlinePolicies)
	}
	return docs
}

func (m *Model) add(p *Principal, set func(*Principal)) {
	set(p)
	m.Principals = append(m.Principals, p)
	p.index = len(m.Principals)
	if _, dup := m.byARN[p.ARN]; !dup {
		m.byARN[p.ARN] = p
	}
}

// Principal finds a principal by ARN, or returns nil.
func (m *Model) Principal(arn string) *Principal { return m.byARN[arn] }

// Managed returns the compiled default version of a managed policy of the
// account. ok is false when the snapshot does not hold the policy; err is
// set when its document does not parse.
func (m *Model) Managed(arn string) (p *policy.Policy, mp *snapshot.ManagedPolicy, ok bool, err error) {
	c, found := m.managed[arn]
	if !found {
		return nil, nil, false, nil
	}
	return c.p, c.mp, true, c.err
}

func (m *Model) compileManaged(mp *snapshot.ManagedPolicy) compiled {
	c := compiled{mp: mp}
	if len(mp.Document) == 0 {
		c.err = fmt.Errorf("its document is not in the snapshot")
	} else {
		c.p, c.err = m.Cache.Compile(mp.ARN, mp.Document)
	}
	return c
}

// builder gathers one principal's sources.
// setInterner hands out one policy set per distinct content (identity
// policies, boundary and SCP levels, by address): ten thousand users of an
// account often hold a few hundred combinations of groups, and what is
// computed once per set (IsAdmin: an OR of a catalogue-sized bitset per
// policy) is then computed once per combination. Sets are never changed
// after Build.
type setInterner map[string]*policy.Set

func (in setInterner) intern(set *policy.Set) *policy.Set {
	k := keyWriter{b: make([]byte, 0, 8*(len(set.Identity)+len(set.Boundary)+len(set.SCPs)+4))}
	layer := func(ps []*policy.Policy) {
		k.num(len(ps))
		for _, p := range ps {
			k.ptr(unsafe.Pointer(p))
		}
	}
	layer(set.Identity)
	if set.Boundary == nil { // none, unlike an empty boundary (allows nothing)
		k.num(0)
	} else {
		k.num(1)
		layer(set.Boundary)
	}
	k.num(len(set.SCPs))
	for _, level := range set.SCPs {
		layer(level)
	}
	if s, ok := in[string(k.b)]; ok {
		return s
	}
	in[string(k.b)] = set
	return set
}

type builder struct {
	m        *Model
	sources  []*Source
	boundSrc *Source
	problems []string
}

func (b *builder) inline(kind, ownerARN, via string, ps []snapshot.InlinePolicy) {
	for _, ip := range ps {
		p, err := b.m.Cache.Compile("inline:"+ip.Name, ip.Document)
		if err != nil {
			b.problems = append(b.problems, fmt.Sprintf("inline policy %s does not parse: %v", ip.Name, err))
			continue
		}
		b.sources = append(b.sources, &Source{Kind: kind, Name: ip.Name, ARN: ownerARN, Via: via, Policy: p})
	}
}

func (b *builder) attached(kind, via string, refs []snapshot.PolicyRef) {
	for _, ref := range refs {
		if p, ok := b.managed(ref); ok {
			b.sources = append(b.sources, &Source{Kind: kind, Name: ref.Name, ARN: ref.ARN, Via: via, Policy: p})
		}
	}
}

func (b *builder) managed(ref snapshot.PolicyRef) (*policy.Policy, bool) {
	p, _, found, err := b.m.Managed(ref.ARN)
	if !found {
		if doc, ok := wellKnown(ref.ARN); ok {
			p, err = b.m.Cache.Compile(ref.ARN, doc)
			found = true
		}
	}
	switch {
	case !found:
		b.problems = append(b.problems, fmt.Sprintf("attached policy %s is not in the snapshot", ref.ARN))
		return nil, false
	case err != nil:
		b.problems = append(b.problems, fmt.Sprintf("policy %s: %v", ref.ARN, err))
		return nil, false
	}
	return p, true
}

// wellKnown returns the document of an AWS managed policy whose content is
// stable and certain, for snapshots that name the attachment but do not hold
// the document (authorization details list only policies attached in the
// account, and some exports leave AWS managed policies out). Only
// AdministratorAccess qualifies: it has been "Allow * on *" since it exists.
func wellKnown(arn string) ([]byte, bool) {
	if snapshot.IsAWSManagedPolicyARN(arn) && strings.HasSuffix(arn, ":iam::aws:policy/AdministratorAccess") {
		return []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`), true
	}
	return nil, false
}

// boundary records the permissions boundary. A boundary missing from the
// snapshot is a problem and is left out (the principal is judged as if it
// had none, which can only overstate its permissions).
func (b *builder) boundary(ref *snapshot.PolicyRef) {
	if ref == nil {
		return
	}
	if p, ok := b.managed(*ref); ok {
		b.boundSrc = &Source{Kind: SourceBoundary, Name: ref.Name, ARN: ref.ARN, Policy: p}
	}
}

func (b *builder) principal(arn, name string, kind Kind, scps [][]*policy.Policy, scpSources []*Source, scpProblems []string) *Principal {
	set := &policy.Set{Identity: make([]*policy.Policy, 0, len(b.sources))}
	for _, s := range b.sources {
		set.Identity = append(set.Identity, s.Policy)
	}
	sources := b.sources
	if b.boundSrc != nil && kind != KindGroup {
		set.Boundary = []*policy.Policy{b.boundSrc.Policy}
		sources = append(sources[:len(sources):len(sources)], b.boundSrc)
	}
	problems := b.problems
	if kind != KindGroup && len(scps) > 0 {
		set.SCPs = scps
		sources = append(sources[:len(sources):len(sources)], scpSources...)
		problems = append(problems[:len(problems):len(problems)], scpProblems...)
	}
	return &Principal{ARN: arn, Name: name, Kind: kind, Set: set, Sources: sources, Problems: problems}
}

// SCP policy type as AWS Organizations names it.
const scpType = "SERVICE_CONTROL_POLICY"

// accountSCPs returns the SCP levels that apply to the account, from the
// root down to the account itself: one slice of policies per level. It
// returns nil when the snapshot has no organisation, the account is not a
// known member, the account is the management account (SCPs never apply
// there), SCPs are not enabled, or the organisation lists no SCP. A level
// with no SCP attached cannot exist in AWS (the last SCP of a target cannot
// be detached), so an empty level means the targets were not collected: it is
// left out rather than read as "deny everything".
func accountSCPs(s *snapshot.Snapshot, a *snapshot.Account, cache *policy.Cache) ([][]*policy.Policy, []*Source, []string) {
	if s == nil || s.Organization == nil || a == nil {
		return nil, nil, nil
	}
	o := s.Organization
	if a.ID == o.ManagementAccount {
		return nil, nil, nil
	}
	if len(o.EnabledPolicyTypes) > 0 && !slices.Contains(o.EnabledPolicyTypes, scpType) {
		return nil, nil, nil
	}
	var member *snapshot.OrgAccount
	for i := range o.Accounts {
		if o.Accounts[i].ID == a.ID {
			member = &o.Accounts[i]
		}
	}
	if member == nil {
		return nil, nil, nil
	}
	byTarget := map[string][]*snapshot.OrgPolicy{}
	n := 0
	for i := range o.Policies {
		p := &o.Policies[i]
		if p.Type != scpType {
			continue
		}
		n++
		for _, t := range p.Targets {
			byTarget[t] = append(byTarget[t], p)
		}
	}
	if n == 0 {
		return nil, nil, nil
	}
	// The chain of targets from the account up to the root.
	units := make(map[string]*snapshot.OrgUnit, len(o.Units))
	for i := range o.Units {
		units[o.Units[i].ID] = &o.Units[i]
	}
	chain := []string{a.ID}
	seen := map[string]bool{a.ID: true}
	for id := member.ParentID; id != "" && !seen[id]; {
		seen[id] = true
		chain = append(chain, id)
		u := units[id]
		if u == nil {
			break
		}
		id = u.ParentID
	}
	if member.ParentID == "" {
		// Parent unknown: the root still applies.
		for _, u := range o.Units {
			if u.ParentID == "" && !seen[u.ID] {
				chain = append(chain, u.ID)
			}
		}
	}
	slices.Reverse(chain)
	var levels [][]*policy.Policy
	var sources []*Source
	var problems []string
	for _, target := range chain {
		var level []*policy.Policy
		for _, op := range byTarget[target] {
			name := op.ARN
			if name == "" {
				name = "scp:" + op.ID
			}
			p, err := cache.Compile(name, op.Document)
			if err != nil {
				problems = append(problems, fmt.Sprintf("SCP %s does not parse: %v", op.Name, err))
				continue
			}
			level = append(level, p)
			sources = append(sources, &Source{Kind: SourceSCP, Name: op.Name, ARN: op.ARN, Via: target, Policy: p})
		}
		if len(level) > 0 {
			levels = append(levels, level)
		}
	}
	return levels, sources, problems
}
