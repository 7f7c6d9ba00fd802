// Package config reads iamspect's YAML configuration file (--config): the
// thresholds rules use. Unknown keys are errors that name the file and line,
// so a typo never silently leaves a default in place.
package config

import (
	"errors"
	"fmt"
	"os"
	"regexp"

	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/yamlstrict"
)

// File is the configuration file's shape.
//
//	thresholds:
//	  access_key_max_age_days: 90
//	  ...
//	known_accounts: ["444455556666"]
type File struct {
	Thresholds    Thresholds `yaml:"thresholds"`
	KnownAccounts []string   `yaml:"known_accounts"`
}

// Thresholds are the numeric settings (zero or absent = default).
type Thresholds struct {
	AccessKeyMaxAgeDays          int `yaml:"access_key_max_age_days"`
	UnusedCredentialDays         int `yaml:"unused_credential_days"`
	InactiveUserDays             int `yaml:"inactive_user_days"`
	RootUsageWindowDays          int `yaml:"root_usage_window_days"`
	SSHKeyMaxAgeDays             int `yaml:"ssh_key_max_age_days"`
	RoleUnusedDays               int `yaml:"role_unused_days"`
	RoleMaxSessionHours          int `yaml:"role_max_session_hours"`
	PermissionSetMaxSessionHours int `yaml:"permission_set_max_session_hours"`
	SAMLExpiryWarningDays        int `yaml:"saml_expiry_warning_days"`
	AdminGroupMaxMembers         int `yaml:"admin_group_max_members"`
	AdminMaxAccounts             int `yaml:"admin_max_accounts"`
	MinPasswordLength            int `yaml:"min_password_length"`
	PasswordReusePrevention      int `yaml:"password_reuse_prevention"`
	MaxPasswordAgeDays           int `yaml:"max_password_age_days"`
}

var accountID = regexp.MustCompile(`^\d{12}$`)

// Load reads a configuration file and returns the rules configuration, with
// defaults for everything the file leaves out.
func Load(path string) (rules.Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return rules.Config{}, err
	}
	cfg, err := Parse(data)
	if err != nil {
		return rules.Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// Parse decodes configuration YAML; errors carry "line N".
func Parse(data []byte) (rules.Config, error) {
	var f File
	if err := yamlstrict.Decode(data, &f); err != nil {
		return rules.Config{}, err
	}
	t := f.Thresholds
	c := rules.Config{
		AccessKeyMaxAgeDays: t.AccessKeyMaxAgeDays, UnusedCredentialDays: t.UnusedCredentialDays,
		InactiveUserDays: t.InactiveUserDays, RootUsageWindowDays: t.RootUsageWindowDays,
		SSHKeyMaxAgeDays: t.SSHKeyMaxAgeDays, RoleUnusedDays: t.RoleUnusedDays,
		RoleMaxSessionHours: t.RoleMaxSessionHours, PermissionSetMaxSessionHours: t.PermissionSetMaxSessionHours,
		SAMLExpiryWarningDays: t.SAMLExpiryWarningDays, AdminGroupMaxMembers: t.AdminGroupMaxMembers,
		AdminMaxAccounts: t.AdminMaxAccounts, MinPasswordLength: t.MinPasswordLength,
		PasswordReusePrevention: t.PasswordReusePrevention, MaxPasswordAgeDays: t.MaxPasswordAgeDays,
		KnownAccounts: f.KnownAccounts,
	}
	for name, v := range map[string]int{
		"access_key_max_age_days": c.AccessKeyMaxAgeDays, "unused_credential_days": c.UnusedCredentialDays,
		"inactive_user_days": c.InactiveUserDays, "root_usage_window_days": c.RootUsageWindowDays,
		"ssh_key_max_age_days": c.SSHKeyMaxAgeDays, "role_unused_days": c.RoleUnusedDays,
		"role_max_session_hours": c.RoleMaxSessionHours, "permission_set_max_session_hours": c.PermissionSetMaxSessionHours,
		"saml_expiry_warning_days": c.SAMLExpiryWarningDays, "admin_group_max_members": c.AdminGroupMaxMembers,
		"admin_max_accounts": c.AdminMaxAccounts, "min_password_length": c.MinPasswordLength,
		"password_reuse_prevention": c.PasswordReusePrevention, "max_password_age_days": c.MaxPasswordAgeDays,
	} {
		if v < 0 {
			return rules.Config{}, fmt.Errorf("thresholds.%s: %d is negative", name, v)
		}
	}
	if c.RoleMaxSessionHours > 12 || c.PermissionSetMaxSessionHours > 12 {
		return rules.Config{}, errors.New("session limits above 12 hours cannot fail: AWS allows at most 12")
	}
	for _, id := range c.KnownAccounts {
		if !accountID.MatchString(id) {
			return rules.Config{}, fmt.Errorf("known_accounts: %q is not a 12-digit AWS account ID (quote IDs so YAML keeps leading zeros)", id)
		}
	}
	return c.WithDefaults(), nil
}
