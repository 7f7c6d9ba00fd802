package snapshot

import (
	"path"
	"strings"
)

// InputSpec declares one snapshot input: where its data comes from. It is
// the one place that knows an input's AWS actions, offline file names and
// export commands; the importer, the live collector (internal/collect), the
// sandbox (internal/sandbox), `iamspect export-commands`, UNKNOWN messages
// and the documentation (docs/permissions.md, docs/import.md) are derived
// from it or tested against it. Adding an input = one entry in inputSpecs,
// a collector task, a sandbox handler per action, and an importer decoder if
// it has a file; the registry tests of each package fail until all exist.
type InputSpec struct {
	Input Input
	// APIs lists every AWS action a live collection may call for the input,
	// the main one first (it names the input in gaps and UNKNOWN messages).
	APIs []string
	// Files are the names (a '*' matches one or more characters, for pages)
	// of the files a `--from DIR` folder provides the input in, the main one
	// first. None: only a live scan collects the input.
	Files []string
	// Flag is the scan flag that reads one such file directly, if any.
	Flag string
	// Export are the read-only AWS CLI commands that write Files, in order.
	Export []ExportCommand
}

// ExportCommand is one read-only AWS CLI command of `iamspect
// export-commands`. File is the file it writes, "" for a command that
// writes nothing (it prepares the credential report).
type ExportCommand struct {
	File        string
	Command     string
	Description string
}

// inputSpecs is the registry, in collection order: an input's data is
// applied to the account after those before it (role_details fills in
// roles that authorization_details created).
var inputSpecs = []InputSpec{
	{Input: InputAuthorizationDetails,
		APIs:  []string{"iam:GetAccountAuthorizationDetails"},
		Files: []string{"authz-details.json", "authz-details-*.json"}, Flag: "--authz-details",
		Export: []ExportCommand{{File: "authz-details.json",
			Command:     "aws iam get-account-authorization-details --output json > authz-details.json",
			Description: "Users, groups, roles, managed policies and every policy document (the CLI fetches all pages)."}}},
	{Input: InputRoleDetails,
		APIs:  []string{"iam:ListRoles"},
		Files: []string{"roles.json"},
		Export: []ExportCommand{{File: "roles.json",
			Command:     "aws iam list-roles --output json > roles.json",
			Description: "Each role's maximum session duration and description, which the authorization details leave out."}}},
	{Input: InputCredentialReport,
		APIs:  []string{"iam:GetCredentialReport", "iam:GenerateCredentialReport"},
		Files: []string{"credential-report.json", "credential-report.csv"}, Flag: "--credential-report",
		Export: []ExportCommand{
			{Command: `for i in $(seq 30); do [ "$(aws iam generate-credential-report --query State --output text)" = COMPLETE ] && break; sleep 2; done`,
				Description: "Asks AWS to (re)build the credential report and waits up to a minute until it is ready; it writes no file."},
			{File: "credential-report.json",
				Command:     "aws iam get-credential-report --output json > credential-report.json",
				Description: "Passwords, MFA, access keys and certificates of every user and of the root user."}}},
	{Input: InputPasswordPolicy,
		APIs:  []string{"iam:GetAccountPasswordPolicy"},
		Files: []string{"password-policy.json"},
		Export: []ExportCommand{{File: "password-policy.json",
			Command:     "aws iam get-account-password-policy --output json > password-policy.json 2>&1 || true",
			Description: "The account password policy; when none is set the file holds the NoSuchEntity error, which means \"no policy\"."}}},
	{Input: InputAccountSummary,
		APIs:  []string{"iam:GetAccountSummary"},
		Files: []string{"account-summary.json"},
		Export: []ExportCommand{{File: "account-summary.json",
			Command:     "aws iam get-account-summary --output json > account-summary.json",
			Description: "Entity counts and quotas, including whether the root user has MFA and access keys."}}},
	{Input: InputVirtualMFADevices,
		APIs:  []string{"iam:ListVirtualMFADevices"},
		Files: []string{"virtual-mfa-devices.json"},
		Export: []ExportCommand{{File: "virtual-mfa-devices.json",
			Command:     "aws iam list-virtual-mfa-devices --output json > virtual-mfa-devices.json",
			Description: "Virtual MFA devices and who holds them, to tell virtual from hardware MFA."}}},
	{Input: InputOIDCProviders,
		APIs:  []string{"iam:ListOpenIDConnectProviders", "iam:GetOpenIDConnectProvider"},
		Files: []string{"oidc-providers.json", "oidc-provider-*.json"},
		Export: []ExportCommand{
			{File: "oidc-providers.json",
				Command:     "aws iam list-open-id-connect-providers --output json > oidc-providers.json",
				Description: "The ARNs of the OpenID Connect identity providers."},
			{File: "oidc-provider-*.json",
				Command: `for arn in $(aws iam list-open-id-connect-providers --query 'OpenIDConnectProviderList[].Arn' --output text); do ` +
					`aws iam get-open-id-connect-provider --open-id-connect-provider-arn "$arn" --output json > "oidc-provider-${arn##*/}.json"; done`,
				Description: "Each OIDC provider's URL, audiences (client IDs), thumbprints and tags."}}},
	{Input: InputSAMLProviders,
		APIs:  []string{"iam:ListSAMLProviders"},
		Files: []string{"saml-providers.json"},
		Export: []ExportCommand{{File: "saml-providers.json",
			Command:     "aws iam list-saml-providers --output json > saml-providers.json",
			Description: "The SAML identity providers and when their metadata expires."}}},
	{Input: InputServerCertificates,
		APIs:  []string{"iam:ListServerCertificates"},
		Files: []string{"server-certificates.json"},
		Export: []ExportCommand{{File: "server-certificates.json",
			Command:     "aws iam list-server-certificates --output json > server-certificates.json",
			Description: "IAM server certificates and their expiry dates."}}},
	{Input: InputAccountAliases,
		APIs:  []string{"iam:ListAccountAliases"},
		Files: []string{"account-aliases.json"},
		Export: []ExportCommand{{File: "account-aliases.json",
			Command:     "aws iam list-account-aliases --output json > account-aliases.json",
			Description: "The account alias, used to name the account in reports."}}},
	{Input: InputOrganizationsFeatures,
		APIs: []string{"iam:ListOrganizationsFeatures"}},
	{Input: InputIdentityCenter,
		APIs: []string{"sso:ListInstances", "sso:ListPermissionSets", "sso:DescribePermissionSet",
			"sso:ListManagedPoliciesInPermissionSet", "sso:ListCustomerManagedPolicyReferencesInPermissionSet",
			"sso:GetInlinePolicyForPermissionSet", "sso:GetPermissionsBoundaryForPermissionSet",
			"sso:ListAccountsForProvisionedPermissionSet", "sso:ListAccountAssignments",
			"identitystore:ListUsers", "identitystore:ListGroups", "identitystore:ListGroupMemberships"}},
	{Input: InputAccessAnalyzer,
		APIs: []string{"access-analyzer:ListAnalyzers", "account:ListRegions"}},
	// Collected after the inputs above: the users to ask about are chosen
	// from the credential report and the authorization details.
	{Input: InputServiceCredentials,
		APIs: []string{"iam:ListServiceSpecificCredentials"}},
	{Input: InputSSHKeys,
		APIs: []string{"iam:ListSSHPublicKeys"}},
	// Collected once per snapshot, by the management account.
	{Input: InputOrganization,
		APIs: []string{"organizations:DescribeOrganization", "organizations:ListRoots", "organizations:ListAccounts",
			"organizations:ListAccountsForParent", "organizations:ListOrganizationalUnitsForParent",
			"organizations:ListPolicies", "organizations:DescribePolicy", "organizations:ListTargetsForPolicy"}},
}

var specByInput = func() map[Input]*InputSpec {
	m := make(map[Input]*InputSpec, len(inputSpecs))
	for i := range inputSpecs {
		m[inputSpecs[i].Input] = &inputSpecs[i]
	}
	return m
}()

// Inputs returns every input of the registry, in collection order.
func Inputs() []Input {
	out := make([]Input, len(inputSpecs))
	for i, s := range inputSpecs {
		out[i] = s.Input
	}
	return out
}

// Spec returns the registry entry of an input (a copy), and whether there
// is one.
func (in Input) Spec() (InputSpec, bool) {
	s, ok := specByInput[in]
	if !ok {
		return InputSpec{}, false
	}
	return *s, true
}

// Specs returns the registry (copies), in collection order.
func Specs() []InputSpec { return append([]InputSpec(nil), inputSpecs...) }

// Known reports whether the input is in the registry.
func (in Input) Known() bool { _, ok := specByInput[in]; return ok }

// API returns the main AWS action that provides the input ("" if unknown).
func (in Input) API() string {
	if s := specByInput[in]; s != nil && len(s.APIs) > 0 {
		return s.APIs[0]
	}
	return ""
}

// File returns how an offline import provides the input ("--authz-details
// FILE or authz-details.json"), or "" if it cannot.
func (in Input) File() string {
	s := specByInput[in]
	if s == nil || len(s.Files) == 0 {
		return ""
	}
	if s.Flag != "" {
		return s.Flag + " FILE or " + s.Files[0]
	}
	return s.Files[0]
}

// InputForFile returns the input whose Files match a file name of a --from
// folder (case-insensitively), and whether one does.
func InputForFile(name string) (Input, bool) {
	lower := strings.ToLower(name)
	for _, s := range inputSpecs {
		for _, pat := range s.Files {
			if MatchFileName(pat, lower) {
				return s.Input, true
			}
		}
	}
	return "", false
}

// MatchFileName matches a registry file name pattern: a '*' stands for one
// or more characters (page numbers, provider names), never none.
func MatchFileName(pattern, name string) bool {
	if !strings.Contains(pattern, "*") {
		return pattern == name
	}
	ok, err := path.Match(pattern, name)
	return err == nil && ok && len(name) > len(pattern)-1
}

// ExportCommands lists, in order, the AWS CLI commands that write a --from
// folder (run them inside the folder).
func ExportCommands() []ExportCommand {
	var out []ExportCommand
	for _, s := range inputSpecs {
		out = append(out, s.Export...)
	}
	return out
}

// AllAPIs returns every action of every input, in registry order, once each.
func AllAPIs() []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range inputSpecs {
		for _, a := range s.APIs {
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	return out
}
