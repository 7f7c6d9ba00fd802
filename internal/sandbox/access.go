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
func inputFor(c *call) (snapshot.Input, bool) {
	switch c.service {
	case svcSSO, svcIdentityStore:
		return snapshot.InputIdentityCenter, true
	case svcOrganizations:
		return snapshot.InputOrganization, true
	}
	in, ok := apiInputs[c.key()]
	return in, ok
}

// authorize applies Options.Deny and the snapshot's gaps.
func (s *Server) authorize(c *call) *apiError {
	if s.denied(c.key()) {
		return c.accessDenied(c.notAuthorized("*"))
	}
	in, ok := inputFor(c)
	if !ok {
		return nil
	}
	if gaps := s.snap.GapsFor(c.acct.ID, in); len(gaps) > 0 {
		msg := gaps[0].Reason
		if msg == "" {
			msg = c.notAuthorized("*")
		}
		return c.accessDenied(msg)
	}
	// The organisation is snapshot-wide: its absence is answered by the
	// Organizations handlers (AWSOrganizationsNotInUseException).
	if in != snapshot.InputOrganization && !c.acct.Has(in) {
		return c.accessDenied(c.notAuthorized("*"))
	}
	return nil
}
