package rules_test

import (
	"testing"

	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/snapshot"
)

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
