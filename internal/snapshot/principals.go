package snapshot

import "time"

// User is an IAM user. Credential fields come from the credential report and
// are nil/empty when it was not collected: check Account.Has first.
type User struct {
	Name                string         `json:"name"`
	ID                  string         `json:"id,omitempty"`
	ARN                 string         `json:"arn"`
	Path                string         `json:"path,omitempty"`
	CreatedAt           time.Time      `json:"created_at"`
	Groups              []string       `json:"groups,omitempty"`
	AttachedPolicies    []PolicyRef    `json:"attached_policies,omitempty"`
	InlinePolicies      []InlinePolicy `json:"inline_policies,omitempty"`
	Tags                []Tag          `json:"tags,omitempty"`
	PermissionsBoundary *PolicyRef     `json:"permissions_boundary,omitempty"`

	Password            *Password           `json:"password,omitempty"`
	MFAActive           *bool               `json:"mfa_active,omitempty"`
	MFADevices          []MFADevice         `json:"mfa_devices,omitempty"`
	AccessKeys          []AccessKey         `json:"access_keys,omitempty"`
	SigningCertificates []SigningCert       `json:"signing_certificates,omitempty"`
	SSHKeys             []SSHKey            `json:"ssh_keys,omitempty"`
	ServiceCredentials  []ServiceCredential `json:"service_credentials,omitempty"`

	// NotIn lists inputs the account collected that did not list this user
	// (see coverage.go); rules reading them answer UNKNOWN for it.
	NotIn []Input `json:"not_in,omitempty"`
}

// Password is a user's console password (login profile).
type Password struct {
	Enabled      bool       `json:"enabled"`
	LastUsed     *time.Time `json:"last_used,omitempty"`
	LastChanged  *time.Time `json:"last_changed,omitempty"`
	NextRotation *time.Time `json:"next_rotation,omitempty"`
}

// MFA device types.
const (
	MFAVirtual  = "virtual"
	MFAHardware = "hardware" // hardware TOTP token or FIDO security key / passkey
)

// MFADevice is an MFA device assigned to a user or the root user.
type MFADevice struct {
	Serial    string     `json:"serial,omitempty"`
	Type      string     `json:"type"`
	EnabledAt *time.Time `json:"enabled_at,omitempty"`
}

// Key and credential statuses as AWS spells them.
const (
	StatusActive   = "Active"
	StatusInactive = "Inactive"
)

// AccessKey is an access key. ID is empty when only the credential report was
// read (it names key slots 1 and 2, not key IDs); Slot is then 1 or 2.
type AccessKey struct {
	ID              string     `json:"id,omitempty"`
	Slot            int        `json:"slot,omitempty"`
	Status          string     `json:"status"`
	CreatedAt       *time.Time `json:"created_at,omitempty"`
	LastUsed        *time.Time `json:"last_used,omitempty"`
	LastUsedService string     `json:"last_used_service,omitempty"`
	LastUsedRegion  string     `json:"last_used_region,omitempty"`
}

// Active reports whether the key can be used.
func (k AccessKey) Active() bool { return k.Status == StatusActive }

// Label names the key for messages: its ID when known, else its slot.
func (k AccessKey) Label() string {
	if k.ID != "" {
		return k.ID
	}
	if k.Slot == 2 {
		return "access key 2"
	}
	return "access key 1"
}

// SigningCert is an X.509 signing certificate.
type SigningCert struct {
	ID         string     `json:"id,omitempty"`
	Slot       int        `json:"slot,omitempty"`
	Status     string     `json:"status"`
	UploadedAt *time.Time `json:"uploaded_at,omitempty"`
}

// SSHKey is an SSH public key (used for CodeCommit).
type SSHKey struct {
	ID         string     `json:"id"`
	Status     string     `json:"status"`
	UploadedAt *time.Time `json:"uploaded_at,omitempty"`
}

// ServiceCredential is a service-specific credential (CodeCommit Git
// credentials, Amazon Keyspaces, Bedrock API keys).
type ServiceCredential struct {
	ID          string     `json:"id"`
	ServiceName string     `json:"service_name"`
	Status      string     `json:"status"`
	CreatedAt   *time.Time `json:"created_at,omitempty"`
}

// Root is the account's root user, as the credential report shows it.
type Root struct {
	ARN       string     `json:"arn"`
	CreatedAt *time.Time `json:"created_at,omitempty"`
	// PasswordEnabled is nil when AWS reports "not_supported" (older reports
	// never disclose whether root has a password).
	PasswordEnabled     *bool         `json:"password_enabled,omitempty"`
	PasswordLastUsed    *time.Time    `json:"password_last_used,omitempty"`
	PasswordLastChanged *time.Time    `json:"password_last_changed,omitempty"`
	MFAActive           bool          `json:"mfa_active"`
	MFADevices          []MFADevice   `json:"mfa_devices,omitempty"`
	AccessKeys          []AccessKey   `json:"access_keys,omitempty"`
	SigningCertificates []SigningCert `json:"signing_certificates,omitempty"`
}

// Group is an IAM group.
type Group struct {
	Name             string         `json:"name"`
	ID               string         `json:"id,omitempty"`
	ARN              string         `json:"arn"`
	Path             string         `json:"path,omitempty"`
	CreatedAt        time.Time      `json:"created_at"`
	AttachedPolicies []PolicyRef    `json:"attached_policies,omitempty"`
	InlinePolicies   []InlinePolicy `json:"inline_policies,omitempty"`
}

// Role is an IAM role.
type Role struct {
	Name                string         `json:"name"`
	ID                  string         `json:"id,omitempty"`
	ARN                 string         `json:"arn"`
	Path                string         `json:"path,omitempty"`
	Description         string         `json:"description,omitempty"`
	CreatedAt           time.Time      `json:"created_at"`
	TrustPolicy         RawJSON        `json:"trust_policy,omitempty"`
	MaxSessionDuration  int            `json:"max_session_duration,omitempty"`
	AttachedPolicies    []PolicyRef    `json:"attached_policies,omitempty"`
	InlinePolicies      []InlinePolicy `json:"inline_policies,omitempty"`
	PermissionsBoundary *PolicyRef     `json:"permissions_boundary,omitempty"`
	Tags                []Tag          `json:"tags,omitempty"`
	InstanceProfiles    []string       `json:"instance_profiles,omitempty"`
	// LastUsed is nil when the role has never been used (AWS returns an empty
	// RoleLastUsed) — only meaningful when the authorization details input
	// was collected.
	LastUsed *RoleLastUsed `json:"last_used,omitempty"`

	// NotIn lists inputs the account collected that did not list this role.
	NotIn []Input `json:"not_in,omitempty"`
}

// RoleLastUsed is when and where a role was last assumed.
type RoleLastUsed struct {
	Date   time.Time `json:"date"`
	Region string    `json:"region,omitempty"`
}

// ServiceLinked reports whether AWS owns the role's trust policy.
func (r *Role) ServiceLinked() bool {
	return len(r.Path) >= len("/aws-service-role/") && r.Path[:len("/aws-service-role/")] == "/aws-service-role/"
}

// ManagedPolicy is a managed policy with its default version's document.
type ManagedPolicy struct {
	Name                          string     `json:"name"`
	ID                            string     `json:"id,omitempty"`
	ARN                           string     `json:"arn"`
	Path                          string     `json:"path,omitempty"`
	Description                   string     `json:"description,omitempty"`
	DefaultVersionID              string     `json:"default_version_id,omitempty"`
	Document                      RawJSON    `json:"document,omitempty"`
	AttachmentCount               int        `json:"attachment_count"`
	PermissionsBoundaryUsageCount int        `json:"permissions_boundary_usage_count,omitempty"`
	IsAttachable                  bool       `json:"is_attachable"`
	CreatedAt                     *time.Time `json:"created_at,omitempty"`
	UpdatedAt                     *time.Time `json:"updated_at,omitempty"`
}

// AWSManaged reports whether AWS owns the policy (arn:aws:iam::aws:policy/...).
func (p *ManagedPolicy) AWSManaged() bool { return IsAWSManagedPolicyARN(p.ARN) }
