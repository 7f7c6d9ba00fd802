package suppress

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/snapshot"
)

const native = `suppressions:
  - rule: iam-user-unnecessary
    account: "123456789012"
    resource: "arn:aws:iam::*:user/svc-*"
    reason: "Third-party client without SSO support"
  - rule: "iam-access-key-*"
    tags: {owner: data-team}
    reason: Data team keys, tracked in TICKET-1
    expires: 2026-06-30
  - rule: root-access-keys
    resource: /root$/
    reason: never matches in these tests
`

func fail(rule, arn string, tags ...snapshot.Tag) rules.Result {
	return rules.Result{RuleID: rule, Status: rules.Fail, AccountID: "123456789012", ResourceARN: arn,
		ResourceName: arn[strings.LastIndex(arn, "/")+1:], Tags: tagMap(tags)}
}

func TestNative(t *testing.T) {
	s, err := Parse([]byte(native), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s.At(time.Date(2026, 6, 30, 23, 0, 0, 0, time.UTC)) // last day of the second entry
	r1 := fail("iam-user-unnecessary", "arn:aws:iam::123456789012:user/svc-etl")
	r2 := fail("iam-user-unnecessary", "arn:aws:iam::123456789012:user/alice")
	r3 := fail("iam-access-key-unused", "arn:aws:iam::123456789012:user/bob", snapshot.Tag{Key: "owner", Value: "data-team"})
	r4 := r1
	r4.Status = rules.Pass
	for _, r := range []*rules.Result{&r1, &r2, &r3, &r4} {
		s.Apply(r)
	}
	if r1.Status != rules.Muted || r1.MuteReason != "Third-party client without SSO support" {
		t.Errorf("r1 %+v", r1)
	}
	if r2.Status != rules.Fail || r4.Status != rules.Pass {
		t.Errorf("r2 %s r4 %s", r2.Status, r4.Status)
	}
	if r3.Status != rules.Muted {
		t.Errorf("r3 %s", r3.Status)
	}
	sum := s.Summarize("s.yaml")
	if sum.Applied != 2 || len(sum.Unused) != 1 || sum.Unused[0].Line != 10 || len(sum.Expired) != 0 {
		t.Errorf("summary %+v", sum)
	}
}

func TestExpiryUsesReferenceTime(t *testing.T) {
	s, _ := Parse([]byte(native), "s.yaml")
	s.At(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC))
	r := fail("iam-access-key-unused", "arn:aws:iam::123456789012:user/bob", snapshot.Tag{Key: "owner", Value: "data-team"})
	s.Apply(&r)
	if r.Status != rules.Fail {
		t.Errorf("expired entry still mutes")
	}
	if sum := s.Summarize("s.yaml"); len(sum.Expired) != 1 || sum.Expired[0].Line != 6 {
		t.Errorf("expired %+v", sum.Expired)
	}
}

func TestErrorsNameFileAndLine(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{"suppressions:\n  - rule: x\n    reason: y\n    resorce: z\n", `line 4: unknown key "resorce"`},
		{"suppressions:\n  - rule: x\n  - rule: y\n    reason: ok\n", "line 2"},
		{"suppressions:\n  - rule: x\n    reason: y\n    expires: soon\n", "line 2"},
		{"suppressions:\n  - rule: x\n    reason: y\n    resource: /[/\n", "line 2"},
	} {
		path := filepath.Join(t.TempDir(), "supp.yaml")
		os.WriteFile(path, []byte(tc.doc), 0o644)
		_, err := Load(path)
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want %s and %s", tc.doc, err, path, tc.want)
		}
	}
}

const prowler = `Mutelist:
  Accounts:
    "123456789012":
      Checks:
        "iam_user_mfa_enabled_console_access":
          Regions: ["*"]
          Resources: ["alice"]
        "s3_bucket_public_access":
          Regions: ["*"]
          Resources: ["*"]
    "*":
      Checks:
        "iam-user-unnecessary":
          Regions: ["*"]
          Resources: ["svc-.*"]
          Description: "Service users kept on purpose"
`

func TestProwler(t *testing.T) {
	s, err := Parse([]byte(prowler), "mutelist.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], "s3_bucket_public_access") {
		t.Errorf("warnings %v", s.Warnings)
	}
	r1 := fail("iam-user-console-without-mfa", "arn:aws:iam::123456789012:user/alice")
	r2 := fail("iam-user-unnecessary", "arn:aws:iam::999999999999:user/svc-x")
	r3 := fail("iam-user-console-without-mfa", "arn:aws:iam::123456789012:user/bob")
	for _, r := range []*rules.Result{&r1, &r2, &r3} {
		s.Apply(r)
	}
	if r1.Status != rules.Muted || r2.Status != rules.Muted || r2.MuteReason != "Service users kept on purpose" || r3.Status != rules.Fail {
		t.Errorf("%s %s %q %s", r1.Status, r2.Status, r2.MuteReason, r3.Status)
	}
}

func TestGlob(t *testing.T) {
	for _, c := range []struct {
		p, s string
		ok   bool
	}{{"root-*", "root-mfa-disabled", true}, {"arn:aws:iam::*:user/svc-*", "arn:aws:iam::1:user/a/svc-x", false},
		{"arn:aws:iam::*:user/*svc-*", "arn:aws:iam::1:user/a/svc-x", true}, {"a?c", "abc", true}, {"abc", "abd", false}} {
		if Glob(c.p, c.s) != c.ok {
			t.Errorf("Glob(%q, %q) != %v", c.p, c.s, c.ok)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(native))
	f.Add([]byte(prowler))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data, "f.yaml")
		if err == nil && s != nil {
			r := fail("x", "arn:aws:iam::1:user/u")
			s.Apply(&r)
		}
	})
}

func TestConformityAlias(t *testing.T) {
	s, err := Parse([]byte("suppressions:\n  - rule: IAM-024\n    reason: migrated from Conformity\n"), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r := fail("iam-user-password-and-access-keys", "arn:aws:iam::123456789012:user/alice")
	other := fail("iam-user-unnecessary", "arn:aws:iam::123456789012:user/alice")
	s.Apply(&r)
	s.Apply(&other)
	if r.Status != rules.Muted || other.Status != rules.Fail {
		t.Errorf("%s %s", r.Status, other.Status)
	}
}

func tagMap(tags []snapshot.Tag) map[string]string {
	m := map[string]string{}
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

// A rule that names no rule is an error with the suggestion --rules gives;
// a pattern matching every rule needs all: true, and all: true needs such a
// pattern.
func TestRulePatternsChecked(t *testing.T) {
	for _, tc := range []struct{ entry, want string }{
		{"rule: root-acess-keys", `s.yaml: line 2: unknown rule "root-acess-keys" (did you mean "root-access-keys"? see 'iamspect rules')`},
		{"rule: nothing-like-any-rule-at-all", `s.yaml: line 2: unknown rule "nothing-like-any-rule-at-all" (see 'iamspect rules')`},
		{"rule: zzz-*", `s.yaml: line 2: rule pattern "zzz-*" matches no rule (see 'iamspect rules')`},
		{`rule: "*"`, `s.yaml: line 2: rule "*" matches every rule, so the entry would mute the whole catalogue: add all: true to the entry if that is meant`},
		{`rule: "*-*"`, `s.yaml: line 2: rule "*-*" matches every rule, so the entry would mute the whole catalogue: add all: true to the entry if that is meant`},
		{"rule: root-*\n    all: true", `s.yaml: line 2: all: true, but rule "root-*" does not match every rule: remove all: true`},
		{`rule: "*"` + "\n    all: true", ""},
		{"rule: root-*", ""},
	} {
		_, err := Parse([]byte("suppressions:\n  - "+tc.entry+"\n    reason: accepted\n"), "s.yaml")
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.entry, got, tc.want)
		}
	}
}
