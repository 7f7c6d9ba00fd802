package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// IAMChange is one change of IAM state between two snapshots.
type IAMChange struct {
	AccountID string `json:"account_id"`
	// Kind: user, access_key, role, trust_policy, policy, group_membership,
	// permission_set_assignment.
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	ARN    string `json:"arn,omitempty"`
	Change string `json:"change"` // added, removed, changed
	Detail string `json:"detail,omitempty"`
	// Old and New are the documents of a changed policy or trust policy.
	Old json.RawMessage `json:"old,omitempty"`
	New json.RawMessage `json:"new,omitempty"`
}

// SnapshotDiff computes the IAM changes between two snapshots of a target.
// It is a variable so that a fuller implementation (the snapshot drift of
// internal/drift, being built for 'iamspect merge' and sharded collection)
// can replace this minimal one in one place: only this declaration names it.
//
// TODO(drift): switch to the shared snapshot-drift function when it lands
// on main, and drop minimalSnapshotDiff.
var SnapshotDiff = minimalSnapshotDiff

func minimalSnapshotDiff(old, cur *snapshot.Snapshot) []IAMChange {
	var out []IAMChange
	before := map[string]*snapshot.Account{}
	for _, a := range old.Accounts {
		before[a.ID] = a
	}
	for _, a := range cur.Accounts {
		o := before[a.ID]
		if o == nil {
			o = &snapshot.Account{ID: a.ID}
		}
		out = append(out, accountDiff(o, a)...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.AccountID != b.AccountID {
			return a.AccountID < b.AccountID
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Name < b.Name
	})
	return out
}

func accountDiff(o, a *snapshot.Account) []IAMChange {
	var out []IAMChange
	add := func(kind, name, arn, change, detail string) {
		out = append(out, IAMChange{AccountID: a.ID, Kind: kind, Name: name, ARN: arn, Change: change, Detail: detail})
	}
	// Users, their keys and group memberships.
	users := map[string]*snapshot.User{}
	for _, u := range o.Users {
		users[u.ARN] = u
	}
	seen := map[string]bool{}
	for _, u := range a.Users {
		seen[u.ARN] = true
		ou := users[u.ARN]
		if ou == nil {
			add("user", u.Name, u.ARN, "added", "")
			ou = &snapshot.User{}
		}
		// Keys are matched by ID, or by slot when only the credential
		// report listed them (it gives no key IDs).
		keyOf := func(k snapshot.AccessKey) string {
			if k.ID != "" {
				return k.ID
			}
			return fmt.Sprintf("key %d", k.Slot)
		}
		keys := map[string]snapshot.AccessKey{}
		for _, k := range ou.AccessKeys {
			keys[keyOf(k)] = k
		}
		for _, k := range u.AccessKeys {
			id := keyOf(k)
			ok, had := keys[id]
			switch {
			case !had:
				add("access_key", u.Name+"/"+id, u.ARN, "added", "status "+k.Status)
			case ok.Status != k.Status:
				add("access_key", u.Name+"/"+id, u.ARN, "changed", fmt.Sprintf("status %s → %s", ok.Status, k.Status))
			}
			delete(keys, id)
		}
		for id := range keys {
			add("access_key", u.Name+"/"+id, u.ARN, "removed", "")
		}
		for _, g := range minus(u.Groups, ou.Groups) {
			add("group_membership", u.Name+" in "+g, u.ARN, "added", "")
		}
		for _, g := range minus(ou.Groups, u.Groups) {
			add("group_membership", u.Name+" in "+g, u.ARN, "removed", "")
		}
		if ou.ARN != "" {
			if d := refsDiff(ou.AttachedPolicies, u.AttachedPolicies); d != "" {
				add("user", u.Name, u.ARN, "changed", "attached policies: "+d)
			}
		}
	}
	for arn, u := range users {
		if !seen[arn] {
			add("user", u.Name, arn, "removed", "")
		}
	}
	// Roles and their trust policies.
	roles := map[string]*snapshot.Role{}
	for _, r := range o.Roles {
		roles[r.ARN] = r
	}
	seen = map[string]bool{}
	for _, r := range a.Roles {
		seen[r.ARN] = true
		or := roles[r.ARN]
		if or == nil {
			add("role", r.Name, r.ARN, "added", "")
			continue
		}
		if !sameJSON(or.TrustPolicy, r.TrustPolicy) {
			out = append(out, IAMChange{AccountID: a.ID, Kind: "trust_policy", Name: r.Name, ARN: r.ARN, Change: "changed",
				Old: canonical(or.TrustPolicy), New: canonical(r.TrustPolicy)})
		}
		if d := refsDiff(or.AttachedPolicies, r.AttachedPolicies); d != "" {
			add("role", r.Name, r.ARN, "changed", "attached policies: "+d)
		}
	}
	for arn, r := range roles {
		if !seen[arn] {
			add("role", r.Name, arn, "removed", "")
		}
	}
	// Managed policies.
	pols := map[string]*snapshot.ManagedPolicy{}
	for _, p := range o.Policies {
		pols[p.ARN] = p
	}
	seen = map[string]bool{}
	for _, p := range a.Policies {
		seen[p.ARN] = true
		op := pols[p.ARN]
		if op == nil {
			add("policy", p.Name, p.ARN, "added", "")
			continue
		}
		if !sameJSON(op.Document, p.Document) {
			out = append(out, IAMChange{AccountID: a.ID, Kind: "policy", Name: p.Name, ARN: p.ARN, Change: "changed",
				Detail: "default version " + op.DefaultVersionID + " → " + p.DefaultVersionID, Old: canonical(op.Document), New: canonical(p.Document)})
		}
	}
	for arn, p := range pols {
		if !seen[arn] {
			add("policy", p.Name, arn, "removed", "")
		}
	}
	// Permission-set assignments.
	assign := func(ic *snapshot.IdentityCenter) []string {
		if ic == nil {
			return nil
		}
		var s []string
		for _, x := range ic.Assignments {
			s = append(s, x.AccountID+" "+x.PermissionSetARN+" "+x.PrincipalType+":"+x.PrincipalID)
		}
		return s
	}
	for _, s := range minus(assign(a.IdentityCenter), assign(o.IdentityCenter)) {
		add("permission_set_assignment", s, "", "added", "")
	}
	for _, s := range minus(assign(o.IdentityCenter), assign(a.IdentityCenter)) {
		add("permission_set_assignment", s, "", "removed", "")
	}
	return out
}

// minus lists what a holds and b does not, sorted.
func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

func refsDiff(old, cur []snapshot.PolicyRef) string {
	arns := func(rs []snapshot.PolicyRef) []string {
		var s []string
		for _, r := range rs {
			s = append(s, r.ARN)
		}
		return s
	}
	var parts []string
	for _, x := range minus(arns(cur), arns(old)) {
		parts = append(parts, "+"+x)
	}
	for _, x := range minus(arns(old), arns(cur)) {
		parts = append(parts, "-"+x)
	}
	return strings.Join(parts, " ")
}

// canonical re-encodes a JSON document with sorted keys and no spacing.
func canonical(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return raw
	}
	b, err := json.Marshal(v)
	if err != nil {
		return raw
	}
	return b
}

func sameJSON(a, b json.RawMessage) bool { return bytes.Equal(canonical(a), canonical(b)) }
