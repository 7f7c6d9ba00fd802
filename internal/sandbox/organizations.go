package sandbox

import (
	"slices"
	"strings"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// AWS Organizations (JSON 1.1, X-Amz-Target AWSOrganizationsV20161128.*).
// DescribeOrganization answers any account of the organisation; the other
// actions answer the management account and accounts that collected the
// organisation (delegated administrators).

var orgHandlers = map[string]handler{
	"DescribeOrganization":             describeOrganization,
	"DescribeAccount":                  describeAccount,
	"ListAccounts":                     listAccounts,
	"ListAccountsForParent":            listAccountsForParent,
	"ListRoots":                        listRoots,
	"ListOrganizationalUnitsForParent": listOUsForParent,
	"ListChildren":                     listChildren,
	"ListParents":                      listParents,
	"ListPolicies":                     listOrgPolicies,
	"ListPoliciesForTarget":            listPoliciesForTarget,
	"DescribePolicy":                   describeOrgPolicy,
	"ListTargetsForPolicy":             listTargetsForPolicy,
}

const orgPageSize = 20 // Organizations' maximum MaxResults

type orgPaging struct {
	NextToken  string `json:"NextToken"`
	MaxResults int    `json:"MaxResults"`
}

// orgPage pages with NextToken/MaxResults.
func orgPage[T any](c *call, items []T, p orgPaging) ([]T, *string, *apiError) {
	page, next, e := paginate(c, items, p.NextToken, p.MaxResults, orgPageSize, orgPageSize)
	if next == "" {
		return page, nil, e
	}
	return page, &next, e
}

// org checks that the caller may see the organisation (authorizeOrg has
// already turned away accounts whose organisation was not collected).
func (s *Server) org(c *call, managementOnly bool) (*snapshot.Organization, *apiError) {
	o := s.snap.Organization
	st := s.snap.OrgStatus(c.acct.ID)
	if o == nil || (st != snapshot.OrgListed && st != snapshot.OrgDescribed) {
		return nil, &apiError{Status: 400, Code: "AWSOrganizationsNotInUseException",
			Message: "Your account is not a member of an organization."}
	}
	if managementOnly && st != snapshot.OrgListed {
		return nil, &apiError{Status: 403, Code: "AccessDeniedException", Message: "You don't have permissions to access this resource."}
	}
	return o, nil
}

func orgARN(o *snapshot.Organization, kind, id string) string {
	base := "arn:aws:organizations::" + o.ManagementAccount + ":"
	if kind == "organization" {
		if o.ARN != "" {
			return o.ARN
		}
		return base + "organization/" + o.ID
	}
	return base + kind + "/" + o.ID + "/" + id
}

func roots(o *snapshot.Organization) []snapshot.OrgUnit {
	var out []snapshot.OrgUnit
	for _, u := range o.Units {
		if u.ParentID == "" || strings.HasPrefix(u.ID, "r-") {
			out = append(out, u)
		}
	}
	if len(out) == 0 {
		out = []snapshot.OrgUnit{{ID: "r-sbx0", Name: "Root"}}
	}
	return out
}

// parentOf returns an account's parent: its ParentID, else the first root.
func parentOf(o *snapshot.Organization, a snapshot.OrgAccount) string {
	if a.ParentID != "" {
		return a.ParentID
	}
	return roots(o)[0].ID
}

func isRoot(o *snapshot.Organization, id string) bool {
	return slices.ContainsFunc(roots(o), func(u snapshot.OrgUnit) bool { return u.ID == id })
}

func findUnit(o *snapshot.Organization, id string) (snapshot.OrgUnit, bool) {
	for _, u := range append(roots(o), o.Units...) {
		if u.ID == id {
			return u, true
		}
	}
	return snapshot.OrgUnit{}, false
}

type jsonAccount struct {
	Id           string `json:"Id"`
	Arn          string `json:"Arn"`
	Email        string `json:"Email,omitempty"`
	Name         string `json:"Name,omitempty"`
	Status       string `json:"Status"`
	State        string `json:"State"`
	JoinedMethod string `json:"JoinedMethod"`
}

func jsonAccountOf(o *snapshot.Organization, a snapshot.OrgAccount) jsonAccount {
	st := a.Status
	if st == "" {
		st = "ACTIVE"
	}
	method := "CREATED"
	if a.ID == o.ManagementAccount {
		method = "INVITED"
	}
	return jsonAccount{Id: a.ID, Arn: orgARN(o, "account", a.ID), Email: a.Email, Name: a.Name, Status: st, State: st, JoinedMethod: method}
}

func describeOrganization(s *Server, c *call) (any, *apiError) {
	o, e := s.org(c, false)
	if e != nil {
		return nil, e
	}
	fs := o.FeatureSet
	if fs == "" {
		fs = "ALL"
	}
	email := ""
	for _, a := range o.Accounts {
		if a.ID == o.ManagementAccount {
			email = a.Email
		}
	}
	type policyType struct{ Type, Status string }
	types := []policyType{}
	for _, t := range o.EnabledPolicyTypes {
		types = append(types, policyType{t, "ENABLED"})
	}
	return map[string]any{"Organization": map[string]any{
		"Id": o.ID, "Arn": orgARN(o, "organization", ""), "FeatureSet": fs,
		"MasterAccountArn": orgARN(o, "account", o.ManagementAccount), "MasterAccountId": o.ManagementAccount,
		"MasterAccountEmail": email, "AvailablePolicyTypes": types,
	}}, nil
}

func describeAccount(s *Server, c *call) (any, *apiError) {
	var in struct{ AccountId string }
	if e := c.decodeJSON(&in); e != nil {
		return nil, e
	}
	o, e := s.org(c, true)
	if e != nil {
		return nil, e
	}
	for _, a := range o.Accounts {
		if a.ID == in.AccountId {
			return map[string]any{"Account": jsonAccountOf(o, a)}, nil
		}
	}
	return nil, &apiError{Status: 400, Code: "AccountNotFoundException", Message: "You specified an account that doesn't exist."}
}

func listAccounts(s *Server, c *call) (any, *apiError) {
	var in orgPaging
	if e := c.decodeJSON(&in); e != nil {
		return nil, e
	}
	o, e := s.org(c, true)
	if e != nil {
		return nil, e
	}
	page, next, e := orgPage(c, o.Accounts, in)
	if e != nil {
		return nil, e
	}
	out := []jsonAccount{}
	for _, a := range page {
		out = append(out, jsonAccountOf(o, a))
	}
	return map[string]any{"Accounts": out, "NextToken": next}, nil
}

// parentRequest is the input of the *ForParent and ListChildren actions.
type parentRequest struct {
	orgPaging
	ParentId  string
	ChildType string
}

func (s *Server) parent(c *call) (*snapshot.Organization, parentRequest, *apiError) {
	var in parentRequest
	if e := c.decodeJSON(&in); e != nil {
		return nil, in, e
	}
	o, e := s.org(c, true)
	if e != nil {
		return nil, in, e
	}
	if _, ok := findUnit(o, in.ParentId); !ok {
		return nil, in, &apiError{Status: 400, Code: "ParentNotFoundException", Message: "We can't find a root or OU with the ParentId that you specified."}
	}
	return o, in, nil
}

func listAccountsForParent(s *Server, c *call) (any, *apiError) {
	o, in, e := s.parent(c)
	if e != nil {
		return nil, e
	}
	var accts []snapshot.OrgAccount
	for _, a := range o.Accounts {
		if parentOf(o, a) == in.ParentId {
			accts = append(accts, a)
		}
	}
	page, next, e := orgPage(c, accts, in.orgPaging)
	if e != nil {
		return nil, e
	}
	out := []jsonAccount{}
	for _, a := range page {
		out = append(out, jsonAccountOf(o, a))
	}
	return map[string]any{"Accounts": out, "NextToken": next}, nil
}

func listRoots(s *Server, c *call) (any, *apiError) {
	var in orgPaging
	if e := c.decodeJSON(&in); e != nil {
		return nil, e
	}
	o, e := s.org(c, true)
	if e != nil {
		return nil, e
	}
	page, next, e := orgPage(c, roots(o), in)
	if e != nil {
		return nil, e
	}
	type policyType struct{ Type, Status string }
	types := []policyType{}
	for _, t := range o.EnabledPolicyTypes {
		types = append(types, policyType{t, "ENABLED"})
	}
	out := []map[string]any{}
	for _, r := range page {
		name := r.Name
		if name == "" {
			name = "Root"
		}
		out = append(out, map[string]any{"Id": r.ID, "Arn": orgARN(o, "root", r.ID), "Name": name, "PolicyTypes": types})
	}
	return map[string]any{"Roots": out, "NextToken": next}, nil
}

func listOUsForParent(s *Server, c *call) (any, *apiError) {
	o, in, e := s.parent(c)
	if e != nil {
		return nil, e
	}
	var units []snapshot.OrgUnit
	for _, u := range o.Units {
		if u.ParentID == in.ParentId && !isRoot(o, u.ID) {
			units = append(units, u)
		}
	}
	page, next, e := orgPage(c, units, in.orgPaging)
	if e != nil {
		return nil, e
	}
	out := []map[string]string{}
	for _, u := range page {
		out = append(out, map[string]string{"Id": u.ID, "Arn": orgARN(o, "ou", u.ID), "Name": u.Name})
	}
	return map[string]any{"OrganizationalUnits": out, "NextToken": next}, nil
}

func listChildren(s *Server, c *call) (any, *apiError) {
	o, in, e := s.parent(c)
	if e != nil {
		return nil, e
	}
	var ids []string
	switch in.ChildType {
	case "ACCOUNT":
		for _, a := range o.Accounts {
			if parentOf(o, a) == in.ParentId {
				ids = append(ids, a.ID)
			}
		}
	case "ORGANIZATIONAL_UNIT":
		for _, u := range o.Units {
			if u.ParentID == in.ParentId && !isRoot(o, u.ID) {
				ids = append(ids, u.ID)
			}
		}
	default:
		return nil, c.validation("ChildType must be ACCOUNT or ORGANIZATIONAL_UNIT")
	}
	page, next, e := orgPage(c, ids, in.orgPaging)
	if e != nil {
		return nil, e
	}
	out := []map[string]string{}
	for _, id := range page {
		out = append(out, map[string]string{"Id": id, "Type": in.ChildType})
	}
	return map[string]any{"Children": out, "NextToken": next}, nil
}

func listParents(s *Server, c *call) (any, *apiError) {
	var in struct {
		orgPaging
		ChildId string
	}
	if e := c.decodeJSON(&in); e != nil {
		return nil, e
	}
	o, e := s.org(c, true)
	if e != nil {
		return nil, e
	}
	parent := ""
	for _, a := range o.Accounts {
		if a.ID == in.ChildId {
			parent = parentOf(o, a)
		}
	}
	if u, ok := findUnit(o, in.ChildId); ok && !isRoot(o, u.ID) {
		parent = u.ParentID
		if parent == "" {
			parent = roots(o)[0].ID
		}
	}
	if parent == "" {
		return nil, &apiError{Status: 400, Code: "ChildNotFoundException", Message: "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified."}
	}
	typ := "ORGANIZATIONAL_UNIT"
	if isRoot(o, parent) {
		typ = "ROOT"
	}
	return map[string]any{"Parents": []map[string]string{{"Id": parent, "Type": typ}}}, nil
}

func policySummary(o *snapshot.Organization, p snapshot.OrgPolicy) map[string]any {
	arn := p.ARN
	if arn == "" {
		kind := strings.ToLower(p.Type)
		if p.AWSManaged {
			arn = "arn:aws:organizations::aws:policy/" + kind + "/" + p.ID
		} else {
			arn = orgARN(o, "policy", kind+"/"+p.ID)
		}
	}
	return map[string]any{"Id": p.ID, "Arn": arn, "Name": p.Name, "Description": "", "Type": p.Type, "AwsManaged": p.AWSManaged}
}

func listOrgPolicies(s *Server, c *call) (any, *apiError) {
	var in struct {
		orgPaging
		Filter string
	}
	if e := c.decodeJSON(&in); e != nil {
		return nil, e
	}
	o, e := s.org(c, true)
	if e != nil {
		return nil, e
	}
	var ps []snapshot.OrgPolicy
	for _, p := range o.Policies {
		if p.Type == in.Filter {
			ps = append(ps, p)
		}
	}
	return policyPage(c, o, ps, in.orgPaging)
}

func policyPage(c *call, o *snapshot.Organization, ps []snapshot.OrgPolicy, paging orgPaging) (any, *apiError) {
	page, next, e := orgPage(c, ps, paging)
	if e != nil {
		return nil, e
	}
	out := []map[string]any{}
	for _, p := range page {
		out = append(out, policySummary(o, p))
	}
	return map[string]any{"Policies": out, "NextToken": next}, nil
}

func listPoliciesForTarget(s *Server, c *call) (any, *apiError) {
	var in struct {
		orgPaging
		TargetId string
		Filter   string
	}
	if e := c.decodeJSON(&in); e != nil {
		return nil, e
	}
	o, e := s.org(c, true)
	if e != nil {
		return nil, e
	}
	if targetType(o, in.TargetId) == "" {
		return nil, &apiError{Status: 400, Code: "TargetNotFoundException", Message: "We can't find a root, OU, account, or policy with the TargetId that you specified."}
	}
	var ps []snapshot.OrgPolicy
	for _, p := range o.Policies {
		if p.Type == in.Filter && slices.Contains(p.Targets, in.TargetId) {
			ps = append(ps, p)
		}
	}
	return policyPage(c, o, ps, in.orgPaging)
}

func (s *Server) orgPolicy(c *call, in any, id *string) (*snapshot.Organization, *snapshot.OrgPolicy, *apiError) {
	if e := c.decodeJSON(in); e != nil {
		return nil, nil, e
	}
	o, e := s.org(c, true)
	if e != nil {
		return nil, nil, e
	}
	for i := range o.Policies {
		if o.Policies[i].ID == *id {
			return o, &o.Policies[i], nil
		}
	}
	return nil, nil, &apiError{Status: 400, Code: "PolicyNotFoundException", Message: "We can't find a policy with the PolicyId that you specified."}
}

func describeOrgPolicy(s *Server, c *call) (any, *apiError) {
	var in struct{ PolicyId string }
	o, p, e := s.orgPolicy(c, &in, &in.PolicyId)
	if e != nil {
		return nil, e
	}
	return map[string]any{"Policy": map[string]any{"PolicySummary": policySummary(o, *p), "Content": string(p.Document)}}, nil
}

// targetType names a policy target's type, or "" if it is unknown.
func targetType(o *snapshot.Organization, id string) string {
	if isRoot(o, id) {
		return "ROOT"
	}
	if _, ok := findUnit(o, id); ok {
		return "ORGANIZATIONAL_UNIT"
	}
	if slices.ContainsFunc(o.Accounts, func(a snapshot.OrgAccount) bool { return a.ID == id }) {
		return "ACCOUNT"
	}
	return ""
}

func listTargetsForPolicy(s *Server, c *call) (any, *apiError) {
	var in struct {
		orgPaging
		PolicyId string
	}
	o, p, e := s.orgPolicy(c, &in, &in.PolicyId)
	if e != nil {
		return nil, e
	}
	page, next, e := orgPage(c, p.Targets, in.orgPaging)
	if e != nil {
		return nil, e
	}
	out := []map[string]string{}
	for _, id := range page {
		typ := targetType(o, id)
		name, kind := "", "account"
		switch typ {
		case "ROOT", "ORGANIZATIONAL_UNIT":
			u, _ := findUnit(o, id)
			name, kind = u.Name, "ou"
			if typ == "ROOT" {
				kind = "root"
				if name == "" {
					name = "Root"
				}
			}
		default:
			typ = "ACCOUNT"
			for _, a := range o.Accounts {
				if a.ID == id {
					name = a.Name
				}
			}
		}
		out = append(out, map[string]string{"TargetId": id, "Arn": orgARN(o, kind, id), "Name": name, "Type": typ})
	}
	return map[string]any{"Targets": out, "NextToken": next}, nil
}
