package rules_test

import (
	"testing"

	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/snapshot"
)

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

func TestConsolePasswordUnused(t *testing.T) {
	runCases(t, &rules.ConsolePasswordUnused, []ruleCase{
		{name: "used 60 days ago", setup: func(b *snapshot.Builder) { b.User("ann", daysAgo(400)).Password(daysAgo(300), daysAgoP(60)) }, res: "ann", want: rules.Fail, contains: "60 days ago"},
		{name: "never used, set 50 days ago", setup: func(b *snapshot.Builder) { b.User("bob", daysAgo(400)).Password(daysAgo(50), nil) }, res: "bob", want: rules.Fail, contains: "never used"},
		{name: "used yesterday", setup: func(b *snapshot.Builder) { b.User("cat", daysAgo(400)).Password(daysAgo(300), daysAgoP(1)) }, res: "cat", want: rules.Pass},
		{name: "new, never used", setup: func(b *snapshot.Builder) { b.User("dan", daysAgo(5)).Password(daysAgo(5), nil) }, res: "dan", want: rules.Pass},
		{name: "threshold from config", setup: func(b *snapshot.Builder) { b.User("eve", daysAgo(400)).Password(daysAgo(300), daysAgoP(60)) },
			cfg: func(c *rules.Config) { c.UnusedCredentialDays = 90 }, res: "eve", want: rules.Pass},
		{name: "no password", setup: func(b *snapshot.Builder) { b.User("svc", daysAgo(400)) }, res: "svc", want: rules.Pass},
	})
}

func TestSSHKeyNotRotated(t *testing.T) {
	runCases(t, &rules.SSHKeyNotRotated, []ruleCase{
		{name: "old key", setup: func(b *snapshot.Builder) {
			b.With(snapshot.InputSSHKeys)
			b.User("git", daysAgo(400)).User.SSHKeys = []snapshot.SSHKey{{ID: "APKA1", Status: snapshot.StatusActive, UploadedAt: daysAgoP(200)}}
		}, res: "git", want: rules.Fail},
		{name: "old inactive key", setup: func(b *snapshot.Builder) {
			b.With(snapshot.InputSSHKeys)
			b.User("git", daysAgo(400)).User.SSHKeys = []snapshot.SSHKey{{ID: "APKA1", Status: snapshot.StatusInactive, UploadedAt: daysAgoP(200)}}
		}, res: "git", want: rules.Pass},
		{name: "recent key", setup: func(b *snapshot.Builder) {
			b.With(snapshot.InputSSHKeys)
			b.User("git", daysAgo(400)).User.SSHKeys = []snapshot.SSHKey{{ID: "APKA1", Status: snapshot.StatusActive, UploadedAt: daysAgoP(20)}}
		}, res: "git", want: rules.Pass},
		{name: "not collected", setup: func(b *snapshot.Builder) { b.User("git", daysAgo(400)) }, want: rules.Unknown},
	})
}

func TestSigningCertificateActive(t *testing.T) {
	runCases(t, &rules.SigningCertificateActive, []ruleCase{
		{name: "active cert", setup: func(b *snapshot.Builder) {
			b.User("old", daysAgo(400)).User.SigningCertificates = []snapshot.SigningCert{{Slot: 1, Status: snapshot.StatusActive}}
		}, res: "old", want: rules.Fail},
		{name: "inactive cert", setup: func(b *snapshot.Builder) {
			b.User("old", daysAgo(400)).User.SigningCertificates = []snapshot.SigningCert{{Slot: 1, Status: snapshot.StatusInactive}}
		}, res: "old", want: rules.Pass},
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
