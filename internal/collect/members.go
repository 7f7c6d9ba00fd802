package collect

import (
	"fmt"
	"slices"

	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/wording"
)

// NotMemberError is returned when --accounts names accounts that are not
// members of the organisation as listed: a typo or the wrong organisation,
// the caller's to fix (nothing was collected).
type NotMemberError struct {
	Accounts []string // requested, not members
	Members  []string // the organisation's accounts, sorted
}

func (e *NotMemberError) Error() string {
	verb := "is not a member"
	if len(e.Accounts) > 1 {
		verb = "are not members"
	}
	return fmt.Sprintf("--accounts %s %s of the organisation; its %s: %s",
		wording.And(e.Accounts), verb, wording.Count(len(e.Members), "account"), wording.Capped(e.Members, 20))
}

// checkRequested refuses --accounts IDs that the organisation listing does
// not hold. A listing that failed is no evidence: those IDs become gaps
// (selectAccounts), as do members that are not ACTIVE.
func checkRequested(org *snapshot.Organization, o *Options) error {
	if org == nil || len(org.Accounts) == 0 || len(o.Accounts) == 0 {
		return nil
	}
	var members []string
	for _, a := range org.Accounts {
		members = append(members, a.ID)
	}
	slices.Sort(members)
	var missing []string
	for _, id := range o.Accounts {
		if _, found := slices.BinarySearch(members, id); !found && !slices.Contains(missing, id) {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return &NotMemberError{Accounts: missing, Members: members}
	}
	return nil
}
