package sandbox

import (
	"github.com/iamspect/iamspect/internal/snapshot"
)

// apiInputs maps each served action to the snapshot input it provides,
// from the input registry (snapshot.Specs). An action whose input the served
// account lacks (not collected, or recorded as a gap) is answered with
// AccessDenied, so that collecting from the sandbox gives back the same gaps.
var apiInputs = func() map[string]snapshot.Input {
	m := map[string]snapshot.Input{}
	for _, s := range snapshot.Specs() {
		for _, a := range s.APIs {
			m[a] = s.Input
		}
	}
	return m
}()

// inputFor returns the input an action provides, if any.
func inputFor(c *call) (snapshot.Input, bool) { return gateOf(c.service, c.action) }

// gateOf returns the input without which a service's action is
// AccessDenied, if any.
func gateOf(service, action string) (snapshot.Input, bool) {
	switch service {
	case svcSSO, svcIdentityStore:
		return snapshot.InputIdentityCenter, true
	case svcOrganizations:
		return snapshot.InputOrganization, true
	}
	if in, ok := apiInputs[service+":"+action]; ok {
		return in, true
	}
	if service == svcIAM {
		if r, ok := entityReads[action]; ok {
			return r.input, true
		}
		if isWrite(service, action) {
			// A write is answered only for what the account's snapshot holds.
			return snapshot.InputAuthorizationDetails, true
		}
	}
	return "", false
}

// authorize applies Options.Deny and the snapshot's gaps: an action whose
// input the served account did not collect — not in its collected list, or
// recorded as a gap — is answered with AccessDenied (the gap's reason as
// the message), never with a fact the snapshot does not hold.
func (s *Server) authorize(c *call) *apiError {
	if s.denied(c.key()) {
		return c.accessDenied(c.notAuthorized("*"))
	}
	in, ok := inputFor(c)
	if !ok {
		return nil
	}
	c.input = in
	if in == snapshot.InputOrganization {
		return s.authorizeOrg(c)
	}
	if len(s.snap.GapsFor(c.acct.ID, in)) > 0 || !c.acct.Has(in) {
		return s.gapDenied(c, in)
	}
	return nil
}

// authorizeOrg answers the Organizations actions from Snapshot.OrgStatus,
// the rules' own source of truth: an account known to be in no
// organisation gets AWSOrganizationsNotInUseException (from the
// handlers), a member whose organisation was described but not listed may
// only call DescribeOrganization, and an account whose organisation was
// not collected gets AccessDenied.
func (s *Server) authorizeOrg(c *call) *apiError {
	switch s.snap.OrgStatus(c.acct.ID) {
	case snapshot.OrgStandalone, snapshot.OrgListed:
		return nil
	case snapshot.OrgDescribed:
		if c.action == "DescribeOrganization" {
			return nil
		}
	}
	return s.gapDenied(c, snapshot.InputOrganization)
}

// gapDenied is AccessDenied for an input the served account lacks, with
// the gap's reason when the snapshot records one.
func (s *Server) gapDenied(c *call, in snapshot.Input) *apiError {
	msg := c.notAuthorized("*")
	if gaps := s.snap.GapsFor(c.acct.ID, in); len(gaps) > 0 && gaps[0].Reason != "" {
		msg = gaps[0].Reason
	}
	return c.accessDenied(msg)
}
