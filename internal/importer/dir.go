package importer

import (
	"cmp"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// Command is one read-only AWS CLI command that writes a file of a --from
// folder. File is "" for a command that writes nothing (it prepares the
// credential report).
type Command struct {
	File        string
	Kind        Kind
	Input       snapshot.Input
	Command     string
	Description string
}

// Commands lists, in order, the AWS CLI commands that produce a folder for
// `iamspect import --from DIR` (run them inside the folder). All of them are
// allowed by the AWS managed policy SecurityAudit.
func Commands() []Command {
	return []Command{
		{File: "authz-details.json", Kind: KindAuthzDetails, Input: snapshot.InputAuthorizationDetails,
			Command:     "aws iam get-account-authorization-details --output json > authz-details.json",
			Description: "Users, groups, roles, managed policies and every policy document (the CLI fetches all pages)."},
		{Kind: KindCredentialReport, Input: snapshot.InputCredentialReport,
			Command:     `for i in $(seq 30); do [ "$(aws iam generate-credential-report --query State --output text)" = COMPLETE ] && break; sleep 2; done`,
			Description: "Asks AWS to (re)build the credential report and waits up to a minute until it is ready; it writes no file."},
		{File: "credential-report.json", Kind: KindCredentialReport, Input: snapshot.InputCredentialReport,
			Command:     "aws iam get-credential-report --output json > credential-report.json",
			Description: "Passwords, MFA, access keys and certificates of every user and of the root user."},
		{File: "roles.json", Kind: KindRoles, Input: snapshot.InputRoleDetails,
			Command:     "aws iam list-roles --output json > roles.json",
			Description: "Each role's maximum session duration and description, which the authorization details leave out."},
		{File: "password-policy.json", Kind: KindPasswordPolicy, Input: snapshot.InputPasswordPolicy,
			Command:     "aws iam get-account-password-policy --output json > password-policy.json 2>&1 || true",
			Description: "The account password policy; when none is set the file holds the NoSuchEntity error, which means \"no policy\"."},
		{File: "account-summary.json", Kind: KindAccountSummary, Input: snapshot.InputAccountSummary,
			Command:     "aws iam get-account-summary --output json > account-summary.json",
			Description: "Entity counts and quotas, including whether the root user has MFA and access keys."},
		{File: "virtual-mfa-devices.json", Kind: KindVirtualMFADevices, Input: snapshot.InputVirtualMFADevices,
			Command:     "aws iam list-virtual-mfa-devices --output json > virtual-mfa-devices.json",
			Description: "Virtual MFA devices and who holds them, to tell virtual from hardware MFA."},
		{File: "oidc-providers.json", Kind: KindOIDCProviders, Input: snapshot.InputOIDCProviders,
			Command:     "aws iam list-open-id-connect-providers --output json > oidc-providers.json",
			Description: "The ARNs of the OpenID Connect identity providers."},
		{File: "oidc-provider-*.json", Kind: KindOIDCProvider, Input: snapshot.InputOIDCProviders,
			Command: `for arn in $(aws iam list-open-id-connect-providers --query 'OpenIDConnectProviderList[].Arn' --output text); do ` +
				`aws iam get-open-id-connect-provider --open-id-connect-provider-arn "$arn" --output json > "oidc-provider-${arn##*/}.json"; done`,
			Description: "Each OIDC provider's URL, audiences (client IDs), thumbprints and tags."},
		{File: "saml-providers.json", Kind: KindSAMLProviders, Input: snapshot.InputSAMLProviders,
			Command:     "aws iam list-saml-providers --output json > saml-providers.json",
			Description: "The SAML identity providers and when their metadata expires."},
		{File: "account-aliases.json", Kind: KindAccountAliases, Input: snapshot.InputAccountAliases,
			Command:     "aws iam list-account-aliases --output json > account-aliases.json",
			Description: "The account alias, used to name the account in reports."},
		{File: "server-certificates.json", Kind: KindServerCertificates, Input: snapshot.InputServerCertificates,
			Command:     "aws iam list-server-certificates --output json > server-certificates.json",
			Description: "IAM server certificates and their expiry dates."},
	}
}

// ResolveDir finds the documented files in dir and returns them as Options
// (only the file fields are set), plus the names of the entries it did not
// recognise, which the caller should warn about. Page files
// (authz-details-*.json, oidc-provider-*.json) are ordered by the number in
// their name when there is one.
func ResolveDir(dir string) (Options, []string, error) {
	var o Options
	entries, err := os.ReadDir(dir)
	if err != nil {
		return o, nil, &InputError{File: dir, Msg: "cannot read the --from folder: " + err.Error(), Err: err}
	}
	var unknown, reports []string
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(dir, name)
		lower := strings.ToLower(name)
		if e.IsDir() {
			unknown = append(unknown, name+"/")
			continue
		}
		switch {
		case lower == "authz-details.json" || isPage(lower, "authz-details-"):
			o.AuthzDetails = append(o.AuthzDetails, path)
		case lower == "credential-report.json" || lower == "credential-report.csv":
			reports = append(reports, path)
		case lower == "password-policy.json":
			o.PasswordPolicy = path
		case lower == "account-summary.json":
			o.AccountSummary = path
		case lower == "virtual-mfa-devices.json":
			o.VirtualMFADevices = path
		case lower == "oidc-providers.json" || isPage(lower, "oidc-provider-"):
			o.OIDCProviders = append(o.OIDCProviders, path)
		case lower == "saml-providers.json":
			o.SAMLProviders = path
		case lower == "account-aliases.json":
			o.AccountAliases = path
		case lower == "server-certificates.json":
			o.ServerCertificates = path
		case lower == "roles.json":
			o.Roles = path
		default:
			unknown = append(unknown, name)
		}
	}
	if len(reports) > 1 {
		return o, nil, &InputError{File: dir, Msg: "both credential-report.json and credential-report.csv are present; keep one"}
	}
	if len(reports) == 1 {
		o.CredentialReport = reports[0]
	}
	slices.SortFunc(o.AuthzDetails, comparePages)
	// The list file first, so that provider details match its ARNs.
	slices.SortFunc(o.OIDCProviders, func(a, b string) int {
		al, bl := filepath.Base(a) == "oidc-providers.json", filepath.Base(b) == "oidc-providers.json"
		if al != bl {
			if al {
				return -1
			}
			return 1
		}
		return comparePages(a, b)
	})
	return o, unknown, nil
}

// isPage matches PREFIX*.json.
func isPage(name, prefix string) bool {
	return strings.HasPrefix(name, prefix) && strings.HasSuffix(name, ".json") && len(name) > len(prefix)+len(".json")
}

// comparePages orders page-1 < page-2 < page-10, then by name.
func comparePages(a, b string) int {
	na, oka := pageNumber(a)
	nb, okb := pageNumber(b)
	if oka && okb && na != nb {
		return cmp.Compare(na, nb)
	}
	return strings.Compare(a, b)
}

// pageNumber returns the number between the last '-' and ".json".
func pageNumber(path string) (int, bool) {
	base := strings.TrimSuffix(filepath.Base(path), ".json")
	i := strings.LastIndexByte(base, '-')
	if i < 0 {
		return 0, false
	}
	n, err := strconv.Atoi(base[i+1:])
	return n, err == nil
}
