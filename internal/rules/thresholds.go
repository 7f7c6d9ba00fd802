package rules

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Threshold is one numeric setting of the rules. The table below is the
// only declaration of each: Defaults, WithDefaults and Validate read it, the
// --config file's `thresholds:` keys are its keys (internal/config), rule
// texts name its values as {{key}} (Rule.WithThresholds), and
// docs/configuration.md is tested against it.
type Threshold struct {
	// Key is the name in the config file, under `thresholds:`.
	Key string
	// Default, Min and Max: 0 (or absent) in a config file means Default;
	// anything else must be within Min..Max.
	Default, Min, Max int
	// Unit of the value ("days", "hours", ...), for documentation.
	Unit string
	// Description says what a value means, for documentation.
	Description string
	// Rules are the IDs of the rules that use it.
	Rules []string
	// field is the Config field that holds the value.
	field func(*Config) *int
}

// tenYears bounds day counts: a longer window is a typo, not a policy.
const tenYears = 3650

var thresholds = []Threshold{
	{Key: "access_key_max_age_days", Default: 90, Min: 1, Max: tenYears, Unit: "days",
		Description: "an active access key older than this fails",
		Rules:       []string{"iam-access-key-not-rotated"},
		field:       func(c *Config) *int { return &c.AccessKeyMaxAgeDays }},
	{Key: "unused_credential_days", Default: 45, Min: 1, Max: tenYears, Unit: "days",
		Description: "an active key or password unused this long (or never used and this old) fails",
		Rules:       []string{"iam-access-key-unused", "iam-console-password-unused"},
		field:       func(c *Config) *int { return &c.UnusedCredentialDays }},
	{Key: "inactive_user_days", Default: 90, Min: 1, Max: tenYears, Unit: "days",
		Description: "a user with no password or key use for this long fails",
		Rules:       []string{"iam-user-inactive"},
		field:       func(c *Config) *int { return &c.InactiveUserDays }},
	{Key: "root_usage_window_days", Default: 30, Min: 1, Max: tenYears, Unit: "days",
		Description: "root password or key use within this window fails",
		Rules:       []string{"root-recently-used"},
		field:       func(c *Config) *int { return &c.RootUsageWindowDays }},
	{Key: "ssh_key_max_age_days", Default: 90, Min: 1, Max: tenYears, Unit: "days",
		Description: "an active CodeCommit SSH key older than this fails",
		Rules:       []string{"iam-user-ssh-key-not-rotated"},
		field:       func(c *Config) *int { return &c.SSHKeyMaxAgeDays }},
	{Key: "role_unused_days", Default: 90, Min: 1, Max: tenYears, Unit: "days",
		Description: "a role not assumed for this long fails",
		Rules:       []string{"role-unused"},
		field:       func(c *Config) *int { return &c.RoleUnusedDays }},
	// AWS allows role sessions of 1 to 12 hours: a higher limit could never fail.
	{Key: "role_max_session_hours", Default: 4, Min: 1, Max: 12, Unit: "hours",
		Description: "a role's maximum session above this fails",
		Rules:       []string{"role-session-duration-long"},
		field:       func(c *Config) *int { return &c.RoleMaxSessionHours }},
	{Key: "permission_set_max_session_hours", Default: 8, Min: 1, Max: 12, Unit: "hours",
		Description: "a permission set's session above this fails",
		Rules:       []string{"identity-center-session-duration-long"},
		field:       func(c *Config) *int { return &c.PermissionSetMaxSessionHours }},
	{Key: "saml_expiry_warning_days", Default: 30, Min: 1, Max: tenYears, Unit: "days",
		Description: "SAML metadata expiring within this many days fails",
		Rules:       []string{"saml-provider-expiring"},
		field:       func(c *Config) *int { return &c.SAMLExpiryWarningDays }},
	{Key: "admin_group_max_members", Default: 10, Min: 1, Max: 100000, Unit: "members",
		Description: "an administrator permission set assigned to a larger group fails",
		Rules:       []string{"identity-center-admin-assignment-broad"},
		field:       func(c *Config) *int { return &c.AdminGroupMaxMembers }},
	{Key: "admin_max_accounts", Default: 5, Min: 1, Max: 100000, Unit: "accounts",
		Description: "an administrator permission set assigned to one principal in more accounts fails",
		Rules:       []string{"identity-center-admin-assignment-broad"},
		field:       func(c *Config) *int { return &c.AdminMaxAccounts }},
	// The ranges AWS accepts in UpdateAccountPasswordPolicy.
	{Key: "min_password_length", Default: 14, Min: 6, Max: 128, Unit: "characters",
		Description: "a password policy minimum below this fails",
		Rules:       []string{"password-policy-min-length", "password-policy-missing"},
		field:       func(c *Config) *int { return &c.MinPasswordLength }},
	{Key: "password_reuse_prevention", Default: 24, Min: 1, Max: 24, Unit: "passwords",
		Description: "remembering fewer previous passwords fails",
		Rules:       []string{"password-policy-reuse", "password-policy-missing"},
		field:       func(c *Config) *int { return &c.PasswordReusePrevention }},
	{Key: "max_password_age_days", Default: 90, Min: 1, Max: 1095, Unit: "days",
		Description: "no expiry, or a longer one, fails",
		Rules:       []string{"password-policy-expiry"},
		field:       func(c *Config) *int { return &c.MaxPasswordAgeDays }},
}

// Thresholds returns the table of thresholds (copies), in documentation order.
func Thresholds() []Threshold { return append([]Threshold(nil), thresholds...) }

// ThresholdByKey finds a threshold by its config key.
func ThresholdByKey(key string) (Threshold, bool) {
	for _, t := range thresholds {
		if t.Key == key {
			return t, true
		}
	}
	return Threshold{}, false
}

// Get returns the threshold's value in c.
func (t Threshold) Get(c Config) int { return *t.field(&c) }

// Set stores v as the threshold's value in c.
func (t Threshold) Set(c *Config, v int) { *t.field(c) = v }

// Check says whether v is an acceptable setting: 0 (the default) or within
// Min..Max.
func (t Threshold) Check(v int) error {
	if v == 0 || (v >= t.Min && v <= t.Max) {
		return nil
	}
	return fmt.Errorf("thresholds.%s: %d is outside %d..%d %s", t.Key, v, t.Min, t.Max, t.Unit)
}

// Defaults returns the default thresholds (CIS: 90-day rotation, 45 days unused).
func Defaults() Config {
	var c Config
	for _, t := range thresholds {
		t.Set(&c, t.Default)
	}
	return c
}

// WithDefaults returns c with every zero threshold replaced by its default.
func (c Config) WithDefaults() Config {
	for _, t := range thresholds {
		if t.Get(c) == 0 {
			t.Set(&c, t.Default)
		}
	}
	return c
}

// Validate checks every threshold against its limits.
func (c Config) Validate() error {
	for _, t := range thresholds {
		if err := t.Check(t.Get(c)); err != nil {
			return err
		}
	}
	return nil
}

// RenderThresholds replaces each {{key}} in text with the threshold's value
// in c (zero values take the default). Rule texts name thresholds this way
// so that a report says what the scan was configured to check. A value of
// 1 followed by its unit (perhaps after one word) takes the singular:
// "1 day", "remember 1 previous password".
func RenderThresholds(text string, c Config) string {
	if !strings.Contains(text, "{{") {
		return text
	}
	c = c.WithDefaults()
	for _, t := range thresholds {
		v := t.Get(c)
		if v == 1 && t.Unit != "" {
			one := regexp.MustCompile(`\{\{` + t.Key + `\}\}( (?:[a-z]+ )?)` + t.Unit + `\b`)
			text = one.ReplaceAllString(text, "1${1}"+strings.TrimSuffix(t.Unit, "s"))
		}
		text = strings.ReplaceAll(text, "{{"+t.Key+"}}", strconv.Itoa(v))
	}
	return text
}

// WithThresholds returns a copy of the rule whose description and
// remediation give the values of c rather than placeholders.
func (r *Rule) WithThresholds(c Config) *Rule {
	out := *r
	out.Description = RenderThresholds(r.Description, c)
	out.Remediation.Summary = RenderThresholds(r.Remediation.Summary, c)
	out.Remediation.Console = RenderThresholds(r.Remediation.Console, c)
	out.Remediation.CLI = RenderThresholds(r.Remediation.CLI, c)
	out.Remediation.Terraform = RenderThresholds(r.Remediation.Terraform, c)
	return &out
}
