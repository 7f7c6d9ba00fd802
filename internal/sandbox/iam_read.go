package sandbox

import (
	"slices"
	"strings"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// entityRead is a per-resource IAM read: what the AWS CLI, other IAM tools
// and fix apply's precondition checks call entity by entity where iamspect
// reads the account in bulk. Each is served only when the account collected
// the input that holds its facts (authorize, access.go); a principal that
// input did not list, or a fact the snapshot does not keep, is AccessDenied
// too — never made up.
type entityRead struct {
	handle handler
	input  snapshot.Input
	why    string
}

const (
	whyTools  = "other IAM tools and the AWS CLI read entity by entity"
	whyPrecon = "fix apply re-checks preconditions; other tools read entity by entity"
)

// entityReads is the table of per-resource reads; init adds them to
// iamHandlers (the registry in route.go) and to otherActions (inputs.go).
var entityReads = map[string]entityRead{
	"ListUsers":                   {listUsers, snapshot.InputAuthorizationDetails, whyTools},
	"GetUser":                     {getUser, snapshot.InputAuthorizationDetails, whyPrecon + " (and its permissions boundary)"},
	"ListGroups":                  {listGroups, snapshot.InputAuthorizationDetails, whyTools},
	"GetGroup":                    {getGroup, snapshot.InputAuthorizationDetails, whyPrecon + ": a group and its members"},
	"ListGroupsForUser":           {listGroupsForUser, snapshot.InputAuthorizationDetails, whyPrecon + ": group memberships"},
	"GetRole":                     {getRole, snapshot.InputAuthorizationDetails, whyPrecon + ": a role and its trust policy"},
	"ListInstanceProfiles":        {listInstanceProfiles, snapshot.InputAuthorizationDetails, whyTools},
	"ListInstanceProfilesForRole": {listInstanceProfilesForRole, snapshot.InputAuthorizationDetails, whyTools},
	"ListAccessKeys":              {listAccessKeys, snapshot.InputCredentialReport, "a user's access key IDs and statuses: fix plan reads exact key IDs, fix apply re-checks preconditions"},
	"GetAccessKeyLastUsed":        {getAccessKeyLastUsed, snapshot.InputCredentialReport, "fix apply re-checks that a key was not used since the plan"},
	"GetLoginProfile":             {getLoginProfile, snapshot.InputCredentialReport, "fix apply re-checks that a console password exists"},
	"ListMFADevices":              {listMFADevices, snapshot.InputCredentialReport, "per-user MFA devices (hardware serials), for tools that list them user by user"},
	"ListSigningCertificates":     {listSigningCertificates, snapshot.InputCredentialReport, "a user's signing certificate IDs: fix plan and fix apply"},
	"ListAttachedUserPolicies":    {listAttached("user"), snapshot.InputAuthorizationDetails, whyPrecon + ": policy attachments"},
	"ListAttachedGroupPolicies":   {listAttached("group"), snapshot.InputAuthorizationDetails, whyPrecon + ": policy attachments"},
	"ListAttachedRolePolicies":    {listAttached("role"), snapshot.InputAuthorizationDetails, whyPrecon + ": policy attachments"},
	"ListUserPolicies":            {listInlineNames("user"), snapshot.InputAuthorizationDetails, whyPrecon + ": inline policies"},
	"ListGroupPolicies":           {listInlineNames("group"), snapshot.InputAuthorizationDetails, whyPrecon + ": inline policies"},
	"ListRolePolicies":            {listInlineNames("role"), snapshot.InputAuthorizationDetails, whyPrecon + ": inline policies"},
	"GetUserPolicy":               {getInline("user"), snapshot.InputAuthorizationDetails, whyTools},
	"GetGroupPolicy":              {getInline("group"), snapshot.InputAuthorizationDetails, whyTools},
	"GetRolePolicy":               {getInline("role"), snapshot.InputAuthorizationDetails, whyTools},
	"ListPolicies":                {listPolicies, snapshot.InputAuthorizationDetails, whyTools},
	"GetPolicy":                   {getPolicy, snapshot.InputAuthorizationDetails, whyTools},
	"GetPolicyVersion":            {getPolicyVersion, snapshot.InputAuthorizationDetails, whyTools},
	"ListPolicyVersions":          {listPolicyVersions, snapshot.InputAuthorizationDetails, whyTools},
	"ListEntitiesForPolicy":       {listEntitiesForPolicy, snapshot.InputAuthorizationDetails, "fix apply's last-administrator guard rail: who else holds AdministratorAccess"},
}

func init() {
	for a, r := range entityReads {
		iamHandlers[a] = r.handle
	}
}

// notCollected is AccessDenied for a fact the served snapshot does not
// hold, in AWS's words with the sandbox's reason after them.
func (c *call) notCollected(resource, why string) *apiError {
	return c.accessDenied(c.notAuthorized(resource) + " (iamspect sandbox: " + why + ")")
}

// userCovered refuses a read about a user that the input holding the
// action's facts did not list (snapshot.User.Covered).
func (c *call) userCovered(u *snapshot.User) *apiError {
	in := c.input
	if in == "" || u.Covered(in) {
		return nil
	}
	return c.notCollected(u.ARN, "the snapshot's "+string(in)+" did not list user "+u.Name)
}

// coveredUser is UserName's user, when the call's gating input listed
// it: a user that input did not list is AccessDenied, never an empty answer.
func (c *call) coveredUser() (*snapshot.User, *apiError) {
	u, e := c.user()
	if e != nil {
		return nil, e
	}
	if e := c.userCovered(u); e != nil {
		return nil, e
	}
	return u, nil
}

// pathPrefix reads PathPrefix (default "/") with AWS's pattern.
func (c *call) pathPrefix() (string, *apiError) {
	p := c.form.Get("PathPrefix")
	if p == "" {
		return "/", nil
	}
	if len(p) > 512 || !strings.HasPrefix(p, "/") || strings.IndexFunc(p, func(r rune) bool { return r < 0x21 || r > 0x7f }) >= 0 {
		return "", c.validation("1 validation error detected: Value '" + p + "' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: \\u002F[\\u0021-\\u007F]*")
	}
	return p, nil
}

// enum reads an optional parameter that must be one of values ("" when
// absent).
func (c *call) enum(name string, values ...string) (string, *apiError) {
	v := c.form.Get(name)
	if v == "" || slices.Contains(values, v) {
		return v, nil
	}
	return "", c.validation("1 validation error detected: Value '" + v + "' at '" + lowerFirst(name) +
		"' failed to satisfy constraint: Member must satisfy enum value set: [" + strings.Join(values, ", ") + "]")
}

type xmlUser struct {
	Path       string `xml:"Path"`
	UserName   string `xml:"UserName"`
	UserId     string `xml:"UserId"`
	Arn        string `xml:"Arn"`
	CreateDate string `xml:"CreateDate"`
}

func xmlUserOf(u *snapshot.User) xmlUser {
	return xmlUser{Path: orSlash(u.Path), UserName: u.Name, UserId: entityID(u.ID, "AIDA", u.ARN), Arn: u.ARN, CreateDate: ts(u.CreatedAt)}
}

// xmlUserFull is GetUser's user; ListUsers has all but the boundary and
// tags.
type xmlUserFull struct {
	xmlUser
	PasswordLastUsed    string       `xml:"PasswordLastUsed,omitempty"`
	PermissionsBoundary *xmlBoundary `xml:"PermissionsBoundary,omitempty"`
	Tags                *xmlTagList  `xml:"Tags,omitempty"`
}

// passwordLastUsed is known only from the credential report; AWS omits it
// for a password never used.
func passwordLastUsed(u *snapshot.User) string {
	if u.Password == nil || u.Password.LastUsed == nil {
		return ""
	}
	return ts(*u.Password.LastUsed)
}

func listUsers(s *Server, c *call) (any, *apiError) {
	prefix, e := c.pathPrefix()
	if e != nil {
		return nil, e
	}
	var users []*snapshot.User
	for _, u := range c.acct.Users {
		if strings.HasPrefix(orSlash(u.Path), prefix) {
			users = append(users, u)
		}
	}
	page, paging, e := iamPage(c, users)
	if e != nil {
		return nil, e
	}
	var out []xmlUserFull
	for _, u := range page {
		out = append(out, xmlUserFull{xmlUser: xmlUserOf(u), PasswordLastUsed: passwordLastUsed(u)})
	}
	return struct {
		Users []xmlUserFull `xml:"Users>member"`
		iamPaging
	}{out, paging}, nil
}

// getUser describes UserName's user, or without it the caller, as AWS
// does: the sandbox's default credentials stand for the user
// iamspect-sandbox (as sts:GetCallerIdentity says), which the snapshot
// need not hold; a role session must name a user.
func getUser(s *Server, c *call) (any, *apiError) {
	if c.form.Get("UserName") == "" && c.session == nil && c.acct.User(sandboxUserName) == nil {
		caller := xmlUser{Path: "/", UserName: sandboxUserName, UserId: callerUserID, Arn: c.callerARN(), CreateDate: ts(*s.now(c.acct))}
		return struct {
			User xmlUserFull `xml:"User"`
		}{xmlUserFull{xmlUser: caller}}, nil
	}
	u, e := c.coveredUser()
	if e != nil {
		return nil, e
	}
	out := xmlUserFull{xmlUser: xmlUserOf(u), PasswordLastUsed: passwordLastUsed(u),
		PermissionsBoundary: boundary(u.PermissionsBoundary), Tags: optionalTags(u.Tags)}
	return struct {
		User xmlUserFull `xml:"User"`
	}{out}, nil
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

type groupsResult struct {
	Groups []xmlGroupShort `xml:"Groups>member"`
	iamPaging
}

func groupPage(c *call, groups []*snapshot.Group) (any, *apiError) {
	page, paging, e := iamPage(c, groups)
	if e != nil {
		return nil, e
	}
	out := groupsResult{iamPaging: paging}
	for _, g := range page {
		out.Groups = append(out.Groups, xmlGroupOf(g))
	}
	return out, nil
}

func listGroups(s *Server, c *call) (any, *apiError) {
	prefix, e := c.pathPrefix()
	if e != nil {
		return nil, e
	}
	var groups []*snapshot.Group
	for _, g := range c.acct.Groups {
		if strings.HasPrefix(orSlash(g.Path), prefix) {
			groups = append(groups, g)
		}
	}
	return groupPage(c, groups)
}

func listGroupsForUser(s *Server, c *call) (any, *apiError) {
	u, e := c.coveredUser()
	if e != nil {
		return nil, e
	}
	var groups []*snapshot.Group
	for _, name := range u.Groups {
		if g := c.acct.Group(name); g != nil {
			groups = append(groups, g)
		}
	}
	return groupPage(c, groups)
}

func getGroup(s *Server, c *call) (any, *apiError) {
	g, e := c.group()
	if e != nil {
		return nil, e
	}
	var members []*snapshot.User
	for _, u := range c.acct.Users {
		if slices.Contains(u.Groups, g.Name) {
			members = append(members, u)
		}
	}
	page, paging, e := iamPage(c, members)
	if e != nil {
		return nil, e
	}
	var users []xmlUser
	for _, u := range page {
		users = append(users, xmlUserOf(u))
	}
	return struct {
		Group xmlGroupShort `xml:"Group"`
		Users []xmlUser     `xml:"Users>member"`
		iamPaging
	}{xmlGroupOf(g), users, paging}, nil
}

func getRole(s *Server, c *call) (any, *apiError) {
	r, e := c.role()
	if e != nil {
		return nil, e
	}
	if !r.Covered(snapshot.InputAuthorizationDetails) {
		return nil, c.notCollected(r.ARN, "the snapshot's authorization_details did not list role "+r.Name)
	}
	out := xmlRoleOf(r)
	out.PermissionsBoundary = boundary(r.PermissionsBoundary)
	out.Tags = optionalTags(r.Tags)
	// AWS always returns RoleLastUsed, empty for a role never used.
	out.RoleLastUsed = &xmlRoleLastUsed{}
	if r.LastUsed != nil {
		out.RoleLastUsed = &xmlRoleLastUsed{LastUsedDate: ts(r.LastUsed.Date), Region: r.LastUsed.Region}
	}
	return struct {
		Role xmlRole `xml:"Role"`
	}{out}, nil
}

// instanceProfiles lists the account's instance profiles as the snapshot
// knows them: from the roles that hold them (authorization details lists
// them there), each profile once.
func instanceProfiles(a *snapshot.Account, only *snapshot.Role) []xmlInstanceProfile {
	var out []xmlInstanceProfile
	seen := map[string]bool{}
	for _, r := range a.Roles {
		if only != nil && r != only {
			continue
		}
		for _, p := range xmlRoleDetailOf(r).InstanceProfileList {
			if !seen[p.Arn] {
				seen[p.Arn] = true
				out = append(out, p)
			}
		}
	}
	return out
}

type instanceProfilesResult struct {
	InstanceProfiles []xmlInstanceProfile `xml:"InstanceProfiles>member"`
	iamPaging
}

func listInstanceProfiles(s *Server, c *call) (any, *apiError) {
	prefix, e := c.pathPrefix()
	if e != nil {
		return nil, e
	}
	var profiles []xmlInstanceProfile
	for _, p := range instanceProfiles(c.acct, nil) {
		if strings.HasPrefix(p.Path, prefix) {
			profiles = append(profiles, p)
		}
	}
	page, paging, e := iamPage(c, profiles)
	return instanceProfilesResult{page, paging}, e
}

func listInstanceProfilesForRole(s *Server, c *call) (any, *apiError) {
	r, e := c.role()
	if e != nil {
		return nil, e
	}
	page, paging, e := iamPage(c, instanceProfiles(c.acct, r))
	return instanceProfilesResult{page, paging}, e
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
	u, e := c.coveredUser()
	if e != nil {
		return nil, e
	}
	type entry struct {
		UserName    string `xml:"UserName"`
		AccessKeyId string `xml:"AccessKeyId"`
		Status      string `xml:"Status"`
		CreateDate  string `xml:"CreateDate,omitempty"`
	}
	var all []entry
	for i, k := range u.AccessKeys {
		all = append(all, entry{u.Name, keyID(u, i, k), k.Status, tsp(k.CreatedAt)})
	}
	page, paging, e := iamPage(c, all)
	if e != nil {
		return nil, e
	}
	return struct {
		AccessKeyMetadata []entry `xml:"AccessKeyMetadata>member"`
		iamPaging
	}{page, paging}, nil
}

// getAccessKeyLastUsed answers from the credential report's columns. A key
// the account does not hold is AccessDenied, as AWS answers for a key
// outside the caller's account.
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
		i := findKey(u, id)
		if i < 0 {
			continue
		}
		if e := c.userCovered(u); e != nil {
			return nil, e
		}
		k := u.AccessKeys[i]
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
	return nil, c.accessDenied(c.notAuthorized("access key " + id))
}

func getLoginProfile(s *Server, c *call) (any, *apiError) {
	u, e := c.coveredUser()
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

// listMFADevices lists a user's devices as the credential report
// (mfa_active) and the virtual MFA device list describe them; a device
// known only from mfa_active (a hardware key or passkey, whose serial no
// list names) is AccessDenied rather than a made-up serial.
func listMFADevices(s *Server, c *call) (any, *apiError) {
	type entry struct {
		UserName     string `xml:"UserName"`
		SerialNumber string `xml:"SerialNumber"`
		EnableDate   string `xml:"EnableDate"`
	}
	u, e := c.coveredUser()
	if e != nil {
		return nil, e
	}
	if slices.ContainsFunc(u.MFADevices, func(d snapshot.MFADevice) bool { return d.Serial == "" }) {
		return nil, c.notCollected(u.ARN, "the snapshot knows that user "+u.Name+" has an MFA device but not its serial number")
	}
	page, paging, e := iamPage(c, u.MFADevices)
	if e != nil {
		return nil, e
	}
	var out []entry
	for _, d := range page {
		out = append(out, entry{u.Name, d.Serial, dateOrCreated(d.EnabledAt, u)})
	}
	return struct {
		MFADevices []entry `xml:"MFADevices>member"`
		iamPaging
	}{out, paging}, nil
}

func listSigningCertificates(s *Server, c *call) (any, *apiError) {
	u, e := c.coveredUser()
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
	var all []entry
	for i, x := range u.SigningCertificates {
		id := x.ID
		if id == "" {
			id = shortHash(u.ARN+"/cert/"+itoa(i+1)) + shortHash(u.ARN)
		}
		all = append(all, entry{u.Name, id, "-----BEGIN CERTIFICATE-----\n(not served by the iamspect sandbox)\n-----END CERTIFICATE-----", x.Status, tsp(x.UploadedAt)})
	}
	page, paging, e := iamPage(c, all)
	if e != nil {
		return nil, e
	}
	return struct {
		Certificates []entry `xml:"Certificates>member"`
		iamPaging
	}{page, paging}, nil
}
