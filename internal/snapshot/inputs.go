package snapshot

import "slices"

// Input names one kind of collected data. An account lists the inputs it
// has in Account.Collected; a rule that needs a missing input answers UNKNOWN.
type Input string

// The inputs a snapshot can hold.
const (
	InputAuthorizationDetails Input = "authorization_details"
	InputCredentialReport     Input = "credential_report"
	// InputRoleDetails is what ListRoles adds to the authorization details:
	// each role's maximum session duration and description.
	InputRoleDetails           Input = "role_details"
	InputPasswordPolicy        Input = "password_policy"
	InputAccountSummary        Input = "account_summary"
	InputVirtualMFADevices     Input = "virtual_mfa_devices"
	InputOIDCProviders         Input = "oidc_providers"
	InputSAMLProviders         Input = "saml_providers"
	InputServerCertificates    Input = "server_certificates"
	InputAccountAliases        Input = "account_aliases"
	InputSSHKeys               Input = "ssh_keys"
	InputServiceCredentials    Input = "service_specific_credentials"
	InputOrganizationsFeatures Input = "organizations_features"
	InputIdentityCenter        Input = "identity_center"
	InputAccessAnalyzer        Input = "access_analyzer"
	InputOrganization          Input = "organization"
)

// Describe says how to provide the input, for UNKNOWN messages: the API a
// live scan calls and the file an offline import reads, or that only a live
// scan can collect it.
func (in Input) Describe() string {
	s := string(in) + " (" + in.API()
	if f := in.File(); f != "" {
		s += "; offline: " + f
	} else {
		s += "; collected by live scans only"
	}
	return s + ")"
}

// Has reports whether the account's snapshot holds the input.
func (a *Account) Has(in Input) bool { return slices.Contains(a.Collected, in) }

// MarkCollected records that the input was collected (idempotent, sorted).
func (a *Account) MarkCollected(in Input) {
	if a.Has(in) {
		return
	}
	a.Collected = append(a.Collected, in)
	slices.Sort(a.Collected)
}

// Missing returns the inputs among need that the account lacks.
func (a *Account) Missing(need ...Input) []Input {
	var out []Input
	for _, in := range need {
		if !a.Has(in) {
			out = append(out, in)
		}
	}
	return out
}

// GapsFor returns the snapshot's gaps for one account and input.
func (s *Snapshot) GapsFor(accountID string, in Input) []Gap {
	var out []Gap
	for _, g := range s.Gaps {
		if g.Input == in && (g.AccountID == "" || g.AccountID == accountID) {
			out = append(out, g)
		}
	}
	return out
}
