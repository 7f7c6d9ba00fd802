package snapshot

import (
	"encoding/json"
	"strings"
	"time"
)

// RawJSON is a JSON document kept as decoded JSON text (policy documents).
type RawJSON = json.RawMessage

// PasswordPolicy is the account password policy (iam:GetAccountPasswordPolicy).
// Account.PasswordPolicy is nil both when no policy is set and when it was not
// collected; Account.Has(InputPasswordPolicy) tells which.
type PasswordPolicy struct {
	MinimumPasswordLength      int  `json:"minimum_password_length"`
	RequireSymbols             bool `json:"require_symbols"`
	RequireNumbers             bool `json:"require_numbers"`
	RequireUppercaseCharacters bool `json:"require_uppercase_characters"`
	RequireLowercaseCharacters bool `json:"require_lowercase_characters"`
	AllowUsersToChangePassword bool `json:"allow_users_to_change_password"`
	ExpirePasswords            bool `json:"expire_passwords"`
	MaxPasswordAge             int  `json:"max_password_age,omitempty"`
	PasswordReusePrevention    int  `json:"password_reuse_prevention,omitempty"`
	HardExpiry                 bool `json:"hard_expiry,omitempty"`
}

// VirtualMFADevice is a virtual MFA device; UserARN is empty when unassigned.
type VirtualMFADevice struct {
	Serial    string     `json:"serial"`
	UserARN   string     `json:"user_arn,omitempty"`
	EnabledAt *time.Time `json:"enabled_at,omitempty"`
}

// OIDCProvider is an IAM OpenID Connect identity provider.
type OIDCProvider struct {
	ARN         string     `json:"arn"`
	URL         string     `json:"url,omitempty"`
	ClientIDs   []string   `json:"client_ids,omitempty"`
	Thumbprints []string   `json:"thumbprints,omitempty"`
	CreatedAt   *time.Time `json:"created_at,omitempty"`
	Tags        []Tag      `json:"tags,omitempty"`
}

// Host is the provider's issuer host and path, as trust policy condition keys
// name it (e.g. "token.actions.githubusercontent.com").
func (p OIDCProvider) Host() string {
	if p.URL != "" {
		return strings.TrimPrefix(strings.TrimPrefix(p.URL, "https://"), "http://")
	}
	if i := strings.Index(p.ARN, ":oidc-provider/"); i >= 0 {
		return p.ARN[i+len(":oidc-provider/"):]
	}
	return ""
}

// SAMLProvider is an IAM SAML 2.0 identity provider.
type SAMLProvider struct {
	ARN        string     `json:"arn"`
	Name       string     `json:"name,omitempty"`
	ValidUntil *time.Time `json:"valid_until,omitempty"`
	CreatedAt  *time.Time `json:"created_at,omitempty"`
}

// ServerCertificate is an IAM server certificate.
type ServerCertificate struct {
	Name       string     `json:"name"`
	ID         string     `json:"id,omitempty"`
	ARN        string     `json:"arn"`
	Path       string     `json:"path,omitempty"`
	Expiration *time.Time `json:"expiration,omitempty"`
	UploadedAt *time.Time `json:"uploaded_at,omitempty"`
}

// AccessAnalyzer is an IAM Access Analyzer analyzer in one region.
type AccessAnalyzer struct {
	ARN    string `json:"arn"`
	Name   string `json:"name"`
	Region string `json:"region"`
	// Type is ACCOUNT, ORGANIZATION, ACCOUNT_UNUSED_ACCESS, ...
	Type   string `json:"type"`
	Status string `json:"status"`
}

// IdentityCenter is the IAM Identity Center state visible from an account.
type IdentityCenter struct {
	Instances      []IdentityCenterInstance `json:"instances,omitempty"`
	PermissionSets []PermissionSet          `json:"permission_sets,omitempty"`
	Assignments    []AccountAssignment      `json:"assignments,omitempty"`
	Users          []DirectoryUser          `json:"users,omitempty"`
	Groups         []DirectoryGroup         `json:"groups,omitempty"`
	Memberships    []GroupMembership        `json:"memberships,omitempty"`
}

// IdentityCenterInstance is one Identity Center instance.
type IdentityCenterInstance struct {
	ARN             string `json:"arn"`
	IdentityStoreID string `json:"identity_store_id"`
	OwnerAccountID  string `json:"owner_account_id,omitempty"`
	Name            string `json:"name,omitempty"`
	Status          string `json:"status,omitempty"`
}

// PermissionSet is an Identity Center permission set.
type PermissionSet struct {
	ARN         string `json:"arn"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// SessionDuration is an ISO 8601 duration as AWS returns it, e.g. "PT8H".
	SessionDuration     string      `json:"session_duration,omitempty"`
	ManagedPolicies     []PolicyRef `json:"managed_policies,omitempty"`
	CustomerManaged     []PolicyRef `json:"customer_managed_policies,omitempty"`
	InlinePolicy        RawJSON     `json:"inline_policy,omitempty"`
	PermissionsBoundary *PolicyRef  `json:"permissions_boundary,omitempty"`
}

// AccountAssignment grants a permission set to a user or group in an account.
type AccountAssignment struct {
	AccountID        string `json:"account_id"`
	PermissionSetARN string `json:"permission_set_arn"`
	PrincipalType    string `json:"principal_type"` // USER or GROUP
	PrincipalID      string `json:"principal_id"`
}

// DirectoryUser is a user in the Identity Center identity store.
type DirectoryUser struct {
	ID          string `json:"id"`
	UserName    string `json:"user_name"`
	DisplayName string `json:"display_name,omitempty"`
}

// DirectoryGroup is a group in the Identity Center identity store.
type DirectoryGroup struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
}

// GroupMembership puts a directory user in a directory group.
type GroupMembership struct {
	GroupID string `json:"group_id"`
	UserID  string `json:"user_id"`
}

// Organization is an AWS Organization as seen from its management account or
// a delegated administrator.
type Organization struct {
	ID                string       `json:"id"`
	ARN               string       `json:"arn,omitempty"`
	ManagementAccount string       `json:"management_account_id"`
	FeatureSet        string       `json:"feature_set,omitempty"`
	Accounts          []OrgAccount `json:"accounts,omitempty"`
	Units             []OrgUnit    `json:"organizational_units,omitempty"`
	Policies          []OrgPolicy  `json:"policies,omitempty"`
	// EnabledServicePolicyTypes lists the root's enabled policy types, e.g.
	// "SERVICE_CONTROL_POLICY".
	EnabledPolicyTypes []string `json:"enabled_policy_types,omitempty"`
}

// OrgAccount is a member account of an organisation.
type OrgAccount struct {
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	Email    string `json:"email,omitempty"`
	Status   string `json:"status,omitempty"`
	ParentID string `json:"parent_id,omitempty"`
}

// OrgUnit is a root or an organisational unit.
type OrgUnit struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	ParentID string `json:"parent_id,omitempty"`
}

// OrgPolicy is an organisation policy (an SCP) with the targets it is attached to.
type OrgPolicy struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	ARN        string   `json:"arn,omitempty"`
	Type       string   `json:"type"`
	AWSManaged bool     `json:"aws_managed,omitempty"`
	Document   RawJSON  `json:"document,omitempty"`
	Targets    []string `json:"targets,omitempty"`
}
