package rules

import (
	"slices"
	"strings"
)

// Catalog returns every rule, sorted by ID. It is an explicit list so that
// the whole catalogue is visible in one place.
func Catalog() []*Rule {
	all := []*Rule{
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
	slices.SortFunc(all, func(a, b *Rule) int { return strings.Compare(a.ID, b.ID) })
	return all
}

// ByID finds a rule in the catalogue.
func ByID(id string) *Rule {
	for _, r := range Catalog() {
		if r.ID == id {
			return r
		}
	}
	return nil
}
