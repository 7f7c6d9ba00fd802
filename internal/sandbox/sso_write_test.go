package sandbox

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	idstypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/iamspect/iamspect/internal/demo"
)

const (
	demoInstance = "arn:aws:sso:::instance/ssoins-1111222233334444"
	demoStore    = "d-1111222233"
)

// The Identity Center writes a migration plan makes, with the SDK: each
// changes the served state, later reads see it, and AWS's validation and
// limits refuse what AWS refuses.
func TestIdentityCenterWrites(t *testing.T) {
	srv, cfg := serveDemo(t)
	ids := identitystore.NewFromConfig(cfg)
	sso := ssoadmin.NewFromConfig(cfg)
	inst := aws.String(demoInstance)
	store := aws.String(demoStore)

	user := must[*identitystore.CreateUserOutput](t)(ids.CreateUser(ctx(t), &identitystore.CreateUserInput{IdentityStoreId: store,
		UserName: aws.String("alice@northwind.example"), DisplayName: aws.String("Alice Martin"),
		Name:   &idstypes.Name{GivenName: aws.String("Alice"), FamilyName: aws.String("Martin")},
		Emails: []idstypes.Email{{Value: aws.String("alice@northwind.example"), Primary: true, Type: aws.String("work")}}}))
	_, err := ids.CreateUser(ctx(t), &identitystore.CreateUserInput{IdentityStoreId: store, UserName: aws.String("ALICE@northwind.example"),
		DisplayName: aws.String("A"), Name: &idstypes.Name{GivenName: aws.String("A"), FamilyName: aws.String("M")}})
	wantCode(t, err, "ConflictException")
	_, err = ids.CreateUser(ctx(t), &identitystore.CreateUserInput{IdentityStoreId: store, UserName: aws.String("nobody")})
	wantCode(t, err, "ValidationException")
	_, err = ids.CreateUser(ctx(t), &identitystore.CreateUserInput{IdentityStoreId: aws.String("d-0000000000"), UserName: aws.String("x")})
	wantCode(t, err, "ResourceNotFoundException")

	group := must[*identitystore.CreateGroupOutput](t)(ids.CreateGroup(ctx(t), &identitystore.CreateGroupInput{IdentityStoreId: store, DisplayName: aws.String("Engineers")}))
	_, err = ids.CreateGroup(ctx(t), &identitystore.CreateGroupInput{IdentityStoreId: store, DisplayName: aws.String("Engineers")})
	wantCode(t, err, "ConflictException")
	mem := must[*identitystore.CreateGroupMembershipOutput](t)(ids.CreateGroupMembership(ctx(t), &identitystore.CreateGroupMembershipInput{
		IdentityStoreId: store, GroupId: group.GroupId, MemberId: &idstypes.MemberIdMemberUserId{Value: *user.UserId}}))
	_, err = ids.CreateGroupMembership(ctx(t), &identitystore.CreateGroupMembershipInput{
		IdentityStoreId: store, GroupId: group.GroupId, MemberId: &idstypes.MemberIdMemberUserId{Value: "no-such-user"}})
	wantCode(t, err, "ResourceNotFoundException")
	ms := must[*identitystore.ListGroupMembershipsOutput](t)(ids.ListGroupMemberships(ctx(t), &identitystore.ListGroupMembershipsInput{IdentityStoreId: store, GroupId: group.GroupId}))
	if len(ms.GroupMemberships) != 1 || *ms.GroupMemberships[0].MembershipId != *mem.MembershipId {
		t.Fatalf("memberships: %+v", ms.GroupMemberships)
	}

	ps := must[*ssoadmin.CreatePermissionSetOutput](t)(sso.CreatePermissionSet(ctx(t), &ssoadmin.CreatePermissionSetInput{InstanceArn: inst,
		Name: aws.String("Engineers"), SessionDuration: aws.String("PT8H"), RelayState: aws.String("https://console.aws.amazon.com/")}))
	psARN := ps.PermissionSet.PermissionSetArn
	for name, in := range map[string]*ssoadmin.CreatePermissionSetInput{
		"name over 32":     {InstanceArn: inst, Name: aws.String(strings.Repeat("x", 33))},
		"bad name":         {InstanceArn: inst, Name: aws.String("has space")},
		"session over 12h": {InstanceArn: inst, Name: aws.String("Long"), SessionDuration: aws.String("PT13H")},
	} {
		_, err := sso.CreatePermissionSet(ctx(t), in)
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	_, err = sso.CreatePermissionSet(ctx(t), &ssoadmin.CreatePermissionSetInput{InstanceArn: inst, Name: aws.String("Engineers")})
	wantCode(t, err, "ConflictException")

	attach := func(arn string) error {
		_, err := sso.AttachManagedPolicyToPermissionSet(ctx(t), &ssoadmin.AttachManagedPolicyToPermissionSetInput{InstanceArn: inst, PermissionSetArn: psARN, ManagedPolicyArn: aws.String(arn)})
		return err
	}
	if err := attach("arn:aws:iam::aws:policy/ReadOnlyAccess"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, attach("arn:aws:iam::aws:policy/ReadOnlyAccess"), "ConflictException")
	wantCode(t, attach("arn:aws:iam::111122223333:policy/ci-deploy-policy"), "ValidationException")
	for i := 0; i < 8; i++ {
		_, err := sso.AttachCustomerManagedPolicyReferenceToPermissionSet(ctx(t), &ssoadmin.AttachCustomerManagedPolicyReferenceToPermissionSetInput{
			InstanceArn: inst, PermissionSetArn: psARN, CustomerManagedPolicyReference: &ssotypes.CustomerManagedPolicyReference{Name: aws.String("team-" + string(rune('a'+i))), Path: aws.String("/teams/")}})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := attach("arn:aws:iam::aws:policy/AWSCloudShellFullAccess"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, attach("arn:aws:iam::aws:policy/PowerUserAccess"), "ServiceQuotaExceededException") // the 11th

	put := func(doc string) error {
		_, err := sso.PutInlinePolicyToPermissionSet(ctx(t), &ssoadmin.PutInlinePolicyToPermissionSetInput{InstanceArn: inst, PermissionSetArn: psARN, InlinePolicy: aws.String(doc)})
		return err
	}
	inline := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreatePolicyVersion","Resource":"*"}]}`
	if err := put(inline); err != nil {
		t.Fatal(err)
	}
	wantCode(t, put(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"`+strings.Repeat("a", 32768)+`"}]}`), "ValidationException")
	wantCode(t, put(`not json`), "ValidationException")
	if _, err := sso.PutPermissionsBoundaryToPermissionSet(ctx(t), &ssoadmin.PutPermissionsBoundaryToPermissionSetInput{InstanceArn: inst, PermissionSetArn: psARN,
		PermissionsBoundary: &ssotypes.PermissionsBoundary{ManagedPolicyArn: aws.String("arn:aws:iam::aws:policy/PowerUserAccess")}}); err != nil {
		t.Fatal(err)
	}

	assign := func(acct, principal string) error {
		_, err := sso.CreateAccountAssignment(ctx(t), &ssoadmin.CreateAccountAssignmentInput{InstanceArn: inst, PermissionSetArn: psARN,
			TargetId: aws.String(acct), TargetType: ssotypes.TargetTypeAwsAccount, PrincipalType: ssotypes.PrincipalTypeUser, PrincipalId: aws.String(principal)})
		return err
	}
	if err := assign(demo.MemberAccountID, *user.UserId); err != nil {
		t.Fatal(err)
	}
	wantCode(t, assign(demo.MemberAccountID, *user.UserId), "ConflictException")
	wantCode(t, assign(demo.MemberAccountID, "no-such-user"), "ResourceNotFoundException")
	wantCode(t, assign("999999999999", *user.UserId), "ValidationException")
	prov := must[*ssoadmin.ProvisionPermissionSetOutput](t)(sso.ProvisionPermissionSet(ctx(t), &ssoadmin.ProvisionPermissionSetInput{InstanceArn: inst, PermissionSetArn: psARN,
		TargetType: ssotypes.ProvisionTargetTypeAwsAccount, TargetId: aws.String(demo.MemberAccountID)}))
	if prov.PermissionSetProvisioningStatus.Status != ssotypes.StatusValuesSucceeded {
		t.Errorf("provisioning: %+v", prov.PermissionSetProvisioningStatus)
	}

	// Reads see the writes.
	as := must[*ssoadmin.ListAccountAssignmentsOutput](t)(sso.ListAccountAssignments(ctx(t), &ssoadmin.ListAccountAssignmentsInput{InstanceArn: inst, PermissionSetArn: psARN, AccountId: aws.String(demo.MemberAccountID)}))
	if len(as.AccountAssignments) != 1 || *as.AccountAssignments[0].PrincipalId != *user.UserId {
		t.Fatalf("assignments: %+v", as.AccountAssignments)
	}
	got := must[*ssoadmin.GetInlinePolicyForPermissionSetOutput](t)(sso.GetInlinePolicyForPermissionSet(ctx(t), &ssoadmin.GetInlinePolicyForPermissionSetInput{InstanceArn: inst, PermissionSetArn: psARN}))
	if *got.InlinePolicy != inline {
		t.Errorf("inline policy: %s", *got.InlinePolicy)
	}
	state, err := srv.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	ic := state.Account(demo.AccountID).IdentityCenter
	last := ic.PermissionSets[len(ic.PermissionSets)-1]
	if last.Name != "Engineers" || len(last.ManagedPolicies) != 2 || len(last.CustomerManaged) != 8 || last.PermissionsBoundary == nil || last.SessionDuration != "PT8H" {
		t.Errorf("served permission set: %+v", last)
	}
	if n, w := len(ic.PermissionSets), len(demo.Snapshot().Account(demo.AccountID).IdentityCenter.PermissionSets)+1; n != w {
		t.Errorf("%d permission sets served, want %d", n, w)
	}

	// Deleting a permission set that is still assigned is refused; the
	// reverse order works.
	_, err = sso.DeletePermissionSet(ctx(t), &ssoadmin.DeletePermissionSetInput{InstanceArn: inst, PermissionSetArn: psARN})
	wantCode(t, err, "ConflictException")
	must[*ssoadmin.DeleteAccountAssignmentOutput](t)(sso.DeleteAccountAssignment(ctx(t), &ssoadmin.DeleteAccountAssignmentInput{InstanceArn: inst, PermissionSetArn: psARN,
		TargetId: aws.String(demo.MemberAccountID), TargetType: ssotypes.TargetTypeAwsAccount, PrincipalType: ssotypes.PrincipalTypeUser, PrincipalId: user.UserId}))
	must[*ssoadmin.DeletePermissionSetOutput](t)(sso.DeletePermissionSet(ctx(t), &ssoadmin.DeletePermissionSetInput{InstanceArn: inst, PermissionSetArn: psARN}))
	must[*identitystore.DeleteGroupMembershipOutput](t)(ids.DeleteGroupMembership(ctx(t), &identitystore.DeleteGroupMembershipInput{IdentityStoreId: store, MembershipId: mem.MembershipId}))
	must[*identitystore.DeleteUserOutput](t)(ids.DeleteUser(ctx(t), &identitystore.DeleteUserInput{IdentityStoreId: store, UserId: user.UserId}))
	must[*identitystore.DeleteGroupOutput](t)(ids.DeleteGroup(ctx(t), &identitystore.DeleteGroupInput{IdentityStoreId: store, GroupId: group.GroupId}))
	state, _ = srv.Snapshot()
	if n, w := len(state.Account(demo.AccountID).IdentityCenter.PermissionSets), len(demo.Snapshot().Account(demo.AccountID).IdentityCenter.PermissionSets); n != w {
		t.Errorf("%d permission sets after undoing, want %d", n, w)
	}
}
