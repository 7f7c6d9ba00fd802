package sandbox

import (
	"regexp"
	"slices"
	"strings"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// The per-resource policy reads (entityReads, iam_read.go): inline and
// attached policies of a principal, managed policies and their versions,
// and who uses a policy. All read the same state the writes change.

// detailsCovered refuses a read about a user or role that authorization
// details did not list (their policies are unknown).
func (c *call) detailsCovered(kind string) *apiError {
	switch kind {
	case "user":
		if u := c.acct.User(c.form.Get("UserName")); u != nil {
			return c.userCovered(u)
		}
	case "role":
		if r := c.acct.Role(c.form.Get("RoleName")); r != nil && !r.Covered(snapshot.InputAuthorizationDetails) {
			return c.notCollected(r.ARN, "the snapshot's authorization_details did not list role "+r.Name)
		}
	}
	return nil
}

func listAttached(kind string) handler {
	return func(s *Server, c *call) (any, *apiError) {
		list, e := c.attachments(kind)
		if e != nil {
			return nil, e
		}
		if e := c.detailsCovered(kind); e != nil {
			return nil, e
		}
		prefix, e := c.pathPrefix()
		if e != nil {
			return nil, e
		}
		var refs []snapshot.PolicyRef
		for _, p := range *list {
			if _, path := nameAndPath(p.ARN, ":policy/"); strings.HasPrefix(path, prefix) {
				refs = append(refs, p)
			}
		}
		page, paging, e := iamPage(c, refs)
		if e != nil {
			return nil, e
		}
		return struct {
			AttachedPolicies []xmlAttached `xml:"AttachedPolicies>member"`
			iamPaging
		}{attached(page), paging}, nil
	}
}

func listInlineNames(kind string) handler {
	return func(s *Server, c *call) (any, *apiError) {
		list, e := c.inlineList(kind)
		if e != nil {
			return nil, e
		}
		if e := c.detailsCovered(kind); e != nil {
			return nil, e
		}
		var names []string
		for _, p := range *list {
			names = append(names, p.Name)
		}
		page, paging, e := iamPage(c, names)
		if e != nil {
			return nil, e
		}
		return struct {
			PolicyNames []string `xml:"PolicyNames>member"`
			iamPaging
		}{page, paging}, nil
	}
}

// getInline answers Get{User,Group,Role}Policy: the document URL-encoded,
// as IAM returns it.
func getInline(kind string) handler {
	return func(s *Server, c *call) (any, *apiError) {
		list, e := c.inlineList(kind)
		if e != nil {
			return nil, e
		}
		if e := c.detailsCovered(kind); e != nil {
			return nil, e
		}
		name, e := c.required("PolicyName")
		if e != nil {
			return nil, e
		}
		i := slices.IndexFunc(*list, func(p snapshot.InlinePolicy) bool { return p.Name == name })
		if i < 0 {
			return nil, noSuchEntity("The " + kind + " policy with name " + name + " cannot be found.")
		}
		out := struct {
			UserName       string `xml:"UserName,omitempty"`
			GroupName      string `xml:"GroupName,omitempty"`
			RoleName       string `xml:"RoleName,omitempty"`
			PolicyName     string `xml:"PolicyName"`
			PolicyDocument string `xml:"PolicyDocument"`
		}{PolicyName: name, PolicyDocument: urlEncodeDoc((*list)[i].Document)}
		switch kind {
		case "user":
			out.UserName = c.form.Get("UserName")
			if out.UserName == "" {
				out.UserName = sandboxUserName
			}
		case "group":
			out.GroupName = c.form.Get("GroupName")
		default:
			out.RoleName = c.form.Get("RoleName")
		}
		return out, nil
	}
}

// managedPolicy finds PolicyArn's policy. An AWS managed policy the
// snapshot does not hold may well exist (authorization details returns
// only those in use), so it is AccessDenied, not NoSuchEntity.
func (c *call) managedPolicy() (*snapshot.ManagedPolicy, *apiError) {
	arn, e := c.required("PolicyArn")
	if e != nil {
		return nil, e
	}
	if p := c.acct.Policy(arn); p != nil {
		return p, nil
	}
	if snapshot.IsAWSManagedPolicyARN(arn) {
		return nil, c.notCollected(arn, "the snapshot holds only the AWS managed policies in use when it was collected")
	}
	return nil, noSuchEntity("Policy " + arn + " does not exist or is not attachable.")
}

// xmlPolicyInfo is ListPolicies' and GetPolicy's policy (GetPolicy adds
// the description).
type xmlPolicyInfo struct {
	PolicyName                    string `xml:"PolicyName"`
	PolicyId                      string `xml:"PolicyId"`
	Arn                           string `xml:"Arn"`
	Path                          string `xml:"Path"`
	DefaultVersionId              string `xml:"DefaultVersionId"`
	AttachmentCount               int    `xml:"AttachmentCount"`
	PermissionsBoundaryUsageCount int    `xml:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool   `xml:"IsAttachable"`
	Description                   string `xml:"Description,omitempty"`
	CreateDate                    string `xml:"CreateDate,omitempty"`
	UpdateDate                    string `xml:"UpdateDate,omitempty"`
}

func xmlPolicyInfoOf(p *snapshot.ManagedPolicy) xmlPolicyInfo {
	d := xmlPolicy(p)
	return xmlPolicyInfo{d.PolicyName, d.PolicyId, d.Arn, d.Path, d.DefaultVersionId, d.AttachmentCount,
		d.PermissionsBoundaryUsageCount, d.IsAttachable, "", d.CreateDate, d.UpdateDate}
}

func listPolicies(s *Server, c *call) (any, *apiError) {
	scope, e := c.enum("Scope", "All", "AWS", "Local")
	if e != nil {
		return nil, e
	}
	usage, e := c.enum("PolicyUsageFilter", "PermissionsPolicy", "PermissionsBoundary")
	if e != nil {
		return nil, e
	}
	prefix, e := c.pathPrefix()
	if e != nil {
		return nil, e
	}
	onlyAttached := c.form.Get("OnlyAttached") == "true"
	var policies []*snapshot.ManagedPolicy
	for _, p := range c.acct.Policies {
		switch {
		case scope == "AWS" && !p.AWSManaged(), scope == "Local" && p.AWSManaged():
		case !strings.HasPrefix(orSlash(p.Path), prefix):
		case onlyAttached && p.AttachmentCount == 0:
		case usage == "PermissionsPolicy" && p.AttachmentCount == 0:
		case usage == "PermissionsBoundary" && p.PermissionsBoundaryUsageCount == 0:
		default:
			policies = append(policies, p)
		}
	}
	page, paging, e := iamPage(c, policies)
	if e != nil {
		return nil, e
	}
	var out []xmlPolicyInfo
	for _, p := range page {
		out = append(out, xmlPolicyInfoOf(p))
	}
	return struct {
		Policies []xmlPolicyInfo `xml:"Policies>member"`
		iamPaging
	}{out, paging}, nil
}

func getPolicy(s *Server, c *call) (any, *apiError) {
	p, e := c.managedPolicy()
	if e != nil {
		return nil, e
	}
	out := xmlPolicyInfoOf(p)
	out.Description = p.Description
	return struct {
		Policy xmlPolicyInfo `xml:"Policy"`
	}{out}, nil
}

var policyVersionRe = regexp.MustCompile(`^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$`)

// getPolicyVersion answers the default version, the one the snapshot
// keeps; another version is AccessDenied (not collected).
func getPolicyVersion(s *Server, c *call) (any, *apiError) {
	p, e := c.managedPolicy()
	if e != nil {
		return nil, e
	}
	v, e := c.required("VersionId")
	if e != nil {
		return nil, e
	}
	if !policyVersionRe.MatchString(v) {
		return nil, c.validation("1 validation error detected: Value '" + v + "' at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?")
	}
	def := xmlPolicy(p).PolicyVersionList[0]
	if v != def.VersionId {
		return nil, c.notCollected(p.ARN, "the snapshot keeps only the default version ("+def.VersionId+") of "+p.ARN)
	}
	return struct {
		PolicyVersion xmlPolicyVersion `xml:"PolicyVersion"`
	}{def}, nil
}

// listPolicyVersions answers only when the snapshot knows every version:
// a default version v1 and an update date equal to the creation date (AWS
// sets the update date when a version is created), so v1 is the only one.
// Otherwise the other versions were not collected: AccessDenied.
func listPolicyVersions(s *Server, c *call) (any, *apiError) {
	p, e := c.managedPolicy()
	if e != nil {
		return nil, e
	}
	def := xmlPolicy(p).PolicyVersionList[0]
	single := def.VersionId == "v1" && p.CreatedAt != nil && p.UpdatedAt != nil && p.UpdatedAt.Equal(*p.CreatedAt)
	if !single {
		return nil, c.notCollected(p.ARN, "the snapshot keeps only the default version ("+def.VersionId+") of "+p.ARN+", not the list of its versions")
	}
	def.Document = "" // ListPolicyVersions leaves documents out
	page, paging, e := iamPage(c, []xmlPolicyVersion{def})
	if e != nil {
		return nil, e
	}
	return struct {
		Versions []xmlPolicyVersion `xml:"Versions>member"`
		iamPaging
	}{page, paging}, nil
}

// policyEntity is one user, group or role of ListEntitiesForPolicy's
// combined, paged list.
type policyEntity struct {
	kind, name, id, path string
}

func listEntitiesForPolicy(s *Server, c *call) (any, *apiError) {
	arn, e := c.required("PolicyArn")
	if e != nil {
		return nil, e
	}
	// Every attachment is in the authorization details, so an AWS managed
	// policy the snapshot does not hold is attached to nothing.
	if c.acct.Policy(arn) == nil && !snapshot.IsAWSManagedPolicyARN(arn) {
		return nil, noSuchEntity("Policy " + arn + " does not exist or is not attachable.")
	}
	filter, e := c.enum("EntityFilter", "User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy")
	if e != nil {
		return nil, e
	}
	usage, e := c.enum("PolicyUsageFilter", "PermissionsPolicy", "PermissionsBoundary")
	if e != nil {
		return nil, e
	}
	prefix, e := c.pathPrefix()
	if e != nil {
		return nil, e
	}
	uses := func(ps []snapshot.PolicyRef, b *snapshot.PolicyRef) bool {
		attachedHere := slices.ContainsFunc(ps, func(p snapshot.PolicyRef) bool { return p.ARN == arn })
		bound := b != nil && b.ARN == arn
		switch usage {
		case "PermissionsPolicy":
			return attachedHere
		case "PermissionsBoundary":
			return bound
		}
		return attachedHere || bound
	}
	want := func(kind, path string) bool {
		return (filter == "" || filter == kind) && strings.HasPrefix(orSlash(path), prefix)
	}
	var items []policyEntity
	for _, g := range c.acct.Groups {
		if want("Group", g.Path) && uses(g.AttachedPolicies, nil) {
			items = append(items, policyEntity{"Group", g.Name, entityID(g.ID, "AGPA", g.ARN), g.Path})
		}
	}
	for _, u := range c.acct.Users {
		if want("User", u.Path) && uses(u.AttachedPolicies, u.PermissionsBoundary) {
			items = append(items, policyEntity{"User", u.Name, entityID(u.ID, "AIDA", u.ARN), u.Path})
		}
	}
	for _, r := range c.acct.Roles {
		if want("Role", r.Path) && uses(r.AttachedPolicies, r.PermissionsBoundary) {
			items = append(items, policyEntity{"Role", r.Name, entityID(r.ID, "AROA", r.ARN), r.Path})
		}
	}
	page, paging, e := iamPage(c, items)
	if e != nil {
		return nil, e
	}
	type group struct {
		GroupName string `xml:"GroupName"`
		GroupId   string `xml:"GroupId"`
	}
	type user struct {
		UserName string `xml:"UserName"`
		UserId   string `xml:"UserId"`
	}
	type role struct {
		RoleName string `xml:"RoleName"`
		RoleId   string `xml:"RoleId"`
	}
	var out struct {
		PolicyGroups []group `xml:"PolicyGroups>member"`
		PolicyUsers  []user  `xml:"PolicyUsers>member"`
		PolicyRoles  []role  `xml:"PolicyRoles>member"`
		iamPaging
	}
	out.iamPaging = paging
	for _, it := range page {
		switch it.kind {
		case "Group":
			out.PolicyGroups = append(out.PolicyGroups, group{it.name, it.id})
		case "User":
			out.PolicyUsers = append(out.PolicyUsers, user{it.name, it.id})
		default:
			out.PolicyRoles = append(out.PolicyRoles, role{it.name, it.id})
		}
	}
	return out, nil
}
