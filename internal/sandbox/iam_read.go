package sandbox

import (
	"slices"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// Per-resource reads that fix apply makes to re-check an action's
// precondition just before the call (and that the AWS CLI and other tools
// make user by user). Each is served only when the account collected the
// input that holds its facts (precondInputs), never beyond the snapshot.
var precondReads = map[string]string{
	"ListAccessKeys":            "a user's access key IDs and statuses: fix plan reads exact key IDs, fix apply re-checks preconditions",
	"GetAccessKeyLastUsed":      "fix apply re-checks that a key was not used since the plan",
	"GetLoginProfile":           "fix apply re-checks that a console password exists",
	"GetUser":                   "fix apply re-checks that a user exists (and its permissions boundary)",
	"ListSigningCertificates":   "a user's signing certificate IDs: fix plan and fix apply",
	"ListGroupsForUser":         "fix apply re-checks group memberships",
	"ListAttachedUserPolicies":  "fix apply re-checks policy attachments",
	"ListAttachedGroupPolicies": "fix apply re-checks policy attachments",
	"ListAttachedRolePolicies":  "fix apply re-checks policy attachments",
	"ListUserPolicies":          "fix apply re-checks inline policies",
	"ListGroupPolicies":         "fix apply re-checks inline policies",
	"ListRolePolicies":          "fix apply re-checks inline policies",
	"GetGroup":                  "fix apply re-checks a group and its members",
	"GetRole":                   "fix apply re-checks a role and its trust policy",
	"ListEntitiesForPolicy":     "fix apply's last-administrator guard rail: who else holds AdministratorAccess",
}

var precondInputs = map[string]snapshot.Input{
	"ListAccessKeys":            snapshot.InputCredentialReport,
	"GetAccessKeyLastUsed":      snapshot.InputCredentialReport,
	"GetLoginProfile":           snapshot.InputCredentialReport,
	"ListSigningCertificates":   snapshot.InputCredentialReport,
	"GetUser":                   snapshot.InputAuthorizationDetails,
	"ListGroupsForUser":         snapshot.InputAuthorizationDetails,
	"ListAttachedUserPolicies":  snapshot.InputAuthorizationDetails,
	"ListAttachedGroupPolicies": snapshot.InputAuthorizationDetails,
	"ListAttachedRolePolicies":  snapshot.InputAuthorizationDetails,
	"ListUserPolicies":          snapshot.InputAuthorizationDetails,
	"ListGroupPolicies":         snapshot.InputAuthorizationDetails,
	"ListRolePolicies":          snapshot.InputAuthorizationDetails,
	"GetGroup":                  snapshot.InputAuthorizationDetails,
	"GetRole":                   snapshot.InputAuthorizationDetails,
	"ListEntitiesForPolicy":     snapshot.InputAuthorizationDetails,
}

func init() {
	iamHandlers["ListAccessKeys"] = listAccessKeys
	iamHandlers["GetAccessKeyLastUsed"] = getAccessKeyLastUsed
	iamHandlers["GetLoginProfile"] = getLoginProfile
	iamHandlers["GetUser"] = getUser
	iamHandlers["ListSigningCertificates"] = listSigningCertificates
	iamHandlers["ListGroupsForUser"] = listGroupsForUser
	iamHandlers["ListAttachedUserPolicies"] = listAttached("user")
	iamHandlers["ListAttachedGroupPolicies"] = listAttached("group")
	iamHandlers["ListAttachedRolePolicies"] = listAttached("role")
	iamHandlers["ListUserPolicies"] = listInlineNames("user")
	iamHandlers["ListGroupPolicies"] = listInlineNames("group")
	iamHandlers["ListRolePolicies"] = listInlineNames("role")
	iamHandlers["GetGroup"] = getGroup
	iamHandlers["GetRole"] = getRole
	iamHandlers["ListEntitiesForPolicy"] = listEntitiesForPolicy
}

func listEntitiesForPolicy(s *Server, c *call) (any, *apiError) {
	arn, e := c.required("PolicyArn")
	if e != nil {
		return nil, e
	}
	if c.acct.Policy(arn) == nil && !snapshot.IsAWSManagedPolicyARN(arn) {
		return nil, noSuchEntity("Policy " + arn + " was not found.")
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
	has := func(ps []snapshot.PolicyRef) bool {
		return slices.ContainsFunc(ps, func(p snapshot.PolicyRef) bool { return p.ARN == arn })
	}
	var out struct {
		PolicyGroups []group `xml:"PolicyGroups>member"`
		PolicyUsers  []user  `xml:"PolicyUsers>member"`
		PolicyRoles  []role  `xml:"PolicyRoles>member"`
		IsTruncated  bool    `xml:"IsTruncated"`
	}
	for _, g := range c.acct.Groups {
		if has(g.AttachedPolicies) {
			out.PolicyGroups = append(out.PolicyGroups, group{g.Name, entityID(g.ID, "AGPA", g.ARN)})
		}
	}
	for _, u := range c.acct.Users {
		if has(u.AttachedPolicies) {
			out.PolicyUsers = append(out.PolicyUsers, user{u.Name, entityID(u.ID, "AIDA", u.ARN)})
		}
	}
	for _, r := range c.acct.Roles {
		if has(r.AttachedPolicies) {
			out.PolicyRoles = append(out.PolicyRoles, role{r.Name, entityID(r.ID, "AROA", r.ARN)})
		}
	}
	return out, nil
}

func keyID(u *snapshot.User, i int, k snapshot.AccessKey) string {
	if k.ID != "" {
		return k.ID
	}
	// A key the snapshot knows only by slot: a stable made-up ID.
	return "AKIA" + shortHash(u.ARN+"/"+itoa(i+1))
}

func shortHash(s string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	var h uint64 = 1469598103934665603
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	out := make([]byte, 16)
	for i := range out {
		out[i] = alphabet[h%32]
		h /= 32
		if h == 0 {
			h = 0x9e3779b97f4a7c15 ^ uint64(i)
		}
	}
	return string(out)
}

func listAccessKeys(s *Server, c *call) (any, *apiError) {
	u, e := c.user()
	if e != nil {
		return nil, e
	}
	type entry struct {
		UserName    string `xml:"UserName"`
		AccessKeyId string `xml:"AccessKeyId"`
		Status      string `xml:"Status"`
		CreateDate  string `xml:"CreateDate,omitempty"`
	}
	var out []entry
	for i, k := range u.AccessKeys {
		out = append(out, entry{u.Name, keyID(u, i, k), k.Status, tsp(k.CreatedAt)})
	}
	return struct {
		AccessKeyMetadata []entry `xml:"AccessKeyMetadata>member"`
		IsTruncated       bool    `xml:"IsTruncated"`
	}{out, false}, nil
}

func getAccessKeyLastUsed(s *Server, c *call) (any, *apiError) {
	id, e := c.required("AccessKeyId")
	if e != nil {
		return nil, e
	}
	type lastUsed struct {
		LastUsedDate string `xml:"LastUsedDate,omitempty"`
		ServiceName  string `xml:"ServiceName"`
		Region       string `xml:"Region"`
	}
	for _, u := range c.acct.Users {
		for i, k := range u.AccessKeys {
			if keyID(u, i, k) != id {
				continue
			}
			lu := lastUsed{ServiceName: "N/A", Region: "N/A"}
			if k.LastUsed != nil {
				lu.LastUsedDate = ts(*k.LastUsed)
				if k.LastUsedService != "" {
					lu.ServiceName = k.LastUsedService
				}
				if k.LastUsedRegion != "" {
					lu.Region = k.LastUsedRegion
				}
			}
			return struct {
				UserName          string   `xml:"UserName"`
				AccessKeyLastUsed lastUsed `xml:"AccessKeyLastUsed"`
			}{u.Name, lu}, nil
		}
	}
	return nil, c.accessDenied("The access key " + id + " does not exist or you are not authorized to read it.")
}

func getLoginProfile(s *Server, c *call) (any, *apiError) {
	u, e := c.user()
	if e != nil {
		return nil, e
	}
	if !u.HasConsolePassword() {
		return nil, noSuchEntity("Login Profile for User " + u.Name + " cannot be found.")
	}
	created := u.CreatedAt
	if u.Password.LastChanged != nil {
		created = *u.Password.LastChanged
	}
	type lp struct {
		UserName              string `xml:"UserName"`
		CreateDate            string `xml:"CreateDate"`
		PasswordResetRequired bool   `xml:"PasswordResetRequired"`
	}
	return struct {
		LoginProfile lp `xml:"LoginProfile"`
	}{lp{u.Name, ts(created), false}}, nil
}

type xmlUserFull struct {
	xmlUser
	PermissionsBoundary *xmlBoundary `xml:"PermissionsBoundary,omitempty"`
	PasswordLastUsed    string       `xml:"PasswordLastUsed,omitempty"`
}

func xmlUserOf(u *snapshot.User) xmlUser {
	return xmlUser{Path: orSlash(u.Path), UserName: u.Name, UserId: entityID(u.ID, "AIDA", u.ARN), Arn: u.ARN, CreateDate: ts(u.CreatedAt)}
}

func getUser(s *Server, c *call) (any, *apiError) {
	u, e := c.user()
	if e != nil {
		return nil, e
	}
	out := xmlUserFull{xmlUser: xmlUserOf(u), PermissionsBoundary: boundary(u.PermissionsBoundary)}
	if u.Password != nil && u.Password.LastUsed != nil {
		out.PasswordLastUsed = ts(*u.Password.LastUsed)
	}
	return struct {
		User xmlUserFull `xml:"User"`
	}{out}, nil
}

func listSigningCertificates(s *Server, c *call) (any, *apiError) {
	u, e := c.user()
	if e != nil {
		return nil, e
	}
	type entry struct {
		UserName        string `xml:"UserName"`
		CertificateId   string `xml:"CertificateId"`
		CertificateBody string `xml:"CertificateBody"`
		Status          string `xml:"Status"`
		UploadDate      string `xml:"UploadDate,omitempty"`
	}
	var out []entry
	for i, x := range u.SigningCertificates {
		id := x.ID
		if id == "" {
			id = shortHash(u.ARN+"/cert/"+itoa(i+1)) + shortHash(u.ARN)
		}
		out = append(out, entry{u.Name, id, "-----BEGIN CERTIFICATE-----\n(not served by the iamspect sandbox)\n-----END CERTIFICATE-----", x.Status, tsp(x.UploadedAt)})
	}
	return struct {
		Certificates []entry `xml:"Certificates>member"`
		IsTruncated  bool    `xml:"IsTruncated"`
	}{out, false}, nil
}

type xmlGroupShort struct {
	Path       string `xml:"Path"`
	GroupName  string `xml:"GroupName"`
	GroupId    string `xml:"GroupId"`
	Arn        string `xml:"Arn"`
	CreateDate string `xml:"CreateDate"`
}

func xmlGroupOf(g *snapshot.Group) xmlGroupShort {
	return xmlGroupShort{orSlash(g.Path), g.Name, entityID(g.ID, "AGPA", g.ARN), g.ARN, ts(g.CreatedAt)}
}

func listGroupsForUser(s *Server, c *call) (any, *apiError) {
	u, e := c.user()
	if e != nil {
		return nil, e
	}
	var out []xmlGroupShort
	for _, name := range u.Groups {
		if g := c.acct.Group(name); g != nil {
			out = append(out, xmlGroupOf(g))
		}
	}
	return struct {
		Groups      []xmlGroupShort `xml:"Groups>member"`
		IsTruncated bool            `xml:"IsTruncated"`
	}{out, false}, nil
}

func listAttached(kind string) handler {
	return func(s *Server, c *call) (any, *apiError) {
		list, e := c.attachments(kind)
		if e != nil {
			return nil, e
		}
		return struct {
			AttachedPolicies []xmlAttached `xml:"AttachedPolicies>member"`
			IsTruncated      bool          `xml:"IsTruncated"`
		}{attached(*list), false}, nil
	}
}

func listInlineNames(kind string) handler {
	return func(s *Server, c *call) (any, *apiError) {
		list, e := c.inlineList(kind)
		if e != nil {
			return nil, e
		}
		var names []string
		for _, p := range *list {
			names = append(names, p.Name)
		}
		return struct {
			PolicyNames []string `xml:"PolicyNames>member"`
			IsTruncated bool     `xml:"IsTruncated"`
		}{names, false}, nil
	}
}

func getGroup(s *Server, c *call) (any, *apiError) {
	g, e := c.group()
	if e != nil {
		return nil, e
	}
	var users []xmlUser
	for _, u := range c.acct.Users {
		if slices.Contains(u.Groups, g.Name) {
			users = append(users, xmlUserOf(u))
		}
	}
	return struct {
		Group       xmlGroupShort `xml:"Group"`
		Users       []xmlUser     `xml:"Users>member"`
		IsTruncated bool          `xml:"IsTruncated"`
	}{xmlGroupOf(g), users, false}, nil
}

func getRole(s *Server, c *call) (any, *apiError) {
	r, e := c.role()
	if e != nil {
		return nil, e
	}
	out := xmlRoleOf(r)
	out.PermissionsBoundary = boundary(r.PermissionsBoundary)
	if r.LastUsed != nil {
		out.RoleLastUsed = &xmlRoleLastUsed{LastUsedDate: ts(r.LastUsed.Date), Region: r.LastUsed.Region}
	}
	return struct {
		Role xmlRole `xml:"Role"`
	}{out}, nil
}
