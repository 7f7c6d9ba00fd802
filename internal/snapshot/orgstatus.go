package snapshot

// OrgStatus is what a snapshot knows of one account's organisation. It is
// the one answer to "is this account in an organisation, and was that
// collected", shared by the rules and by the sandbox (which serves the
// Organizations API from it), so that scanning a snapshot and scanning it
// live through the sandbox agree.
type OrgStatus int

const (
	// OrgNotCollected: nothing is known (the organization input is missing
	// for the account, or recorded as a gap, and no organisation is known).
	OrgNotCollected OrgStatus = iota
	// OrgStandalone: collected, and the account is in no organisation.
	OrgStandalone
	// OrgDescribed: the account is in Snapshot.Organization, but the
	// organisation's accounts, OUs and SCPs were not listed from it (a
	// member account, or a listing that failed).
	OrgDescribed
	// OrgListed: the account is in Snapshot.Organization and the
	// organisation was listed (it is the management account or a delegated
	// administrator, or was collected with --org).
	OrgListed
)

// OrgStatus returns what the snapshot knows of the account's organisation.
func (s *Snapshot) OrgStatus(accountID string) OrgStatus {
	a := s.Account(accountID)
	if a == nil {
		return OrgNotCollected
	}
	collected := a.Has(InputOrganization) && len(s.GapsFor(accountID, InputOrganization)) == 0
	o := s.Organization
	if o == nil {
		if collected {
			return OrgStandalone
		}
		return OrgNotCollected
	}
	member := o.HasAccount(accountID)
	switch {
	case member && collected:
		return OrgListed
	case member || len(s.GapsFor(accountID, InputOrganization)) > 0:
		// DescribeOrganization answered (the organisation is known) but
		// the listing did not.
		return OrgDescribed
	}
	return OrgNotCollected
}

// OrganizationListed reports whether the snapshot holds its organisation's
// listing: accounts, OUs and SCPs, collected without a gap from an account
// of the organisation.
func (s *Snapshot) OrganizationListed() bool {
	if s.Organization == nil {
		return false
	}
	for _, a := range s.Accounts {
		if s.OrgStatus(a.ID) == OrgListed {
			return true
		}
	}
	return false
}

// HasAccount reports whether the organisation lists the account (the
// management account always counts).
func (o *Organization) HasAccount(accountID string) bool {
	if o == nil {
		return false
	}
	if o.ManagementAccount == accountID {
		return true
	}
	for _, m := range o.Accounts {
		if m.ID == accountID {
			return true
		}
	}
	return false
}
