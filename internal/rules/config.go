package rules

// Config holds the thresholds rules use; Defaults gives iamspect's values.
// Issue: a config file (--config) will set these.
type Config struct {
	// AccessKeyMaxAgeDays: an active key older than this is not rotated.
	AccessKeyMaxAgeDays int `yaml:"access_key_max_age_days" json:"access_key_max_age_days"`
	// UnusedCredentialDays: an active key or password unused this long is stale.
	UnusedCredentialDays int `yaml:"unused_credential_days" json:"unused_credential_days"`
}

// Defaults returns the default thresholds (CIS: 90-day rotation, 45 days unused).
func Defaults() Config {
	return Config{AccessKeyMaxAgeDays: 90, UnusedCredentialDays: 45}
}
