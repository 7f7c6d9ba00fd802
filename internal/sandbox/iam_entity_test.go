package sandbox

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// The per-entity reads, through the real aws-sdk-go-v2 IAM client (its
// own deserializers and paginators), against the demo: every returned
// name, ID, ARN, date and (URL-decoded) policy document equals the
// snapshot's.

func demoIAM(t *testing.T) (*Server, *iam.Client, *snapshot.Account) {
	t.Helper()
	srv, cfg := serveDemo(t)
	return srv, iam.NewFromConfig(cfg), srv.defaultAcct
}

func sameDate(t *testing.T, what string, got *time.Time, want time.Time) {
	t.Helper()
	if got == nil || !got.Equal(want.Truncate(time.Second)) {
		t.Errorf("%s: date %v, want %v", what, got, want)
	}
}

func TestEntityReadsUsers(t *testing.T) {
	_, c, a := demoIAM(t)
	// Pages of 3 through the SDK's paginator: all users, in order.
	var got []types.User
	p := iam.NewListUsersPaginator(c, &iam.ListUsersInput{MaxItems: aws.Int32(3)})
	for p.HasMorePages() {
		got = append(got, must[*iam.ListUsersOutput](t)(p.NextPage(ctx(t))).Users...)
	}
	if len(got) != len(a.Users) || len(a.Users) < 4 {
		t.Fatalf("ListUsers: %d users, want %d", len(got), len(a.Users))
	}
	for i, u := range a.Users {
		g := got[i]
		if *g.UserName != u.Name || *g.Arn != u.ARN || *g.UserId != u.ID || *g.Path != orSlash(u.Path) {
			t.Errorf("ListUsers %d: %s %s %s %s, want %+v", i, *g.UserName, *g.Arn, *g.UserId, *g.Path, u)
		}
		sameDate(t, "ListUsers "+u.Name, g.CreateDate, u.CreatedAt)
		if want := u.Password != nil && u.Password.LastUsed != nil; want != (g.PasswordLastUsed != nil) ||
			(want && !g.PasswordLastUsed.Equal(*u.Password.LastUsed)) {
			t.Errorf("ListUsers %s: PasswordLastUsed %v", u.Name, g.PasswordLastUsed)
		}
		one := must[*iam.GetUserOutput](t)(c.GetUser(ctx(t), &iam.GetUserInput{UserName: aws.String(u.Name)})).User
		if *one.Arn != u.ARN || *one.UserId != u.ID || len(one.Tags) != len(u.Tags) {
			t.Errorf("GetUser %s: %+v", u.Name, one)
		}
		for k, tag := range u.Tags {
			if *one.Tags[k].Key != tag.Key || *one.Tags[k].Value != tag.Value {
				t.Errorf("GetUser %s tag %d: %v", u.Name, k, one.Tags[k])
			}
		}
		if (u.PermissionsBoundary == nil) != (one.PermissionsBoundary == nil) ||
			(u.PermissionsBoundary != nil && *one.PermissionsBoundary.PermissionsBoundaryArn != u.PermissionsBoundary.ARN) {
			t.Errorf("GetUser %s: boundary %+v", u.Name, one.PermissionsBoundary)
		}
	}
	staff := must[*iam.ListUsersOutput](t)(c.ListUsers(ctx(t), &iam.ListUsersInput{PathPrefix: aws.String("/staff/")})).Users
	var wantStaff []string
	for _, u := range a.Users {
		if u.Path == "/staff/" {
			wantStaff = append(wantStaff, u.Name)
		}
	}
	var gotStaff []string
	for _, u := range staff {
		gotStaff = append(gotStaff, *u.UserName)
	}
	if len(wantStaff) == 0 || !slices.Equal(gotStaff, wantStaff) {
		t.Errorf("PathPrefix /staff/: %v, want %v", gotStaff, wantStaff)
	}

	// Without UserName: the caller, as sts:GetCallerIdentity names it.
	me := must[*sts.GetCallerIdentityOutput](t)(sts.NewFromConfig(sdkConfigFor(c)).GetCallerIdentity(ctx(t), nil))
	self := must[*iam.GetUserOutput](t)(c.GetUser(ctx(t), nil)).User
	if *self.Arn != *me.Arn || *self.UserId != *me.UserId || *self.UserName != sandboxUserName {
		t.Errorf("GetUser without a name: %+v, caller %s", self, *me.Arn)
	}
	_, err := c.GetUser(ctx(t), &iam.GetUserInput{UserName: aws.String("nobody")})
	wantCode(t, err, "NoSuchEntity")
	if !strings.Contains(err.Error(), "The user with name nobody cannot be found.") {
		t.Errorf("NoSuchEntity message: %v", err)
	}
}

// sdkConfigFor returns the configuration a client was built with.
func sdkConfigFor(c *iam.Client) aws.Config {
	o := c.Options()
	return aws.Config{Region: o.Region, BaseEndpoint: o.BaseEndpoint, Credentials: o.Credentials, Retryer: connRetryer}
}

// A role session has no user: GetUser must name one, as AWS answers.
func TestGetUserFromRoleSession(t *testing.T) {
	_, url := serve(t, demo.Snapshot(), Options{})
	base := sdkConfig(url, DummyAccessKeyID, DummySecretAccessKey, "")
	me := must[*sts.GetCallerIdentityOutput](t)(sts.NewFromConfig(base).GetCallerIdentity(ctx(t), nil))
	ar := must[*sts.AssumeRoleOutput](t)(sts.NewFromConfig(base).AssumeRole(ctx(t), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + *me.Account + ":role/any"), RoleSessionName: aws.String("s")}))
	c := iam.NewFromConfig(sdkConfig(url, *ar.Credentials.AccessKeyId, *ar.Credentials.SecretAccessKey, *ar.Credentials.SessionToken))
	_, err := c.GetUser(ctx(t), nil)
	wantCode(t, err, "ValidationError")
	if !strings.Contains(err.Error(), "Must specify userName when calling with non-User credentials") {
		t.Errorf("message: %v", err)
	}
}

func TestEntityReadsGroupsAndPolicies(t *testing.T) {
	_, c, a := demoIAM(t)
	groups := must[*iam.ListGroupsOutput](t)(c.ListGroups(ctx(t), nil)).Groups
	if len(groups) != len(a.Groups) || len(a.Groups) == 0 {
		t.Fatalf("ListGroups: %d, want %d", len(groups), len(a.Groups))
	}
	for i, g := range a.Groups {
		if *groups[i].GroupName != g.Name || *groups[i].Arn != g.ARN || *groups[i].GroupId != entityID(g.ID, "AGPA", g.ARN) {
			t.Errorf("ListGroups %d: %+v", i, groups[i])
		}
		sameDate(t, "group "+g.Name, groups[i].CreateDate, g.CreatedAt)
		out := must[*iam.GetGroupOutput](t)(c.GetGroup(ctx(t), &iam.GetGroupInput{GroupName: aws.String(g.Name)}))
		var members, want []string
		for _, u := range out.Users {
			members = append(members, *u.UserName)
		}
		for _, u := range a.Users {
			if slices.Contains(u.Groups, g.Name) {
				want = append(want, u.Name)
			}
		}
		if !slices.Equal(members, want) {
			t.Errorf("GetGroup %s: members %v, want %v", g.Name, members, want)
		}
		checkPolicies(t, c, "group", g.Name, g.AttachedPolicies, g.InlinePolicies)
	}
	for _, u := range a.Users {
		var names []string
		for _, g := range must[*iam.ListGroupsForUserOutput](t)(c.ListGroupsForUser(ctx(t), &iam.ListGroupsForUserInput{UserName: aws.String(u.Name)})).Groups {
			names = append(names, *g.GroupName)
		}
		if !slices.Equal(names, u.Groups) {
			t.Errorf("ListGroupsForUser %s: %v, want %v", u.Name, names, u.Groups)
		}
		checkPolicies(t, c, "user", u.Name, u.AttachedPolicies, u.InlinePolicies)
	}
	for _, r := range a.Roles {
		got := must[*iam.GetRoleOutput](t)(c.GetRole(ctx(t), &iam.GetRoleInput{RoleName: aws.String(r.Name)})).Role
		if *got.Arn != r.ARN || *got.RoleId != entityID(r.ID, "AROA", r.ARN) || !sameJSON(t, []byte(unescape(t, got.AssumeRolePolicyDocument)), r.TrustPolicy) {
			t.Errorf("GetRole %s: %s %s %s", r.Name, *got.Arn, *got.RoleId, aws.ToString(got.AssumeRolePolicyDocument))
		}
		sameDate(t, "role "+r.Name, got.CreateDate, r.CreatedAt)
		if r.LastUsed != nil && (got.RoleLastUsed == nil || !got.RoleLastUsed.LastUsedDate.Equal(r.LastUsed.Date.Truncate(time.Second))) {
			t.Errorf("GetRole %s: last used %+v", r.Name, got.RoleLastUsed)
		}
		checkPolicies(t, c, "role", r.Name, r.AttachedPolicies, r.InlinePolicies)
	}
	_, err := c.GetUserPolicy(ctx(t), &iam.GetUserPolicyInput{UserName: aws.String(a.Users[0].Name), PolicyName: aws.String("nope")})
	wantCode(t, err, "NoSuchEntity")
	if !strings.Contains(err.Error(), "The user policy with name nope cannot be found.") {
		t.Errorf("message: %v", err)
	}
}

// checkPolicies compares a principal's attached and inline policies, read
// with List{Attached,}*Policies and Get*Policy, with the snapshot's.
func checkPolicies(t *testing.T, c *iam.Client, kind, name string, att []snapshot.PolicyRef, inl []snapshot.InlinePolicy) {
	t.Helper()
	var arns, names []string
	var docs map[string]string
	switch kind {
	case "user":
		for _, p := range must[*iam.ListAttachedUserPoliciesOutput](t)(c.ListAttachedUserPolicies(ctx(t), &iam.ListAttachedUserPoliciesInput{UserName: &name})).AttachedPolicies {
			arns = append(arns, *p.PolicyArn)
		}
		names = must[*iam.ListUserPoliciesOutput](t)(c.ListUserPolicies(ctx(t), &iam.ListUserPoliciesInput{UserName: &name})).PolicyNames
		docs = map[string]string{}
		for _, n := range names {
			out := must[*iam.GetUserPolicyOutput](t)(c.GetUserPolicy(ctx(t), &iam.GetUserPolicyInput{UserName: &name, PolicyName: aws.String(n)}))
			if *out.UserName != name || *out.PolicyName != n {
				t.Errorf("GetUserPolicy %s/%s: %s/%s", name, n, *out.UserName, *out.PolicyName)
			}
			docs[n] = unescape(t, out.PolicyDocument)
		}
	case "group":
		for _, p := range must[*iam.ListAttachedGroupPoliciesOutput](t)(c.ListAttachedGroupPolicies(ctx(t), &iam.ListAttachedGroupPoliciesInput{GroupName: &name})).AttachedPolicies {
			arns = append(arns, *p.PolicyArn)
		}
		names = must[*iam.ListGroupPoliciesOutput](t)(c.ListGroupPolicies(ctx(t), &iam.ListGroupPoliciesInput{GroupName: &name})).PolicyNames
		docs = map[string]string{}
		for _, n := range names {
			out := must[*iam.GetGroupPolicyOutput](t)(c.GetGroupPolicy(ctx(t), &iam.GetGroupPolicyInput{GroupName: &name, PolicyName: aws.String(n)}))
			docs[n] = unescape(t, out.PolicyDocument)
		}
	default:
		for _, p := range must[*iam.ListAttachedRolePoliciesOutput](t)(c.ListAttachedRolePolicies(ctx(t), &iam.ListAttachedRolePoliciesInput{RoleName: &name})).AttachedPolicies {
			arns = append(arns, *p.PolicyArn)
		}
		names = must[*iam.ListRolePoliciesOutput](t)(c.ListRolePolicies(ctx(t), &iam.ListRolePoliciesInput{RoleName: &name})).PolicyNames
		docs = map[string]string{}
		for _, n := range names {
			out := must[*iam.GetRolePolicyOutput](t)(c.GetRolePolicy(ctx(t), &iam.GetRolePolicyInput{RoleName: &name, PolicyName: aws.String(n)}))
			docs[n] = unescape(t, out.PolicyDocument)
		}
	}
	var wantARNs, wantNames []string
	for _, p := range att {
		wantARNs = append(wantARNs, p.ARN)
	}
	for _, p := range inl {
		wantNames = append(wantNames, p.Name)
		if !sameJSON(t, []byte(docs[p.Name]), p.Document) {
			t.Errorf("%s %s inline %s: %s, want %s", kind, name, p.Name, docs[p.Name], p.Document)
		}
	}
	if !slices.Equal(arns, wantARNs) || !slices.Equal(names, wantNames) {
		t.Errorf("%s %s: attached %v inline %v, want %v %v", kind, name, arns, names, wantARNs, wantNames)
	}
}

func TestEntityReadsManagedPolicies(t *testing.T) {
	_, c, a := demoIAM(t)
	var local, aws_ []string
	for _, p := range a.Policies {
		if p.AWSManaged() {
			aws_ = append(aws_, p.ARN)
		} else {
			local = append(local, p.ARN)
		}
	}
	for scope, want := range map[types.PolicyScopeType][]string{types.PolicyScopeTypeLocal: local, types.PolicyScopeTypeAws: aws_} {
		var got []string
		for _, p := range must[*iam.ListPoliciesOutput](t)(c.ListPolicies(ctx(t), &iam.ListPoliciesInput{Scope: scope})).Policies {
			got = append(got, *p.Arn)
		}
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("ListPolicies %s: %v, want %v", scope, got, want)
		}
	}
	for _, p := range a.Policies {
		got := must[*iam.GetPolicyOutput](t)(c.GetPolicy(ctx(t), &iam.GetPolicyInput{PolicyArn: aws.String(p.ARN)})).Policy
		if *got.PolicyName != p.Name || *got.DefaultVersionId != p.DefaultVersionID || *got.AttachmentCount != int32(p.AttachmentCount) ||
			got.IsAttachable != p.IsAttachable || aws.ToString(got.Description) != p.Description {
			t.Errorf("GetPolicy %s: %+v", p.ARN, got)
		}
		if p.CreatedAt != nil {
			sameDate(t, "policy "+p.Name, got.CreateDate, *p.CreatedAt)
		}
		v := must[*iam.GetPolicyVersionOutput](t)(c.GetPolicyVersion(ctx(t), &iam.GetPolicyVersionInput{PolicyArn: aws.String(p.ARN), VersionId: aws.String(p.DefaultVersionID)})).PolicyVersion
		if !v.IsDefaultVersion || !sameJSON(t, []byte(unescape(t, v.Document)), p.Document) {
			t.Errorf("GetPolicyVersion %s: %+v", p.ARN, v)
		}
	}
	// The snapshot keeps only default versions: others are not collected.
	multi := a.Policies[slices.IndexFunc(a.Policies, func(p *snapshot.ManagedPolicy) bool { return p.DefaultVersionID != "v1" })]
	_, err := c.GetPolicyVersion(ctx(t), &iam.GetPolicyVersionInput{PolicyArn: aws.String(multi.ARN), VersionId: aws.String("v1")})
	wantCode(t, err, "AccessDenied")
	_, err = c.ListPolicyVersions(ctx(t), &iam.ListPolicyVersionsInput{PolicyArn: aws.String(multi.ARN)})
	wantCode(t, err, "AccessDenied")
	_, err = c.GetPolicy(ctx(t), &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::" + a.ID + ":policy/nope")})
	wantCode(t, err, "NoSuchEntity")

	// Who uses AdministratorAccess, all of them and roles only.
	admin := "arn:aws:iam::aws:policy/AdministratorAccess"
	ents := must[*iam.ListEntitiesForPolicyOutput](t)(c.ListEntitiesForPolicy(ctx(t), &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(admin)}))
	roles := must[*iam.ListEntitiesForPolicyOutput](t)(c.ListEntitiesForPolicy(ctx(t), &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(admin), EntityFilter: types.EntityTypeRole}))
	var wantUsers, wantGroups, wantRoles []string
	has := func(ps []snapshot.PolicyRef) bool {
		return slices.ContainsFunc(ps, func(p snapshot.PolicyRef) bool { return p.ARN == admin })
	}
	for _, u := range a.Users {
		if has(u.AttachedPolicies) {
			wantUsers = append(wantUsers, u.Name)
		}
	}
	for _, g := range a.Groups {
		if has(g.AttachedPolicies) {
			wantGroups = append(wantGroups, g.Name)
		}
	}
	for _, r := range a.Roles {
		if has(r.AttachedPolicies) {
			wantRoles = append(wantRoles, r.Name)
		}
	}
	var gotUsers, gotGroups, gotRoles, onlyRoles []string
	for _, u := range ents.PolicyUsers {
		gotUsers = append(gotUsers, *u.UserName)
	}
	for _, g := range ents.PolicyGroups {
		gotGroups = append(gotGroups, *g.GroupName)
	}
	for _, r := range ents.PolicyRoles {
		gotRoles = append(gotRoles, *r.RoleName)
	}
	for _, r := range roles.PolicyRoles {
		onlyRoles = append(onlyRoles, *r.RoleName)
	}
	if len(wantGroups)+len(wantRoles) == 0 || !slices.Equal(gotUsers, wantUsers) || !slices.Equal(gotGroups, wantGroups) ||
		!slices.Equal(gotRoles, wantRoles) || !slices.Equal(onlyRoles, wantRoles) || len(roles.PolicyUsers)+len(roles.PolicyGroups) != 0 {
		t.Errorf("ListEntitiesForPolicy: users %v groups %v roles %v (filtered %v), want %v %v %v", gotUsers, gotGroups, gotRoles, onlyRoles, wantUsers, wantGroups, wantRoles)
	}
}

func TestEntityReadsCredentials(t *testing.T) {
	_, c, a := demoIAM(t)
	keys := 0
	for _, u := range a.Users {
		got := must[*iam.ListAccessKeysOutput](t)(c.ListAccessKeys(ctx(t), &iam.ListAccessKeysInput{UserName: aws.String(u.Name)})).AccessKeyMetadata
		if len(got) != len(u.AccessKeys) {
			t.Fatalf("ListAccessKeys %s: %d keys, want %d", u.Name, len(got), len(u.AccessKeys))
		}
		for i, k := range u.AccessKeys {
			keys++
			if *got[i].AccessKeyId != k.ID || string(got[i].Status) != k.Status || *got[i].UserName != u.Name {
				t.Errorf("ListAccessKeys %s %d: %+v, want %+v", u.Name, i, got[i], k)
			}
			sameDate(t, "key "+k.ID, got[i].CreateDate, *k.CreatedAt)
			lu := must[*iam.GetAccessKeyLastUsedOutput](t)(c.GetAccessKeyLastUsed(ctx(t), &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(k.ID)}))
			if *lu.UserName != u.Name {
				t.Errorf("GetAccessKeyLastUsed %s: user %s", k.ID, *lu.UserName)
			}
			if k.LastUsed == nil {
				if lu.AccessKeyLastUsed.LastUsedDate != nil || *lu.AccessKeyLastUsed.ServiceName != "N/A" || *lu.AccessKeyLastUsed.Region != "N/A" {
					t.Errorf("GetAccessKeyLastUsed %s never used: %+v", k.ID, lu.AccessKeyLastUsed)
				}
			} else {
				sameDate(t, "last used "+k.ID, lu.AccessKeyLastUsed.LastUsedDate, *k.LastUsed)
				if *lu.AccessKeyLastUsed.ServiceName != k.LastUsedService || *lu.AccessKeyLastUsed.Region != k.LastUsedRegion {
					t.Errorf("GetAccessKeyLastUsed %s: %+v", k.ID, lu.AccessKeyLastUsed)
				}
			}
		}
		lp, err := c.GetLoginProfile(ctx(t), &iam.GetLoginProfileInput{UserName: aws.String(u.Name)})
		if u.HasConsolePassword() {
			if err != nil || *lp.LoginProfile.UserName != u.Name {
				t.Errorf("GetLoginProfile %s: %v", u.Name, err)
			} else if u.Password.LastChanged != nil {
				sameDate(t, "login profile "+u.Name, lp.LoginProfile.CreateDate, *u.Password.LastChanged)
			}
		} else {
			wantCode(t, err, "NoSuchEntity")
			if !strings.Contains(err.Error(), "Login Profile for User "+u.Name+" cannot be found.") {
				t.Errorf("GetLoginProfile %s: %v", u.Name, err)
			}
		}
		devs := must[*iam.ListMFADevicesOutput](t)(c.ListMFADevices(ctx(t), &iam.ListMFADevicesInput{UserName: aws.String(u.Name)})).MFADevices
		if len(devs) != len(u.MFADevices) {
			t.Fatalf("ListMFADevices %s: %d, want %d", u.Name, len(devs), len(u.MFADevices))
		}
		for i, d := range u.MFADevices {
			if *devs[i].SerialNumber != d.Serial {
				t.Errorf("ListMFADevices %s: %s, want %s", u.Name, *devs[i].SerialNumber, d.Serial)
			}
			if d.EnabledAt != nil {
				sameDate(t, "MFA "+d.Serial, devs[i].EnableDate, *d.EnabledAt)
			}
		}
	}
	if keys < 3 {
		t.Fatalf("the demo has %d keys: the test compares too little", keys)
	}
	// A key the account does not hold: AccessDenied, as AWS answers.
	_, err := c.GetAccessKeyLastUsed(ctx(t), &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String("AKIANOTINTHEACCOUNT1")})
	wantCode(t, err, "AccessDenied")
	sum := must[*iam.GetAccountSummaryOutput](t)(c.GetAccountSummary(ctx(t), nil)).SummaryMap
	if len(sum) != len(a.Summary) || len(sum) == 0 {
		t.Fatalf("GetAccountSummary: %v, want %v", sum, a.Summary)
	}
	for k, v := range a.Summary {
		if sum[k] != int32(v) {
			t.Errorf("GetAccountSummary %s = %d, want %d", k, sum[k], v)
		}
	}
}

func TestEntityReadsInstanceProfiles(t *testing.T) {
	s := demo.Snapshot()
	a := s.Accounts[0]
	// The demo's roles have no instance profiles: give two roles some.
	a.Roles[0].InstanceProfiles = []string{"arn:aws:iam::" + a.ID + ":instance-profile/web/web-1"}
	a.Roles[1].InstanceProfiles = []string{"arn:aws:iam::" + a.ID + ":instance-profile/batch"}
	_, u := serve(t, s, Options{})
	c := iam.NewFromConfig(sdkConfig(u, DummyAccessKeyID, DummySecretAccessKey, ""))
	var want []string
	for _, r := range a.Roles {
		want = append(want, r.InstanceProfiles...)
		var forRole []string
		for _, p := range must[*iam.ListInstanceProfilesForRoleOutput](t)(c.ListInstanceProfilesForRole(ctx(t), &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String(r.Name)})).InstanceProfiles {
			forRole = append(forRole, *p.Arn)
			if len(p.Roles) != 1 || *p.Roles[0].RoleName != r.Name {
				t.Errorf("profile %s: roles %+v", *p.Arn, p.Roles)
			}
		}
		if !slices.Equal(forRole, r.InstanceProfiles) {
			t.Errorf("ListInstanceProfilesForRole %s: %v, want %v", r.Name, forRole, r.InstanceProfiles)
		}
	}
	var got []string
	for _, p := range must[*iam.ListInstanceProfilesOutput](t)(c.ListInstanceProfiles(ctx(t), nil)).InstanceProfiles {
		got = append(got, *p.Arn)
	}
	if len(want) != 2 || !slices.Equal(got, want) {
		t.Errorf("ListInstanceProfiles: %v, want %v", got, want)
	}
	web := must[*iam.ListInstanceProfilesOutput](t)(c.ListInstanceProfiles(ctx(t), &iam.ListInstanceProfilesInput{PathPrefix: aws.String("/web/")})).InstanceProfiles
	if len(web) != 1 || *web[0].InstanceProfileName != "web-1" || *web[0].Path != "/web/" {
		t.Errorf("PathPrefix /web/: %+v", web)
	}
}

// Paging parameters as AWS validates them, and pages that add up.
func TestEntityReadsPagingAndValidation(t *testing.T) {
	_, c, a := demoIAM(t)
	for _, n := range []int32{0, 1001} {
		_, err := c.ListUsers(ctx(t), &iam.ListUsersInput{MaxItems: aws.Int32(n)})
		wantCode(t, err, "ValidationError")
		if !strings.Contains(err.Error(), "at 'maxItems' failed to satisfy constraint") {
			t.Errorf("MaxItems %d: %v", n, err)
		}
	}
	_, err := c.ListRoles(ctx(t), &iam.ListRolesInput{PathPrefix: aws.String("service")})
	wantCode(t, err, "ValidationError")
	_, err = c.ListPolicies(ctx(t), &iam.ListPoliciesInput{Scope: "Everything"})
	wantCode(t, err, "ValidationError")
	page := must[*iam.ListRolesOutput](t)(c.ListRoles(ctx(t), &iam.ListRolesInput{MaxItems: aws.Int32(1)}))
	if len(page.Roles) != 1 || !page.IsTruncated || page.Marker == nil || *page.Roles[0].RoleName != a.Roles[0].Name {
		t.Fatalf("first page of one role: %+v", page)
	}
	next := must[*iam.ListRolesOutput](t)(c.ListRoles(ctx(t), &iam.ListRolesInput{MaxItems: aws.Int32(1000), Marker: page.Marker}))
	if len(next.Roles) != len(a.Roles)-1 || next.IsTruncated || *next.Roles[0].RoleName != a.Roles[1].Name {
		t.Fatalf("rest: %d roles, truncated %v", len(next.Roles), next.IsTruncated)
	}
	// A marker is bound to the action that issued it.
	_, err = c.ListUsers(ctx(t), &iam.ListUsersInput{Marker: page.Marker})
	wantCode(t, err, "ValidationError")
}

// What the snapshot did not collect is AccessDenied: a whole input, one
// principal an input did not list, an MFA device without its serial.
func TestEntityReadsGaps(t *testing.T) {
	s := demo.Snapshot()
	a := s.Accounts[0]
	alice, bob := a.Users[0], a.Users[1]
	alice.NotIn = append(alice.NotIn, snapshot.InputCredentialReport)
	bob.MFADevices = []snapshot.MFADevice{{Type: snapshot.MFAHardware}}
	srv, u := serve(t, s, Options{})
	if srv.defaultAcct != a {
		t.Fatalf("the default account is %s, not the first", srv.defaultAcct.ID)
	}
	c := iam.NewFromConfig(sdkConfig(u, DummyAccessKeyID, DummySecretAccessKey, ""))
	_, err := c.ListAccessKeys(ctx(t), &iam.ListAccessKeysInput{UserName: aws.String(alice.Name)})
	wantCode(t, err, "AccessDenied")
	if !strings.Contains(err.Error(), "did not list user "+alice.Name) {
		t.Errorf("reason: %v", err)
	}
	_, err = c.GetAccessKeyLastUsed(ctx(t), &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(alice.AccessKeys[0].ID)})
	wantCode(t, err, "AccessDenied")
	_, err = c.ListMFADevices(ctx(t), &iam.ListMFADevicesInput{UserName: aws.String(bob.Name)})
	wantCode(t, err, "AccessDenied")
	if !strings.Contains(err.Error(), "not its serial number") {
		t.Errorf("reason: %v", err)
	}
	// Alice's policies are still known.
	must[*iam.ListAttachedUserPoliciesOutput](t)(c.ListAttachedUserPolicies(ctx(t), &iam.ListAttachedUserPoliciesInput{UserName: aws.String(alice.Name)}))

	b := snapshot.NewBuilder("123456789012", demo.CollectedAt).Without(snapshot.InputAuthorizationDetails).Without(snapshot.InputCredentialReport)
	b.User("carl", demo.CollectedAt)
	_, u = serve(t, b.Build(), Options{})
	c = iam.NewFromConfig(sdkConfig(u, DummyAccessKeyID, DummySecretAccessKey, ""))
	for name, call := range map[string]func() error{
		"ListUsers":    func() error { _, err := c.ListUsers(ctx(t), nil); return err },
		"GetUser":      func() error { _, err := c.GetUser(ctx(t), &iam.GetUserInput{UserName: aws.String("carl")}); return err },
		"ListPolicies": func() error { _, err := c.ListPolicies(ctx(t), nil); return err },
		"ListAccessKeys": func() error {
			_, err := c.ListAccessKeys(ctx(t), &iam.ListAccessKeysInput{UserName: aws.String("carl")})
			return err
		},
		"GetLoginProfile": func() error {
			_, err := c.GetLoginProfile(ctx(t), &iam.GetLoginProfileInput{UserName: aws.String("carl")})
			return err
		},
	} {
		if err := call(); err == nil {
			t.Errorf("%s without its input: no error", name)
		} else {
			wantCode(t, err, "AccessDenied")
		}
	}
}

// The reads see the writes: fix apply writes through the sandbox and every
// later read answers from the changed state.
func TestEntityReadsSeeWrites(t *testing.T) {
	_, c, a := demoIAM(t)
	var user *snapshot.User
	for _, u := range a.Users {
		if len(u.AccessKeys) > 0 && len(u.Groups) > 0 {
			user = u
			break
		}
	}
	name := aws.String(user.Name)
	must[*iam.DeleteAccessKeyOutput](t)(c.DeleteAccessKey(ctx(t), &iam.DeleteAccessKeyInput{UserName: name, AccessKeyId: aws.String(user.AccessKeys[0].ID)}))
	keys := must[*iam.ListAccessKeysOutput](t)(c.ListAccessKeys(ctx(t), &iam.ListAccessKeysInput{UserName: name})).AccessKeyMetadata
	if slices.ContainsFunc(keys, func(k types.AccessKeyMetadata) bool { return *k.AccessKeyId == user.AccessKeys[0].ID }) {
		t.Errorf("deleted key still listed: %+v", keys)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`
	must[*iam.PutUserPolicyOutput](t)(c.PutUserPolicy(ctx(t), &iam.PutUserPolicyInput{UserName: name, PolicyName: aws.String("quarantine"), PolicyDocument: aws.String(doc)}))
	got := must[*iam.GetUserPolicyOutput](t)(c.GetUserPolicy(ctx(t), &iam.GetUserPolicyInput{UserName: name, PolicyName: aws.String("quarantine")}))
	if unescape(t, got.PolicyDocument) != doc {
		t.Errorf("GetUserPolicy after PutUserPolicy: %s", *got.PolicyDocument)
	}
	must[*iam.RemoveUserFromGroupOutput](t)(c.RemoveUserFromGroup(ctx(t), &iam.RemoveUserFromGroupInput{UserName: name, GroupName: aws.String(user.Groups[0])}))
	if gs := must[*iam.ListGroupsForUserOutput](t)(c.ListGroupsForUser(ctx(t), &iam.ListGroupsForUserInput{UserName: name})).Groups; len(gs) != len(user.Groups)-1 {
		t.Errorf("groups after removal: %+v", gs)
	}
}
