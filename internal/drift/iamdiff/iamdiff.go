// Package iamdiff compares the IAM state of two snapshots of the same
// accounts — IAM drift: users, access keys, groups, roles, managed and
// inline policies, policy attachments, permissions boundaries, trust
// policies, group memberships, and IAM Identity Center permission sets and
// their account assignments, each added, removed or changed, with a
// structural diff of changed policy documents (Normalize first, so that key
// order, one-string-or-a-list and statement order are not changes).
//
// A principal added is listed with what it holds (its group memberships,
// attached and inline policies, boundary and access keys), so a new user
// with AdministratorAccess shows as such; a principal removed is one item.
//
// It compares only what both snapshots collected: an input missing from
// either side for an account is listed in Delta.NotCompared, never read as
// everything having been removed. Its sibling, internal/drift, compares two
// reports' findings instead. `iamspect drift OLD.json NEW.json` prints a
// Delta; `iamspect serve` computes one between consecutive scans.
package iamdiff

import (
	"cmp"
	"slices"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// Change is what happened to an item.
type Change string

const (
	Added   Change = "added"
	Removed Change = "removed"
	Changed Change = "changed"
)

// Kind is the kind of IAM item that changed.
type Kind string

// The kinds, in the order a Delta lists them within an account.
const (
	KindAccount             Kind = "account"
	KindUser                Kind = "user"
	KindAccessKey           Kind = "access_key"
	KindGroup               Kind = "group"
	KindGroupMembership     Kind = "group_membership"
	KindRole                Kind = "role"
	KindTrustPolicy         Kind = "trust_policy"
	KindManagedPolicy       Kind = "managed_policy"
	KindInlinePolicy        Kind = "inline_policy"
	KindPolicyAttachment    Kind = "policy_attachment"
	KindPermissionsBoundary Kind = "permissions_boundary"
	KindPermissionSet       Kind = "permission_set"
	KindAssignment          Kind = "permission_set_assignment"
	// KindServiceControlPolicy is an organisation policy (an SCP), listed
	// under the management account; Detail names a target attached or
	// detached.
	KindServiceControlPolicy Kind = "service_control_policy"
)

var kindOrder = []Kind{KindAccount, KindUser, KindAccessKey, KindGroup, KindGroupMembership, KindRole, KindTrustPolicy,
	KindManagedPolicy, KindInlinePolicy, KindPolicyAttachment, KindPermissionsBoundary, KindPermissionSet, KindAssignment, KindServiceControlPolicy}

// Kinds lists every kind, in listing order.
func Kinds() []Kind { return slices.Clone(kindOrder) }

// Item is one change.
type Item struct {
	AccountID string `json:"account_id"`
	Kind      Kind   `json:"kind"`
	Change    Change `json:"change"`
	// Resource is the ARN of the user, group, role, managed policy or
	// permission set the item is (or belongs to); the account ID for
	// KindAccount.
	Resource string `json:"resource"`
	// Detail names the part of the resource: the inline policy's name, the
	// access key's ID or slot, the group joined or left, the attached
	// policy's ARN, the assignment ("GROUP Admins in 111122223333").
	Detail string `json:"detail,omitempty"`
	// Fields lists changed scalar attributes (an access key's status, a
	// permission set's session duration, a policy's default version).
	Fields []FieldChange `json:"fields,omitempty"`
	// Document lists the differences of a changed policy document.
	Document []PathChange `json:"document,omitempty"`
}

// FieldChange is a changed attribute.
type FieldChange struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// NotCompared is an input of an account that one side lacks, so the items
// it provides were not compared.
type NotCompared struct {
	AccountID string         `json:"account_id"`
	Input     snapshot.Input `json:"input"`
	// MissingIn is "old", "new" or "both".
	MissingIn string `json:"missing_in"`
}

// Delta is the IAM drift between two snapshots.
type Delta struct {
	OldCollectedAt time.Time     `json:"old_collected_at"`
	NewCollectedAt time.Time     `json:"new_collected_at"`
	Changes        []Item        `json:"changes"`
	NotCompared    []NotCompared `json:"not_compared,omitempty"`
}

// Count returns the number of items with the change.
func (d Delta) Count(c Change) int {
	n := 0
	for _, it := range d.Changes {
		if it.Change == c {
			n++
		}
	}
	return n
}

// Compare returns the IAM drift from old to new, sorted by account, kind
// (in Kinds order), resource, detail and change.
func Compare(old, new *snapshot.Snapshot) Delta {
	d := Delta{Changes: []Item{}}
	if old == nil || new == nil {
		return d
	}
	d.OldCollectedAt, d.NewCollectedAt = old.CollectedAt, new.CollectedAt
	c := &comparer{}
	for _, a := range old.Accounts {
		if new.Account(a.ID) == nil {
			c.add(Item{AccountID: a.ID, Kind: KindAccount, Change: Removed, Resource: a.ID})
		}
	}
	for _, b := range new.Accounts {
		a := old.Account(b.ID)
		if a == nil {
			c.add(Item{AccountID: b.ID, Kind: KindAccount, Change: Added, Resource: b.ID})
			continue
		}
		c.account(a, b)
	}
	c.organization(old.Organization, new.Organization, old.OrganizationListed(), new.OrganizationListed())
	d.Changes = append(d.Changes, c.items...)
	d.NotCompared = c.notCompared
	rank := map[Kind]int{}
	for i, k := range kindOrder {
		rank[k] = i
	}
	slices.SortStableFunc(d.Changes, func(x, y Item) int {
		return cmp.Or(cmp.Compare(x.AccountID, y.AccountID), cmp.Compare(rank[x.Kind], rank[y.Kind]),
			cmp.Compare(x.Resource, y.Resource), cmp.Compare(x.Detail, y.Detail), cmp.Compare(x.Change, y.Change))
	})
	slices.SortStableFunc(d.NotCompared, func(x, y NotCompared) int {
		return cmp.Or(cmp.Compare(x.AccountID, y.AccountID), cmp.Compare(x.Input, y.Input))
	})
	return d
}

type comparer struct {
	items       []Item
	notCompared []NotCompared
}

func (c *comparer) add(it Item) { c.items = append(c.items, it) }

// both reports whether both accounts collected the input, recording it as
// not compared otherwise.
func (c *comparer) both(a, b *snapshot.Account, in snapshot.Input) bool {
	ha, hb := a.Has(in), b.Has(in)
	if ha && hb {
		return true
	}
	missing := "both"
	switch {
	case ha:
		missing = "new"
	case hb:
		missing = "old"
	}
	c.notCompared = append(c.notCompared, NotCompared{AccountID: a.ID, Input: in, MissingIn: missing})
	return false
}

func (c *comparer) account(a, b *snapshot.Account) {
	if c.both(a, b, snapshot.InputAuthorizationDetails) {
		c.users(a, b)
		c.groups(a, b)
		c.roles(a, b)
		c.policies(a, b)
	}
	if c.both(a, b, snapshot.InputCredentialReport) {
		c.accessKeys(a, b)
	}
	if a.IdentityCenter != nil || b.IdentityCenter != nil {
		if c.both(a, b, snapshot.InputIdentityCenter) {
			c.identityCenter(a, b)
		}
	}
}

// index maps items by key.
func index[T any](items []T, key func(T) string) map[string]T {
	out := make(map[string]T, len(items))
	for _, it := range items {
		out[key(it)] = it
	}
	return out
}

// diffKeys calls added, removed and both for the keys of two indexes.
func diffKeys[T any](a, b map[string]T, added, removed func(string, T), both func(string, T, T)) {
	for k, av := range a {
		if bv, ok := b[k]; ok {
			if both != nil {
				both(k, av, bv)
			}
		} else if removed != nil {
			removed(k, av)
		}
	}
	for k, bv := range b {
		if _, ok := a[k]; !ok && added != nil {
			added(k, bv)
		}
	}
}
