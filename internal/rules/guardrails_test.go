package rules_test

import (
	"testing"

	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/snapshot"
)

func TestAccessAnalyzerDisabled(t *testing.T) {
	setup := func(regions []string, zs ...snapshot.AccessAnalyzer) func(*snapshot.Builder) {
		return func(b *snapshot.Builder) {
			b.With(snapshot.InputAccessAnalyzer)
			b.Account().Regions = regions
			b.Account().AccessAnalyzers = zs
		}
	}
	ext := func(region string) snapshot.AccessAnalyzer {
		return snapshot.AccessAnalyzer{ARN: "arn:aws:access-analyzer:" + region + ":123456789012:analyzer/x", Name: "x", Region: region, Type: "ACCOUNT", Status: "ACTIVE"}
	}
	unused := ext("eu-west-1")
	unused.Type = "ACCOUNT_UNUSED_ACCESS"
	runCases(t, &rules.AccessAnalyzerDisabled, []ruleCase{
		{name: "none", setup: setup(nil), want: rules.Fail},
		{name: "one region missing", setup: setup([]string{"us-east-1", "eu-west-1"}, ext("us-east-1"), unused), want: rules.Fail, contains: "eu-west-1"},
		{name: "all covered", setup: setup([]string{"us-east-1", "eu-west-1"}, ext("us-east-1"), ext("eu-west-1")), want: rules.Pass},
		{name: "regions unknown, one analyzer", setup: setup(nil, ext("us-east-1")), want: rules.Pass},
		{name: "not collected", want: rules.Unknown},
	})
}

func TestServerCertificateExpired(t *testing.T) {
	cert := func(days int) func(*snapshot.Builder) {
		return func(b *snapshot.Builder) {
			b.With(snapshot.InputServerCertificates)
			exp := refNow.AddDate(0, 0, days)
			b.Account().ServerCertificates = []snapshot.ServerCertificate{{Name: "www", ARN: "arn:aws:iam::123456789012:server-certificate/www", Expiration: &exp}}
		}
	}
	runCases(t, &rules.ServerCertificateExpired, []ruleCase{
		{name: "expired", setup: cert(-1), res: "www", want: rules.Fail},
		{name: "valid", setup: cert(30), res: "www", want: rules.Pass},
		{name: "none", setup: func(b *snapshot.Builder) { b.With(snapshot.InputServerCertificates) }, want: rules.Pass},
	})
}

func TestSupportRoleMissing(t *testing.T) {
	runCases(t, &rules.SupportRoleMissing, []ruleCase{
		{name: "missing", setup: func(b *snapshot.Builder) { b.Role("x", `{}`) }, want: rules.Fail},
		{name: "role has it", setup: func(b *snapshot.Builder) {
			b.Role("support", `{}`).AttachedPolicies = []snapshot.PolicyRef{{Name: "AWSSupportAccess", ARN: "arn:aws:iam::aws:policy/AWSSupportAccess"}}
		}, want: rules.Pass, contains: "role support"},
	})
}

func TestGroupRules(t *testing.T) {
	groups := func(b *snapshot.Builder) {
		a := b.Account()
		a.Groups = []*snapshot.Group{
			{Name: "Empty", ARN: "arn:aws:iam::123456789012:group/Empty"},
			{Name: "Devs", ARN: "arn:aws:iam::123456789012:group/Devs", InlinePolicies: []snapshot.InlinePolicy{{Name: "p", Document: snapshot.RawJSON(`{}`)}}},
		}
		b.User("ann", daysAgo(10)).User.Groups = []string{"Devs"}
	}
	t.Run("unused", func(t *testing.T) {
		runCases(t, &rules.GroupUnused, []ruleCase{
			{name: "empty", setup: groups, res: "Empty", want: rules.Fail},
			{name: "member", setup: groups, res: "Devs", want: rules.Pass},
		})
	})
	t.Run("inline", func(t *testing.T) {
		runCases(t, &rules.GroupInlinePolicies, []ruleCase{
			{name: "inline", setup: groups, res: "Devs", want: rules.Fail},
			{name: "none", setup: groups, res: "Empty", want: rules.Pass},
			{name: "no groups", want: rules.Pass},
		})
	})
}

// An ORGANIZATION analyzer kept in one member account covers the other
// members in its region, and only them.
func TestAccessAnalyzerOrganizationCover(t *testing.T) {
	const outsider = "333333333333"
	s := orgSnapshot(func(b *snapshot.Builder) {
		b.With(snapshot.InputAccessAnalyzer)
		b.Account().Regions = []string{"us-east-1", "eu-west-1"}
		b.Account().AccessAnalyzers = []snapshot.AccessAnalyzer{
			{ARN: "arn:aws:access-analyzer:us-east-1:222222222222:analyzer/org", Name: "org", Region: "us-east-1", Type: "ORGANIZATION", Status: "ACTIVE"},
			{ARN: "arn:aws:access-analyzer:eu-west-1:222222222222:analyzer/org", Name: "org", Region: "eu-west-1", Type: "ORGANIZATION", Status: "ACTIVE"},
		}
	}, nil)
	s.Accounts[0].MarkCollected(snapshot.InputAccessAnalyzer)
	s.Accounts[0].Regions = []string{"eu-west-1"}
	out := snapshot.NewBuilder(outsider, refNow).With(snapshot.InputAccessAnalyzer).Account()
	out.Regions = []string{"eu-west-1"}
	s.Accounts = append(s.Accounts, out)
	got := statusesByAccount(t, &rules.AccessAnalyzerDisabled, s)
	want := map[string]rules.Status{mgmtID: rules.Pass, memberID: rules.Pass, outsider: rules.Fail}
	for id, st := range want {
		if got[id] != st {
			t.Errorf("account %s: %s, want %s (all: %v)", id, got[id], st, got)
		}
	}
	// A disabled organisation analyzer covers nobody else.
	s.Accounts[1].AccessAnalyzers[1].Status = "DISABLED"
	if got := statusesByAccount(t, &rules.AccessAnalyzerDisabled, s); got[mgmtID] != rules.Fail {
		t.Errorf("management account with the member's eu-west-1 analyzer disabled: %s, want FAIL", got[mgmtID])
	}
}
