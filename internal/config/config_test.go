package config

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/rules"
)

func TestParse(t *testing.T) {
	c, err := Parse([]byte("thresholds:\n  access_key_max_age_days: 30\n  min_password_length: 16\nknown_accounts: [\"444455556666\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := rules.Defaults()
	want.AccessKeyMaxAgeDays, want.MinPasswordLength = 30, 16
	if c.AccessKeyMaxAgeDays != 30 || c.MinPasswordLength != 16 || c.UnusedCredentialDays != want.UnusedCredentialDays ||
		len(c.KnownAccounts) != 1 || c.KnownAccounts[0] != "444455556666" {
		t.Errorf("got %+v", c)
	}
}

func TestEmptyFileGivesDefaults(t *testing.T) {
	c, err := Parse(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessKeyMaxAgeDays != 90 || c.MaxPasswordAgeDays != 90 {
		t.Errorf("%+v", c)
	}
}

func TestErrorsNameFileAndLine(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "iamspect.yaml")
	os.WriteFile(path, []byte("thresholds:\n  access_key_max_age_days: 30\n  acess_key_unused: 4\n"), 0o644)
	_, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "acess_key_unused") {
		t.Errorf("err = %v", err)
	}
	for _, bad := range []string{"thresholds:\n  min_password_length: -1\n", "known_accounts: [12345]\n", "colour: red\n", "thresholds:\n  role_max_session_hours: 13\n"} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("thresholds:\n  access_key_max_age_days: 30\nknown_accounts: [\"444455556666\"]\n"))
	f.Add([]byte("thresholds: {unknown: 1}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err == nil && (c.AccessKeyMaxAgeDays <= 0 || c.MinPasswordLength <= 0) {
			t.Fatalf("accepted config without defaults: %+v", c)
		}
	})
}

// Every threshold of the rules' table is a key of the file, with its limits.
func TestThresholdKeysAndLimitsComeFromTheTable(t *testing.T) {
	for _, th := range rules.Thresholds() {
		for _, v := range []int{th.Min, th.Max} {
			c, err := Parse([]byte("thresholds:\n  " + th.Key + ": " + strconv.Itoa(v) + "\n"))
			if err != nil {
				t.Errorf("%s: %d: %v", th.Key, v, err)
				continue
			}
			if th.Get(c) != v {
				t.Errorf("%s: set %d, got %d", th.Key, v, th.Get(c))
			}
		}
		for _, v := range []int{th.Max + 1, -1} {
			_, err := Parse([]byte("thresholds:\n  " + th.Key + ": " + strconv.Itoa(v) + "\n"))
			if err == nil || !strings.Contains(err.Error(), "thresholds."+th.Key) {
				t.Errorf("%s: %d: err = %v", th.Key, v, err)
			}
		}
		if c, err := Parse([]byte("thresholds:\n  " + th.Key + ": 0\n")); err != nil || th.Get(c) != th.Default {
			t.Errorf("%s: 0 gives %d, %v; want the default %d", th.Key, th.Get(c), err, th.Default)
		}
	}
	bad := map[string]string{
		"thresholds:\n  access_key_max_age_days: 30\n  acess_key_unused: 4\n": `line 3: unknown key "acess_key_unused" in thresholds`,
		"thresholds:\n  role_unused_days: soon\n":                             `line 2: thresholds.role_unused_days: "soon" is not a whole number of days`,
		"thresholds:\n  role_unused_days: [1]\n":                              "line 2: thresholds.role_unused_days",
		"thresholds: 5\n":                                                     "line 1: thresholds must be a mapping",
		"thresholds:\n  role_unused_days: 5\n  role_unused_days: 6\n":         "line 3: thresholds.role_unused_days is set twice",
		"thresholds:\n  role_max_session_hours: 13\n":                         "thresholds.role_max_session_hours: 13 is outside 1..12 hours",
	}
	for in, want := range bad {
		if _, err := Parse([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q", in, err, want)
		}
	}
	if c, err := Parse([]byte("thresholds:\n")); err != nil || c.AccessKeyMaxAgeDays != 90 {
		t.Errorf("empty thresholds: %+v %v", c, err)
	}
}
