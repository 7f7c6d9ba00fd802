package rules_test

import (
	"testing"

	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/snapshot"
)

const rootName = "<root_account>"

// removedRoot makes the account's root credentials removed under
// centralised root access.
func removedRoot(b *snapshot.Builder) {
	b.With(snapshot.InputOrganizationsFeatures)
	b.Account().OrganizationsFeatures = []string{"RootCredentialsManagement", "RootSessions"}
	b.Root().PasswordEnabled = boolPtr(false)
}

func TestRootNoHardwareMFA(t *testing.T) {
	runCases(t, &rules.RootNoHardwareMFA, []ruleCase{
		{name: "virtual", setup: func(b *snapshot.Builder) {
			b.Root().MFAActive = true
			b.Root().MFADevices = []snapshot.MFADevice{{Type: snapshot.MFAVirtual}}
		}, res: rootName, want: rules.Fail},
		{name: "virtual, from the virtual MFA list", setup: func(b *snapshot.Builder) {
			b.Root().MFAActive = true
			b.With(snapshot.InputVirtualMFADevices)
			b.Account().VirtualMFADevices = []snapshot.VirtualMFADevice{{Serial: "arn:aws:iam::123456789012:mfa/root-account-mfa-device", UserARN: "arn:aws:iam::123456789012:root"}}
		}, res: rootName, want: rules.Fail},
		// root-mfa-disabled reports it: one cause, one finding.
		{name: "no MFA", setup: func(b *snapshot.Builder) {}, res: rootName, want: rules.Pass, contains: "Not applicable: the root user has no MFA device at all, which root-mfa-disabled reports"},
		{name: "hardware", setup: func(b *snapshot.Builder) {
			b.Root().MFAActive = true
			b.Root().MFADevices = []snapshot.MFADevice{{Type: snapshot.MFAHardware}}
		}, res: rootName, want: rules.Pass},
		{name: "hardware, not in the virtual list", setup: func(b *snapshot.Builder) {
			b.Root().MFAActive = true
			b.With(snapshot.InputVirtualMFADevices)
		}, res: rootName, want: rules.Pass},
		{name: "type unknown", setup: func(b *snapshot.Builder) { b.Root().MFAActive = true }, res: rootName, want: rules.Unknown},
		{name: "credentials removed centrally", setup: removedRoot, res: rootName, want: rules.Pass},
	})
}

func TestRootRecentlyUsed(t *testing.T) {
	runCases(t, &rules.RootRecentlyUsed, []ruleCase{
		{name: "password used 3 days ago", setup: func(b *snapshot.Builder) { b.Root().PasswordLastUsed = daysAgoP(3) }, res: rootName, want: rules.Fail},
		{name: "key used 10 days ago", setup: func(b *snapshot.Builder) {
			b.Root().AccessKeys = []snapshot.AccessKey{{Slot: 1, Status: snapshot.StatusActive, LastUsed: daysAgoP(10)}}
		}, res: rootName, want: rules.Fail, contains: "access key 1"},
		{name: "used 100 days ago", setup: func(b *snapshot.Builder) { b.Root().PasswordLastUsed = daysAgoP(100) }, res: rootName, want: rules.Pass},
		{name: "window from config", setup: func(b *snapshot.Builder) { b.Root().PasswordLastUsed = daysAgoP(100) },
			cfg: func(c *rules.Config) { c.RootUsageWindowDays = 365 }, res: rootName, want: rules.Fail},
		{name: "never used", res: rootName, want: rules.Pass},
		{name: "no root row", setup: func(b *snapshot.Builder) { b.Account().Root = nil }, want: rules.Unknown},
	})
}

func TestRootSigningCertificates(t *testing.T) {
	runCases(t, &rules.RootSigningCertificates, []ruleCase{
		{name: "active", setup: func(b *snapshot.Builder) {
			b.Root().SigningCertificates = []snapshot.SigningCert{{Slot: 1, Status: snapshot.StatusActive}}
		}, res: rootName, want: rules.Fail},
		{name: "inactive", setup: func(b *snapshot.Builder) {
			b.Root().SigningCertificates = []snapshot.SigningCert{{Slot: 1, Status: snapshot.StatusInactive}}
		}, res: rootName, want: rules.Pass},
		{name: "none", res: rootName, want: rules.Pass},
	})
}

// TestRootRulesPassUnderCentralisedRootAccess checks every root rule passes
// for a member account whose root credentials were removed centrally.
func TestRootRulesPassUnderCentralisedRootAccess(t *testing.T) {
	for _, r := range []*rules.Rule{&rules.RootAccessKeys, &rules.RootMFADisabled, &rules.RootNoHardwareMFA, &rules.RootRecentlyUsed, &rules.RootSigningCertificates} {
		t.Run(r.ID, func(t *testing.T) {
			b := snapshot.NewBuilder(acct, refNow)
			removedRoot(b)
			b.Root().PasswordLastUsed = daysAgoP(3) // used just before the credentials were removed
			for _, res := range runRule(t, r, b.Build(), rules.Defaults()) {
				if res.Status != rules.Pass {
					t.Errorf("%s: %s", res.Status, res.Message)
				}
			}
		})
	}
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
