package rules_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/scan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

var t0 = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

func ago(days int) time.Time { return t0.AddDate(0, 0, -days) }
func agoP(days int) *time.Time {
	t := ago(days)
	return &t
}

// run executes one rule over a snapshot through the real scanner and returns
// the results keyed by resource name.
func run(t *testing.T, r *rules.Rule, s *snapshot.Snapshot) map[string]rules.Result {
	t.Helper()
	out, err := scan.Run(context.Background(), s, scan.Options{Rules: []*rules.Rule{r}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Errors) > 0 {
		t.Fatalf("rule errors: %v", out.Errors)
	}
	m := map[string]rules.Result{}
	for _, res := range out.Results {
		if _, dup := m[res.ResourceName]; dup {
			t.Fatalf("two results for %s", res.ResourceName)
		}
		m[res.ResourceName] = res
	}
	return m
}

type want struct {
	status  rules.Status
	message string // substring
}

func check(t *testing.T, got map[string]rules.Result, wants map[string]want) {
	t.Helper()
	for name, w := range wants {
		res, ok := got[name]
		if !ok {
			t.Errorf("%s: no result (have %v)", name, keys(got))
			continue
		}
		if res.Status != w.status {
			t.Errorf("%s: status %s, want %s (%s)", name, res.Status, w.status, res.Message)
		}
		if !strings.Contains(res.Message, w.message) {
			t.Errorf("%s: message %q lacks %q", name, res.Message, w.message)
		}
	}
	if len(got) != len(wants) {
		t.Errorf("got %d results %v, want %d", len(got), keys(got), len(wants))
	}
}

func keys(m map[string]rules.Result) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestUserUnnecessary(t *testing.T) {
	b := snapshot.NewBuilder("123456789012", t0).With(snapshot.InputSSHKeys, snapshot.InputServiceCredentials)
	b.User("person", ago(400)).Password(ago(10), agoP(1)).MFA(snapshot.MFAVirtual)
	b.User("workload", ago(400)).AccessKey(ago(30), agoP(1))
	b.User("both", ago(400)).Password(ago(10), nil).AccessKey(ago(30), nil)
	git := b.User("git", ago(400)).User
	git.ServiceCredentials = []snapshot.ServiceCredential{{ID: "ACCA1", ServiceName: "codecommit.amazonaws.com", Status: "Active"}}
	b.User("idle", ago(400)).InactiveAccessKey(ago(300))
	check(t, run(t, &rules.UserUnnecessary, b.Build()), map[string]want{
		"person":   {rules.Fail, "console password (a person's sign-in)"},
		"workload": {rules.Fail, "1 active access key and no console password (a workload identity)"},
		"both":     {rules.Fail, "used by a person and a program"},
		"git":      {rules.Fail, "known legitimate use"},
		"idle":     {rules.Fail, "delete it"},
	})
}

func TestUserUnnecessaryNoUsersPasses(t *testing.T) {
	got := run(t, &rules.UserUnnecessary, snapshot.NewBuilder("123456789012", t0).Build())
	check(t, got, map[string]want{"123456789012": {rules.Pass, "no IAM users"}})
}

func TestUserUnnecessaryWithoutCredentialReport(t *testing.T) {
	b := snapshot.NewBuilder("123456789012", t0).Without(snapshot.InputCredentialReport)
	b.User("someone", ago(10))
	check(t, run(t, &rules.UserUnnecessary, b.Build()), map[string]want{
		"someone": {rules.Fail, "credentials are unknown"},
	})
}

func TestUserUnnecessaryWithoutAnyInputIsUnknown(t *testing.T) {
	b := snapshot.NewBuilder("123456789012", t0).Without(snapshot.InputCredentialReport, snapshot.InputAuthorizationDetails)
	got := run(t, &rules.UserUnnecessary, b.Build())
	check(t, got, map[string]want{"123456789012": {rules.Unknown, "needs one of"}})
}

func TestUserPasswordAndAccessKeys(t *testing.T) {
	b := snapshot.NewBuilder("123456789012", t0)
	b.User("both", ago(100)).Password(ago(10), nil).AccessKey(ago(10), nil).AccessKey(ago(5), nil)
	b.User("password-inactive-key", ago(100)).Password(ago(10), nil).InactiveAccessKey(ago(10))
	b.User("keys-only", ago(100)).AccessKey(ago(10), nil)
	b.User("nothing", ago(100))
	check(t, run(t, &rules.UserPasswordAndAccessKeys, b.Build()), map[string]want{
		"both":                  {rules.Fail, "console password and 2 active access keys"},
		"password-inactive-key": {rules.Pass, "no active access key"},
		"keys-only":             {rules.Pass, "no console password"},
		"nothing":               {rules.Pass, "neither"},
	})
}

func TestUserConsoleWithoutMFA(t *testing.T) {
	b := snapshot.NewBuilder("123456789012", t0)
	b.User("no-mfa", ago(100)).Password(ago(10), nil)
	b.User("virtual", ago(100)).Password(ago(10), nil).MFA(snapshot.MFAVirtual)
	b.User("hardware", ago(100)).Password(ago(10), nil).MFA(snapshot.MFAHardware)
	b.User("api-only", ago(100)).AccessKey(ago(10), nil)
	unknownMFA := b.User("unknown-mfa", ago(100)).Password(ago(10), nil).User
	unknownMFA.MFAActive = nil
	check(t, run(t, &rules.UserConsoleWithoutMFA, b.Build()), map[string]want{
		"no-mfa":      {rules.Fail, "no MFA device"},
		"virtual":     {rules.Pass, "protected by MFA"},
		"hardware":    {rules.Pass, "protected by MFA"},
		"api-only":    {rules.Pass, "no console password"},
		"unknown-mfa": {rules.Unknown, "MFA state is not in the credential report"},
	})
}

func TestCredentialRulesUnknownWithoutCredentialReport(t *testing.T) {
	for _, r := range []*rules.Rule{&rules.UserPasswordAndAccessKeys, &rules.UserConsoleWithoutMFA,
		&rules.AccessKeyNotRotated, &rules.AccessKeyUnused, &rules.RootAccessKeys, &rules.RootMFADisabled} {
		t.Run(r.ID, func(t *testing.T) {
			b := snapshot.NewBuilder("123456789012", t0).Without(snapshot.InputCredentialReport)
			b.User("u", ago(10)).Password(ago(1), nil)
			got := run(t, r, b.Build())
			check(t, got, map[string]want{"123456789012": {rules.Unknown, "credential_report (iam:GetCredentialReport"}})
			if m := got["123456789012"].MissingInputs; len(m) != 1 || m[0] != string(snapshot.InputCredentialReport) {
				t.Errorf("missing inputs %v", m)
			}
		})
	}
}

func TestAccessKeyNotRotated(t *testing.T) {
	b := snapshot.NewBuilder("123456789012", t0)
	b.User("old", ago(1000)).AccessKey(ago(731), agoP(1))
	b.User("exactly-90", ago(1000)).AccessKey(ago(90), agoP(1))
	b.User("day-91", ago(1000)).AccessKey(ago(91), agoP(1))
	b.User("old-inactive", ago(1000)).InactiveAccessKey(ago(500))
	b.User("one-of-two", ago(1000)).AccessKey(ago(10), nil).AccessKey(ago(200), nil)
	b.User("none", ago(1000))
	check(t, run(t, &rules.AccessKeyNotRotated, b.Build()), map[string]want{
		"old":          {rules.Fail, "access key 1 is 731 days old (created 2022-05-01)"},
		"exactly-90":   {rules.Pass, "at most 90 days"},
		"day-91":       {rules.Fail, "91 days old"},
		"old-inactive": {rules.Pass, "no active access key"},
		"one-of-two":   {rules.Fail, "access key 2 is 200 days old"},
		"none":         {rules.Pass, "no active access key"},
	})
}

func TestAccessKeyNotRotatedAsOfAndConfig(t *testing.T) {
	b := snapshot.NewBuilder("123456789012", t0)
	b.User("u", ago(1000)).AccessKey(ago(50), agoP(1))
	s := b.Build()
	// 50 days old at t0: passes at 90 days, fails at a 30-day limit, and
	// fails at 90 days when measured 60 days later with --as-of.
	cases := []struct {
		ctx  rules.Context
		want rules.Status
	}{
		{rules.Context{Config: rules.Defaults()}, rules.Pass},
		{rules.Context{Config: rules.Config{AccessKeyMaxAgeDays: 30, UnusedCredentialDays: 45}}, rules.Fail},
		{rules.Context{Config: rules.Defaults(), AsOf: t0.AddDate(0, 0, 60)}, rules.Fail},
	}
	for i, c := range cases {
		out, err := scan.Run(context.Background(), s, scan.Options{Rules: []*rules.Rule{&rules.AccessKeyNotRotated}, Context: c.ctx})
		if err != nil {
			t.Fatal(err)
		}
		if got := out.Results[0].Status; got != c.want {
			t.Errorf("case %d: %s, want %s (%s)", i, got, c.want, out.Results[0].Message)
		}
	}
}

func TestAccessKeyUnused(t *testing.T) {
	b := snapshot.NewBuilder("123456789012", t0)
	b.User("used-yesterday", ago(1000)).AccessKey(ago(500), agoP(1))
	b.User("used-45-days-ago", ago(1000)).AccessKey(ago(500), agoP(45))
	b.User("used-44-days-ago", ago(1000)).AccessKey(ago(500), agoP(44))
	b.User("never-used-old", ago(1000)).AccessKey(ago(60), nil)
	b.User("never-used-new", ago(1000)).AccessKey(ago(10), nil)
	b.User("inactive-stale", ago(1000)).InactiveAccessKey(ago(500))
	check(t, run(t, &rules.AccessKeyUnused, b.Build()), map[string]want{
		"used-yesterday":   {rules.Pass, "used in the last 45 days"},
		"used-45-days-ago": {rules.Fail, "last used 45 days ago"},
		"used-44-days-ago": {rules.Pass, "used in the last 45 days"},
		"never-used-old":   {rules.Fail, "never been used in 60 days"},
		"never-used-new":   {rules.Pass, "used in the last 45 days"},
		"inactive-stale":   {rules.Pass, "no active access key"},
	})
}

func TestRootAccessKeys(t *testing.T) {
	withKey := snapshot.NewBuilder("123456789012", t0)
	withKey.Root().AccessKeys = []snapshot.AccessKey{{Slot: 1, Status: "Active"}, {Slot: 2, Status: "Inactive"}}
	check(t, run(t, &rules.RootAccessKeys, withKey.Build()), map[string]want{
		"<root_account>": {rules.Fail, "active access key (access key 1)"},
	})
	inactive := snapshot.NewBuilder("123456789012", t0)
	inactive.Root().AccessKeys = []snapshot.AccessKey{{Slot: 1, Status: "Inactive"}}
	check(t, run(t, &rules.RootAccessKeys, inactive.Build()), map[string]want{
		"<root_account>": {rules.Pass, "no active access key"},
	})
	noRoot := snapshot.NewBuilder("123456789012", t0)
	noRoot.Account().Root = nil
	check(t, run(t, &rules.RootAccessKeys, noRoot.Build()), map[string]want{
		"<root_account>": {rules.Unknown, "no <root_account> row"},
	})
}

func TestRootResultARN(t *testing.T) {
	got := run(t, &rules.RootAccessKeys, snapshot.NewBuilder("123456789012", t0).Build())
	if arn := got["<root_account>"].ResourceARN; arn != "arn:aws:iam::123456789012:root" {
		t.Errorf("root ARN %q", arn)
	}
}

func TestRootMFADisabled(t *testing.T) {
	yes, no := true, false
	cases := []struct {
		name     string
		password *bool
		mfa      bool
		want     want
	}{
		{"not_supported password, no MFA", nil, false, want{rules.Fail, "no MFA device"}},
		{"password, no MFA", &yes, false, want{rules.Fail, "has a password and no MFA"}},
		{"password removed centrally", &no, false, want{rules.Pass, "no password"}},
		{"MFA on", &yes, true, want{rules.Pass, "MFA enabled"}},
		{"not_supported password, MFA on", nil, true, want{rules.Pass, "MFA enabled"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := snapshot.NewBuilder("123456789012", t0)
			b.Root().PasswordEnabled, b.Root().MFAActive = c.password, c.mfa
			check(t, run(t, &rules.RootMFADisabled, b.Build()), map[string]want{"<root_account>": c.want})
		})
	}
}

func TestUserResultsUseUserARN(t *testing.T) {
	b := snapshot.NewBuilder("123456789012", t0)
	b.User("alice", ago(10)).Password(ago(1), nil)
	for _, r := range rules.Catalog() {
		for _, res := range run(t, r, b.Build()) {
			if res.ResourceType == rules.TypeUser && res.ResourceARN != "arn:aws:iam::123456789012:user/alice" {
				t.Errorf("%s: user result ARN %q", r.ID, res.ResourceARN)
			}
		}
	}
}

func TestUserMissingFromCredentialReportIsUnknownNotPass(t *testing.T) {
	for _, r := range []*rules.Rule{&rules.UserPasswordAndAccessKeys, &rules.UserConsoleWithoutMFA,
		&rules.AccessKeyNotRotated, &rules.AccessKeyUnused} {
		t.Run(r.ID, func(t *testing.T) {
			b := snapshot.NewBuilder("123456789012", t0)
			b.User("late", ago(1)).User.Password = nil // in authz details, no report row
			check(t, run(t, r, b.Build()), map[string]want{"late": {rules.Unknown, "not in the credential report"}})
		})
	}
	b := snapshot.NewBuilder("123456789012", t0)
	b.User("late", ago(1)).User.Password = nil
	check(t, run(t, &rules.UserUnnecessary, b.Build()), map[string]want{"late": {rules.Fail, "not in the credential report"}})
}
