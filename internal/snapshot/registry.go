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
			Command:     "save authz-details.json iam get-account-authorization-details",
			Description: "Users, groups, roles, managed policies and every policy document (the CLI fetches all pages)."}}},
	{Input: InputRoleDetails,
		APIs:  []string{"iam:ListRoles"},
		Files: []string{"roles.json"},
		Export: []ExportCommand{{File: "roles.json",
			Command:     "save roles.json iam list-roles",
			Description: "Each role's maximum session duration and description, which the authorization details leave out."}}},
	{Input: InputCredentialReport,
		APIs:  []string{"iam:GetCredentialReport", "iam:GenerateCredentialReport"},
		Files: []string{"credential-report.json", "credential-report.csv"}, Flag: "--credential-report",
		Export: []ExportCommand{
			{Command: "tries=0\n" +
				"while :; do\n" +
				"  state=$(value iam generate-credential-report --query State)\n" +
				"  [ \"$state\" = COMPLETE ] && break\n" +
				"  tries=$((tries + 1))\n" +
				"  [ \"$tries\" -lt 30 ] || fail \"iam generate-credential-report: the report is still $state after a minute; run the script again later\"\n" +
				"  sleep 2\n" +
				"done",
				Description: "Asks AWS to (re)build the credential report and waits up to a minute until it is COMPLETE (get-credential-report answers ReportInProgress before); it writes no file."},
			{File: "credential-report.json",
				Command:     "save credential-report.json iam get-credential-report",
				Description: "Passwords, MFA, access keys and certificates of every user and of the root user."}}},
	{Input: InputPasswordPolicy,
		APIs:  []string{"iam:GetAccountPasswordPolicy"},
		Files: []string{"password-policy.json"},
		Export: []ExportCommand{{File: "password-policy.json",
			Command:     "save_unless NoSuchEntity password-policy.json iam get-account-password-policy",
			Description: "The account password policy; when none is set the file holds the NoSuchEntity error, which means \"no policy\"."}}},
	{Input: InputAccountSummary,
		APIs:  []string{"iam:GetAccountSummary"},
		Files: []string{"account-summary.json"},
		Export: []ExportCommand{{File: "account-summary.json",
			Command:     "save account-summary.json iam get-account-summary",
			Description: "Entity counts and quotas, including whether the root user has MFA and access keys."}}},
	{Input: InputVirtualMFADevices,
		APIs:  []string{"iam:ListVirtualMFADevices"},
		Files: []string{"virtual-mfa-devices.json"},
		Export: []ExportCommand{{File: "virtual-mfa-devices.json",
			Command:     "save virtual-mfa-devices.json iam list-virtual-mfa-devices",
			Description: "Virtual MFA devices and who holds them, to tell virtual from hardware MFA."}}},
	{Input: InputOIDCProviders,
		APIs:  []string{"iam:ListOpenIDConnectProviders", "iam:GetOpenIDConnectProvider"},
		Files: []string{"oidc-providers.json", "oidc-provider-*.json"},
		Export: []ExportCommand{
			{File: "oidc-providers.json",
				Command:     "save oidc-providers.json iam list-open-id-connect-providers",
				Description: "The ARNs of the OpenID Connect identity providers."},
			{File: "oidc-provider-*.json",
				Command: "arns=$(value iam list-open-id-connect-providers --query 'OpenIDConnectProviderList[].Arn')\n" +
					"for arn in $arns; do\n" +
					"  save \"oidc-provider-${arn##*/}.json\" iam get-open-id-connect-provider --open-id-connect-provider-arn \"$arn\"\n" +
					"done",
				Description: "Each OIDC provider's URL, audiences (client IDs), thumbprints and tags."}}},
	{Input: InputSAMLProviders,
		APIs:  []string{"iam:ListSAMLProviders"},
		Files: []string{"saml-providers.json"},
		Export: []ExportCommand{{File: "saml-providers.json",
			Command:     "save saml-providers.json iam list-saml-providers",
			Description: "The SAML identity providers and when their metadata expires."}}},
	{Input: InputServerCertificates,
		APIs:  []string{"iam:ListServerCertificates"},
		Files: []string{"server-certificates.json"},
		Export: []ExportCommand{{File: "server-certificates.json",
			Command:     "save server-certificates.json iam list-server-certificates",
			Description: "IAM server certificates and their expiry dates."}}},
	{Input: InputAccountAliases,
		APIs:  []string{"iam:ListAccountAliases"},
		Files: []string{"account-aliases.json"},
		Export: []ExportCommand{{File: "account-aliases.json",
			Command:     "save account-aliases.json iam list-account-aliases",
			Description: "The account alias, used to name the account in reports."}}},
	{Input: InputOrganizationsFeatures,
		APIs:  []string{"iam:ListOrganizationsFeatures"},
		Files: []string{"organizations-features.json"},
		Export: []ExportCommand{{File: "organizations-features.json",
			Command: "save_unless 'OrganizationNotFoundException ServiceAccessNotEnabledException AccessDenied' " +
				"organizations-features.json iam list-organizations-features",
			Description: "The centralised root access features; outside an organisation, or without IAM's trusted access, the file holds the error that means \"none\" (a member account's AccessDenied leaves them unknown)."}}},
	{Input: InputIdentityCenter,
		APIs: []string{"sso:ListInstances", "sso:ListPermissionSets", "sso:DescribePermissionSet",
			"sso:ListManagedPoliciesInPermissionSet", "sso:ListCustomerManagedPolicyReferencesInPermissionSet",
			"sso:GetInlinePolicyForPermissionSet", "sso:GetPermissionsBoundaryForPermissionSet",
			"sso:ListAccountsForProvisionedPermissionSet", "sso:ListAccountAssignments",
			"identitystore:ListUsers", "identitystore:ListGroups", "identitystore:ListGroupMemberships"},
		Files: []string{"sso-instances.json", "sso-permission-sets-*.json", "sso-permission-set-*.json",
			"sso-managed-policies-*.json", "sso-customer-managed-policies-*.json", "sso-inline-policy-*.json",
			"sso-permissions-boundary-*.json", "sso-provisioned-accounts-*.json", "sso-account-assignments-*.json",
			"identitystore-users-*.json", "identitystore-groups-*.json", "identitystore-group-memberships-*.json"},
		Export: []ExportCommand{
			{File: "sso-instances.json",
				Command:     "sso save sso-instances.json sso-admin list-instances",
				Description: "IAM Identity Center instances visible from the account (in IAMSPECT_SSO_REGION when set)."},
			{File: "sso-permission-sets-*.json",
				Command: "instances=$(sso value sso-admin list-instances --query 'Instances[].InstanceArn')\n" +
					"for inst in $instances; do\n" +
					"  sso save \"sso-permission-sets-${inst##*/}.json\" sso-admin list-permission-sets --instance-arn \"$inst\"\n" +
					"  sets=$(sso value sso-admin list-permission-sets --instance-arn \"$inst\" --query 'PermissionSets[]')\n" +
					"  for ps in $sets; do\n" +
					"    id=${ps##*/}\n" +
					"    sso save \"sso-permission-set-$id.json\" sso-admin describe-permission-set --instance-arn \"$inst\" --permission-set-arn \"$ps\"\n" +
					"    sso save \"sso-managed-policies-$id.json\" sso-admin list-managed-policies-in-permission-set --instance-arn \"$inst\" --permission-set-arn \"$ps\"\n" +
					"    sso save \"sso-customer-managed-policies-$id.json\" sso-admin list-customer-managed-policy-references-in-permission-set --instance-arn \"$inst\" --permission-set-arn \"$ps\"\n" +
					"    sso save \"sso-inline-policy-$id.json\" sso-admin get-inline-policy-for-permission-set --instance-arn \"$inst\" --permission-set-arn \"$ps\"\n" +
					"    sso save_unless ResourceNotFoundException \"sso-permissions-boundary-$id.json\" sso-admin get-permissions-boundary-for-permission-set --instance-arn \"$inst\" --permission-set-arn \"$ps\"\n" +
					"    sso save \"sso-provisioned-accounts-$id.json\" sso-admin list-accounts-for-provisioned-permission-set --instance-arn \"$inst\" --permission-set-arn \"$ps\"\n" +
					"    accounts=$(sso value sso-admin list-accounts-for-provisioned-permission-set --instance-arn \"$inst\" --permission-set-arn \"$ps\" --query 'AccountIds[]')\n" +
					"    for acct in $accounts; do\n" +
					"      sso save \"sso-account-assignments-$id-$acct.json\" sso-admin list-account-assignments --instance-arn \"$inst\" --permission-set-arn \"$ps\" --account-id \"$acct\"\n" +
					"    done\n" +
					"  done\n" +
					"done",
				Description: "Each permission set: its description and session duration, managed, customer managed and inline policies, permissions boundary (the file holds ResourceNotFoundException when there is none), and who is assigned it in which account."},
			{File: "identitystore-users-*.json",
				Command: "stores=$(sso value sso-admin list-instances --query 'Instances[].IdentityStoreId')\n" +
					"for store in $stores; do\n" +
					"  sso save \"identitystore-users-$store.json\" identitystore list-users --identity-store-id \"$store\"\n" +
					"  sso save \"identitystore-groups-$store.json\" identitystore list-groups --identity-store-id \"$store\"\n" +
					"  groups=$(sso value identitystore list-groups --identity-store-id \"$store\" --query 'Groups[].GroupId')\n" +
					"  for group in $groups; do\n" +
					"    sso save \"identitystore-group-memberships-$group.json\" identitystore list-group-memberships --identity-store-id \"$store\" --group-id \"$group\"\n" +
					"  done\n" +
					"done",
				Description: "The identity store's users and groups, and each group's members."}}},
	{Input: InputAccessAnalyzer,
		APIs:  []string{"access-analyzer:ListAnalyzers", "account:ListRegions"},
		Files: []string{"regions.json", "access-analyzers-*.json"},
		Export: []ExportCommand{
			{File: "regions.json",
				Command: "if [ -n \"${IAMSPECT_REGIONS:-}\" ]; then regions=$IAMSPECT_REGIONS; else\n" +
					"  save regions.json account list-regions --region-opt-status-contains ENABLED ENABLED_BY_DEFAULT\n" +
					"  regions=$(value account list-regions --region-opt-status-contains ENABLED ENABLED_BY_DEFAULT --query 'Regions[].RegionName')\n" +
					"fi",
				Description: "The regions enabled for the account, where CIS asks for an analyzer (IAMSPECT_REGIONS=\"us-east-1 eu-west-1\" names them instead)."},
			{File: "access-analyzers-*.json",
				Command: "for region in $regions; do\n" +
					"  save \"access-analyzers-$region.json\" accessanalyzer list-analyzers --region \"$region\"\n" +
					"done",
				Description: "The IAM Access Analyzer analyzers of each region."}}},
	// Collected after the inputs above: the users to ask about are chosen
	// from the credential report and the authorization details.
	{Input: InputServiceCredentials,
		APIs:  []string{"iam:ListServiceSpecificCredentials"},
		Files: []string{"service-specific-credentials-*.json"},
		Export: []ExportCommand{{File: "service-specific-credentials-*.json",
			Command: "users=$(value iam get-account-authorization-details --filter User --query 'UserDetailList[].UserName')\n" +
				"for user in $users; do\n" +
				"  save \"service-specific-credentials-$user.json\" iam list-service-specific-credentials --user-name \"$user\"\n" +
				"done",
			Description: "Each user's service-specific credentials (CodeCommit Git credentials, Amazon Keyspaces, Bedrock API keys)."}}},
	{Input: InputSSHKeys,
		APIs:  []string{"iam:ListSSHPublicKeys"},
		Files: []string{"ssh-public-keys-*.json"},
		Export: []ExportCommand{{File: "ssh-public-keys-*.json",
			Command: "for user in $users; do\n" +
				"  save \"ssh-public-keys-$user.json\" iam list-ssh-public-keys --user-name \"$user\"\n" +
				"done",
			Description: "Each user's SSH public keys (CodeCommit), so that a user with no password and no access key is not taken for unused."}}},
	// Collected once per snapshot, by the management account.
	{Input: InputOrganization,
		APIs: []string{"organizations:DescribeOrganization", "organizations:ListRoots", "organizations:ListAccounts",
			"organizations:ListAccountsForParent", "organizations:ListOrganizationalUnitsForParent",
			"organizations:ListPolicies", "organizations:DescribePolicy", "organizations:ListTargetsForPolicy"},
		Files: []string{"organization.json", "organization-roots.json", "organization-accounts.json",
			"organization-children-ous-*.json", "organization-children-accounts-*.json",
			"organization-scps.json", "organization-scp-content-*.json", "organization-scp-targets-*.json"},
		Export: []ExportCommand{
			{File: "organization.json",
				Command:     "save_unless AWSOrganizationsNotInUseException organization.json organizations describe-organization",
				Description: "The organisation the account belongs to; outside one the file holds AWSOrganizationsNotInUseException."},
			{File: "organization-roots.json",
				Command: "join # organization.json is read next\n" +
					"if grep -q '\"MasterAccountId\"' organization.json; then\n" +
					"  management=$(value organizations describe-organization --query Organization.MasterAccountId)\n" +
					"  caller=$(value sts get-caller-identity --query Account)\n" +
					"fi\n" +
					"if [ -n \"${management:-}\" ] && [ \"$management\" != \"$caller\" ]; then\n" +
					"  note \"account $caller is a member of an organisation: its accounts, OUs and SCPs are listed by running this script in the management account $management\"\n" +
					"elif [ -n \"${management:-}\" ]; then\n" +
					"  save organization-roots.json organizations list-roots\n" +
					"  save organization-accounts.json organizations list-accounts\n" +
					"  parents=$(value organizations list-roots --query 'Roots[].Id')\n" +
					"  while [ -n \"$parents\" ]; do\n" +
					"    set -- $parents; parent=$1; shift; parents=$*\n" +
					"    save \"organization-children-ous-$parent.json\" organizations list-organizational-units-for-parent --parent-id \"$parent\"\n" +
					"    save \"organization-children-accounts-$parent.json\" organizations list-accounts-for-parent --parent-id \"$parent\"\n" +
					"    parents=\"$parents $(value organizations list-organizational-units-for-parent --parent-id \"$parent\" --query 'OrganizationalUnits[].Id')\"\n" +
					"    parents=${parents# }\n" +
					"  done\n" +
					"  save organization-scps.json organizations list-policies --filter SERVICE_CONTROL_POLICY\n" +
					"  scps=$(value organizations list-policies --filter SERVICE_CONTROL_POLICY --query 'Policies[].Id')\n" +
					"  for scp in $scps; do\n" +
					"    save \"organization-scp-content-$scp.json\" organizations describe-policy --policy-id \"$scp\"\n" +
					"    save \"organization-scp-targets-$scp.json\" organizations list-targets-for-policy --policy-id \"$scp\"\n" +
					"  done\n" +
					"fi",
				Description: "From the management account: roots, accounts, the OU tree walked from each root, and every SCP with its content and targets."}}},
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
