package server

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/iamspect/iamspect/internal/config"
	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/suppress"
	"github.com/iamspect/iamspect/internal/yamlstrict"
)

// Config is serve.yaml (docs/serve.md). Unknown keys are errors.
type Config struct {
	// Addr and DB are defaults for --addr and --db.
	Addr string `yaml:"addr"`
	DB   string `yaml:"db"`
	Auth Auth   `yaml:"auth"`
	// ScanTimeout bounds one scan (default 1h); ShutdownGrace is how long
	// a running scan may go on after SIGTERM (default 30s) before it is
	// stopped and recorded as interrupted.
	ScanTimeout   Duration `yaml:"scan_timeout"`
	ShutdownGrace Duration `yaml:"shutdown_grace"`
	Retention     struct {
		KeepScans int `yaml:"keep_scans"`
		KeepDays  int `yaml:"keep_days"`
	} `yaml:"retention"`
	// Defaults apply to every target that does not set the field.
	Defaults      ScanSettings   `yaml:"defaults"`
	Targets       []Target       `yaml:"targets"`
	Notifications []Notification `yaml:"notifications"`

	dir string // of the file, for relative paths
}

// Auth names where the API's bearer tokens come from: a file (one token a
// line, # comments) and/or an environment variable (comma-separated).
type Auth struct {
	TokensFile string `yaml:"tokens_file"`
	TokensEnv  string `yaml:"tokens_env"`
}

// ScanSettings are a target's rule selection, suppressions and thresholds.
type ScanSettings struct {
	Schedule     string   `yaml:"schedule"`
	Rules        []string `yaml:"rules"`
	ExcludeRules []string `yaml:"exclude_rules"`
	Severity     string   `yaml:"severity"`
	Frameworks   []string `yaml:"frameworks"`
	Suppressions string   `yaml:"suppressions"`
	Thresholds   string   `yaml:"thresholds"`
}

// Target is something to scan on a schedule: live (profile, role_arn, org
// and its options) or offline (from: a folder of AWS CLI files, snapshot: a
// snapshot file, read again at each scan).
type Target struct {
	Name         string `yaml:"name"`
	ScanSettings `yaml:",inline"`

	Profile         string   `yaml:"profile"`
	Region          string   `yaml:"region"`
	RoleARN         string   `yaml:"role_arn"`
	ExternalID      string   `yaml:"external_id"`
	Org             bool     `yaml:"org"`
	MemberRole      string   `yaml:"member_role"`
	Accounts        []string `yaml:"accounts"`
	ExcludeAccounts []string `yaml:"exclude_accounts"`
	Regions         []string `yaml:"regions"`
	Parallel        int      `yaml:"parallel"`
	AccountTimeout  Duration `yaml:"account_timeout"`

	From     string `yaml:"from"`
	Snapshot string `yaml:"snapshot"`

	// Resolved by Validate.
	schedule Schedule
	selected []*rules.Rule
	cfg      rules.Config
	suppFile string
}

// Notification is one channel: a generic webhook (HMAC-signed JSON), a
// Slack-compatible incoming webhook, or an SNS topic.
type Notification struct {
	Name string `yaml:"name"`
	Type string `yaml:"type"` // webhook, slack, sns
	// URL of a webhook; URLEnv names a variable holding it instead (a Slack
	// webhook URL is itself a secret).
	URL    string `yaml:"url"`
	URLEnv string `yaml:"url_env"`
	// SecretEnv / SecretFile hold the webhook's HMAC key.
	SecretEnv  string `yaml:"secret_env"`
	SecretFile string `yaml:"secret_file"`
	TopicARN   string `yaml:"topic_arn"`
	Region     string `yaml:"region"`
	Profile    string `yaml:"profile"`
	// MinSeverity: new or reopened findings at or above it are sent
	// (default high). On: "findings", "scan_failed" (default both).
	// Targets limits the channel to some targets (default all).
	MinSeverity string   `yaml:"min_severity"`
	On          []string `yaml:"on"`
	Targets     []string `yaml:"targets"`
	// Attempts (default 4) and Backoff (default 2s, doubled each retry).
	Attempts int      `yaml:"attempts"`
	Backoff  Duration `yaml:"backoff"`
}

// Duration reads "30s", "15m" in YAML.
type Duration time.Duration

// UnmarshalText parses a Go duration.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%q is not a duration (like 30s, 15m, 1h)", b)
	}
	*d = Duration(v)
	return nil
}

// LoadConfig reads and validates serve.yaml.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := ParseConfig(data, filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// ParseConfig decodes and validates a configuration; relative paths in it
// are relative to dir.
func ParseConfig(data []byte, dir string) (*Config, error) {
	var c Config
	if err := yamlstrict.Decode(data, &c); err != nil {
		return nil, err
	}
	c.dir = dir
	if err := c.validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$`)

func (c *Config) path(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.dir, p)
}

func (c *Config) validate() error {
	var errs []error
	if len(c.Targets) == 0 {
		errs = append(errs, errors.New("targets: at least one target is needed"))
	}
	if c.ScanTimeout == 0 {
		c.ScanTimeout = Duration(time.Hour)
	}
	if c.ShutdownGrace == 0 {
		c.ShutdownGrace = Duration(30 * time.Second)
	}
	if c.Retention.KeepScans < 0 || c.Retention.KeepDays < 0 {
		errs = append(errs, errors.New("retention: keep_scans and keep_days must not be negative"))
	}
	seen := map[string]bool{}
	for i := range c.Targets {
		t := &c.Targets[i]
		where := fmt.Sprintf("targets[%d] (%s)", i, t.Name)
		if !nameRE.MatchString(t.Name) {
			errs = append(errs, fmt.Errorf("targets[%d]: name %q: want letters, digits, '.', '_' or '-' (at most 63)", i, t.Name))
		}
		if seen[t.Name] {
			errs = append(errs, fmt.Errorf("%s: duplicate name", where))
		}
		seen[t.Name] = true
		if err := c.resolveTarget(t); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", where, err))
		}
	}
	names := map[string]bool{}
	for i := range c.Notifications {
		n := &c.Notifications[i]
		where := fmt.Sprintf("notifications[%d] (%s)", i, n.Name)
		if !nameRE.MatchString(n.Name) || names[n.Name] {
			errs = append(errs, fmt.Errorf("%s: want a unique name of letters, digits, '.', '_' or '-'", where))
		}
		names[n.Name] = true
		if err := c.checkNotification(n, seen); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", where, err))
		}
	}
	return errors.Join(errs...)
}

func (c *Config) resolveTarget(t *Target) error {
	d := c.Defaults
	or := func(a, b string) string {
		if a != "" {
			return a
		}
		return b
	}
	t.Schedule = or(t.Schedule, or(d.Schedule, "6h"))
	t.Severity = or(t.Severity, d.Severity)
	t.Suppressions = c.path(or(t.Suppressions, d.Suppressions))
	t.Thresholds = c.path(or(t.Thresholds, d.Thresholds))
	if t.Rules == nil {
		t.Rules = d.Rules
	}
	if t.ExcludeRules == nil {
		t.ExcludeRules = d.ExcludeRules
	}
	if t.Frameworks == nil {
		t.Frameworks = d.Frameworks
	}
	var errs []error
	sched, err := ParseSchedule(t.Schedule)
	if err != nil {
		errs = append(errs, err)
	}
	t.schedule = sched
	t.From, t.Snapshot = c.path(t.From), c.path(t.Snapshot)
	live := t.Profile != "" || t.RoleARN != "" || t.Org || t.Region != "" || len(t.Accounts) > 0 || len(t.ExcludeAccounts) > 0 || t.MemberRole != ""
	switch {
	case t.From != "" && t.Snapshot != "":
		errs = append(errs, errors.New("from and snapshot cannot both be set"))
	case (t.From != "" || t.Snapshot != "") && live:
		errs = append(errs, errors.New("from/snapshot (offline) cannot be combined with profile, region, role_arn, org or accounts (live)"))
	}
	if (len(t.Accounts) > 0 || len(t.ExcludeAccounts) > 0 || t.MemberRole != "") && !t.Org {
		errs = append(errs, errors.New("accounts, exclude_accounts and member_role need org: true"))
	}
	if t.RoleARN != "" && !strings.HasPrefix(t.RoleARN, "arn:") {
		errs = append(errs, fmt.Errorf("role_arn %q: want a role ARN", t.RoleARN))
	}
	if t.Parallel < 0 || t.Parallel > 64 {
		errs = append(errs, fmt.Errorf("parallel %d: want 1 to 64", t.Parallel))
	}
	sel, err := selectRules(t.Rules, t.ExcludeRules, t.Severity, t.Frameworks)
	if err != nil {
		errs = append(errs, err)
	}
	t.selected = sel
	t.cfg = rules.Defaults()
	if t.Thresholds != "" {
		if t.cfg, err = config.Load(t.Thresholds); err != nil {
			errs = append(errs, fmt.Errorf("thresholds: %w", err))
		}
	}
	if t.Suppressions != "" {
		if _, err := suppress.Load(t.Suppressions); err != nil {
			errs = append(errs, fmt.Errorf("suppressions: %w", err))
		}
		t.suppFile = t.Suppressions
	}
	return errors.Join(errs...)
}

// selectRules applies rules (IDs or globs), exclude_rules, a minimum
// severity and frameworks (rules mapped to any of them) to the catalogue.
func selectRules(include, exclude []string, severity string, frameworks []string) ([]*rules.Rule, error) {
	var errs []error
	for _, p := range append(slices.Clone(include), exclude...) {
		if !slices.ContainsFunc(rules.Catalog(), func(r *rules.Rule) bool { return suppress.Glob(p, r.ID) }) {
			errs = append(errs, fmt.Errorf("rule %q matches no rule (see 'iamspect rules')", p))
		}
	}
	for _, f := range frameworks {
		if !slices.Contains(rules.Frameworks, rules.Framework(f)) {
			errs = append(errs, fmt.Errorf("framework %q: unknown (see 'iamspect rules')", f))
		}
	}
	minRank := 0
	if severity != "" {
		sev, err := finding.ParseSeverity(severity)
		if err != nil {
			errs = append(errs, err)
		}
		minRank = sev.Rank()
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	match := func(ps []string, id string) bool {
		return slices.ContainsFunc(ps, func(p string) bool { return suppress.Glob(p, id) })
	}
	var out []*rules.Rule
	for _, r := range rules.Catalog() {
		if len(include) > 0 && !match(include, r.ID) || match(exclude, r.ID) || r.Severity.Rank() < minRank {
			continue
		}
		if len(frameworks) > 0 && !slices.ContainsFunc(frameworks, func(f string) bool { return len(r.Frameworks[rules.Framework(f)]) > 0 }) {
			continue
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, errors.New("the rule selection leaves no rule to run")
	}
	return out, nil
}

func (c *Config) checkNotification(n *Notification, targets map[string]bool) error {
	var errs []error
	switch n.Type {
	case "webhook", "slack":
		if (n.URL == "") == (n.URLEnv == "") {
			errs = append(errs, errors.New("give one of url and url_env"))
		}
		if n.URL != "" {
			if err := checkURL(n.URL); err != nil {
				errs = append(errs, fmt.Errorf("url: %w", err))
			}
		}
		if n.Type == "slack" && (n.SecretEnv != "" || n.SecretFile != "") {
			errs = append(errs, errors.New("slack webhooks are not signed: secret_env/secret_file apply to type webhook"))
		}
	case "sns":
		if !strings.HasPrefix(n.TopicARN, "arn:") {
			errs = append(errs, errors.New("topic_arn: want an SNS topic ARN"))
		}
	default:
		errs = append(errs, fmt.Errorf("type %q: want webhook, slack or sns", n.Type))
	}
	if n.SecretEnv != "" && n.SecretFile != "" {
		errs = append(errs, errors.New("give at most one of secret_env and secret_file"))
	}
	if n.MinSeverity == "" {
		n.MinSeverity = "high"
	}
	if _, err := finding.ParseSeverity(n.MinSeverity); err != nil {
		errs = append(errs, fmt.Errorf("min_severity: %w", err))
	}
	if len(n.On) == 0 {
		n.On = []string{EventFindings, EventScanFailed}
	}
	for _, on := range n.On {
		if on != EventFindings && on != EventScanFailed {
			errs = append(errs, fmt.Errorf("on %q: want findings or scan_failed", on))
		}
	}
	for _, t := range n.Targets {
		if !targets[t] {
			errs = append(errs, fmt.Errorf("targets: no target named %q", t))
		}
	}
	if n.Attempts == 0 {
		n.Attempts = 4
	}
	if n.Attempts < 1 || n.Attempts > 10 {
		errs = append(errs, fmt.Errorf("attempts %d: want 1 to 10", n.Attempts))
	}
	if n.Backoff == 0 {
		n.Backoff = Duration(2 * time.Second)
	}
	n.SecretFile = c.path(n.SecretFile)
	return errors.Join(errs...)
}

// Event kinds that notifications subscribe to.
const (
	EventFindings   = "findings"
	EventScanFailed = "scan_failed"
)

// IsLoopback says whether addr (host:port) binds only the loopback
// interface. An empty host binds every interface.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkURL accepts an absolute http or https URL. Its errors never repeat
// the URL (a Slack webhook URL is a secret).
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("want an absolute http:// or https:// URL")
	}
	return nil
}
