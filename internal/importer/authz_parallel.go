package importer

import (
	"bytes"
	"encoding/json"
	"runtime"
	"sync"
	"sync/atomic"
)

// decodeAuthzSplit decodes authorization details cut by splitAuthz: every
// entry decoded and normalised on its own, on every CPU, into its place in
// its page. It answers only when the plain decoder (decodeAuthzPlain) would
// succeed with the same pages; false otherwise, including when it would
// fail, so that its message is the plain decoder's.
func decodeAuthzSplit(data []byte) ([]*AuthzDetails, bool) {
	if detectText(bytes.TrimSpace(data)) != KindUnknown {
		return nil, false // checkKind would say what the file is
	}
	spans, ok := splitAuthz(data)
	if !ok {
		return nil, false
	}
	pages := make([]*AuthzDetails, len(spans))
	var entries []authzEntry
	for i, sp := range spans {
		p := &AuthzDetails{}
		pages[i] = p
		if !decodeScalar(sp.isTruncated, &p.IsTruncated) || !decodeScalar(sp.marker, &p.Marker) {
			return nil, false
		}
		p.UserDetailList = makeList[UserDetail](sp.lists[listUsers])
		p.GroupDetailList = makeList[GroupDetail](sp.lists[listGroups])
		p.RoleDetailList = makeList[RoleDetail](sp.lists[listRoles])
		p.Policies = makeList[ManagedPolicyDetail](sp.lists[listPolicies])
		for l, list := range sp.lists {
			for j, raw := range list {
				entries = append(entries, authzEntry{page: p, list: l, index: j, raw: raw})
			}
		}
	}
	// No policy quota can be exceeded here: splitAuthz kept no more
	// policies than the smaller of the two quotas.
	if !decodeEntries(entries) {
		return nil, false
	}
	return pages, true
}

// authzEntry is one list entry of a page, still raw.
type authzEntry struct {
	page        *AuthzDetails
	list, index int
	raw         []byte
}

// decode decodes and normalises the entry into its place; false on any
// problem.
func (e authzEntry) decode() bool {
	var err *InputError
	switch i := e.index; e.list {
	case listUsers:
		u := &e.page.UserDetailList[i]
		if json.Unmarshal(e.raw, u) != nil {
			return false
		}
		err = normalizeUser(i, u)
	case listGroups:
		g := &e.page.GroupDetailList[i]
		if json.Unmarshal(e.raw, g) != nil {
			return false
		}
		err = normalizeGroup(i, g)
	case listRoles:
		r := &e.page.RoleDetailList[i]
		if json.Unmarshal(e.raw, r) != nil {
			return false
		}
		err = normalizeRole(i, r)
	default:
		mp := &e.page.Policies[i]
		if json.Unmarshal(e.raw, mp) != nil {
			return false
		}
		err = normalizePolicy(i, mp)
	}
	return err == nil
}

// decodeEntries decodes the entries in batches on every CPU; false when
// one fails.
func decodeEntries(entries []authzEntry) bool {
	const batch = 64
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), (len(entries)+batch-1)/batch) {
		wg.Go(func() {
			for !failed.Load() {
				start := int(next.Add(batch)) - batch
				if start >= len(entries) {
					return
				}
				for _, e := range entries[start:min(start+batch, len(entries))] {
					if !e.decode() {
						failed.Store(true)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	return !failed.Load()
}

// makeList allocates the decoded list of raw entries: nil for a list that
// is absent or null, empty (not nil) for [], as encoding/json leaves them.
func makeList[T any](raw [][]byte) []T {
	if raw == nil {
		return nil
	}
	return make([]T, len(raw))
}

// decodeScalar decodes a page's IsTruncated or Marker when present.
func decodeScalar(raw []byte, v any) bool {
	return raw == nil || json.Unmarshal(raw, v) == nil
}
