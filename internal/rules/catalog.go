package rules

import (
	"slices"
	"strings"
	"sync"
)

// catalogue is the one list of rules, sorted by ID and indexed, built once.
// Callers get copies (Catalog, ByID), so none can change a rule's severity
// or mappings for the rest of the process.
var catalogue = sync.OnceValues(func() ([]Rule, map[string]int) {
	all := allRules()
	sorted := make([]Rule, len(all))
	for i, r := range all {
		sorted[i] = r.clone()
	}
	slices.SortFunc(sorted, func(a, b Rule) int { return strings.Compare(a.ID, b.ID) })
	index := make(map[string]int, len(sorted))
	for i, r := range sorted {
		index[r.ID] = i
	}
	return sorted, index
})

// Catalog returns a copy of every rule, sorted by ID.
func Catalog() []*Rule {
	rs, _ := catalogue()
	out := make([]*Rule, len(rs))
	for i := range rs {
		c := rs[i].clone()
		out[i] = &c
	}
	return out
}

// ByID returns a copy of the rule with the ID, or nil.
func ByID(id string) *Rule {
	rs, index := catalogue()
	i, ok := index[id]
	if !ok {
		return nil
	}
	c := rs[i].clone()
	return &c
}

// clone copies a rule deeply enough that changing the copy's maps and
// slices leaves the original alone.
func (r *Rule) clone() Rule {
	c := *r
	c.References = slices.Clone(r.References)
	c.Needs = slices.Clone(r.Needs)
	c.NeedsAny = slices.Clone(r.NeedsAny)
	c.Covers = Covers{Users: slices.Clone(r.Covers.Users), Roles: slices.Clone(r.Covers.Roles)}
	if r.Frameworks != nil {
		c.Frameworks = make(map[Framework][]string, len(r.Frameworks))
		for fw, cs := range r.Frameworks {
			c.Frameworks[fw] = slices.Clone(cs)
		}
	}
	return c
}

// allRules is the explicit list of rules, so the whole catalogue is
// visible in one place. Order does not matter: Catalog sorts by ID.
func allRules() []*Rule {
	return []*Rule{
		&AccessKeyNotRotated,
		&AccessKeyUnused,
		&RootAccessKeys,
		&RootMFADisabled,
		&UserConsoleWithoutMFA,
		&UserPasswordAndAccessKeys,
		&UserUnnecessary,
		&AccessAnalyzerDisabled,
		&AccessKeyCreatedAtSetup,
		&AdminAssignmentBroad,
		&ConsolePasswordUnused,
		&FederationNotConfigured,
		&GroupInlinePolicies,
		&GroupUnused,
		&IdentityCenterNotEnabled,
		&OIDCProviderUnused,
		&OrgIAMUsersInMembers,
		&OrgNoIAMUserGuardrail,
		&OrgRootNotCentralized,
		&PasswordPolicyComplexity,
		&PasswordPolicyExpiry,
		&PasswordPolicyMinLength,
		&PasswordPolicyMissing,
		&PasswordPolicyReuse,
		&PermissionSetSessionLong,
		&PrivilegeEscalation,
		&PrincipalCanGrantPermissions,
		&RootNoHardwareMFA,
		&RootRecentlyUsed,
		&RootSigningCertificates,
		&SAMLProviderExpiring,
		&SSHKeyNotRotated,
		&ServerCertificateExpired,
		&SigningCertificateActive,
		&SupportRoleMissing,
		&UserDirectPolicies,
		&UserInactive,
		&UserMultipleActiveKeys,
		&UserNoHardwareMFA,
		&UserWithoutMFA,
		&PolicyAdminAttached,
		&PrincipalAdminAccess,
		&PolicyServiceWildcard,
		&PolicyAllowNotAction,
		&PolicyPassRoleWildcard,
		&PolicyAssumeRoleWildcard,
		&PolicyCloudShellFullAccess,
		&PolicyUnattachedAdmin,
		&PolicyInvalid,
		&RoleTrustAnyPrincipal,
		&RoleTrustOIDCUnscoped,
		&RoleTrustOIDCBroad,
		&RoleTrustOIDCMissingAudience,
		&RoleTrustConditionNeverMatches,
		&RoleTrustCrossAccountNoExternalID,
		&RoleTrustUnknownAccount,
		&RoleTrustSAMLMissingAudience,
		&RoleTrustServiceConfusedDeputy,
		&RoleUnused,
		&RoleSessionDurationLong,
	}
}
