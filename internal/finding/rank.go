package finding

import (
	"cmp"
	"slices"
	"strings"
)

// Reach is how far a failing result's problem extends beyond its own
// resource, read from its evidence. It ranks findings of one severity
// (Rank, iamspect's --top) and is documented in docs/output.md.
type Reach int

const (
	// ReachResource: the problem is the resource's own.
	ReachResource Reach = iota
	// ReachAdmin: whoever holds the resource holds an administrator of the
	// account: the root user, or a principal allowed every action
	// (evidence actions "*").
	ReachAdmin
	// ReachAnyone: anyone can use it: a role any principal may assume
	// (evidence principals "*").
	ReachAnyone
)

// Reach reads the result's reach from its type and evidence.
func (r Result) Reach() Reach {
	e := r.Evidence
	switch {
	case e != nil && slices.Contains(e.Principals, "*"):
		return ReachAnyone
	case r.ResourceType == TypeRoot, e != nil && slices.Contains(e.Actions, "*"):
		return ReachAdmin
	}
	return ReachResource
}

// Breadth is how many other principals the result names as affected (who
// can assume a role, who could be empowered, who is raised); "*" is not
// counted, it is Reach's.
func (r Result) Breadth() int {
	if r.Evidence == nil {
		return 0
	}
	n := 0
	for _, p := range r.Evidence.Principals {
		if p != "*" {
			n++
		}
	}
	// A list cut to MaxEvidencePrincipals counts all it held.
	return max(n, r.Evidence.PrincipalsTotal)
}

// Rank orders results most important first: status as Sort does (FAIL
// first), then severity, then reach (anyone can assume, then administrator
// reach), then breadth (more principals affected first), then Sort's
// stable order of rule, account and resource.
func Rank(rs []Result) {
	slices.SortStableFunc(rs, compareImportance)
}

func compareImportance(a, b Result) int {
	return cmp.Or(
		cmp.Compare(b.Status.Rank(), a.Status.Rank()),
		cmp.Compare(b.Severity.Rank(), a.Severity.Rank()),
		cmp.Compare(b.Reach(), a.Reach()),
		cmp.Compare(b.Breadth(), a.Breadth()),
		strings.Compare(a.RuleID, b.RuleID),
		strings.Compare(a.AccountID, b.AccountID),
		strings.Compare(a.ResourceARN, b.ResourceARN),
	)
}
