package sandbox

import (
	"slices"
	"strings"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// IAM Identity Center administration (JSON 1.1, X-Amz-Target
// SWBExternalService.*, signing name "sso"), served from the caller
// account's IdentityCenter.

var ssoHandlers = map[string]handler{
	"ListInstances":                                      listInstances,
	"ListPermissionSets":                                 listPermissionSets,
	"DescribePermissionSet":                              describePermissionSet,
	"ListManagedPoliciesInPermissionSet":                 listManagedPoliciesInPermissionSet,
	"ListCustomerManagedPolicyReferencesInPermissionSet": listCustomerManagedPolicyReferences,
	"GetInlinePolicyForPermissionSet":                    getInlinePolicyForPermissionSet,
	"GetPermissionsBoundaryForPermissionSet":             getPermissionsBoundaryForPermissionSet,
	"ListAccountsForProvisionedPermissionSet":            listAccountsForProvisionedPermissionSet,
	"ListPermissionSetsProvisionedToAccount":             listPermissionSetsProvisionedToAccount,
	"ListAccountAssignments":                             listAccountAssignments,
}

const ssoPageSize = 100

type jsonPaging struct {
	NextToken  string `json:"NextToken"`
	MaxResults int    `json:"MaxResults"`
}

// jsonPage pages with NextToken/MaxResults (default and maximum 100).
func jsonPage[T any](c *call, items []T, p jsonPaging) ([]T, *string, *apiError) {
	page, next, e := paginate(c, items, p.NextToken, p.MaxResults, ssoPageSize, ssoPageSize)
	if next == "" {
		return page, nil, e
	}
	return page, &next, e
}

func identityCenter(a *snapshot.Account) *snapshot.IdentityCenter {
	if a.IdentityCenter == nil {
		return &snapshot.IdentityCenter{}
	}
	return a.IdentityCenter
}

func ssoNotFound(msg string) *apiError {
	return &apiError{Status: 400, Code: "ResourceNotFoundException", Message: msg}
}

// ssoRequest is the common input of the permission set actions.
type ssoRequest struct {
	jsonPaging
	InstanceArn      string
	PermissionSetArn string
	AccountId        string
}

// instanceID is the last part of an instance ARN (ssoins-...).
func instanceID(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }

// ssoInstance decodes the request and finds its instance.
func ssoInstance(c *call, in *ssoRequest) (*snapshot.IdentityCenter, *apiError) {
	if e := c.decodeJSON(in); e != nil {
		return nil, e
	}
	ic := identityCenter(c.acct)
	for _, inst := range ic.Instances {
		if inst.ARN == in.InstanceArn {
			return ic, nil
		}
	}
	return nil, c.validation("The instance ARN " + in.InstanceArn + " is not valid")
}

// permissionSets returns the instance's permission sets: those whose ARN
// names the instance, or all of them when there is one instance.
func permissionSets(ic *snapshot.IdentityCenter, instanceARN string) []snapshot.PermissionSet {
	var out []snapshot.PermissionSet
	for _, ps := range ic.PermissionSets {
		if len(ic.Instances) == 1 || strings.Contains(ps.ARN, "/"+instanceID(instanceARN)+"/") {
			out = append(out, ps)
		}
	}
	return out
}

// permissionSet decodes the request and finds its permission set.
func permissionSet(c *call, in *ssoRequest) (*snapshot.PermissionSet, *apiError) {
	ic, e := ssoInstance(c, in)
	if e != nil {
		return nil, e
	}
	for _, ps := range permissionSets(ic, in.InstanceArn) {
		if ps.ARN == in.PermissionSetArn {
			return &ps, nil
		}
	}
	return nil, ssoNotFound("Could not find PermissionSet with PermissionSetArn " + in.PermissionSetArn)
}

func listInstances(s *Server, c *call) (any, *apiError) {
	var in jsonPaging
	if e := c.decodeJSON(&in); e != nil {
		return nil, e
	}
	page, next, e := jsonPage(c, identityCenter(c.acct).Instances, in)
	if e != nil {
		return nil, e
	}
	out := []map[string]any{}
	for _, inst := range page {
		owner := inst.OwnerAccountID
		if owner == "" {
			owner = c.acct.ID
		}
		st := inst.Status
		if st == "" {
			st = "ACTIVE"
		}
		m := map[string]any{"InstanceArn": inst.ARN, "IdentityStoreId": inst.IdentityStoreID, "OwnerAccountId": owner, "Status": st}
		if inst.Name != "" {
			m["Name"] = inst.Name
		}
		out = append(out, m)
	}
	return map[string]any{"Instances": out, "NextToken": next}, nil
}

func listPermissionSets(s *Server, c *call) (any, *apiError) {
	var in ssoRequest
	ic, e := ssoInstance(c, &in)
	if e != nil {
		return nil, e
	}
	var arns []string
	for _, ps := range permissionSets(ic, in.InstanceArn) {
		arns = append(arns, ps.ARN)
	}
	page, next, e := jsonPage(c, arns, in.jsonPaging)
	if e != nil {
		return nil, e
	}
	return map[string]any{"PermissionSets": nonNil(page), "NextToken": next}, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func describePermissionSet(s *Server, c *call) (any, *apiError) {
	var in ssoRequest
	ps, e := permissionSet(c, &in)
	if e != nil {
		return nil, e
	}
	m := map[string]any{"Name": ps.Name, "PermissionSetArn": ps.ARN}
	if ps.Description != "" {
		m["Description"] = ps.Description
	}
	if ps.SessionDuration != "" {
		m["SessionDuration"] = ps.SessionDuration
	}
	return map[string]any{"PermissionSet": m}, nil
}

func listManagedPoliciesInPermissionSet(s *Server, c *call) (any, *apiError) {
	var in ssoRequest
	ps, e := permissionSet(c, &in)
	if e != nil {
		return nil, e
	}
	page, next, e := jsonPage(c, ps.ManagedPolicies, in.jsonPaging)
	if e != nil {
		return nil, e
	}
	out := []map[string]string{}
	for _, p := range page {
		out = append(out, map[string]string{"Name": p.Name, "Arn": p.ARN})
	}
	return map[string]any{"AttachedManagedPolicies": out, "NextToken": next}, nil
}

// customerManagedRef is a customer managed policy reference: a name and path.
func customerManagedRef(p snapshot.PolicyRef) map[string]string {
	name, path := p.Name, "/"
	if p.ARN != "" {
		n, pth := nameAndPath(p.ARN, ":policy/")
		path = pth
		if name == "" {
			name = n
		}
	}
	return map[string]string{"Name": name, "Path": path}
}

func listCustomerManagedPolicyReferences(s *Server, c *call) (any, *apiError) {
	var in ssoRequest
	ps, e := permissionSet(c, &in)
	if e != nil {
		return nil, e
	}
	page, next, e := jsonPage(c, ps.CustomerManaged, in.jsonPaging)
	if e != nil {
		return nil, e
	}
	out := []map[string]string{}
	for _, p := range page {
		out = append(out, customerManagedRef(p))
	}
	return map[string]any{"CustomerManagedPolicyReferences": out, "NextToken": next}, nil
}

func getInlinePolicyForPermissionSet(s *Server, c *call) (any, *apiError) {
	var in ssoRequest
	ps, e := permissionSet(c, &in)
	if e != nil {
		return nil, e
	}
	return map[string]string{"InlinePolicy": string(ps.InlinePolicy)}, nil
}

func getPermissionsBoundaryForPermissionSet(s *Server, c *call) (any, *apiError) {
	var in ssoRequest
	ps, e := permissionSet(c, &in)
	if e != nil {
		return nil, e
	}
	b := ps.PermissionsBoundary
	if b == nil {
		return nil, ssoNotFound("Could not find a permissions boundary for PermissionSet " + ps.ARN)
	}
	if snapshot.IsAWSManagedPolicyARN(b.ARN) {
		return map[string]any{"PermissionsBoundary": map[string]any{"ManagedPolicyArn": b.ARN}}, nil
	}
	return map[string]any{"PermissionsBoundary": map[string]any{"CustomerManagedPolicyReference": customerManagedRef(*b)}}, nil
}

// listAccountsForProvisionedPermissionSet treats every account with an
// assignment of the permission set as provisioned.
func listAccountsForProvisionedPermissionSet(s *Server, c *call) (any, *apiError) {
	var in ssoRequest
	ps, e := permissionSet(c, &in)
	if e != nil {
		return nil, e
	}
	var ids []string
	for _, a := range identityCenter(c.acct).Assignments {
		if a.PermissionSetARN == ps.ARN && !slices.Contains(ids, a.AccountID) {
			ids = append(ids, a.AccountID)
		}
	}
	page, next, e := jsonPage(c, ids, in.jsonPaging)
	if e != nil {
		return nil, e
	}
	return map[string]any{"AccountIds": nonNil(page), "NextToken": next}, nil
}

func listPermissionSetsProvisionedToAccount(s *Server, c *call) (any, *apiError) {
	var in ssoRequest
	ic, e := ssoInstance(c, &in)
	if e != nil {
		return nil, e
	}
	var arns []string
	for _, a := range ic.Assignments {
		if a.AccountID == in.AccountId && !slices.Contains(arns, a.PermissionSetARN) {
			arns = append(arns, a.PermissionSetARN)
		}
	}
	page, next, e := jsonPage(c, arns, in.jsonPaging)
	if e != nil {
		return nil, e
	}
	return map[string]any{"PermissionSets": nonNil(page), "NextToken": next}, nil
}

func listAccountAssignments(s *Server, c *call) (any, *apiError) {
	var in ssoRequest
	ps, e := permissionSet(c, &in)
	if e != nil {
		return nil, e
	}
	var as []snapshot.AccountAssignment
	for _, a := range identityCenter(c.acct).Assignments {
		if a.PermissionSetARN == ps.ARN && a.AccountID == in.AccountId {
			as = append(as, a)
		}
	}
	page, next, e := jsonPage(c, as, in.jsonPaging)
	if e != nil {
		return nil, e
	}
	out := []map[string]string{}
	for _, a := range page {
		out = append(out, map[string]string{"AccountId": a.AccountID, "PermissionSetArn": a.PermissionSetARN,
			"PrincipalType": a.PrincipalType, "PrincipalId": a.PrincipalID})
	}
	return map[string]any{"AccountAssignments": out, "NextToken": next}, nil
}
