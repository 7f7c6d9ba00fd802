package importer

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Kind is the kind of AWS output a file holds, guessed from its content.
type Kind string

// The kinds of file the importer reads.
const (
	KindUnknown            Kind = ""
	KindAuthzDetails       Kind = "authorization details"
	KindCredentialReport   Kind = "credential report"
	KindPasswordPolicy     Kind = "password policy"
	KindAccountSummary     Kind = "account summary"
	KindVirtualMFADevices  Kind = "virtual MFA device list"
	KindOIDCProviders      Kind = "OpenID Connect provider list"
	KindOIDCProvider       Kind = "OpenID Connect provider"
	KindSAMLProviders      Kind = "SAML provider list"
	KindAccountAliases     Kind = "account alias list"
	KindServerCertificates Kind = "server certificate list"
	KindRoles              Kind = "role list"
	KindSSHPublicKeys      Kind = "SSH public key list"
	KindServiceCredentials Kind = "service-specific credential list"
	KindOrgFeatures        Kind = "organizations feature list"
	KindIdentityCenter     Kind = "IAM Identity Center listing"
	KindAccessAnalyzer     Kind = "Access Analyzer listing"
	KindOrganization       Kind = "AWS Organizations listing"
	KindAWSError           Kind = "AWS CLI error message"
	KindSnapshot           Kind = "iamspect snapshot"
)

// kindKeys are top-level members that identify each JSON kind.
var kindKeys = []struct {
	kind Kind
	keys []string
}{
	{KindSnapshot, []string{"schema_version"}},
	{KindAuthzDetails, []string{"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"}},
	{KindCredentialReport, []string{"Content", "ReportFormat"}},
	{KindPasswordPolicy, []string{"PasswordPolicy"}},
	{KindAccountSummary, []string{"SummaryMap"}},
	{KindVirtualMFADevices, []string{"VirtualMFADevices"}},
	{KindOIDCProviders, []string{"OpenIDConnectProviderList"}},
	{KindOIDCProvider, []string{"ClientIDList", "ThumbprintList", "Url"}},
	{KindSAMLProviders, []string{"SAMLProviderList"}},
	{KindAccountAliases, []string{"AccountAliases"}},
	{KindServerCertificates, []string{"ServerCertificateMetadataList"}},
	{KindRoles, []string{"Roles"}},
	{KindSSHPublicKeys, []string{"SSHPublicKeys"}},
	{KindServiceCredentials, []string{"ServiceSpecificCredentials"}},
	{KindOrgFeatures, []string{"EnabledFeatures"}},
}

// Detect guesses what a file holds: a credential report CSV by its header,
// an AWS CLI error by its text, JSON kinds by their top-level members (for a
// JSON array, by its first element).
func Detect(data []byte) Kind {
	data = trimBOM(data)
	t := bytes.TrimSpace(data)
	if len(t) == 0 {
		return KindUnknown
	}
	if k := detectText(t); k != KindUnknown {
		return k
	}
	var top map[string]json.RawMessage
	if t[0] == '[' {
		var arr []json.RawMessage
		if json.Unmarshal(t, &arr) != nil || len(arr) == 0 || json.Unmarshal(arr[0], &top) != nil {
			return KindUnknown
		}
	} else if json.Unmarshal(t, &top) != nil {
		return KindUnknown
	}
	for _, kk := range kindKeys {
		for _, k := range kk.keys {
			if _, ok := top[k]; ok {
				return kk.kind
			}
		}
	}
	return KindUnknown
}

// detectText recognises the kinds that are not JSON (t is trimmed).
func detectText(t []byte) Kind {
	if looksLikeReportCSV(t) {
		return KindCredentialReport
	}
	if bytes.Contains(t[:min(len(t), 400)], []byte("An error occurred (")) {
		return KindAWSError
	}
	return KindUnknown
}

// looksLikeReportCSV reports whether the first line is a credential report
// header: comma-separated names including user and arn, in any order.
func looksLikeReportCSV(b []byte) bool {
	b = bytes.TrimSpace(trimBOM(b))
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	var user, arn bool
	for _, f := range bytes.Split(bytes.TrimSpace(b), []byte(",")) {
		switch string(bytes.ToLower(bytes.Trim(bytes.TrimSpace(f), `"`))) {
		case "user":
			user = true
		case "arn":
			arn = true
		}
	}
	return user && arn
}

// flagFor says how to pass a file of the given kind.
func flagFor(k Kind) string {
	switch k {
	case KindAuthzDetails:
		return "pass it with --authz-details"
	case KindCredentialReport:
		return "pass it with --credential-report"
	case KindSnapshot:
		return "pass it with --snapshot"
	case KindAWSError:
		return "the command that wrote it failed; fix the error and run it again"
	}
	for _, c := range Commands() {
		if c.Kind == k && c.File != "" {
			return "name it " + c.File + " in the --from folder"
		}
	}
	return "see docs/import.md"
}

// checkKind returns an InputError when data is recognisably some other kind
// than want. Unrecognised content is left for the decoder to report.
func checkKind(data []byte, want Kind) *InputError {
	t := bytes.TrimSpace(trimBOM(data))
	if len(t) == 0 {
		return &InputError{Msg: "empty file; expected " + string(want) + " (see docs/import.md)"}
	}
	got := Detect(data)
	if got == KindUnknown || got == want {
		return nil
	}
	if got == KindAWSError {
		return &InputError{Msg: "the file holds an AWS CLI error instead of " + string(want) + ": " + firstLine(t)}
	}
	return &InputError{Msg: "this looks like " + article(got) + ", not " + article(want) + "; " + flagFor(got)}
}

func article(k Kind) string {
	s := string(k)
	if k == KindAuthzDetails {
		return s // plural
	}
	if strings.IndexAny(s[:1], "aeiouAEIOU") == 0 {
		return "an " + s
	}
	return "a " + s
}

func firstLine(b []byte) string {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	return strings.TrimSpace(abbrevN(b, 200))
}

func abbrevN(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}

func trimBOM(b []byte) []byte { return bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) }

// firstByte returns the first non-space byte, or 0.
func firstByte(b []byte) byte {
	t := bytes.TrimSpace(trimBOM(b))
	if len(t) == 0 {
		return 0
	}
	return t[0]
}
