package sandbox

import (
	"slices"
	"strings"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
)

var iamHandlers = map[string]handler{
	"GetAccountAuthorizationDetails": getAccountAuthorizationDetails,
	"ListRoles":                      listRoles,
	"GenerateCredentialReport":       generateCredentialReport,
	"GetCredentialReport":            getCredentialReport,
	"GetAccountPasswordPolicy":       getAccountPasswordPolicy,
	"GetAccountSummary":              getAccountSummary,
	"ListVirtualMFADevices":          listVirtualMFADevices,
	"ListOpenIDConnectProviders":     listOpenIDConnectProviders,
	"GetOpenIDConnectProvider":       getOpenIDConnectProvider,
	"ListSAMLProviders":              listSAMLProviders,
	"ListServerCertificates":         listServerCertificates,
	"ListAccountAliases":             listAccountAliases,
	"ListSSHPublicKeys":              listSSHPublicKeys,
	"ListServiceSpecificCredentials": listServiceSpecificCredentials,
	"ListOrganizationsFeatures":      listOrganizationsFeatures,
}

func noSuchEntity(msg string) *apiError {
	return &apiError{Status: 404, Code: "NoSuchEntity", Message: msg}
}

// user finds the UserName parameter's user, or answers NoSuchEntity.
// Without UserName it is the caller, as AWS has it: a role session must
// name a user, and the default credentials stand for the user
// iamspect-sandbox, found only when the snapshot holds one of that name.
func (c *call) user() (*snapshot.User, *apiError) {
	name := c.form.Get("UserName")
	if name == "" && c.session != nil {
		return nil, c.validation("Must specify userName when calling with non-User credentials")
	}
	if name == "" {
		name = sandboxUserName
	}
	if u := c.acct.User(name); u != nil {
		return u, nil
	}
	return nil, noSuchEntity("The user with name " + name + " cannot be found.")
}

type xmlPasswordPolicy struct {
	MinimumPasswordLength      int  `xml:"MinimumPasswordLength"`
	RequireSymbols             bool `xml:"RequireSymbols"`
	RequireNumbers             bool `xml:"RequireNumbers"`
	RequireUppercaseCharacters bool `xml:"RequireUppercaseCharacters"`
	RequireLowercaseCharacters bool `xml:"RequireLowercaseCharacters"`
	AllowUsersToChangePassword bool `xml:"AllowUsersToChangePassword"`
	ExpirePasswords            bool `xml:"ExpirePasswords"`
	MaxPasswordAge             int  `xml:"MaxPasswordAge,omitempty"`
	PasswordReusePrevention    int  `xml:"PasswordReusePrevention,omitempty"`
	HardExpiry                 bool `xml:"HardExpiry,omitempty"`
}

func getAccountPasswordPolicy(s *Server, c *call) (any, *apiError) {
	p := c.acct.PasswordPolicy
	if p == nil {
		return nil, noSuchEntity("The Password Policy with domain name " + c.acct.ID + " cannot be found.")
	}
	return struct {
		PasswordPolicy xmlPasswordPolicy `xml:"PasswordPolicy"`
	}{xmlPasswordPolicy(*p)}, nil
}

type xmlSummaryEntry struct {
	Key   string `xml:"key"`
	Value int    `xml:"value"`
}

func getAccountSummary(s *Server, c *call) (any, *apiError) {
	keys := make([]string, 0, len(c.acct.Summary))
	for k := range c.acct.Summary {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var entries []xmlSummaryEntry
	for _, k := range keys {
		entries = append(entries, xmlSummaryEntry{k, c.acct.Summary[k]})
	}
	return struct {
		SummaryMap []xmlSummaryEntry `xml:"SummaryMap>entry"`
	}{entries}, nil
}

type xmlVirtualMFA struct {
	SerialNumber string   `xml:"SerialNumber"`
	User         *xmlUser `xml:"User,omitempty"`
	EnableDate   string   `xml:"EnableDate,omitempty"`
}

func listVirtualMFADevices(s *Server, c *call) (any, *apiError) {
	status := c.form.Get("AssignmentStatus")
	if status == "" {
		status = "Any"
	}
	if status != "Any" && status != "Assigned" && status != "Unassigned" {
		return nil, c.validation("AssignmentStatus must be Assigned, Unassigned or Any")
	}
	var devs []snapshot.VirtualMFADevice
	for _, d := range c.acct.VirtualMFADevices {
		if status == "Any" || (status == "Assigned") == (d.UserARN != "") {
			devs = append(devs, d)
		}
	}
	page, paging, e := iamPage(c, devs)
	if e != nil {
		return nil, e
	}
	var out []xmlVirtualMFA
	for _, d := range page {
		v := xmlVirtualMFA{SerialNumber: d.Serial, EnableDate: tsp(d.EnabledAt)}
		if d.UserARN != "" {
			v.User = userByARN(c.acct, d.UserARN)
		}
		out = append(out, v)
	}
	return struct {
		VirtualMFADevices []xmlVirtualMFA `xml:"VirtualMFADevices>member"`
		iamPaging
	}{out, paging}, nil
}

// userByARN describes a user by ARN; the root user and users missing from
// the snapshot get what the ARN says.
func userByARN(a *snapshot.Account, arn string) *xmlUser {
	for _, u := range a.Users {
		if u.ARN == arn {
			return &xmlUser{Path: orSlash(u.Path), UserName: u.Name, UserId: entityID(u.ID, "AIDA", u.ARN), Arn: u.ARN, CreateDate: ts(u.CreatedAt)}
		}
	}
	name, path := nameAndPath(arn, ":user/")
	if strings.HasSuffix(arn, ":root") {
		name, path = "", ""
	}
	return &xmlUser{Path: path, UserName: name, UserId: a.ID, Arn: arn, CreateDate: ts(time.Unix(0, 0))}
}

func listOpenIDConnectProviders(s *Server, c *call) (any, *apiError) {
	type entry struct {
		Arn string `xml:"Arn"`
	}
	var out []entry
	for _, p := range c.acct.OIDCProviders {
		out = append(out, entry{p.ARN})
	}
	return struct {
		OpenIDConnectProviderList []entry `xml:"OpenIDConnectProviderList>member"`
	}{out}, nil
}

func getOpenIDConnectProvider(s *Server, c *call) (any, *apiError) {
	arn := c.form.Get("OpenIDConnectProviderArn")
	for _, p := range c.acct.OIDCProviders {
		if p.ARN != arn {
			continue
		}
		return struct {
			Url            string   `xml:"Url"`
			ClientIDList   []string `xml:"ClientIDList>member"`
			ThumbprintList []string `xml:"ThumbprintList>member"`
			CreateDate     string   `xml:"CreateDate,omitempty"`
			Tags           []xmlTag `xml:"Tags>member"`
		}{p.Host(), p.ClientIDs, p.Thumbprints, tsp(p.CreatedAt), tags(p.Tags)}, nil
	}
	return nil, noSuchEntity("OpenIDConnect Provider not found for arn " + arn)
}

func listSAMLProviders(s *Server, c *call) (any, *apiError) {
	type entry struct {
		Arn        string `xml:"Arn"`
		ValidUntil string `xml:"ValidUntil,omitempty"`
		CreateDate string `xml:"CreateDate,omitempty"`
	}
	var out []entry
	for _, p := range c.acct.SAMLProviders {
		out = append(out, entry{p.ARN, tsp(p.ValidUntil), tsp(p.CreatedAt)})
	}
	return struct {
		SAMLProviderList []entry `xml:"SAMLProviderList>member"`
	}{out}, nil
}

func listServerCertificates(s *Server, c *call) (any, *apiError) {
	type entry struct {
		Path                  string `xml:"Path"`
		ServerCertificateName string `xml:"ServerCertificateName"`
		ServerCertificateId   string `xml:"ServerCertificateId"`
		Arn                   string `xml:"Arn"`
		UploadDate            string `xml:"UploadDate,omitempty"`
		Expiration            string `xml:"Expiration,omitempty"`
	}
	page, paging, e := iamPage(c, c.acct.ServerCertificates)
	if e != nil {
		return nil, e
	}
	var out []entry
	for _, sc := range page {
		out = append(out, entry{orSlash(sc.Path), sc.Name, entityID(sc.ID, "ASCA", sc.ARN), sc.ARN, tsp(sc.UploadedAt), tsp(sc.Expiration)})
	}
	return struct {
		ServerCertificateMetadataList []entry `xml:"ServerCertificateMetadataList>member"`
		iamPaging
	}{out, paging}, nil
}

func listAccountAliases(s *Server, c *call) (any, *apiError) {
	var aliases []string
	if c.acct.Alias != "" {
		aliases = []string{c.acct.Alias}
	}
	return struct {
		AccountAliases []string `xml:"AccountAliases>member"`
		iamPaging
	}{aliases, iamPaging{}}, nil
}

func listSSHPublicKeys(s *Server, c *call) (any, *apiError) {
	type entry struct {
		UserName       string `xml:"UserName"`
		SSHPublicKeyId string `xml:"SSHPublicKeyId"`
		Status         string `xml:"Status"`
		UploadDate     string `xml:"UploadDate"`
	}
	u, e := c.user()
	if e != nil {
		return nil, e
	}
	page, paging, e := iamPage(c, u.SSHKeys)
	if e != nil {
		return nil, e
	}
	var out []entry
	for _, k := range page {
		out = append(out, entry{u.Name, k.ID, k.Status, dateOrCreated(k.UploadedAt, u)})
	}
	return struct {
		SSHPublicKeys []entry `xml:"SSHPublicKeys>member"`
		iamPaging
	}{out, paging}, nil
}

// dateOrCreated fills a required date the snapshot lacks with the user's
// creation time.
func dateOrCreated(t *time.Time, u *snapshot.User) string {
	if t == nil || t.IsZero() {
		return ts(u.CreatedAt)
	}
	return ts(*t)
}

func listServiceSpecificCredentials(s *Server, c *call) (any, *apiError) {
	type entry struct {
		UserName                    string `xml:"UserName"`
		Status                      string `xml:"Status"`
		ServiceUserName             string `xml:"ServiceUserName"`
		CreateDate                  string `xml:"CreateDate"`
		ServiceSpecificCredentialId string `xml:"ServiceSpecificCredentialId"`
		ServiceName                 string `xml:"ServiceName"`
	}
	// AllUsers=true lists every user's credentials in one call, as the
	// real API does; otherwise one user's (the caller's when unnamed).
	users := c.acct.Users
	if c.form.Get("AllUsers") != "true" {
		u, e := c.user()
		if e != nil {
			return nil, e
		}
		users = []*snapshot.User{u}
	}
	service := c.form.Get("ServiceName")
	type owned struct {
		user *snapshot.User
		cred snapshot.ServiceCredential
	}
	var creds []owned
	for _, u := range users {
		for _, sc := range u.ServiceCredentials {
			if service == "" || sc.ServiceName == service {
				creds = append(creds, owned{u, sc})
			}
		}
	}
	page, paging, e := iamPage(c, creds)
	if e != nil {
		return nil, e
	}
	var out []entry
	for _, o := range page {
		out = append(out, entry{o.user.Name, o.cred.Status, o.user.Name + "-at-" + c.acct.ID, dateOrCreated(o.cred.CreatedAt, o.user), o.cred.ID, o.cred.ServiceName})
	}
	return struct {
		ServiceSpecificCredentials []entry `xml:"ServiceSpecificCredentials>member"`
		iamPaging
	}{out, paging}, nil
}

func listOrganizationsFeatures(s *Server, c *call) (any, *apiError) {
	org := s.snap.Organization
	if org == nil {
		return nil, &apiError{Status: 400, Code: "OrganizationNotFoundException",
			Message: "The request was rejected because no organization is associated with your account."}
	}
	return struct {
		OrganizationId  string   `xml:"OrganizationId"`
		EnabledFeatures []string `xml:"EnabledFeatures>member"`
	}{org.ID, c.acct.OrganizationsFeatures}, nil
}
