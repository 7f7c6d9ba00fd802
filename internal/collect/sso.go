package collect

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	istypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/iamspect/iamspect/internal/importer"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// ssoTask collects IAM Identity Center: instances (sso:ListInstances), their
// permission sets with policies and session duration, account assignments,
// and the identity store's users, groups and memberships. Calls grow with
// permission sets, provisioned accounts and groups, never with IAM users. An
// account with no instance visible (a member account of an organisation
// instance, or Identity Center in another region: see --sso-region) has
// none, which is collected as such.
func ssoTask(cfg aws.Config, o *Options) task {
	return task{snapshot.InputIdentityCenter, func(ctx context.Context) (func(*snapshot.Account) error, error) {
		c := &ssoCollector{
			admin: ssoadmin.NewFromConfig(cfg, func(so *ssoadmin.Options) { so.Region = o.SSORegion }),
			store: identitystore.NewFromConfig(cfg, func(so *identitystore.Options) { so.Region = o.SSORegion }),
		}
		ic, err := c.collect(ctx)
		if err != nil {
			return nil, err
		}
		return func(a *snapshot.Account) error {
			a.IdentityCenter = ic
			a.MarkCollected(snapshot.InputIdentityCenter)
			return nil
		}, nil
	}}
}

type ssoCollector struct {
	admin *ssoadmin.Client
	store *identitystore.Client
}

func (c *ssoCollector) collect(ctx context.Context) (*snapshot.IdentityCenter, error) {
	var insts []ssotypes.InstanceMetadata
	p := ssoadmin.NewListInstancesPaginator(c.admin, &ssoadmin.ListInstancesInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, apiErr("sso:ListInstances", err)
		}
		insts = append(insts, out.Instances...)
	}
	if len(insts) == 0 {
		return nil, nil
	}
	ic := &snapshot.IdentityCenter{}
	for _, in := range insts {
		ic.Instances = append(ic.Instances, snapshot.IdentityCenterInstance{
			ARN: aws.ToString(in.InstanceArn), IdentityStoreID: aws.ToString(in.IdentityStoreId),
			OwnerAccountID: aws.ToString(in.OwnerAccountId), Name: aws.ToString(in.Name), Status: string(in.Status)})
		if err := c.permissionSets(ctx, ic, in.InstanceArn); err != nil {
			return nil, err
		}
		if err := c.directory(ctx, ic, in.IdentityStoreId); err != nil {
			return nil, err
		}
	}
	return ic, nil
}

func (c *ssoCollector) permissionSets(ctx context.Context, ic *snapshot.IdentityCenter, inst *string) error {
	var arns []string
	p := ssoadmin.NewListPermissionSetsPaginator(c.admin, &ssoadmin.ListPermissionSetsInput{InstanceArn: inst})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return apiErr("sso:ListPermissionSets", err)
		}
		arns = append(arns, out.PermissionSets...)
	}
	for _, arn := range arns {
		ps, err := c.permissionSet(ctx, inst, arn)
		if err != nil {
			return err
		}
		ic.PermissionSets = append(ic.PermissionSets, ps)
		as, err := c.assignments(ctx, inst, arn)
		if err != nil {
			return err
		}
		ic.Assignments = append(ic.Assignments, as...)
	}
	return nil
}

func (c *ssoCollector) permissionSet(ctx context.Context, inst *string, arn string) (snapshot.PermissionSet, error) {
	var ps snapshot.PermissionSet
	d, err := c.admin.DescribePermissionSet(ctx, &ssoadmin.DescribePermissionSetInput{InstanceArn: inst, PermissionSetArn: &arn})
	if err != nil {
		return ps, apiErr("sso:DescribePermissionSet", err)
	}
	if d.PermissionSet != nil {
		ps = snapshot.PermissionSet{ARN: arn, Name: aws.ToString(d.PermissionSet.Name),
			Description: aws.ToString(d.PermissionSet.Description), SessionDuration: aws.ToString(d.PermissionSet.SessionDuration)}
	}
	ps.ARN = arn
	mp := ssoadmin.NewListManagedPoliciesInPermissionSetPaginator(c.admin, &ssoadmin.ListManagedPoliciesInPermissionSetInput{InstanceArn: inst, PermissionSetArn: &arn})
	for mp.HasMorePages() {
		out, err := mp.NextPage(ctx)
		if err != nil {
			return ps, apiErr("sso:ListManagedPoliciesInPermissionSet", err)
		}
		for _, m := range out.AttachedManagedPolicies {
			ps.ManagedPolicies = append(ps.ManagedPolicies, snapshot.PolicyRef{Name: aws.ToString(m.Name), ARN: aws.ToString(m.Arn)})
		}
	}
	cp := ssoadmin.NewListCustomerManagedPolicyReferencesInPermissionSetPaginator(c.admin, &ssoadmin.ListCustomerManagedPolicyReferencesInPermissionSetInput{InstanceArn: inst, PermissionSetArn: &arn})
	for cp.HasMorePages() {
		out, err := cp.NextPage(ctx)
		if err != nil {
			return ps, apiErr("sso:ListCustomerManagedPolicyReferencesInPermissionSet", err)
		}
		for _, r := range out.CustomerManagedPolicyReferences {
			ps.CustomerManaged = append(ps.CustomerManaged, cmpRef(&r))
		}
	}
	inl, err := c.admin.GetInlinePolicyForPermissionSet(ctx, &ssoadmin.GetInlinePolicyForPermissionSetInput{InstanceArn: inst, PermissionSetArn: &arn})
	if err != nil {
		return ps, apiErr("sso:GetInlinePolicyForPermissionSet", err)
	}
	if doc := aws.ToString(inl.InlinePolicy); strings.TrimSpace(doc) != "" {
		raw, err := importer.NormalizePolicyDocument(quoteJSON(doc))
		if err != nil {
			return ps, apiErr("sso:GetInlinePolicyForPermissionSet", err)
		}
		ps.InlinePolicy = raw
	}
	b, err := c.admin.GetPermissionsBoundaryForPermissionSet(ctx, &ssoadmin.GetPermissionsBoundaryForPermissionSetInput{InstanceArn: inst, PermissionSetArn: &arn})
	switch {
	case err == nil && b.PermissionsBoundary != nil:
		pb := b.PermissionsBoundary
		if arn := aws.ToString(pb.ManagedPolicyArn); arn != "" {
			ps.PermissionsBoundary = &snapshot.PolicyRef{Name: arn[strings.LastIndexByte(arn, '/')+1:], ARN: arn}
		} else if pb.CustomerManagedPolicyReference != nil {
			r := cmpRef(pb.CustomerManagedPolicyReference)
			ps.PermissionsBoundary = &r
		}
	case err == nil, hasCode(err, "ResourceNotFoundException"):
		// no boundary
	default:
		return ps, apiErr("sso:GetPermissionsBoundaryForPermissionSet", err)
	}
	return ps, nil
}

// cmpRef names a customer managed policy reference: it has a name and a
// path, and resolves to a policy in each account it is provisioned to, so it
// has no ARN of its own.
func cmpRef(r *ssotypes.CustomerManagedPolicyReference) snapshot.PolicyRef {
	name := aws.ToString(r.Name)
	if p := aws.ToString(r.Path); p != "" && p != "/" {
		name = strings.TrimSuffix(p, "/") + "/" + name
	}
	return snapshot.PolicyRef{Name: name}
}

// quoteJSON wraps a policy string as a JSON string for NormalizePolicyDocument.
func quoteJSON(s string) []byte {
	b, _ := json.Marshal(s)
	return b
}

// assignments lists who is assigned the permission set in each account it
// is provisioned to.
func (c *ssoCollector) assignments(ctx context.Context, inst *string, ps string) ([]snapshot.AccountAssignment, error) {
	var accounts []string
	p := ssoadmin.NewListAccountsForProvisionedPermissionSetPaginator(c.admin, &ssoadmin.ListAccountsForProvisionedPermissionSetInput{InstanceArn: inst, PermissionSetArn: &ps})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, apiErr("sso:ListAccountsForProvisionedPermissionSet", err)
		}
		accounts = append(accounts, out.AccountIds...)
	}
	var as []snapshot.AccountAssignment
	for _, acct := range accounts {
		p := ssoadmin.NewListAccountAssignmentsPaginator(c.admin, &ssoadmin.ListAccountAssignmentsInput{InstanceArn: inst, AccountId: aws.String(acct), PermissionSetArn: &ps})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return nil, apiErr("sso:ListAccountAssignments", err)
			}
			for _, a := range out.AccountAssignments {
				as = append(as, snapshot.AccountAssignment{AccountID: aws.ToString(a.AccountId), PermissionSetARN: aws.ToString(a.PermissionSetArn),
					PrincipalType: string(a.PrincipalType), PrincipalID: aws.ToString(a.PrincipalId)})
			}
		}
	}
	return as, nil
}

// directory reads the identity store: users, groups, and each group's members.
func (c *ssoCollector) directory(ctx context.Context, ic *snapshot.IdentityCenter, storeID *string) error {
	up := identitystore.NewListUsersPaginator(c.store, &identitystore.ListUsersInput{IdentityStoreId: storeID})
	for up.HasMorePages() {
		out, err := up.NextPage(ctx)
		if err != nil {
			return apiErr("identitystore:ListUsers", err)
		}
		for _, u := range out.Users {
			ic.Users = append(ic.Users, snapshot.DirectoryUser{ID: aws.ToString(u.UserId), UserName: aws.ToString(u.UserName), DisplayName: aws.ToString(u.DisplayName)})
		}
	}
	gp := identitystore.NewListGroupsPaginator(c.store, &identitystore.ListGroupsInput{IdentityStoreId: storeID})
	var groups []string
	for gp.HasMorePages() {
		out, err := gp.NextPage(ctx)
		if err != nil {
			return apiErr("identitystore:ListGroups", err)
		}
		for _, g := range out.Groups {
			ic.Groups = append(ic.Groups, snapshot.DirectoryGroup{ID: aws.ToString(g.GroupId), DisplayName: aws.ToString(g.DisplayName)})
			groups = append(groups, aws.ToString(g.GroupId))
		}
	}
	for _, g := range groups {
		mp := identitystore.NewListGroupMembershipsPaginator(c.store, &identitystore.ListGroupMembershipsInput{IdentityStoreId: storeID, GroupId: aws.String(g)})
		for mp.HasMorePages() {
			out, err := mp.NextPage(ctx)
			if err != nil {
				return apiErr("identitystore:ListGroupMemberships", err)
			}
			for _, m := range out.GroupMemberships {
				if uid, ok := m.MemberId.(*istypes.MemberIdMemberUserId); ok {
					ic.Memberships = append(ic.Memberships, snapshot.GroupMembership{GroupID: g, UserID: uid.Value})
				}
			}
		}
	}
	return nil
}
