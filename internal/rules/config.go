package rules

// Config holds the thresholds rules use. Each numeric field is declared,
// with its default, limits and documentation, in the thresholds table
// (thresholds.go); Defaults, WithDefaults and Validate read that table. A
// config file (--config, package internal/config) sets them; fields left at
// zero take the default.
type Config struct {
	// AccessKeyMaxAgeDays: an active key older than this is not rotated.
	AccessKeyMaxAgeDays int `yaml:"access_key_max_age_days" json:"access_key_max_age_days"`
	// UnusedCredentialDays: an active key or password unused this long is stale.
	UnusedCredentialDays int `yaml:"unused_credential_days" json:"unused_credential_days"`
	// InactiveUserDays: a user with no password or key use this long is inactive.
	InactiveUserDays int `yaml:"inactive_user_days" json:"inactive_user_days"`
	// RootUsageWindowDays: root use within this many days is recent.
	RootUsageWindowDays int `yaml:"root_usage_window_days" json:"root_usage_window_days"`
	// SSHKeyMaxAgeDays: an active CodeCommit SSH key older than this is not rotated.
	SSHKeyMaxAgeDays int `yaml:"ssh_key_max_age_days" json:"ssh_key_max_age_days"`
	// RoleUnusedDays: a role not assumed for this long is unused.
	RoleUnusedDays int `yaml:"role_unused_days" json:"role_unused_days"`
	// RoleMaxSessionHours: a role's MaxSessionDuration above this is long.
	RoleMaxSessionHours int `yaml:"role_max_session_hours" json:"role_max_session_hours"`
	// PermissionSetMaxSessionHours: a permission set's session above this is long.
	PermissionSetMaxSessionHours int `yaml:"permission_set_max_session_hours" json:"permission_set_max_session_hours"`
	// SAMLExpiryWarningDays: SAML metadata expiring within this many days is flagged.
	SAMLExpiryWarningDays int `yaml:"saml_expiry_warning_days" json:"saml_expiry_warning_days"`
	// AdminGroupMaxMembers: an administrator permission set assigned to a
	// group with more members than this is broad.
	AdminGroupMaxMembers int `yaml:"admin_group_max_members" json:"admin_group_max_members"`
	// AdminMaxAccounts: an administrator permission set assigned to one
	// principal in more accounts than this is broad.
	AdminMaxAccounts int `yaml:"admin_max_accounts" json:"admin_max_accounts"`
	// MinPasswordLength is the shortest acceptable password policy minimum.
	MinPasswordLength int `yaml:"min_password_length" json:"min_password_length"`
	// PasswordReusePrevention is the number of previous passwords to remember.
	PasswordReusePrevention int `yaml:"password_reuse_prevention" json:"password_reuse_prevention"`
	// MaxPasswordAgeDays is the longest acceptable password expiry.
	MaxPasswordAgeDays int `yaml:"max_password_age_days" json:"max_password_age_days"`
	// KnownAccounts lists AWS account IDs outside the organisation that are
	// trusted on purpose (vendors, partners).
	KnownAccounts []string `yaml:"known_accounts" json:"known_accounts,omitempty"`
}
