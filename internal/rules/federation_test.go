package rules_test

import (
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/snapshot"
)

const (
	instARN = "arn:aws:sso:::instance/ssoins-1"
	psAdmin = "arn:aws:sso:::permissionSet/ssoins-1/ps-admin"
	ghOIDC  = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
)

func icWith(assign bool) *snapshot.IdentityCenter {
	ic := &snapshot.IdentityCenter{
		Instances:      []snapshot.IdentityCenterInstance{{ARN: instARN, IdentityStoreID: "d-1", OwnerAccountID: acct}},
		PermissionSets: []snapshot.PermissionSet{{ARN: psAdmin, Name: "AdministratorAccess", SessionDuration: "PT4H"}},
	}
	if assign {
		ic.Assignments = []snapshot.AccountAssignment{{AccountID: acct, PermissionSetARN: psAdmin, PrincipalType: "GROUP", PrincipalID: "g-1"}}
	}
	return ic
}

func TestIdentityCenterNotEnabled(t *testing.T) {
	runCases(t, &rules.IdentityCenterNotEnabled, []ruleCase{
		{name: "users, no instance", setup: func(b *snapshot.Builder) {
			b.With(snapshot.InputIdentityCenter)
			b.User("ann", daysAgo(10))
		}, want: rules.Fail},
		{name: "users, instance with assignment", setup: func(b *snapshot.Builder) {
			b.With(snapshot.InputIdentityCenter)
			b.User("ann", daysAgo(10))
			b.Account().IdentityCenter = icWith(true)
		}, want: rules.Pass},
		{name: "instance assigns nothing here", setup: func(b *snapshot.Builder) {
			b.With(snapshot.InputIdentityCenter)
			b.User("ann", daysAgo(10))
			b.Account().IdentityCenter = icWith(false)
			b.Account().IdentityCenter.Assignments = []snapshot.AccountAssignment{{AccountID: "999999999999", PermissionSetARN: psAdmin, PrincipalType: "GROUP", PrincipalID: "g"}}
		}, want: rules.Fail, contains: "no permission set is assigned"},
		{name: "no users", setup: func(b *snapshot.Builder) { b.With(snapshot.InputIdentityCenter) }, want: rules.Pass},
		{name: "not collected", setup: func(b *snapshot.Builder) { b.User("ann", daysAgo(10)) }, want: rules.Unknown},
	})
}

func TestIdentityCenterOrgInstanceCoversMember(t *testing.T) {
	mgmt := snapshot.NewBuilder("111111111111", refNow).With(snapshot.InputIdentityCenter)
	mgmt.Account().IdentityCenter = &snapshot.IdentityCenter{
		Instances:   []snapshot.IdentityCenterInstance{{ARN: instARN, OwnerAccountID: "111111111111"}},
		Assignments: []snapshot.AccountAssignment{{AccountID: acct, PermissionSetARN: psAdmin, PrincipalType: "GROUP", PrincipalID: "g"}},
	}
	s := mgmt.Build()
	member := snapshot.NewBuilder(acct, refNow)
	member.User("ann", daysAgo(10))
	s.Accounts = append(s.Accounts, member.Account())
	s.Organization = &snapshot.Organization{ID: "o-1", ManagementAccount: "111111111111",
		Accounts: []snapshot.OrgAccount{{ID: "111111111111"}, {ID: acct}}}
	for _, res := range runRule(t, &rules.IdentityCenterNotEnabled, s, rules.Defaults()) {
		if res.Status != rules.Pass {
			t.Errorf("%s %s: %s", res.AccountID, res.Status, res.Message)
		}
	}
}

func TestFederationNotConfigured(t *testing.T) {
	all := func(b *snapshot.Builder) {
		b.With(snapshot.InputIdentityCenter, snapshot.InputSAMLProviders, snapshot.InputOIDCProviders)
	}
	runCases(t, &rules.FederationNotConfigured, []ruleCase{
		{name: "nothing", setup: all, want: rules.Fail},
		{name: "OIDC provider", setup: func(b *snapshot.Builder) {
			all(b)
			b.Account().OIDCProviders = []snapshot.OIDCProvider{{ARN: ghOIDC}}
		}, want: rules.Pass},
		{name: "identity center", setup: func(b *snapshot.Builder) {
			all(b)
			b.Account().IdentityCenter = icWith(true)
		}, want: rules.Pass},
		{name: "inputs missing", want: rules.Unknown},
	})
}

func TestPermissionSetSessionLong(t *testing.T) {
	ps := func(d string) func(*snapshot.Builder) {
		return func(b *snapshot.Builder) {
			b.With(snapshot.InputIdentityCenter)
			b.Account().IdentityCenter = &snapshot.IdentityCenter{PermissionSets: []snapshot.PermissionSet{{ARN: psAdmin, Name: "Admin", SessionDuration: d}}}
		}
	}
	runCases(t, &rules.PermissionSetSessionLong, []ruleCase{
		{name: "12h", setup: ps("PT12H"), res: "Admin", want: rules.Fail},
		{name: "8h30m", setup: ps("PT8H30M"), res: "Admin", want: rules.Fail},
		{name: "8h", setup: ps("PT8H"), res: "Admin", want: rules.Pass},
		{name: "default 1h", setup: ps(""), res: "Admin", want: rules.Pass},
		{name: "config 2h", setup: ps("PT4H"), cfg: func(c *rules.Config) { c.PermissionSetMaxSessionHours = 2 }, res: "Admin", want: rules.Fail},
		{name: "bad duration", setup: ps("P1D"), res: "Admin", want: rules.Unknown},
		{name: "not collected", want: rules.Unknown},
	})
}

func TestAdminAssignmentBroad(t *testing.T) {
	setup := func(members, accounts int) func(*snapshot.Builder) {
		return func(b *snapshot.Builder) {
			b.With(snapshot.InputIdentityCenter)
			ic := icWith(false)
			ic.Groups = []snapshot.DirectoryGroup{{ID: "g-1", DisplayName: "Everyone"}}
			for i := range members {
				ic.Memberships = append(ic.Memberships, snapshot.GroupMembership{GroupID: "g-1", UserID: "u" + string(rune('a'+i))})
			}
			for i := range accounts {
				ic.Assignments = append(ic.Assignments, snapshot.AccountAssignment{AccountID: "10000000000" + string(rune('0'+i)),
					PermissionSetARN: psAdmin, PrincipalType: "GROUP", PrincipalID: "g-1"})
			}
			b.Account().IdentityCenter = ic
		}
	}
	runCases(t, &rules.AdminAssignmentBroad, []ruleCase{
		{name: "large group", setup: setup(12, 1), res: "AdministratorAccess", want: rules.Fail, contains: "Everyone has 12 members"},
		{name: "many accounts", setup: setup(2, 7), res: "AdministratorAccess", want: rules.Fail, contains: "7 accounts"},
		{name: "small", setup: setup(3, 2), res: "AdministratorAccess", want: rules.Pass},
	})
}

func TestOIDCProviderUnused(t *testing.T) {
	trust := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"` + ghOIDC + `"},"Action":"sts:AssumeRoleWithWebIdentity"}}`
	prov := func(b *snapshot.Builder) {
		b.With(snapshot.InputOIDCProviders)
		b.Account().OIDCProviders = []snapshot.OIDCProvider{{ARN: ghOIDC, URL: "https://token.actions.githubusercontent.com"}}
	}
	runCases(t, &rules.OIDCProviderUnused, []ruleCase{
		{name: "no role trusts it", setup: func(b *snapshot.Builder) {
			prov(b)
			b.Role("other", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
		}, res: "token.actions.githubusercontent.com", want: rules.Fail},
		{name: "trusted", setup: func(b *snapshot.Builder) { prov(b); b.Role("deploy", trust) }, res: "token.actions.githubusercontent.com", want: rules.Pass, contains: "deploy"},
		{name: "no providers", setup: func(b *snapshot.Builder) { b.With(snapshot.InputOIDCProviders) }, want: rules.Pass},
	})
}

func TestSAMLProviderExpiring(t *testing.T) {
	prov := func(days int) func(*snapshot.Builder) {
		return func(b *snapshot.Builder) {
			b.With(snapshot.InputSAMLProviders)
			v := refNow.Add(time.Duration(days) * 24 * time.Hour)
			b.Account().SAMLProviders = []snapshot.SAMLProvider{{ARN: "arn:aws:iam::123456789012:saml-provider/Okta", Name: "Okta", ValidUntil: &v}}
		}
	}
	runCases(t, &rules.SAMLProviderExpiring, []ruleCase{
		{name: "expired", setup: prov(-3), res: "Okta", want: rules.Fail, contains: "expired"},
		{name: "in 10 days", setup: prov(10), res: "Okta", want: rules.Fail, contains: "expires in"},
		{name: "in a year", setup: prov(365), res: "Okta", want: rules.Pass},
		{name: "warning from config", setup: prov(50), cfg: func(c *rules.Config) { c.SAMLExpiryWarningDays = 60 }, res: "Okta", want: rules.Fail},
	})
}
