package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestConfigExample(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "supp.yaml"), []byte("suppressions: []\n"), 0o600)
	c, err := ParseConfig([]byte(`
addr: 127.0.0.1:9090
db: sqlite:/tmp/x.db
scan_timeout: 20m
retention: {keep_scans: 100, keep_days: 90}
defaults:
  schedule: 6h
  severity: medium
targets:
  - name: prod
    profile: audit
    role_arn: arn:aws:iam::123456789012:role/iamspect-audit
    schedule: "0 */6 * * *"
    suppressions: supp.yaml
  - name: org
    org: true
    exclude_accounts: ["444455556666"]
    parallel: 8
    account_timeout: 10m
    rules: ["root-*"]
  - name: offline
    snapshot: snap.json
notifications:
  - name: hook
    type: webhook
    url: https://hooks.example.com/iamspect
    secret_env: HOOK_SECRET
  - name: slack
    type: slack
    url_env: SLACK_URL
    min_severity: critical
    on: [findings]
    targets: [prod]
  - name: topic
    type: sns
    topic_arn: arn:aws:sns:eu-west-1:123456789012:iamspect
    region: eu-west-1
`), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Targets) != 3 || c.Targets[0].schedule.String() != "cron 0 */6 * * *" || c.Targets[1].schedule.String() != "every 6 hours" {
		t.Fatalf("%+v", c.Targets)
	}
	if c.Targets[0].Suppressions != filepath.Join(dir, "supp.yaml") || c.Targets[2].Snapshot != filepath.Join(dir, "snap.json") {
		t.Errorf("paths not relative to the file: %q %q", c.Targets[0].Suppressions, c.Targets[2].Snapshot)
	}
	for _, r := range c.Targets[1].selected {
		if !strings.HasPrefix(r.ID, "root-") || r.Severity.Rank() < 3 {
			t.Errorf("org selected %s (%s)", r.ID, r.Severity)
		}
	}
	c2, err := ParseConfig([]byte("targets:\n  - name: a\n    frameworks: [cis-aws-v3.0]\n"), dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range c2.Targets[0].selected {
		if len(r.Frameworks["cis-aws-v3.0"]) == 0 {
			t.Errorf("%s is not mapped to cis-aws-v3.0", r.ID)
		}
	}
	if c.ShutdownGrace.D() != 30*time.Second || c.ScanTimeout.D() != 20*time.Minute || c.Notifications[0].Attempts != 4 ||
		c.Notifications[0].MinSeverity != "high" || len(c.Notifications[0].On) != 2 {
		t.Errorf("defaults: %+v %+v", c, c.Notifications[0])
	}
}

func TestConfigErrors(t *testing.T) {
	cases := map[string]string{
		"targets:\n  - name: a\n    shedule: 5m\n": `line 3: unknown key "shedule"`,
		"addr: x\n":                                                                                   "at least one target",
		"targets:\n  - name: a\n  - name: a\n":                                                        "duplicate name",
		"targets:\n  - name: 'a b'\n":                                                                 "name \"a b\"",
		"targets:\n  - name: a\n    schedule: 61 * * * *\n":                                           "outside 0-59",
		"targets:\n  - name: a\n    from: x\n    snapshot: y\n":                                       "cannot both be set",
		"targets:\n  - name: a\n    snapshot: y\n    profile: p\n":                                    "cannot be combined",
		"targets:\n  - name: a\n    accounts: ['123456789012']\n":                                     "need org: true",
		"targets:\n  - name: a\n    rules: [no-such-rule]\n":                                          "matches no rule",
		"targets:\n  - name: a\n    severity: huge\n":                                                 "unknown severity",
		"targets:\n  - name: a\n    frameworks: [iso-9001]\n":                                         `framework "iso-9001": unknown`,
		"targets:\n  - name: a\n    suppressions: missing.yaml\n":                                     "suppressions:",
		"targets:\n  - name: a\n    thresholds: missing.yaml\n":                                       "thresholds:",
		"scan_timeout: soon\ntargets:\n  - name: a\n":                                                 "not a duration",
		"targets:\n  - name: a\nnotifications:\n  - name: n\n    type: email\n":                       "want webhook, slack or sns",
		"targets:\n  - name: a\nnotifications:\n  - name: n\n    type: webhook\n":                     "one of url and url_env",
		"targets:\n  - name: a\nnotifications:\n  - name: n\n    type: sns\n":                         "topic_arn",
		"targets:\n  - name: a\nnotifications:\n  - {name: n, type: slack, url: u, secret_env: S}\n":  "not signed",
		"targets:\n  - name: a\nnotifications:\n  - {name: n, type: webhook, url: 'ftp://x/y'}\n":     "absolute http",
		"targets:\n  - name: a\nnotifications:\n  - {name: n, type: webhook, url: u, on: [x]}\n":      "want findings or scan_failed",
		"targets:\n  - name: a\nnotifications:\n  - {name: n, type: webhook, url: u, targets: [b]}\n": `no target named "b"`,
		"targets:\n  - name: a\nretention: {keep_scans: -1}\n":                                        "must not be negative",
	}
	for yaml, want := range cases {
		_, err := ParseConfig([]byte(yaml), t.TempDir())
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err %v, want %q", yaml, err, want)
		}
	}
}

// The example in docs/serve.md is a valid configuration.
func TestDocsExampleParses(t *testing.T) {
	b, err := os.ReadFile("../../docs/serve.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "```yaml\n")
	if !ok {
		t.Fatal("no yaml block in docs/serve.md")
	}
	example, _, _ := strings.Cut(rest, "```")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "accepted.yaml"), []byte("suppressions: []\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "thresholds.yaml"), []byte("thresholds: {}\n"), 0o600)
	c, err := ParseConfig([]byte(example), dir)
	if err != nil {
		t.Fatalf("docs/serve.md example: %v", err)
	}
	if len(c.Targets) != 4 || len(c.Notifications) != 3 {
		t.Fatalf("example: %d targets, %d notifications", len(c.Targets), len(c.Notifications))
	}
}

// Any input is an error or a configuration, never a panic.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("targets:\n  - name: a\n    schedule: '*/5 * * * *'\n    snapshot: s.json\n"))
	f.Add([]byte("targets:\n  - {name: a, org: true, accounts: ['123456789012']}\nnotifications:\n  - {name: n, type: webhook, url: u}\n"))
	f.Add([]byte("addr: [1, 2]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = ParseConfig(data, t.TempDir())
	})
}
