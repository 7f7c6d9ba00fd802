package rules_test

import (
	"testing"

	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/snapshot"
)

func TestUserWithoutMFA(t *testing.T) {
	runCases(t, &rules.UserWithoutMFA, []ruleCase{
		{name: "key user without MFA", setup: func(b *snapshot.Builder) { b.User("svc", daysAgo(100)).AccessKey(daysAgo(10), daysAgoP(1)) }, res: "svc", want: rules.Fail},
		{name: "user with MFA", setup: func(b *snapshot.Builder) { b.User("ann", daysAgo(100)).MFA(snapshot.MFAVirtual) }, res: "ann", want: rules.Pass},
		{name: "MFA state unknown", setup: func(b *snapshot.Builder) { b.User("x", daysAgo(100)).User.MFAActive = nil }, res: "x", want: rules.Unknown},
		{name: "no credential report", setup: func(b *snapshot.Builder) { b.User("x", daysAgo(1)); b.Without(snapshot.InputCredentialReport) }, want: rules.Unknown},
	})
}

func TestUserNoHardwareMFA(t *testing.T) {
	runCases(t, &rules.UserNoHardwareMFA, []ruleCase{
		{name: "virtual only", setup: func(b *snapshot.Builder) {
			b.User("ann", daysAgo(100)).Password(daysAgo(50), daysAgoP(1)).MFA(snapshot.MFAVirtual)
		}, res: "ann", want: rules.Fail},
		// iam-user-console-without-mfa reports it: one cause, one finding.
		{name: "no MFA", setup: func(b *snapshot.Builder) { b.User("bob", daysAgo(100)).Password(daysAgo(50), daysAgoP(1)) }, res: "bob", want: rules.Pass,
			contains: "Not applicable: IAM user bob signs in to the console without any MFA device, which iam-user-console-without-mfa reports"},
		{name: "hardware", setup: func(b *snapshot.Builder) {
			b.User("cat", daysAgo(100)).Password(daysAgo(50), daysAgoP(1)).MFA(snapshot.MFAVirtual).MFA(snapshot.MFAHardware)
		}, res: "cat", want: rules.Pass},
		{name: "no console password", setup: func(b *snapshot.Builder) { b.User("svc", daysAgo(100)) }, res: "svc", want: rules.Pass},
		{name: "device type from virtual MFA list", setup: func(b *snapshot.Builder) {
			u := b.User("dan", daysAgo(100)).Password(daysAgo(50), daysAgoP(1)).User
			*u.MFAActive = true
			b.With(snapshot.InputVirtualMFADevices)
			b.Account().VirtualMFADevices = []snapshot.VirtualMFADevice{{Serial: "arn:aws:iam::123456789012:mfa/dan", UserARN: u.ARN}}
		}, res: "dan", want: rules.Fail},
		{name: "active MFA not in virtual list is hardware", setup: func(b *snapshot.Builder) {
			u := b.User("eve", daysAgo(100)).Password(daysAgo(50), daysAgoP(1)).User
			*u.MFAActive = true
			b.With(snapshot.InputVirtualMFADevices)
		}, res: "eve", want: rules.Pass},
		{name: "device type unknown", setup: func(b *snapshot.Builder) {
			*b.User("fay", daysAgo(100)).Password(daysAgo(50), daysAgoP(1)).User.MFAActive = true
		}, res: "fay", want: rules.Unknown},
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

func TestUserMultipleActiveKeys(t *testing.T) {
	runCases(t, &rules.UserMultipleActiveKeys, []ruleCase{
		{name: "two active", setup: func(b *snapshot.Builder) {
			b.User("svc", daysAgo(400)).AccessKey(daysAgo(300), daysAgoP(1)).AccessKey(daysAgo(20), daysAgoP(1))
		}, res: "svc", want: rules.Fail},
		{name: "one active one inactive", setup: func(b *snapshot.Builder) {
			b.User("svc", daysAgo(400)).AccessKey(daysAgo(300), daysAgoP(1)).InactiveAccessKey(daysAgo(20))
		}, res: "svc", want: rules.Pass},
		{name: "none", setup: func(b *snapshot.Builder) { b.User("ann", daysAgo(400)) }, res: "ann", want: rules.Pass},
	})
}

func TestAccessKeyCreatedAtSetup(t *testing.T) {
	runCases(t, &rules.AccessKeyCreatedAtSetup, []ruleCase{
		{name: "key with user, never used", setup: func(b *snapshot.Builder) {
			b.User("ann", daysAgo(100)).Password(daysAgo(100), daysAgoP(1)).AccessKey(daysAgo(100), nil)
		}, res: "ann", want: rules.Fail},
		{name: "key with user, used", setup: func(b *snapshot.Builder) {
			b.User("ann", daysAgo(100)).Password(daysAgo(100), daysAgoP(1)).AccessKey(daysAgo(100), daysAgoP(3))
		}, res: "ann", want: rules.Pass},
		{name: "key created later", setup: func(b *snapshot.Builder) {
			b.User("ann", daysAgo(100)).Password(daysAgo(100), daysAgoP(1)).AccessKey(daysAgo(50), nil)
		}, res: "ann", want: rules.Pass},
		{name: "no console password", setup: func(b *snapshot.Builder) { b.User("svc", daysAgo(100)).AccessKey(daysAgo(100), nil) }, res: "svc", want: rules.Pass},
	})
}

func TestUserInactive(t *testing.T) {
	runCases(t, &rules.UserInactive, []ruleCase{
		{name: "key last used 200 days ago", setup: func(b *snapshot.Builder) { b.User("svc", daysAgo(400)).AccessKey(daysAgo(300), daysAgoP(200)) }, res: "svc", want: rules.Fail},
		{name: "never used, old", setup: func(b *snapshot.Builder) { b.User("old", daysAgo(400)) }, res: "old", want: rules.Fail, contains: "never used"},
		{name: "password used recently", setup: func(b *snapshot.Builder) {
			b.User("ann", daysAgo(400)).Password(daysAgo(300), daysAgoP(2)).AccessKey(daysAgo(300), daysAgoP(200))
		}, res: "ann", want: rules.Pass},
		{name: "new user", setup: func(b *snapshot.Builder) { b.User("new", daysAgo(10)) }, res: "new", want: rules.Pass},
	})
}

func TestUserDirectPolicies(t *testing.T) {
	runCases(t, &rules.UserDirectPolicies, []ruleCase{
		{name: "managed", setup: func(b *snapshot.Builder) {
			b.User("svc", daysAgo(10)).User.AttachedPolicies = []snapshot.PolicyRef{{Name: "P", ARN: "arn:aws:iam::123456789012:policy/P"}}
		}, res: "svc", want: rules.Fail},
		{name: "inline", setup: func(b *snapshot.Builder) {
			b.User("svc", daysAgo(10)).User.InlinePolicies = []snapshot.InlinePolicy{{Name: "x", Document: snapshot.RawJSON(`{}`)}}
		}, res: "svc", want: rules.Fail, contains: "inline policy x"},
		{name: "groups only", setup: func(b *snapshot.Builder) { b.User("ann", daysAgo(10)).User.Groups = []string{"G"} }, res: "ann", want: rules.Pass},
		{name: "no authz details", setup: func(b *snapshot.Builder) { b.User("ann", daysAgo(10)); b.Without(snapshot.InputAuthorizationDetails) }, want: rules.Unknown},
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
