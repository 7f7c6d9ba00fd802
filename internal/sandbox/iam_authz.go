package sandbox

import (
	"strings"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// iam:GetAccountAuthorizationDetails: users, groups, roles and managed
// policies in one list paged across entity kinds, as AWS pages it.

type gaadResult struct {
	UserDetailList  []xmlUserDetail   `xml:"UserDetailList>member"`
	GroupDetailList []xmlGroupDetail  `xml:"GroupDetailList>member"`
	RoleDetailList  []xmlRoleDetail   `xml:"RoleDetailList>member"`
	Policies        []xmlPolicyDetail `xml:"Policies>member"`
	iamPaging
}

type xmlInline struct {
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

type xmlAttached struct {
	PolicyName string `xml:"PolicyName"`
	PolicyArn  string `xml:"PolicyArn"`
}

type xmlBoundary struct {
	PermissionsBoundaryType string `xml:"PermissionsBoundaryType"`
	PermissionsBoundaryArn  string `xml:"PermissionsBoundaryArn"`
}

type xmlUserDetail struct {
	Path                    string        `xml:"Path"`
	UserName                string        `xml:"UserName"`
	UserId                  string        `xml:"UserId"`
	Arn                     string        `xml:"Arn"`
	CreateDate              string        `xml:"CreateDate"`
	UserPolicyList          []xmlInline   `xml:"UserPolicyList>member"`
	GroupList               []string      `xml:"GroupList>member"`
	AttachedManagedPolicies []xmlAttached `xml:"AttachedManagedPolicies>member"`
	PermissionsBoundary     *xmlBoundary  `xml:"PermissionsBoundary,omitempty"`
	Tags                    []xmlTag      `xml:"Tags>member"`
}

type xmlGroupDetail struct {
	Path                    string        `xml:"Path"`
	GroupName               string        `xml:"GroupName"`
	GroupId                 string        `xml:"GroupId"`
	Arn                     string        `xml:"Arn"`
	CreateDate              string        `xml:"CreateDate"`
	GroupPolicyList         []xmlInline   `xml:"GroupPolicyList>member"`
	AttachedManagedPolicies []xmlAttached `xml:"AttachedManagedPolicies>member"`
}

type xmlInstanceProfile struct {
	Path                string    `xml:"Path"`
	InstanceProfileName string    `xml:"InstanceProfileName"`
	InstanceProfileId   string    `xml:"InstanceProfileId"`
	Arn                 string    `xml:"Arn"`
	CreateDate          string    `xml:"CreateDate"`
	Roles               []xmlRole `xml:"Roles>member"`
}

type xmlRoleLastUsed struct {
	LastUsedDate string `xml:"LastUsedDate,omitempty"`
	Region       string `xml:"Region,omitempty"`
}

type xmlRoleDetail struct {
	Path                     string               `xml:"Path"`
	RoleName                 string               `xml:"RoleName"`
	RoleId                   string               `xml:"RoleId"`
	Arn                      string               `xml:"Arn"`
	CreateDate               string               `xml:"CreateDate"`
	AssumeRolePolicyDocument string               `xml:"AssumeRolePolicyDocument,omitempty"`
	InstanceProfileList      []xmlInstanceProfile `xml:"InstanceProfileList>member"`
	RolePolicyList           []xmlInline          `xml:"RolePolicyList>member"`
	AttachedManagedPolicies  []xmlAttached        `xml:"AttachedManagedPolicies>member"`
	PermissionsBoundary      *xmlBoundary         `xml:"PermissionsBoundary,omitempty"`
	Tags                     []xmlTag             `xml:"Tags>member"`
	RoleLastUsed             xmlRoleLastUsed      `xml:"RoleLastUsed"`
}

type xmlPolicyVersion struct {
	Document         string `xml:"Document,omitempty"`
	VersionId        string `xml:"VersionId"`
	IsDefaultVersion bool   `xml:"IsDefaultVersion"`
	CreateDate       string `xml:"CreateDate,omitempty"`
}

type xmlPolicyDetail struct {
	PolicyName                    string             `xml:"PolicyName"`
	PolicyId                      string             `xml:"PolicyId"`
	Arn                           string             `xml:"Arn"`
	Path                          string             `xml:"Path"`
	DefaultVersionId              string             `xml:"DefaultVersionId"`
	AttachmentCount               int                `xml:"AttachmentCount"`
	PermissionsBoundaryUsageCount int                `xml:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool               `xml:"IsAttachable"`
	Description                   string             `xml:"Description,omitempty"`
	CreateDate                    string             `xml:"CreateDate,omitempty"`
	UpdateDate                    string             `xml:"UpdateDate,omitempty"`
	PolicyVersionList             []xmlPolicyVersion `xml:"PolicyVersionList>member"`
}

// gaadEntity is one entry of the combined, paged list.
type gaadEntity struct {
	user   *snapshot.User
	group  *snapshot.Group
	role   *snapshot.Role
	policy *snapshot.ManagedPolicy
}

var gaadFilters = map[string]bool{"User": true, "Group": true, "Role": true, "LocalManagedPolicy": true, "AWSManagedPolicy": true}

func getAccountAuthorizationDetails(s *Server, c *call) (any, *apiError) {
	want := map[string]bool{}
	for _, f := range c.list("Filter") {
		if !gaadFilters[f] {
			return nil, c.validation("1 validation error detected: Value '" + f + "' at 'filter' failed to satisfy constraint: Member must satisfy enum value set: [LocalManagedPolicy, User, Role, Group, AWSManagedPolicy]")
		}
		want[f] = true
	}
	all := len(want) == 0
	a := c.acct
	var items []gaadEntity
	if all || want["User"] {
		for _, u := range a.Users {
			items = append(items, gaadEntity{user: u})
		}
	}
	if all || want["Group"] {
		for _, g := range a.Groups {
			items = append(items, gaadEntity{group: g})
		}
	}
	if all || want["Role"] {
		for _, r := range a.Roles {
			items = append(items, gaadEntity{role: r})
		}
	}
	for _, p := range a.Policies {
		if all || (p.AWSManaged() && want["AWSManagedPolicy"]) || (!p.AWSManaged() && want["LocalManagedPolicy"]) {
			items = append(items, gaadEntity{policy: p})
		}
	}
	page, paging, e := iamPage(c, items)
	if e != nil {
		return nil, e
	}
	out := gaadResult{iamPaging: paging}
	for _, it := range page {
		switch {
		case it.user != nil:
			out.UserDetailList = append(out.UserDetailList, xmlUserDetailOf(it.user))
		case it.group != nil:
			out.GroupDetailList = append(out.GroupDetailList, xmlGroup(it.group))
		case it.role != nil:
			out.RoleDetailList = append(out.RoleDetailList, xmlRoleDetailOf(it.role))
		default:
			out.Policies = append(out.Policies, xmlPolicy(it.policy))
		}
	}
	return out, nil
}

func inlines(ps []snapshot.InlinePolicy) []xmlInline {
	var out []xmlInline
	for _, p := range ps {
		out = append(out, xmlInline{PolicyName: p.Name, PolicyDocument: urlEncodeDoc(p.Document)})
	}
	return out
}

func attached(ps []snapshot.PolicyRef) []xmlAttached {
	var out []xmlAttached
	for _, p := range ps {
		out = append(out, xmlAttached{PolicyName: p.Name, PolicyArn: p.ARN})
	}
	return out
}

func boundary(p *snapshot.PolicyRef) *xmlBoundary {
	if p == nil {
		return nil
	}
	return &xmlBoundary{PermissionsBoundaryType: "Policy", PermissionsBoundaryArn: p.ARN}
}

// xmlTagList is a Tags element that is left out when empty, as ListUsers
// and ListRoles leave it out: encoding/xml writes an empty <Tags></Tags>
// for a "Tags>member,omitempty" slice, which clients read as "no tags".
type xmlTagList struct {
	Member []xmlTag `xml:"member"`
}

// optionalTags is tags as an element left out when there are none.
func optionalTags(ts []snapshot.Tag) *xmlTagList {
	if len(ts) == 0 {
		return nil
	}
	return &xmlTagList{Member: tags(ts)}
}

func tags(ts []snapshot.Tag) []xmlTag {
	var out []xmlTag
	for _, t := range ts {
		out = append(out, xmlTag{Key: t.Key, Value: t.Value})
	}
	return out
}

func orSlash(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// entityID returns the snapshot's ID, or a stable stand-in derived from the
// name (IAM IDs are 21 characters: a 4-letter prefix and 17 more).
func entityID(id, prefix, name string) string {
	if id != "" {
		return id
	}
	h := uint64(14695981039346656037)
	for i := 0; i < len(name); i++ {
		h = (h ^ uint64(name[i])) * 1099511628211
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b := []byte(prefix)
	for len(b) < 21 {
		b = append(b, alphabet[h%32])
		h = h/32 ^ h<<59
	}
	return string(b)
}

func xmlUserDetailOf(u *snapshot.User) xmlUserDetail {
	return xmlUserDetail{
		Path: orSlash(u.Path), UserName: u.Name, UserId: entityID(u.ID, "AIDA", u.ARN), Arn: u.ARN,
		CreateDate: ts(u.CreatedAt), UserPolicyList: inlines(u.InlinePolicies), GroupList: u.Groups,
		AttachedManagedPolicies: attached(u.AttachedPolicies), PermissionsBoundary: boundary(u.PermissionsBoundary),
		Tags: tags(u.Tags),
	}
}

func xmlGroup(g *snapshot.Group) xmlGroupDetail {
	return xmlGroupDetail{
		Path: orSlash(g.Path), GroupName: g.Name, GroupId: entityID(g.ID, "AGPA", g.ARN), Arn: g.ARN,
		CreateDate: ts(g.CreatedAt), GroupPolicyList: inlines(g.InlinePolicies),
		AttachedManagedPolicies: attached(g.AttachedPolicies),
	}
}

func xmlRoleDetailOf(r *snapshot.Role) xmlRoleDetail {
	d := xmlRoleDetail{
		Path: orSlash(r.Path), RoleName: r.Name, RoleId: entityID(r.ID, "AROA", r.ARN), Arn: r.ARN,
		CreateDate: ts(r.CreatedAt), AssumeRolePolicyDocument: urlEncodeDoc(r.TrustPolicy),
		RolePolicyList: inlines(r.InlinePolicies), AttachedManagedPolicies: attached(r.AttachedPolicies),
		PermissionsBoundary: boundary(r.PermissionsBoundary), Tags: tags(r.Tags),
	}
	if r.LastUsed != nil {
		d.RoleLastUsed = xmlRoleLastUsed{LastUsedDate: ts(r.LastUsed.Date), Region: r.LastUsed.Region}
	}
	for _, arn := range r.InstanceProfiles {
		name, path := nameAndPath(arn, ":instance-profile/")
		d.InstanceProfileList = append(d.InstanceProfileList, xmlInstanceProfile{
			Path: path, InstanceProfileName: name, InstanceProfileId: entityID("", "AIPA", arn), Arn: arn,
			CreateDate: ts(r.CreatedAt), Roles: []xmlRole{xmlRoleOf(r)},
		})
	}
	return d
}

// nameAndPath splits "arn:aws:iam::1:instance-profile/a/b/name" into name
// and path ("/a/b/").
func nameAndPath(arn, marker string) (name, path string) {
	i := strings.Index(arn, marker)
	if i < 0 {
		return arn, "/"
	}
	rest := arn[i+len(marker):]
	j := strings.LastIndex(rest, "/")
	if j < 0 {
		return rest, "/"
	}
	return rest[j+1:], "/" + rest[:j+1]
}

func xmlPolicy(p *snapshot.ManagedPolicy) xmlPolicyDetail {
	v := p.DefaultVersionID
	if v == "" {
		v = "v1"
	}
	d := xmlPolicyDetail{
		PolicyName: p.Name, PolicyId: entityID(p.ID, "ANPA", p.ARN), Arn: p.ARN, Path: orSlash(p.Path),
		DefaultVersionId: v, AttachmentCount: p.AttachmentCount,
		PermissionsBoundaryUsageCount: p.PermissionsBoundaryUsageCount, IsAttachable: p.IsAttachable,
		Description: p.Description, CreateDate: tsp(p.CreatedAt), UpdateDate: tsp(p.UpdatedAt),
	}
	created := p.UpdatedAt
	if created == nil {
		created = p.CreatedAt
	}
	d.PolicyVersionList = []xmlPolicyVersion{{Document: urlEncodeDoc(p.Document), VersionId: v,
		IsDefaultVersion: true, CreateDate: tsp(created)}}
	return d
}

// iam:ListRoles, for what GetAccountAuthorizationDetails leaves out
// (Description, MaxSessionDuration).

type xmlRole struct {
	Path                     string           `xml:"Path"`
	RoleName                 string           `xml:"RoleName"`
	RoleId                   string           `xml:"RoleId"`
	Arn                      string           `xml:"Arn"`
	CreateDate               string           `xml:"CreateDate"`
	AssumeRolePolicyDocument string           `xml:"AssumeRolePolicyDocument,omitempty"`
	Description              string           `xml:"Description,omitempty"`
	MaxSessionDuration       int              `xml:"MaxSessionDuration,omitempty"`
	PermissionsBoundary      *xmlBoundary     `xml:"PermissionsBoundary,omitempty"`
	Tags                     *xmlTagList      `xml:"Tags,omitempty"`
	RoleLastUsed             *xmlRoleLastUsed `xml:"RoleLastUsed,omitempty"`
}

func xmlRoleOf(r *snapshot.Role) xmlRole {
	return xmlRole{
		Path: orSlash(r.Path), RoleName: r.Name, RoleId: entityID(r.ID, "AROA", r.ARN), Arn: r.ARN,
		CreateDate: ts(r.CreatedAt), AssumeRolePolicyDocument: urlEncodeDoc(r.TrustPolicy),
		Description: r.Description, MaxSessionDuration: r.MaxSessionDuration,
	}
}

type listRolesResult struct {
	Roles []xmlRole `xml:"Roles>member"`
	iamPaging
}

func listRoles(s *Server, c *call) (any, *apiError) {
	prefix, e := c.pathPrefix()
	if e != nil {
		return nil, e
	}
	var roles []*snapshot.Role
	for _, r := range c.acct.Roles {
		if strings.HasPrefix(orSlash(r.Path), prefix) {
			roles = append(roles, r)
		}
	}
	page, paging, e := iamPage(c, roles)
	if e != nil {
		return nil, e
	}
	out := listRolesResult{iamPaging: paging}
	for _, r := range page {
		out.Roles = append(out.Roles, xmlRoleOf(r))
	}
	return out, nil
}
