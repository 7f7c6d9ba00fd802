package rules_test

import (
	"testing"

	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/snapshot"
)

const (
	mgmtID   = "111111111111"
	memberID = "222222222222"
)

// orgSnapshot builds a management account and one member account.
func orgSnapshot(member func(b *snapshot.Builder), org func(o *snapshot.Organization), features ...string) *snapshot.Snapshot {
	mb := snapshot.NewBuilder(mgmtID, refNow).With(snapshot.InputOrganization, snapshot.InputOrganizationsFeatures)
	mb.Account().OrganizationsFeatures = features
	s := mb.Build()
	b := snapshot.NewBuilder(memberID, refNow)
	if member != nil {
		member(b)
	}
	s.Accounts = append(s.Accounts, b.Account())
	s.Organization = &snapshot.Organization{ID: "o-abc", ManagementAccount: mgmtID,
		Accounts: []snapshot.OrgAccount{{ID: mgmtID}, {ID: memberID}}}
	if org != nil {
		org(s.Organization)
	}
	return s
}

// statusFor runs a rule and returns the status of the result for an account ("" = org result).
func statusesByAccount(t *testing.T, r *rules.Rule, s *snapshot.Snapshot) map[string]rules.Status {
	out := map[string]rules.Status{}
	for _, res := range runRule(t, r, s, rules.Defaults()) {
		key := res.AccountID
		if res.ResourceType == rules.TypeOrg {
			key = "org"
		}
		out[key] = res.Status
	}
	return out
}

func TestOrgIAMUsersInMembers(t *testing.T) {
	got := statusesByAccount(t, &rules.OrgIAMUsersInMembers, orgSnapshot(func(b *snapshot.Builder) { b.User("ann", daysAgo(3)) }, nil))
	if got[memberID] != rules.Fail {
		t.Errorf("member with users: %v", got)
	}
	got = statusesByAccount(t, &rules.OrgIAMUsersInMembers, orgSnapshot(nil, nil))
	if got[memberID] != rules.Pass {
		t.Errorf("member without users: %v", got)
	}
	// The management account scanned alone: UNKNOWN while the organisation
	// lists a member account nobody scanned, PASS when it lists none.
	alone := func(accounts ...snapshot.OrgAccount) rules.Status {
		s := orgSnapshot(nil, func(o *snapshot.Organization) { o.Accounts = accounts })
		s.Accounts = s.Accounts[:1]
		return statusesByAccount(t, &rules.OrgIAMUsersInMembers, s)["org"]
	}
	if got := alone(snapshot.OrgAccount{ID: mgmtID}, snapshot.OrgAccount{ID: memberID}); got != rules.Unknown {
		t.Errorf("member account not scanned: %v", got)
	}
	if got := alone(snapshot.OrgAccount{ID: mgmtID}); got != rules.Pass {
		t.Errorf("no member accounts: %v", got)
	}
	// No organisation data: UNKNOWN, never PASS.
	s := snapshot.NewBuilder(acct, refNow).Build()
	if got := statusesByAccount(t, &rules.OrgIAMUsersInMembers, s); got[acct] != rules.Unknown {
		t.Errorf("no org data: %v", got)
	}
	// Known standalone account: PASS with a note.
	s = snapshot.NewBuilder(acct, refNow).With(snapshot.InputOrganization).Build()
	if got := statusesByAccount(t, &rules.OrgIAMUsersInMembers, s); got[acct] != rules.Pass {
		t.Errorf("standalone: %v", got)
	}
}

func TestOrgRootNotCentralized(t *testing.T) {
	got := statusesByAccount(t, &rules.OrgRootNotCentralized, orgSnapshot(nil, nil, "RootSessions"))
	if got["org"] != rules.Fail {
		t.Errorf("feature off: %v", got)
	}
	removed := func(b *snapshot.Builder) { b.Root().PasswordEnabled = boolPtr(false) }
	got = statusesByAccount(t, &rules.OrgRootNotCentralized, orgSnapshot(removed, nil, "RootCredentialsManagement"))
	if got["org"] != rules.Pass || got[memberID] != rules.Pass {
		t.Errorf("feature on, credentials removed: %v", got)
	}
	kept := func(b *snapshot.Builder) { b.Root().PasswordEnabled = boolPtr(true) }
	got = statusesByAccount(t, &rules.OrgRootNotCentralized, orgSnapshot(kept, nil, "RootCredentialsManagement"))
	if got[memberID] != rules.Fail {
		t.Errorf("feature on, member keeps password: %v", got)
	}
}

func TestOrgNoIAMUserGuardrail(t *testing.T) {
	scp := func(doc string, targets ...string) func(o *snapshot.Organization) {
		return func(o *snapshot.Organization) {
			o.EnabledPolicyTypes = []string{"SERVICE_CONTROL_POLICY"}
			o.Policies = []snapshot.OrgPolicy{
				{ID: "p-FullAWSAccess", Name: "FullAWSAccess", Type: "SERVICE_CONTROL_POLICY", AWSManaged: true, Targets: []string{"r-root"},
					Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)},
				{ID: "p-1", Name: "guard", Type: "SERVICE_CONTROL_POLICY", Targets: targets, Document: snapshot.RawJSON(doc)},
			}
		}
	}
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["iam:CreateUser","iam:CreateAccessKey"],"Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/break-glass"}}}]}`
	denyWildcard := `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"iam:Create*","Resource":"*"}}`
	onlyUser := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:CreateUser","Resource":"*"}]}`
	userARNs := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["iam:CreateUser","iam:CreateAccessKey"],"Resource":"arn:aws:iam::*:user/*"}]}`
	rolesOnly := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["iam:CreateUser","iam:CreateAccessKey"],"Resource":"arn:aws:iam::*:role/*"}]}`
	notAction := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":["s3:*","ec2:*"],"Resource":"*"}]}`
	notActionSparing := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":["iam:*"],"Resource":"*"}]}`
	allowOnly := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreateUser","iam:CreateAccessKey"],"Resource":"*"}]}`
	notResourceSparesUsers := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:Create*","NotResource":"arn:aws:iam::*:user/*"}]}`
	cases := []struct {
		name string
		org  func(*snapshot.Organization)
		want rules.Status
	}{
		{"deny both", scp(deny, "r-root"), rules.Pass},
		{"wildcard deny", scp(denyWildcard, "ou-1"), rules.Pass},
		{"deny both but not attached", scp(deny), rules.Fail},
		{"only CreateUser", scp(onlyUser, "r-root"), rules.Fail},
		{"deny on user ARNs", scp(userARNs, "r-root"), rules.Pass},
		{"deny on role ARNs only", scp(rolesOnly, "r-root"), rules.Fail},
		{"NotAction sparing other services", scp(notAction, "r-root"), rules.Pass},
		{"NotAction sparing IAM", scp(notActionSparing, "r-root"), rules.Fail},
		{"Allow is no guardrail", scp(allowOnly, "r-root"), rules.Fail},
		{"NotResource leaving users out", scp(notResourceSparesUsers, "r-root"), rules.Fail},
		{"SCPs disabled", func(o *snapshot.Organization) { o.EnabledPolicyTypes = []string{"TAG_POLICY"} }, rules.Fail},
		{"no SCPs collected", nil, rules.Unknown},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := statusesByAccount(t, &rules.OrgNoIAMUserGuardrail, orgSnapshot(nil, tc.org)); got["org"] != tc.want {
				t.Errorf("got %v, want %s", got, tc.want)
			}
		})
	}
}
