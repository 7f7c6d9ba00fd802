package rules

import (
	"github.com/iamspect/iamspect/internal/snapshot"
)

// orgIndex answers, in constant time, the organisation questions that
// rules ask per account or per trust grant: is an account a member, is it
// in the snapshot, and which regions does an organisation-wide analyzer
// cover. Asked by scanning lists, those made a 1,000-account scan cubic.
type orgIndex struct {
	members  map[string]bool
	accounts map[string]*snapshot.Account
	// orgAnalyzerRegions are the regions of the active external
	// ORGANIZATION analyzers kept in member accounts.
	orgAnalyzerRegions map[string]bool
	// icHolders are the accounts with Identity Center data, in snapshot
	// order; icAssignments counts each one's assignments per account.
	icHolders     []*snapshot.Account
	icAssignments map[*snapshot.Account]map[string]int
}

func newOrgIndex(s *snapshot.Snapshot) *orgIndex {
	x := &orgIndex{members: map[string]bool{}, accounts: make(map[string]*snapshot.Account, len(s.Accounts)),
		orgAnalyzerRegions: map[string]bool{}, icAssignments: map[*snapshot.Account]map[string]int{}}
	if o := s.Organization; o != nil {
		x.members[o.ManagementAccount] = true
		for _, m := range o.Accounts {
			x.members[m.ID] = true
		}
	}
	for _, a := range s.Accounts {
		if _, dup := x.accounts[a.ID]; !dup {
			x.accounts[a.ID] = a // the first, as Snapshot.Account finds it
		}
		if ic := a.IdentityCenter; ic != nil {
			x.icHolders = append(x.icHolders, a)
			counts := map[string]int{}
			for _, as := range ic.Assignments {
				counts[as.AccountID]++
			}
			x.icAssignments[a] = counts
		}
		if !x.members[a.ID] {
			continue
		}
		for _, z := range a.AccessAnalyzers {
			if z.Type == "ORGANIZATION" && isExternalAnalyzer(z) {
				x.orgAnalyzerRegions[z.Region] = true
			}
		}
	}
	return x
}

// member reports whether the account belongs to the snapshot's
// organisation (the management account included).
func (x *orgIndex) member(id string) bool { return x.members[id] }

// scanned reports whether the snapshot holds the account.
func (x *orgIndex) scanned(id string) bool { return x.accounts[id] != nil }

// org returns the organisation index of s, built once per scan (every time
// without a shared context).
func (c *Context) org(s *snapshot.Snapshot) *orgIndex {
	if c == nil || c.models == nil {
		return newOrgIndex(s)
	}
	mc := c.models
	mc.mu.Lock()
	defer mc.mu.Unlock()
	x, ok := mc.orgs[s]
	if !ok {
		x = newOrgIndex(s)
		mc.orgs[s] = x
	}
	return x
}
