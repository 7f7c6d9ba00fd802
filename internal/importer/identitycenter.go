package importer

import (
	"encoding/json"
	"strings"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// The IAM Identity Center files, as the export script writes them (one set
// per instance, permission set, provisioned account and group).
type (
	ssoInstancesOutput struct {
		Instances []struct {
			InstanceArn, IdentityStoreId, OwnerAccountId, Name, Status string
		} `json:"Instances"`
	}
	ssoPermissionSetsOutput struct {
		PermissionSets []string `json:"PermissionSets"`
	}
	ssoDescribeOutput struct {
		PermissionSet struct {
			Name, Description, SessionDuration string
		} `json:"PermissionSet"`
	}
	ssoManagedOutput struct {
		AttachedManagedPolicies []struct{ Name, Arn string } `json:"AttachedManagedPolicies"`
	}
	ssoCustomerRef    struct{ Name, Path string }
	ssoCustomerOutput struct {
		CustomerManagedPolicyReferences []ssoCustomerRef `json:"CustomerManagedPolicyReferences"`
	}
	ssoInlineOutput struct {
		InlinePolicy string `json:"InlinePolicy"`
	}
	ssoBoundaryOutput struct {
		PermissionsBoundary *struct {
			ManagedPolicyArn               string
			CustomerManagedPolicyReference *ssoCustomerRef
		} `json:"PermissionsBoundary"`
	}
	ssoAccountsOutput struct {
		AccountIds []string `json:"AccountIds"`
	}
	ssoAssignmentsOutput struct {
		AccountAssignments []struct {
			AccountId, PermissionSetArn, PrincipalType, PrincipalId string
		} `json:"AccountAssignments"`
	}
	storeUsersOutput struct {
		Users []struct{ UserId, UserName, DisplayName string } `json:"Users"`
	}
	storeGroupsOutput struct {
		Groups []struct{ GroupId, DisplayName string } `json:"Groups"`
	}
	storeMembershipsOutput struct {
		GroupMemberships []struct {
			MemberId struct{ UserId string }
		} `json:"GroupMemberships"`
	}
)

// applyIdentityCenter reads the Identity Center files as the live collector
// reads the APIs (collect/sso.go). No instance visible is collected as none.
// Every file an instance, permission set or group calls for must be there.
func applyIdentityCenter(acct *snapshot.Account, set *entitySet) error {
	f := set.one("sso-instances.json")
	if f == nil {
		if !set.empty() {
			return &InputError{Msg: "sso-instances.json is missing beside the other sso-*.json and identitystore-*.json files; run the export again"}
		}
		return nil
	}
	var insts ssoInstancesOutput
	if err := f.decode("Instances", "aws sso-admin list-instances", &insts); err != nil {
		return err
	}
	acct.IdentityCenter = nil
	if len(insts.Instances) > 0 {
		ic := &snapshot.IdentityCenter{}
		for _, in := range insts.Instances {
			ic.Instances = append(ic.Instances, snapshot.IdentityCenterInstance{ARN: in.InstanceArn, IdentityStoreID: in.IdentityStoreId,
				OwnerAccountID: in.OwnerAccountId, Name: in.Name, Status: in.Status})
			if err := readPermissionSets(ic, set, lastPart(in.InstanceArn)); err != nil {
				return err
			}
			if err := readDirectory(ic, set, in.IdentityStoreId); err != nil {
				return err
			}
		}
		acct.IdentityCenter = ic
	}
	acct.MarkCollected(snapshot.InputIdentityCenter)
	return nil
}

func lastPart(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }

func readPermissionSets(ic *snapshot.IdentityCenter, set *entitySet, inst string) error {
	lf, err := set.need("sso-permission-sets-*.json", inst, "the permission sets of "+inst)
	if err != nil {
		return err
	}
	var list ssoPermissionSetsOutput
	if err := lf.decode("PermissionSets", "aws sso-admin list-permission-sets", &list); err != nil {
		return err
	}
	for _, arn := range list.PermissionSets {
		ps, err := readPermissionSet(set, arn)
		if err != nil {
			return err
		}
		ic.PermissionSets = append(ic.PermissionSets, ps)
		as, err := readAssignments(set, arn)
		if err != nil {
			return err
		}
		ic.Assignments = append(ic.Assignments, as...)
	}
	return nil
}

// psFile decodes the file of pattern pat for the permission set id.
func psFile(set *entitySet, pat, id, key, call string, v any) error {
	f, err := set.need(pat, id, call+" of "+id)
	if err != nil {
		return err
	}
	return f.decode(key, "aws sso-admin "+call, v)
}

func readPermissionSet(set *entitySet, arn string) (snapshot.PermissionSet, error) {
	id := lastPart(arn)
	ps := snapshot.PermissionSet{ARN: arn}
	var d ssoDescribeOutput
	if err := psFile(set, "sso-permission-set-*.json", id, "PermissionSet", "describe-permission-set", &d); err != nil {
		return ps, err
	}
	ps.Name, ps.Description, ps.SessionDuration = d.PermissionSet.Name, d.PermissionSet.Description, d.PermissionSet.SessionDuration
	var mp ssoManagedOutput
	if err := psFile(set, "sso-managed-policies-*.json", id, "AttachedManagedPolicies", "list-managed-policies-in-permission-set", &mp); err != nil {
		return ps, err
	}
	for _, m := range mp.AttachedManagedPolicies {
		ps.ManagedPolicies = append(ps.ManagedPolicies, snapshot.PolicyRef{Name: m.Name, ARN: m.Arn})
	}
	var cp ssoCustomerOutput
	if err := psFile(set, "sso-customer-managed-policies-*.json", id, "CustomerManagedPolicyReferences",
		"list-customer-managed-policy-references-in-permission-set", &cp); err != nil {
		return ps, err
	}
	for _, r := range cp.CustomerManagedPolicyReferences {
		ps.CustomerManaged = append(ps.CustomerManaged, r.ref())
	}
	var inl ssoInlineOutput
	if err := psFile(set, "sso-inline-policy-*.json", id, "InlinePolicy", "get-inline-policy-for-permission-set", &inl); err != nil {
		return ps, err
	}
	if strings.TrimSpace(inl.InlinePolicy) != "" {
		q, _ := json.Marshal(inl.InlinePolicy)
		doc, err := NormalizePolicyDocument(q)
		if err != nil {
			return ps, &InputError{File: set.entity("sso-inline-policy-*.json", id).path, Msg: "InlinePolicy: " + err.Error(), Err: err}
		}
		ps.InlinePolicy = doc
	}
	bf, err := set.need("sso-permissions-boundary-*.json", id, "get-permissions-boundary-for-permission-set of "+id)
	if err != nil {
		return ps, err
	}
	if code, ok := awsErrorCode(trimmed(bf.data)); ok && code == "ResourceNotFoundException" {
		return ps, nil // no boundary
	}
	var b ssoBoundaryOutput
	if err := bf.decode("PermissionsBoundary", "aws sso-admin get-permissions-boundary-for-permission-set", &b); err != nil {
		return ps, err
	}
	if pb := b.PermissionsBoundary; pb != nil {
		if pb.ManagedPolicyArn != "" {
			ps.PermissionsBoundary = &snapshot.PolicyRef{Name: lastPart(pb.ManagedPolicyArn), ARN: pb.ManagedPolicyArn}
		} else if pb.CustomerManagedPolicyReference != nil {
			r := pb.CustomerManagedPolicyReference.ref()
			ps.PermissionsBoundary = &r
		}
	}
	return ps, nil
}

// ref names a customer managed policy reference by its path and name, as
// the live collector does.
func (r ssoCustomerRef) ref() snapshot.PolicyRef {
	name := r.Name
	if r.Path != "" && r.Path != "/" {
		name = strings.TrimSuffix(r.Path, "/") + "/" + name
	}
	return snapshot.PolicyRef{Name: name}
}

func readAssignments(set *entitySet, arn string) ([]snapshot.AccountAssignment, error) {
	id := lastPart(arn)
	var accts ssoAccountsOutput
	if err := psFile(set, "sso-provisioned-accounts-*.json", id, "AccountIds", "list-accounts-for-provisioned-permission-set", &accts); err != nil {
		return nil, err
	}
	var out []snapshot.AccountAssignment
	for _, acct := range accts.AccountIds {
		var as ssoAssignmentsOutput
		if err := psFile(set, "sso-account-assignments-*.json", id+"-"+acct, "AccountAssignments", "list-account-assignments", &as); err != nil {
			return nil, err
		}
		for _, a := range as.AccountAssignments {
			out = append(out, snapshot.AccountAssignment{AccountID: a.AccountId, PermissionSetARN: a.PermissionSetArn,
				PrincipalType: a.PrincipalType, PrincipalID: a.PrincipalId})
		}
	}
	return out, nil
}

// readDirectory reads the identity store's users, groups and memberships.
func readDirectory(ic *snapshot.IdentityCenter, set *entitySet, store string) error {
	uf, err := set.need("identitystore-users-*.json", store, "the users of "+store)
	if err != nil {
		return err
	}
	var users storeUsersOutput
	if err := uf.decode("Users", "aws identitystore list-users", &users); err != nil {
		return err
	}
	for _, u := range users.Users {
		ic.Users = append(ic.Users, snapshot.DirectoryUser{ID: u.UserId, UserName: u.UserName, DisplayName: u.DisplayName})
	}
	gf, err := set.need("identitystore-groups-*.json", store, "the groups of "+store)
	if err != nil {
		return err
	}
	var groups storeGroupsOutput
	if err := gf.decode("Groups", "aws identitystore list-groups", &groups); err != nil {
		return err
	}
	for _, g := range groups.Groups {
		ic.Groups = append(ic.Groups, snapshot.DirectoryGroup{ID: g.GroupId, DisplayName: g.DisplayName})
	}
	for _, g := range groups.Groups {
		mf, err := set.need("identitystore-group-memberships-*.json", g.GroupId, "the members of "+g.GroupId)
		if err != nil {
			return err
		}
		var ms storeMembershipsOutput
		if err := mf.decode("GroupMemberships", "aws identitystore list-group-memberships", &ms); err != nil {
			return err
		}
		for _, m := range ms.GroupMemberships {
			if m.MemberId.UserId != "" {
				ic.Memberships = append(ic.Memberships, snapshot.GroupMembership{GroupID: g.GroupId, UserID: m.MemberId.UserId})
			}
		}
	}
	return nil
}
