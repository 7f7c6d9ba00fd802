package rules_test

import (
	"testing"

	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/snapshot"
)

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
