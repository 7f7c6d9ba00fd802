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

// fileKinds is what each file of the input registry (snapshot.Specs) holds;
// TestRegistryFilesHaveKindsAndTargets keeps the two in step.
var fileKinds = map[string]Kind{
	"authz-details.json":       KindAuthzDetails,
	"authz-details-*.json":     KindAuthzDetails,
	"credential-report.json":   KindCredentialReport,
	"credential-report.csv":    KindCredentialReport,
	"roles.json":               KindRoles,
	"password-policy.json":     KindPasswordPolicy,
	"account-summary.json":     KindAccountSummary,
	"virtual-mfa-devices.json": KindVirtualMFADevices,
	"oidc-providers.json":      KindOIDCProviders,
	"oidc-provider-*.json":     KindOIDCProvider,
	"saml-providers.json":      KindSAMLProviders,
	"account-aliases.json":     KindAccountAliases,
	"server-certificates.json": KindServerCertificates,

	"organizations-features.json":            KindOrgFeatures,
	"ssh-public-keys-*.json":                 KindSSHPublicKeys,
	"service-specific-credentials-*.json":    KindServiceCredentials,
	"regions.json":                           KindAccessAnalyzer,
	"access-analyzers-*.json":                KindAccessAnalyzer,
	"sso-instances.json":                     KindIdentityCenter,
	"sso-permission-sets-*.json":             KindIdentityCenter,
	"sso-permission-set-*.json":              KindIdentityCenter,
	"sso-managed-policies-*.json":            KindIdentityCenter,
	"sso-customer-managed-policies-*.json":   KindIdentityCenter,
	"sso-inline-policy-*.json":               KindIdentityCenter,
	"sso-permissions-boundary-*.json":        KindIdentityCenter,
	"sso-provisioned-accounts-*.json":        KindIdentityCenter,
	"sso-account-assignments-*.json":         KindIdentityCenter,
	"identitystore-users-*.json":             KindIdentityCenter,
	"identitystore-groups-*.json":            KindIdentityCenter,
	"identitystore-group-memberships-*.json": KindIdentityCenter,
	"organization.json":                      KindOrganization,
	"organization-roots.json":                KindOrganization,
	"organization-accounts.json":             KindOrganization,
	"organization-children-ous-*.json":       KindOrganization,
	"organization-children-accounts-*.json":  KindOrganization,
	"organization-scps.json":                 KindOrganization,
	"organization-scp-content-*.json":        KindOrganization,
	"organization-scp-targets-*.json":        KindOrganization,
}

// dirTargets says which Options field a --from folder's file of each input
// fills. An input with files in the registry needs one.
var dirTargets = map[snapshot.Input]func(o *Options) any{
	snapshot.InputAuthorizationDetails:  func(o *Options) any { return &o.AuthzDetails },
	snapshot.InputCredentialReport:      func(o *Options) any { return &o.CredentialReport },
	snapshot.InputRoleDetails:           func(o *Options) any { return &o.Roles },
	snapshot.InputPasswordPolicy:        func(o *Options) any { return &o.PasswordPolicy },
	snapshot.InputAccountSummary:        func(o *Options) any { return &o.AccountSummary },
	snapshot.InputVirtualMFADevices:     func(o *Options) any { return &o.VirtualMFADevices },
	snapshot.InputOIDCProviders:         func(o *Options) any { return &o.OIDCProviders },
	snapshot.InputSAMLProviders:         func(o *Options) any { return &o.SAMLProviders },
	snapshot.InputServerCertificates:    func(o *Options) any { return &o.ServerCertificates },
	snapshot.InputAccountAliases:        func(o *Options) any { return &o.AccountAliases },
	snapshot.InputOrganizationsFeatures: func(o *Options) any { return &o.OrganizationsFeatures },
	snapshot.InputIdentityCenter:        func(o *Options) any { return &o.IdentityCenter },
	snapshot.InputAccessAnalyzer:        func(o *Options) any { return &o.AccessAnalyzer },
	snapshot.InputServiceCredentials:    func(o *Options) any { return &o.ServiceCredentials },
	snapshot.InputSSHKeys:               func(o *Options) any { return &o.SSHKeys },
	snapshot.InputOrganization:          func(o *Options) any { return &o.Organization },
}

// Commands lists, in order, the AWS CLI commands that produce a folder for
// `iamspect import --from DIR` (run them inside the folder), from the input
// registry. All of them are allowed by the AWS managed policy SecurityAudit.
func Commands() []Command {
	var out []Command
	for _, s := range snapshot.Specs() {
		for _, c := range s.Export {
			kind := fileKinds[c.File]
			if c.File == "" {
				kind = fileKinds[s.Files[0]]
			}
			out = append(out, Command{File: c.File, Kind: kind, Input: s.Input, Command: c.Command, Description: c.Description})
		}
	}
	return out
}

// ResolveDir finds the documented files in dir (the registry's file names,
// matched without regard to case) and returns them as Options (only the file
// fields are set), plus the names of the entries it did not recognise, which
// the caller should warn about. Page files (authz-details-*.json,
// oidc-provider-*.json) are ordered by the number in their name when there
// is one. Two files for an input that takes one are an error.
func ResolveDir(dir string) (Options, []string, error) {
	var o Options
	entries, err := os.ReadDir(dir)
	if err != nil {
		return o, nil, &InputError{File: dir, Msg: "cannot read the --from folder: " + err.Error(), Err: err}
	}
	var unknown []string
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(dir, name)
		if e.IsDir() {
			unknown = append(unknown, name+"/")
			continue
		}
		in, ok := snapshot.InputForFile(name)
		target := dirTargets[in]
		if !ok || target == nil {
			unknown = append(unknown, name)
			continue
		}
		switch p := target(&o).(type) {
		case *[]string:
			*p = append(*p, path)
		case *string:
			if *p != "" {
				return o, nil, &InputError{File: dir, Msg: "both " + filepath.Base(*p) + " and " + name + " are present; keep one"}
			}
			*p = path
		}
	}
	slices.SortFunc(o.AuthzDetails, comparePages)
	// The list file first, so that provider details match its ARNs.
	slices.SortFunc(o.OIDCProviders, func(a, b string) int {
		al, bl := strings.EqualFold(filepath.Base(a), "oidc-providers.json"), strings.EqualFold(filepath.Base(b), "oidc-providers.json")
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
