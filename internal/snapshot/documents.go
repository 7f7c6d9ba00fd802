package snapshot

import (
	"crypto/sha256"
	"sync"
)

// Documents shares equal policy documents: the same AWS managed policy,
// trust policy or inline document repeats across principals and across the
// accounts of an organisation, and each copy would otherwise be kept (and
// parsed from JSON) on its own. Documents are read-only once collected, so
// sharing one slice between them is safe. Safe for concurrent use.
type Documents struct {
	mu     sync.Mutex
	byHash map[[sha256.Size]byte]RawJSON
}

// NewDocuments returns an empty set of shared documents.
func NewDocuments() *Documents {
	return &Documents{byHash: map[[sha256.Size]byte]RawJSON{}}
}

// Intern returns the shared copy of doc: the first document seen with the
// same content.
func (d *Documents) Intern(doc RawJSON) RawJSON {
	if len(doc) == 0 {
		return doc
	}
	sum := sha256.Sum256(doc)
	d.mu.Lock()
	defer d.mu.Unlock()
	if prev, ok := d.byHash[sum]; ok {
		return prev
	}
	d.byHash[sum] = doc
	return doc
}

// Len is the number of distinct documents seen.
func (d *Documents) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.byHash)
}

// InternAccount shares every policy document of the account: managed
// policies, inline and trust policies, Identity Center inline policies. Nil
// entries (a hostile file's nulls) are left for validation to name.
func (d *Documents) InternAccount(a *Account) {
	if a == nil {
		return
	}
	inline := func(ps []InlinePolicy) {
		for i := range ps {
			ps[i].Document = d.Intern(ps[i].Document)
		}
	}
	for _, p := range a.Policies {
		if p != nil {
			p.Document = d.Intern(p.Document)
		}
	}
	for _, u := range a.Users {
		if u != nil {
			inline(u.InlinePolicies)
		}
	}
	for _, g := range a.Groups {
		if g != nil {
			inline(g.InlinePolicies)
		}
	}
	for _, r := range a.Roles {
		if r != nil {
			r.TrustPolicy = d.Intern(r.TrustPolicy)
			inline(r.InlinePolicies)
		}
	}
	if ic := a.IdentityCenter; ic != nil {
		for i := range ic.PermissionSets {
			ic.PermissionSets[i].InlinePolicy = d.Intern(ic.PermissionSets[i].InlinePolicy)
		}
	}
}

// InternDocuments shares the equal policy documents of every account.
func (s *Snapshot) InternDocuments() {
	d := NewDocuments()
	for _, a := range s.Accounts {
		d.InternAccount(a)
	}
}
