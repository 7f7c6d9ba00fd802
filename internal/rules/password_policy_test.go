package rules_test

import (
	"testing"

	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// withPolicy sets up a console user and a password policy (nil = none set).
func withPolicy(p *snapshot.PasswordPolicy) func(*snapshot.Builder) {
	return func(b *snapshot.Builder) {
		b.With(snapshot.InputPasswordPolicy)
		b.User("ann", daysAgo(100)).Password(daysAgo(50), daysAgoP(1))
		b.Account().PasswordPolicy = p
	}
}

func strong() *snapshot.PasswordPolicy {
	return &snapshot.PasswordPolicy{MinimumPasswordLength: 16, RequireSymbols: true, RequireNumbers: true,
		RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, ExpirePasswords: true,
		MaxPasswordAge: 90, PasswordReusePrevention: 24}
}

func noConsoleUsers(b *snapshot.Builder) {
	b.With(snapshot.InputPasswordPolicy)
	b.User("svc", daysAgo(100)).AccessKey(daysAgo(10), daysAgoP(1))
}

func notCollected(b *snapshot.Builder) {
	b.User("ann", daysAgo(100)).Password(daysAgo(50), daysAgoP(1))
}

func TestPasswordPolicyMissing(t *testing.T) {
	runCases(t, &rules.PasswordPolicyMissing, []ruleCase{
		{name: "none", setup: withPolicy(nil), want: rules.Fail},
		{name: "set", setup: withPolicy(strong()), want: rules.Pass},
		{name: "no console users", setup: noConsoleUsers, want: rules.Pass, contains: "applies to nobody"},
		{name: "not collected", setup: notCollected, want: rules.Unknown},
	})
}

func TestPasswordPolicyMinLength(t *testing.T) {
	short := strong()
	short.MinimumPasswordLength = 8
	runCases(t, &rules.PasswordPolicyMinLength, []ruleCase{
		{name: "8", setup: withPolicy(short), want: rules.Fail},
		{name: "none", setup: withPolicy(nil), want: rules.Fail},
		{name: "16", setup: withPolicy(strong()), want: rules.Pass},
		{name: "config 20", setup: withPolicy(strong()), cfg: func(c *rules.Config) { c.MinPasswordLength = 20 }, want: rules.Fail},
		{name: "no console users", setup: noConsoleUsers, want: rules.Pass},
	})
}

func TestPasswordPolicyReuse(t *testing.T) {
	weak := strong()
	weak.PasswordReusePrevention = 5
	runCases(t, &rules.PasswordPolicyReuse, []ruleCase{
		{name: "5", setup: withPolicy(weak), want: rules.Fail},
		{name: "24", setup: withPolicy(strong()), want: rules.Pass},
		{name: "none", setup: withPolicy(nil), want: rules.Fail},
	})
}

func TestPasswordPolicyComplexity(t *testing.T) {
	weak := strong()
	weak.RequireSymbols, weak.RequireUppercaseCharacters = false, false
	runCases(t, &rules.PasswordPolicyComplexity, []ruleCase{
		{name: "missing two", setup: withPolicy(weak), want: rules.Fail, contains: "upper-case letters and symbols"},
		{name: "all", setup: withPolicy(strong()), want: rules.Pass},
		{name: "no console users", setup: noConsoleUsers, want: rules.Pass},
	})
}

func TestPasswordPolicyExpiry(t *testing.T) {
	never := strong()
	never.ExpirePasswords, never.MaxPasswordAge = false, 0
	long := strong()
	long.MaxPasswordAge = 365
	runCases(t, &rules.PasswordPolicyExpiry, []ruleCase{
		{name: "never", setup: withPolicy(never), want: rules.Fail, contains: "NIST"},
		{name: "365", setup: withPolicy(long), want: rules.Fail},
		{name: "90", setup: withPolicy(strong()), want: rules.Pass},
	})
	if rules.PasswordPolicyExpiry.Severity != rules.Low {
		t.Error("password-policy-expiry must be low")
	}
}
