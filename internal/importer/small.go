package importer

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// decodeJSON checks the kind, then unmarshals data into v, turning errors
// into InputErrors that say what was expected. key is a member the document
// must have.
func decodeJSON(data []byte, want Kind, key, expected string, v any) error {
	data = trimBOM(data)
	if err := checkKind(data, want); err != nil {
		return err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return jsonError(data, err, expected)
	}
	if _, ok := top[key]; !ok {
		return &InputError{Msg: "no " + key + " member; expected " + expected}
	}
	if err := json.Unmarshal(data, v); err != nil {
		return jsonError(data, err, expected)
	}
	return nil
}

// --- password policy ---

// PasswordPolicyOutput is `aws iam get-account-password-policy` output.
// PasswordPolicy is nil when the account has no password policy.
type PasswordPolicyOutput struct {
	PasswordPolicy *AWSPasswordPolicy `json:"PasswordPolicy"`
}

// AWSPasswordPolicy mirrors AWS's PasswordPolicy.
type AWSPasswordPolicy struct {
	MinimumPasswordLength      int  `json:"MinimumPasswordLength"`
	RequireSymbols             bool `json:"RequireSymbols"`
	RequireNumbers             bool `json:"RequireNumbers"`
	RequireUppercaseCharacters bool `json:"RequireUppercaseCharacters"`
	RequireLowercaseCharacters bool `json:"RequireLowercaseCharacters"`
	AllowUsersToChangePassword bool `json:"AllowUsersToChangePassword"`
	ExpirePasswords            bool `json:"ExpirePasswords"`
	MaxPasswordAge             int  `json:"MaxPasswordAge"`
	PasswordReusePrevention    int  `json:"PasswordReusePrevention"`
	HardExpiry                 bool `json:"HardExpiry"`
}

const passwordPolicyExpected = "the output of `aws iam get-account-password-policy` ({\"PasswordPolicy\": {...}}), or its NoSuchEntity error when no policy is set"

// DecodePasswordPolicy parses get-account-password-policy output. An account
// without a password policy makes the command fail with NoSuchEntity, so an
// empty file, {}, null, or a file holding that error text all decode to a
// PasswordPolicyOutput with a nil PasswordPolicy ("no policy set"). Any other
// AWS error (AccessDenied, ...) is an error: the policy is then unknown.
func DecodePasswordPolicy(data []byte) (*PasswordPolicyOutput, error) {
	t := bytes.TrimSpace(trimBOM(data))
	switch {
	case len(t) == 0, string(t) == "null", string(t) == "{}":
		return &PasswordPolicyOutput{}, nil
	case bytes.Contains(t, []byte("NoSuchEntity")) && t[0] != '{':
		return &PasswordPolicyOutput{}, nil
	}
	var out PasswordPolicyOutput
	if err := decodeJSON(data, KindPasswordPolicy, "PasswordPolicy", passwordPolicyExpected, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ApplyPasswordPolicy sets the account's password policy; nil out or a nil
// PasswordPolicy records "no policy set". Marks InputPasswordPolicy collected.
func ApplyPasswordPolicy(acct *snapshot.Account, out *PasswordPolicyOutput) {
	acct.PasswordPolicy = nil
	if out != nil && out.PasswordPolicy != nil {
		p := out.PasswordPolicy
		acct.PasswordPolicy = &snapshot.PasswordPolicy{
			MinimumPasswordLength: p.MinimumPasswordLength, RequireSymbols: p.RequireSymbols,
			RequireNumbers: p.RequireNumbers, RequireUppercaseCharacters: p.RequireUppercaseCharacters,
			RequireLowercaseCharacters: p.RequireLowercaseCharacters,
			AllowUsersToChangePassword: p.AllowUsersToChangePassword, ExpirePasswords: p.ExpirePasswords,
			MaxPasswordAge: p.MaxPasswordAge, PasswordReusePrevention: p.PasswordReusePrevention,
			HardExpiry: p.HardExpiry,
		}
	}
	acct.MarkCollected(snapshot.InputPasswordPolicy)
}

// --- account summary ---

// AccountSummaryOutput is `aws iam get-account-summary` output.
type AccountSummaryOutput struct {
	SummaryMap map[string]int `json:"SummaryMap"`
}

// DecodeAccountSummary parses get-account-summary output.
func DecodeAccountSummary(data []byte) (*AccountSummaryOutput, error) {
	var out AccountSummaryOutput
	err := decodeJSON(data, KindAccountSummary, "SummaryMap",
		"the output of `aws iam get-account-summary` ({\"SummaryMap\": {...}})", &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ApplyAccountSummary sets acct.Summary and marks InputAccountSummary collected.
func ApplyAccountSummary(acct *snapshot.Account, out *AccountSummaryOutput) {
	acct.Summary = map[string]int{}
	if out != nil {
		for k, v := range out.SummaryMap {
			acct.Summary[k] = v
		}
	}
	acct.MarkCollected(snapshot.InputAccountSummary)
}

// --- virtual MFA devices ---

// VirtualMFADevicesOutput is `aws iam list-virtual-mfa-devices` output.
type VirtualMFADevicesOutput struct {
	VirtualMFADevices []AWSVirtualMFADevice `json:"VirtualMFADevices"`
	IsTruncated       bool                  `json:"IsTruncated"`
	Marker            string                `json:"Marker"`
}

// AWSVirtualMFADevice mirrors AWS's VirtualMFADevice; User is nil when the
// device is not assigned.
type AWSVirtualMFADevice struct {
	SerialNumber string   `json:"SerialNumber"`
	User         *AWSUser `json:"User"`
	EnableDate   Time     `json:"EnableDate"`
}

// AWSUser is the part of AWS's User structure the importer reads.
type AWSUser struct {
	UserName string `json:"UserName"`
	UserId   string `json:"UserId"`
	Arn      string `json:"Arn"`
	Path     string `json:"Path"`
}

// DecodeVirtualMFADevices parses list-virtual-mfa-devices output.
func DecodeVirtualMFADevices(data []byte) (*VirtualMFADevicesOutput, error) {
	var out VirtualMFADevicesOutput
	err := decodeJSON(data, KindVirtualMFADevices, "VirtualMFADevices",
		"the output of `aws iam list-virtual-mfa-devices` ({\"VirtualMFADevices\": [...]})", &out)
	if err != nil {
		return nil, err
	}
	if out.IsTruncated {
		return nil, &InputError{Msg: "the device list is truncated (IsTruncated); run the command without --max-items so the CLI fetches every page"}
	}
	return &out, nil
}

// ApplyVirtualMFADevices records the devices (deduplicated by serial) and
// marks InputVirtualMFADevices collected. Device types of users and root are
// assigned afterwards by AssignMFATypes, once the credential report is in.
func ApplyVirtualMFADevices(acct *snapshot.Account, outs ...*VirtualMFADevicesOutput) {
	seen := map[string]bool{}
	for _, d := range acct.VirtualMFADevices {
		seen[d.Serial] = true
	}
	for _, out := range outs {
		if out == nil {
			continue
		}
		for _, d := range out.VirtualMFADevices {
			if d.SerialNumber == "" || seen[d.SerialNumber] {
				continue
			}
			seen[d.SerialNumber] = true
			v := snapshot.VirtualMFADevice{Serial: d.SerialNumber, EnabledAt: d.EnableDate.Ptr()}
			if d.User != nil {
				v.UserARN = d.User.Arn
			}
			acct.VirtualMFADevices = append(acct.VirtualMFADevices, v)
		}
	}
	acct.MarkCollected(snapshot.InputVirtualMFADevices)
}

// --- SAML providers ---

// SAMLProvidersOutput is `aws iam list-saml-providers` output.
type SAMLProvidersOutput struct {
	SAMLProviderList []AWSSAMLProvider `json:"SAMLProviderList"`
}

// AWSSAMLProvider mirrors AWS's SAMLProviderListEntry.
type AWSSAMLProvider struct {
	Arn        string `json:"Arn"`
	ValidUntil Time   `json:"ValidUntil"`
	CreateDate Time   `json:"CreateDate"`
}

// DecodeSAMLProviders parses list-saml-providers output.
func DecodeSAMLProviders(data []byte) (*SAMLProvidersOutput, error) {
	var out SAMLProvidersOutput
	err := decodeJSON(data, KindSAMLProviders, "SAMLProviderList",
		"the output of `aws iam list-saml-providers` ({\"SAMLProviderList\": [...]})", &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ApplySAMLProviders records the providers and marks InputSAMLProviders collected.
func ApplySAMLProviders(acct *snapshot.Account, out *SAMLProvidersOutput) {
	acct.SAMLProviders = nil
	if out != nil {
		for _, p := range out.SAMLProviderList {
			acct.SAMLProviders = append(acct.SAMLProviders, snapshot.SAMLProvider{ARN: p.Arn,
				Name: p.Arn[strings.LastIndexByte(p.Arn, '/')+1:], ValidUntil: p.ValidUntil.Ptr(), CreatedAt: p.CreateDate.Ptr()})
		}
	}
	acct.MarkCollected(snapshot.InputSAMLProviders)
}

// --- account aliases ---

// AccountAliasesOutput is `aws iam list-account-aliases` output.
type AccountAliasesOutput struct {
	AccountAliases []string `json:"AccountAliases"`
}

// DecodeAccountAliases parses list-account-aliases output.
func DecodeAccountAliases(data []byte) (*AccountAliasesOutput, error) {
	var out AccountAliasesOutput
	err := decodeJSON(data, KindAccountAliases, "AccountAliases",
		"the output of `aws iam list-account-aliases` ({\"AccountAliases\": [...]})", &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ApplyAccountAliases sets acct.Alias (an account has at most one) and marks
// InputAccountAliases collected.
func ApplyAccountAliases(acct *snapshot.Account, out *AccountAliasesOutput) {
	acct.Alias = ""
	if out != nil && len(out.AccountAliases) > 0 {
		acct.Alias = out.AccountAliases[0]
	}
	acct.MarkCollected(snapshot.InputAccountAliases)
}

// --- server certificates ---

// ServerCertificatesOutput is `aws iam list-server-certificates` output.
type ServerCertificatesOutput struct {
	ServerCertificateMetadataList []AWSServerCertificate `json:"ServerCertificateMetadataList"`
}

// AWSServerCertificate mirrors AWS's ServerCertificateMetadata.
type AWSServerCertificate struct {
	Path                  string `json:"Path"`
	ServerCertificateName string `json:"ServerCertificateName"`
	ServerCertificateId   string `json:"ServerCertificateId"`
	Arn                   string `json:"Arn"`
	UploadDate            Time   `json:"UploadDate"`
	Expiration            Time   `json:"Expiration"`
}

// DecodeServerCertificates parses list-server-certificates output.
func DecodeServerCertificates(data []byte) (*ServerCertificatesOutput, error) {
	var out ServerCertificatesOutput
	err := decodeJSON(data, KindServerCertificates, "ServerCertificateMetadataList",
		"the output of `aws iam list-server-certificates` ({\"ServerCertificateMetadataList\": [...]})", &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ApplyServerCertificates records the certificates and marks
// InputServerCertificates collected.
func ApplyServerCertificates(acct *snapshot.Account, out *ServerCertificatesOutput) {
	acct.ServerCertificates = nil
	if out != nil {
		for _, c := range out.ServerCertificateMetadataList {
			acct.ServerCertificates = append(acct.ServerCertificates, snapshot.ServerCertificate{
				Name: c.ServerCertificateName, ID: c.ServerCertificateId, ARN: c.Arn, Path: c.Path,
				Expiration: c.Expiration.Ptr(), UploadedAt: c.UploadDate.Ptr()})
		}
	}
	acct.MarkCollected(snapshot.InputServerCertificates)
}

// --- roles ---

// RolesOutput is `aws iam list-roles` output. Only what the authorization
// details lack is read from it.
type RolesOutput struct {
	Roles []AWSRoleSettings `json:"Roles"`
}

// AWSRoleSettings mirrors the parts of AWS's Role that
// GetAccountAuthorizationDetails does not return.
type AWSRoleSettings struct {
	RoleName           string `json:"RoleName"`
	Arn                string `json:"Arn"`
	Description        string `json:"Description"`
	MaxSessionDuration int    `json:"MaxSessionDuration"`
}

// DecodeRoles parses list-roles output.
func DecodeRoles(data []byte) (*RolesOutput, error) {
	var out RolesOutput
	err := decodeJSON(data, KindRoles, "Roles", "the output of `aws iam list-roles` ({\"Roles\": [...]})", &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ApplyRoles fills in the maximum session duration and description of the
// roles the authorization details listed (matched by ARN) and marks
// InputRoleDetails collected. Roles only in the list are not added: their
// policies would be unknown.
func ApplyRoles(acct *snapshot.Account, out *RolesOutput) {
	byARN := map[string]AWSRoleSettings{}
	if out != nil {
		for _, r := range out.Roles {
			byARN[r.Arn] = r
		}
	}
	for _, r := range acct.Roles {
		if s, ok := byARN[r.ARN]; ok {
			r.MaxSessionDuration = s.MaxSessionDuration
			if r.Description == "" {
				r.Description = s.Description
			}
		} else {
			r.MarkNotIn(snapshot.InputRoleDetails)
		}
	}
	acct.MarkCollected(snapshot.InputRoleDetails)
}
