package sandbox

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/snapshot"
)

const (
	mgmtID   = "100000000000"
	memberID = "200000000000"
)

// orgSnapshot is an organisation of 25 accounts; the management account and
// one member are in the snapshot, each with its own users.
func orgSnapshot() *snapshot.Snapshot {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	b := snapshot.NewBuilder(mgmtID, at).With(snapshot.InputOrganization, snapshot.InputIdentityCenter)
	b.User("mgmt-admin", at.AddDate(-1, 0, 0))
	b.Account().IdentityCenter = &snapshot.IdentityCenter{Instances: []snapshot.IdentityCenterInstance{
		{ARN: "arn:aws:sso:::instance/ssoins-0000000000000001", IdentityStoreID: "d-0000000001"}}}
	s := b.Build()
	mb := snapshot.NewBuilder(memberID, at)
	mb.User("member-dev", at.AddDate(-1, 0, 0))
	mb.User("member-ops", at.AddDate(-1, 0, 0))
	s.Accounts = append(s.Accounts, mb.Account())
	o := &snapshot.Organization{ID: "o-exampleorg1", ManagementAccount: mgmtID, FeatureSet: "ALL",
		EnabledPolicyTypes: []string{"SERVICE_CONTROL_POLICY"},
		Units: []snapshot.OrgUnit{{ID: "r-ab12", Name: "Root"}, {ID: "ou-ab12-prod0001", Name: "Prod", ParentID: "r-ab12"},
			{ID: "ou-ab12-team0001", Name: "Team", ParentID: "ou-ab12-prod0001"}},
		Policies: []snapshot.OrgPolicy{
			{ID: "p-FullAWSAccess", Name: "FullAWSAccess", Type: "SERVICE_CONTROL_POLICY", AWSManaged: true,
				Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`), Targets: []string{"r-ab12"}},
			{ID: "p-denyleave01", Name: "DenyLeave", Type: "SERVICE_CONTROL_POLICY",
				Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}`),
				Targets:  []string{"ou-ab12-prod0001", memberID}},
		}}
	o.Accounts = append(o.Accounts, snapshot.OrgAccount{ID: mgmtID, Name: "management", Email: "root@example.com", Status: "ACTIVE"})
	o.Accounts = append(o.Accounts, snapshot.OrgAccount{ID: memberID, Name: "member", Email: "member@example.com", Status: "ACTIVE", ParentID: "ou-ab12-prod0001"})
	for i := range 23 {
		o.Accounts = append(o.Accounts, snapshot.OrgAccount{ID: fmt.Sprintf("3000000000%02d", i), Name: fmt.Sprintf("acct-%d", i), Status: "ACTIVE"})
	}
	s.Organization = o
	return s
}

func TestOrganizations(t *testing.T) {
	_, u := serve(t, orgSnapshot(), Options{})
	c := organizations.NewFromConfig(sdkConfig(u, DummyAccessKeyID, DummySecretAccessKey, ""))
	org := must[*organizations.DescribeOrganizationOutput](t)(c.DescribeOrganization(ctx(t), nil))
	if *org.Organization.Id != "o-exampleorg1" || *org.Organization.MasterAccountId != mgmtID || org.Organization.FeatureSet != orgtypes.OrganizationFeatureSetAll {
		t.Fatalf("organization: %+v", org.Organization)
	}
	p := organizations.NewListAccountsPaginator(c, &organizations.ListAccountsInput{})
	n, pages := 0, 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.Accounts)
		pages++
	}
	if n != 25 || pages != 2 {
		t.Fatalf("accounts %d pages %d", n, pages)
	}
	roots := must[*organizations.ListRootsOutput](t)(c.ListRoots(ctx(t), nil))
	if len(roots.Roots) != 1 || *roots.Roots[0].Id != "r-ab12" || roots.Roots[0].PolicyTypes[0].Type != orgtypes.PolicyTypeServiceControlPolicy {
		t.Fatalf("roots: %+v", roots.Roots)
	}
	ous := must[*organizations.ListOrganizationalUnitsForParentOutput](t)(c.ListOrganizationalUnitsForParent(ctx(t), &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String("r-ab12")}))
	if len(ous.OrganizationalUnits) != 1 || *ous.OrganizationalUnits[0].Name != "Prod" {
		t.Fatalf("OUs: %+v", ous.OrganizationalUnits)
	}
	kids := must[*organizations.ListChildrenOutput](t)(c.ListChildren(ctx(t), &organizations.ListChildrenInput{ParentId: aws.String("ou-ab12-prod0001"), ChildType: orgtypes.ChildTypeAccount}))
	if len(kids.Children) != 1 || *kids.Children[0].Id != memberID {
		t.Fatalf("children: %+v", kids.Children)
	}
	parents := must[*organizations.ListParentsOutput](t)(c.ListParents(ctx(t), &organizations.ListParentsInput{ChildId: aws.String("ou-ab12-team0001")}))
	if *parents.Parents[0].Id != "ou-ab12-prod0001" || parents.Parents[0].Type != orgtypes.ParentTypeOrganizationalUnit {
		t.Fatalf("parents: %+v", parents.Parents)
	}
	pols := must[*organizations.ListPoliciesOutput](t)(c.ListPolicies(ctx(t), &organizations.ListPoliciesInput{Filter: orgtypes.PolicyTypeServiceControlPolicy}))
	if len(pols.Policies) != 2 || !pols.Policies[0].AwsManaged {
		t.Fatalf("policies: %+v", pols.Policies)
	}
	pol := must[*organizations.DescribePolicyOutput](t)(c.DescribePolicy(ctx(t), &organizations.DescribePolicyInput{PolicyId: aws.String("p-denyleave01")}))
	if *pol.Policy.Content != string(orgSnapshot().Organization.Policies[1].Document) {
		t.Fatalf("policy content: %s", *pol.Policy.Content)
	}
	tg := must[*organizations.ListTargetsForPolicyOutput](t)(c.ListTargetsForPolicy(ctx(t), &organizations.ListTargetsForPolicyInput{PolicyId: aws.String("p-denyleave01")}))
	if len(tg.Targets) != 2 || tg.Targets[0].Type != orgtypes.TargetTypeOrganizationalUnit || tg.Targets[1].Type != orgtypes.TargetTypeAccount {
		t.Fatalf("targets: %+v", tg.Targets)
	}
	_, err := c.DescribePolicy(ctx(t), &organizations.DescribePolicyInput{PolicyId: aws.String("p-nope0000")})
	wantCode(t, err, "PolicyNotFoundException")
}

func TestOrganizationsNotInUse(t *testing.T) {
	s := demo.Snapshot()
	s.Organization = nil
	_, u := serve(t, s, Options{})
	c := organizations.NewFromConfig(sdkConfig(u, DummyAccessKeyID, DummySecretAccessKey, ""))
	_, err := c.ListAccounts(ctx(t), nil)
	wantCode(t, err, "AWSOrganizationsNotInUseException")
	_, err = c.DescribeOrganization(ctx(t), nil)
	wantCode(t, err, "AWSOrganizationsNotInUseException")
}

func TestAssumeRoleIntoMember(t *testing.T) {
	_, u := serve(t, orgSnapshot(), Options{})
	cfg := sdkConfig(u, DummyAccessKeyID, DummySecretAccessKey, "")
	st := sts.NewFromConfig(cfg)
	me := must[*sts.GetCallerIdentityOutput](t)(st.GetCallerIdentity(ctx(t), nil))
	if *me.Account != mgmtID {
		t.Fatalf("default account: %s", *me.Account)
	}
	out := must[*sts.AssumeRoleOutput](t)(st.AssumeRole(ctx(t), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + memberID + ":role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("iamspect")}))
	cr := out.Credentials
	if (*cr.AccessKeyId)[:4] != "ASIA" || cr.Expiration.Before(time.Now()) || *out.AssumedRoleUser.Arn != "arn:aws:sts::"+memberID+":assumed-role/OrganizationAccountAccessRole/iamspect" {
		t.Fatalf("credentials: %s %v %s", *cr.AccessKeyId, cr.Expiration, *out.AssumedRoleUser.Arn)
	}
	member := sdkConfig(u, *cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken)
	who := must[*sts.GetCallerIdentityOutput](t)(sts.NewFromConfig(member).GetCallerIdentity(ctx(t), nil))
	if *who.Account != memberID || *who.Arn != *out.AssumedRoleUser.Arn {
		t.Fatalf("member identity: %s %s", *who.Account, *who.Arn)
	}
	gaad := must[*iam.GetAccountAuthorizationDetailsOutput](t)(iam.NewFromConfig(member).GetAccountAuthorizationDetails(ctx(t), nil))
	if len(gaad.UserDetailList) != 2 || *gaad.UserDetailList[0].UserName != "member-dev" {
		t.Fatalf("member users: %d", len(gaad.UserDetailList))
	}
	// Members see the organisation but may not list it.
	mo := organizations.NewFromConfig(member)
	must[*organizations.DescribeOrganizationOutput](t)(mo.DescribeOrganization(ctx(t), nil))
	_, err := mo.ListAccounts(ctx(t), nil)
	wantCode(t, err, "AccessDeniedException")

	_, err = st.AssumeRole(ctx(t), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::300000000001:role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("iamspect")})
	wantCode(t, err, "AccessDenied")
	// A session key for an account not in the snapshot is not valid.
	bad := sdkConfig(u, "ASIA999999999999AAAA", "x", "y")
	_, err = sts.NewFromConfig(bad).GetCallerIdentity(ctx(t), nil)
	wantCode(t, err, "InvalidClientTokenId")
}
