package sandbox

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	idstypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/snapshot"
)

func TestSSOAdminDemo(t *testing.T) {
	_, cfg := serveDemo(t)
	c := ssoadmin.NewFromConfig(cfg)
	want := demo.Snapshot().Accounts[0].IdentityCenter
	inst := must[*ssoadmin.ListInstancesOutput](t)(c.ListInstances(ctx(t), nil))
	if len(inst.Instances) != 1 || *inst.Instances[0].IdentityStoreId != want.Instances[0].IdentityStoreID {
		t.Fatalf("instances: %+v", inst.Instances)
	}
	ia := inst.Instances[0].InstanceArn
	sets := must[*ssoadmin.ListPermissionSetsOutput](t)(c.ListPermissionSets(ctx(t), &ssoadmin.ListPermissionSetsInput{InstanceArn: ia}))
	if len(sets.PermissionSets) != len(want.PermissionSets) {
		t.Fatalf("permission sets: %v", sets.PermissionSets)
	}
	for i, arn := range sets.PermissionSets {
		w := want.PermissionSets[i]
		ps := must[*ssoadmin.DescribePermissionSetOutput](t)(c.DescribePermissionSet(ctx(t), &ssoadmin.DescribePermissionSetInput{InstanceArn: ia, PermissionSetArn: aws.String(arn)}))
		if *ps.PermissionSet.Name != w.Name || aws.ToString(ps.PermissionSet.SessionDuration) != w.SessionDuration {
			t.Fatalf("permission set: %+v", ps.PermissionSet)
		}
		mp := must[*ssoadmin.ListManagedPoliciesInPermissionSetOutput](t)(c.ListManagedPoliciesInPermissionSet(ctx(t), &ssoadmin.ListManagedPoliciesInPermissionSetInput{InstanceArn: ia, PermissionSetArn: aws.String(arn)}))
		if len(mp.AttachedManagedPolicies) != len(w.ManagedPolicies) || *mp.AttachedManagedPolicies[0].Arn != w.ManagedPolicies[0].ARN {
			t.Fatalf("managed policies: %+v", mp.AttachedManagedPolicies)
		}
		in := must[*ssoadmin.GetInlinePolicyForPermissionSetOutput](t)(c.GetInlinePolicyForPermissionSet(ctx(t), &ssoadmin.GetInlinePolicyForPermissionSetInput{InstanceArn: ia, PermissionSetArn: aws.String(arn)}))
		if aws.ToString(in.InlinePolicy) != string(w.InlinePolicy) {
			t.Fatalf("inline policy: %q", aws.ToString(in.InlinePolicy))
		}
		must[*ssoadmin.ListCustomerManagedPolicyReferencesInPermissionSetOutput](t)(c.ListCustomerManagedPolicyReferencesInPermissionSet(ctx(t), &ssoadmin.ListCustomerManagedPolicyReferencesInPermissionSetInput{InstanceArn: ia, PermissionSetArn: aws.String(arn)}))
		accts := must[*ssoadmin.ListAccountsForProvisionedPermissionSetOutput](t)(c.ListAccountsForProvisionedPermissionSet(ctx(t), &ssoadmin.ListAccountsForProvisionedPermissionSetInput{InstanceArn: ia, PermissionSetArn: aws.String(arn)}))
		var wantAssignments []snapshot.AccountAssignment
		for _, a := range want.Assignments {
			if a.PermissionSetARN == arn && a.AccountID == demo.AccountID {
				wantAssignments = append(wantAssignments, a)
			}
		}
		if len(wantAssignments) > 0 && !slices.Contains(accts.AccountIds, demo.AccountID) {
			t.Fatalf("provisioned accounts: %v", accts.AccountIds)
		}
		as := must[*ssoadmin.ListAccountAssignmentsOutput](t)(c.ListAccountAssignments(ctx(t), &ssoadmin.ListAccountAssignmentsInput{InstanceArn: ia, PermissionSetArn: aws.String(arn), AccountId: aws.String(demo.AccountID)}))
		if len(as.AccountAssignments) != len(wantAssignments) {
			t.Fatalf("assignments: %+v", as.AccountAssignments)
		}
		for k, a := range as.AccountAssignments {
			if string(a.PrincipalType) != wantAssignments[k].PrincipalType || *a.PrincipalId != wantAssignments[k].PrincipalID {
				t.Fatalf("assignment %d: %+v", k, a)
			}
		}
	}
	_, err := c.DescribePermissionSet(ctx(t), &ssoadmin.DescribePermissionSetInput{InstanceArn: ia, PermissionSetArn: aws.String("arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-nope")})
	wantCode(t, err, "ResourceNotFoundException")
}

func TestIdentityStoreDemo(t *testing.T) {
	_, cfg := serveDemo(t)
	c := identitystore.NewFromConfig(cfg)
	want := demo.Snapshot().Accounts[0].IdentityCenter
	id := aws.String(want.Instances[0].IdentityStoreID)
	users := must[*identitystore.ListUsersOutput](t)(c.ListUsers(ctx(t), &identitystore.ListUsersInput{IdentityStoreId: id}))
	if len(users.Users) != len(want.Users) || *users.Users[0].UserName != want.Users[0].UserName {
		t.Fatalf("users: %+v", users.Users)
	}
	groups := must[*identitystore.ListGroupsOutput](t)(c.ListGroups(ctx(t), &identitystore.ListGroupsInput{IdentityStoreId: id}))
	if len(groups.Groups) != len(want.Groups) {
		t.Fatalf("groups: %+v", groups.Groups)
	}
	for _, g := range want.Groups {
		n := 0
		for _, m := range want.Memberships {
			if m.GroupID == g.ID {
				n++
			}
		}
		ms := must[*identitystore.ListGroupMembershipsOutput](t)(c.ListGroupMemberships(ctx(t), &identitystore.ListGroupMembershipsInput{IdentityStoreId: id, GroupId: aws.String(g.ID)}))
		if len(ms.GroupMemberships) != n {
			t.Fatalf("group %s: %d memberships, want %d", g.ID, len(ms.GroupMemberships), n)
		}
		for _, m := range ms.GroupMemberships {
			if uid, ok := m.MemberId.(*idstypes.MemberIdMemberUserId); !ok || uid.Value == "" {
				t.Fatalf("member ID: %#v", m.MemberId)
			}
		}
	}
	_, err := c.ListUsers(ctx(t), &identitystore.ListUsersInput{IdentityStoreId: aws.String("d-0000000000")})
	wantCode(t, err, "ResourceNotFoundException")
}

func TestIdentityStorePaging(t *testing.T) {
	s := demo.Snapshot()
	ic := s.Accounts[0].IdentityCenter
	for i := range 230 {
		ic.Users = append(ic.Users, snapshot.DirectoryUser{ID: "u-" + itoa(i), UserName: "user" + itoa(i)})
	}
	_, u := serve(t, s, Options{})
	c := identitystore.NewFromConfig(sdkConfig(u, DummyAccessKeyID, DummySecretAccessKey, ""))
	p := identitystore.NewListUsersPaginator(c, &identitystore.ListUsersInput{IdentityStoreId: aws.String(ic.Instances[0].IdentityStoreID)})
	n := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.Users)
	}
	if n != len(ic.Users) {
		t.Fatalf("paged %d users, want %d", n, len(ic.Users))
	}
}

func TestAccessAnalyzer(t *testing.T) {
	s := demo.Snapshot()
	s.Organization = nil
	s.Accounts = s.Accounts[:1]
	a := s.Accounts[0]
	a.Collected = slices.DeleteFunc(a.Collected, func(in snapshot.Input) bool { return in == snapshot.InputAccessAnalyzer })
	a.AccessAnalyzers = []snapshot.AccessAnalyzer{
		{ARN: "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/main", Name: "main", Region: "us-east-1", Type: "ACCOUNT", Status: "ACTIVE"},
		{ARN: "arn:aws:access-analyzer:eu-west-1:111122223333:analyzer/eu", Name: "eu", Region: "eu-west-1", Type: "ACCOUNT_UNUSED_ACCESS", Status: "ACTIVE"},
	}
	_, u := serve(t, s, Options{})
	cfg := sdkConfig(u, DummyAccessKeyID, DummySecretAccessKey, "")
	// Not collected: the gap is kept.
	_, err := accessanalyzer.NewFromConfig(cfg).ListAnalyzers(ctx(t), nil)
	wantCode(t, err, "AccessDeniedException")

	a.MarkCollected(snapshot.InputAccessAnalyzer)
	_, u = serve(t, s, Options{})
	cfg = sdkConfig(u, DummyAccessKeyID, DummySecretAccessKey, "")
	out := must[*accessanalyzer.ListAnalyzersOutput](t)(accessanalyzer.NewFromConfig(cfg).ListAnalyzers(ctx(t), nil))
	if len(out.Analyzers) != 1 || *out.Analyzers[0].Name != "main" || string(out.Analyzers[0].Status) != "ACTIVE" {
		t.Fatalf("us-east-1 analyzers: %+v", out.Analyzers)
	}
	cfg.Region = "eu-west-1"
	out = must[*accessanalyzer.ListAnalyzersOutput](t)(accessanalyzer.NewFromConfig(cfg).ListAnalyzers(ctx(t), &accessanalyzer.ListAnalyzersInput{Type: "ACCOUNT_UNUSED_ACCESS"}))
	if len(out.Analyzers) != 1 || *out.Analyzers[0].Name != "eu" {
		t.Fatalf("eu-west-1 analyzers: %+v", out.Analyzers)
	}
	cfg.Region = "ap-south-1"
	out = must[*accessanalyzer.ListAnalyzersOutput](t)(accessanalyzer.NewFromConfig(cfg).ListAnalyzers(ctx(t), nil))
	if len(out.Analyzers) != 0 {
		t.Fatalf("ap-south-1 analyzers: %+v", out.Analyzers)
	}
}

func TestListRegions(t *testing.T) {
	s := demo.Snapshot()
	_, u := serve(t, s, Options{})
	cfg := sdkConfig(u, DummyAccessKeyID, DummySecretAccessKey, "")
	out := must[*account.ListRegionsOutput](t)(account.NewFromConfig(cfg).ListRegions(ctx(t), &account.ListRegionsInput{
		RegionOptStatusContains: []accounttypes.RegionOptStatus{accounttypes.RegionOptStatusEnabled, accounttypes.RegionOptStatusEnabledByDefault}}))
	var names []string
	for _, r := range out.Regions {
		names = append(names, *r.RegionName)
	}
	if strings.Join(names, ",") != "eu-west-1,us-east-1" {
		t.Fatalf("regions %v", names)
	}
	// A filter that excludes ENABLED_BY_DEFAULT leaves nothing.
	out = must[*account.ListRegionsOutput](t)(account.NewFromConfig(cfg).ListRegions(ctx(t), &account.ListRegionsInput{
		RegionOptStatusContains: []accounttypes.RegionOptStatus{accounttypes.RegionOptStatusDisabled}}))
	if len(out.Regions) != 0 {
		t.Fatalf("disabled regions %v", out.Regions)
	}
	_, u = serve(t, s, Options{Deny: []string{"account:ListRegions"}})
	cfg = sdkConfig(u, DummyAccessKeyID, DummySecretAccessKey, "")
	_, err := account.NewFromConfig(cfg).ListRegions(ctx(t), nil)
	wantCode(t, err, "AccessDeniedException")
}
