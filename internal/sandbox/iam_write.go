package sandbox

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// The IAM write APIs that remediation plans use. Each changes the served
// snapshot the way AWS changes an account, with AWS's refusals
// (NoSuchEntity, DeleteConflict, EntityAlreadyExists, MalformedPolicyDocument),
// so every later read — the credential report and authorization details
// included — sees the change. ServeHTTP runs writes under the state lock.
var iamWriteHandlers = map[string]handler{
	"UpdateAccessKey":                 updateAccessKey,
	"DeleteAccessKey":                 deleteAccessKey,
	"DeleteLoginProfile":              deleteLoginProfile,
	"CreateLoginProfile":              createLoginProfile,
	"UpdateSigningCertificate":        updateSigningCertificate,
	"DeleteSigningCertificate":        deleteSigningCertificate,
	"DeleteSSHPublicKey":              deleteSSHPublicKey,
	"DeleteServiceSpecificCredential": deleteServiceSpecificCredential,
	"DeactivateMFADevice":             deactivateMFADevice,
	"DeleteVirtualMFADevice":          deleteVirtualMFADevice,
	"RemoveUserFromGroup":             removeUserFromGroup,
	"AddUserToGroup":                  addUserToGroup,
	"DetachUserPolicy":                detachPolicy("user"),
	"AttachUserPolicy":                attachPolicy("user"),
	"DetachGroupPolicy":               detachPolicy("group"),
	"AttachGroupPolicy":               attachPolicy("group"),
	"DetachRolePolicy":                detachPolicy("role"),
	"AttachRolePolicy":                attachPolicy("role"),
	"DeleteUserPolicy":                deleteUserPolicy,
	"DeleteUserPermissionsBoundary":   deleteUserPermissionsBoundary,
	"DeleteUser":                      deleteUser,
	"DeleteGroup":                     deleteGroup,
	"DeleteRole":                      deleteRole,
	"DeleteOpenIDConnectProvider":     deleteOpenIDConnectProvider,
	"DeleteServerCertificate":         deleteServerCertificate,
	"UpdateAssumeRolePolicy":          updateAssumeRolePolicy,
	"UpdateAccountPasswordPolicy":     updateAccountPasswordPolicy,
	"DeleteAccountPasswordPolicy":     deleteAccountPasswordPolicy,
	"PutUserPolicy":                   putInline("user"),
	"PutGroupPolicy":                  putInline("group"),
	"PutRolePolicy":                   putInline("role"),
	"DeleteGroupPolicy":               deleteInline("group"),
	"DeleteRolePolicy":                deleteInline("role"),
	"PutUserPermissionsBoundary":      putUserPermissionsBoundary,
	"RemoveRoleFromInstanceProfile":   removeRoleFromInstanceProfile,
}

func init() {
	for k, h := range iamWriteHandlers {
		iamHandlers[k] = h
	}
}

// isWrite reports whether an action changes state (run under the write lock).
func isWrite(service, action string) bool {
	if service != svcIAM {
		return otherWrites[service+":"+action] // sso_write.go, identitystore_write.go
	}
	_, ok := iamWriteHandlers[action]
	return ok
}

func (c *call) required(name string) (string, *apiError) {
	v := c.form.Get(name)
	if v == "" {
		return "", c.validation("1 validation error detected: Value null at '" + lowerFirst(name) + "' failed to satisfy constraint: Member must not be null")
	}
	return v, nil
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func deleteConflict(msg string) *apiError {
	return &apiError{Status: 409, Code: "DeleteConflict", Message: msg}
}

// now is the time writes record: the account's reference time, so that a
// served snapshot stays consistent with the rules' clock.
func (s *Server) now(a *snapshot.Account) *time.Time {
	t := s.snap.ReferenceTime(a)
	if t.IsZero() {
		t = time.Now().UTC()
	}
	return &t
}

func findKey(u *snapshot.User, id string) int {
	for i, k := range u.AccessKeys {
		if keyID(u, i, k) == id {
			return i
		}
	}
	return -1
}

func updateAccessKey(s *Server, c *call) (any, *apiError) {
	u, e := c.user()
	if e != nil {
		return nil, e
	}
	id, e := c.required("AccessKeyId")
	if e != nil {
		return nil, e
	}
	status, e := c.required("Status")
	if e != nil {
		return nil, e
	}
	if status != snapshot.StatusActive && status != snapshot.StatusInactive {
		return nil, c.validation("Status must be Active or Inactive")
	}
	i := findKey(u, id)
	if i < 0 {
		return nil, noSuchEntity("The Access Key with id " + id + " cannot be found.")
	}
	u.AccessKeys[i].Status = status
	return nil, nil
}

func deleteAccessKey(s *Server, c *call) (any, *apiError) {
	u, e := c.user()
	if e != nil {
		return nil, e
	}
	id, e := c.required("AccessKeyId")
	if e != nil {
		return nil, e
	}
	i := findKey(u, id)
	if i < 0 {
		return nil, noSuchEntity("The Access Key with id " + id + " cannot be found.")
	}
	u.AccessKeys = slices.Delete(u.AccessKeys, i, i+1)
	return nil, nil
}

func deleteLoginProfile(s *Server, c *call) (any, *apiError) {
	u, e := c.user()
	if e != nil {
		return nil, e
	}
	if !u.HasConsolePassword() {
		return nil, noSuchEntity("Login Profile for User " + u.Name + " cannot be found.")
	}
	u.Password = &snapshot.Password{Enabled: false}
	return nil, nil
}

func createLoginProfile(s *Server, c *call) (any, *apiError) {
	u, e := c.user()
	if e != nil {
		return nil, e
	}
	if _, e := c.required("Password"); e != nil {
		return nil, e
	}
	if u.HasConsolePassword() {
		return nil, &apiError{Status: 409, Code: "EntityAlreadyExists", Message: "Login Profile for user " + u.Name + " already exists."}
	}
	now := s.now(c.acct)
	u.Password = &snapshot.Password{Enabled: true, LastChanged: now}
	return struct {
		LoginProfile struct {
			UserName              string `xml:"UserName"`
			CreateDate            string `xml:"CreateDate"`
			PasswordResetRequired bool   `xml:"PasswordResetRequired"`
		} `xml:"LoginProfile"`
	}{struct {
		UserName              string `xml:"UserName"`
		CreateDate            string `xml:"CreateDate"`
		PasswordResetRequired bool   `xml:"PasswordResetRequired"`
	}{u.Name, ts(*now), c.form.Get("PasswordResetRequired") == "true"}}, nil
}

// userItem finds the item of UserName's list (keys, certificates, MFA
// devices) that the call's param names: the user and the item's position,
// or AWS's NoSuchEntity in the words notFound gives for that list.
func userItem[T any](c *call, param string, list func(*snapshot.User) []T, id func(T) string, notFound func(string) string) (*snapshot.User, int, *apiError) {
	u, e := c.user()
	if e != nil {
		return nil, 0, e
	}
	want, e := c.required(param)
	if e != nil {
		return nil, 0, e
	}
	i := slices.IndexFunc(list(u), func(x T) bool { return id(x) == want })
	if i < 0 {
		return nil, 0, noSuchEntity(notFound(want))
	}
	return u, i, nil
}

// signingCert is CertificateId's signing certificate of UserName.
func signingCert(c *call) (*snapshot.User, int, *apiError) {
	return userItem(c, "CertificateId", func(u *snapshot.User) []snapshot.SigningCert { return u.SigningCertificates },
		func(x snapshot.SigningCert) string { return x.ID }, func(id string) string { return "The Certificate with id " + id + " cannot be found." })
}

func updateSigningCertificate(s *Server, c *call) (any, *apiError) {
	u, i, e := signingCert(c)
	if e != nil {
		return nil, e
	}
	status, e := c.required("Status")
	if e != nil {
		return nil, e
	}
	u.SigningCertificates[i].Status = status
	return nil, nil
}

func deleteSigningCertificate(s *Server, c *call) (any, *apiError) {
	u, i, e := signingCert(c)
	if e != nil {
		return nil, e
	}
	u.SigningCertificates = slices.Delete(u.SigningCertificates, i, i+1)
	return nil, nil
}

func deleteSSHPublicKey(s *Server, c *call) (any, *apiError) {
	u, i, e := userItem(c, "SSHPublicKeyId", func(u *snapshot.User) []snapshot.SSHKey { return u.SSHKeys },
		func(x snapshot.SSHKey) string { return x.ID }, func(id string) string { return "The Public Key with id " + id + " cannot be found." })
	if e != nil {
		return nil, e
	}
	u.SSHKeys = slices.Delete(u.SSHKeys, i, i+1)
	return nil, nil
}

func deleteServiceSpecificCredential(s *Server, c *call) (any, *apiError) {
	u, i, e := userItem(c, "ServiceSpecificCredentialId", func(u *snapshot.User) []snapshot.ServiceCredential { return u.ServiceCredentials },
		func(x snapshot.ServiceCredential) string { return x.ID }, func(id string) string { return "No such credential " + id + "." })
	if e != nil {
		return nil, e
	}
	u.ServiceCredentials = slices.Delete(u.ServiceCredentials, i, i+1)
	return nil, nil
}

func deactivateMFADevice(s *Server, c *call) (any, *apiError) {
	u, i, e := userItem(c, "SerialNumber", func(u *snapshot.User) []snapshot.MFADevice { return u.MFADevices },
		func(d snapshot.MFADevice) string { return d.Serial }, func(serial string) string { return "MFA Device with serial number " + serial + " does not exist." })
	if e != nil {
		return nil, e
	}
	serial := u.MFADevices[i].Serial
	u.MFADevices = slices.Delete(u.MFADevices, i, i+1)
	if u.MFAActive != nil {
		active := len(u.MFADevices) > 0
		u.MFAActive = &active
	}
	for k := range c.acct.VirtualMFADevices {
		if c.acct.VirtualMFADevices[k].Serial == serial {
			c.acct.VirtualMFADevices[k].UserARN = ""
			c.acct.VirtualMFADevices[k].EnabledAt = nil
		}
	}
	return nil, nil
}

func deleteVirtualMFADevice(s *Server, c *call) (any, *apiError) {
	serial, e := c.required("SerialNumber")
	if e != nil {
		return nil, e
	}
	i := slices.IndexFunc(c.acct.VirtualMFADevices, func(d snapshot.VirtualMFADevice) bool { return d.Serial == serial })
	if i < 0 {
		return nil, noSuchEntity("VirtualMFADevice with serial number " + serial + " doesn't exist.")
	}
	if c.acct.VirtualMFADevices[i].UserARN != "" {
		return nil, deleteConflict("MFA Device is still in use.")
	}
	c.acct.VirtualMFADevices = slices.Delete(c.acct.VirtualMFADevices, i, i+1)
	return nil, nil
}

func (c *call) group() (*snapshot.Group, *apiError) {
	name, e := c.required("GroupName")
	if e != nil {
		return nil, e
	}
	if g := c.acct.Group(name); g != nil {
		return g, nil
	}
	return nil, noSuchEntity("The group with name " + name + " cannot be found.")
}

func (c *call) role() (*snapshot.Role, *apiError) {
	name, e := c.required("RoleName")
	if e != nil {
		return nil, e
	}
	if r := c.acct.Role(name); r != nil {
		return r, nil
	}
	return nil, noSuchEntity("The role with name " + name + " cannot be found.")
}

func removeUserFromGroup(s *Server, c *call) (any, *apiError) {
	g, e := c.group()
	if e != nil {
		return nil, e
	}
	u, e := c.user()
	if e != nil {
		return nil, e
	}
	i := slices.Index(u.Groups, g.Name)
	if i < 0 {
		return nil, noSuchEntity("The user with name " + u.Name + " cannot be found in group " + g.Name + ".")
	}
	u.Groups = slices.Delete(u.Groups, i, i+1)
	return nil, nil
}

func addUserToGroup(s *Server, c *call) (any, *apiError) {
	g, e := c.group()
	if e != nil {
		return nil, e
	}
	u, e := c.user()
	if e != nil {
		return nil, e
	}
	if !slices.Contains(u.Groups, g.Name) {
		u.Groups = append(u.Groups, g.Name)
	}
	return nil, nil
}

// policyLists returns the attached and inline policy lists of the user,
// group or role the call names (kind "user", "group" or "role").
func (c *call) policyLists(kind string) (*[]snapshot.PolicyRef, *[]snapshot.InlinePolicy, *apiError) {
	switch kind {
	case "user":
		u, e := c.user()
		if e != nil {
			return nil, nil, e
		}
		return &u.AttachedPolicies, &u.InlinePolicies, nil
	case "group":
		g, e := c.group()
		if e != nil {
			return nil, nil, e
		}
		return &g.AttachedPolicies, &g.InlinePolicies, nil
	default:
		r, e := c.role()
		if e != nil {
			return nil, nil, e
		}
		return &r.AttachedPolicies, &r.InlinePolicies, nil
	}
}

// attachments returns the attached-policy list of the named principal.
func (c *call) attachments(kind string) (*[]snapshot.PolicyRef, *apiError) {
	list, _, e := c.policyLists(kind)
	return list, e
}

func detachPolicy(kind string) handler {
	return func(s *Server, c *call) (any, *apiError) {
		list, e := c.attachments(kind)
		if e != nil {
			return nil, e
		}
		arn, e := c.required("PolicyArn")
		if e != nil {
			return nil, e
		}
		i := slices.IndexFunc(*list, func(p snapshot.PolicyRef) bool { return p.ARN == arn })
		if i < 0 {
			return nil, noSuchEntity("Policy " + arn + " was not found.")
		}
		*list = slices.Delete(*list, i, i+1)
		if p := c.acct.Policy(arn); p != nil && p.AttachmentCount > 0 {
			p.AttachmentCount--
		}
		return nil, nil
	}
}

func attachPolicy(kind string) handler {
	return func(s *Server, c *call) (any, *apiError) {
		list, e := c.attachments(kind)
		if e != nil {
			return nil, e
		}
		arn, e := c.required("PolicyArn")
		if e != nil {
			return nil, e
		}
		p := c.acct.Policy(arn)
		if p == nil {
			return nil, noSuchEntity("Policy " + arn + " does not exist or is not attachable.")
		}
		if slices.ContainsFunc(*list, func(r snapshot.PolicyRef) bool { return r.ARN == arn }) {
			return nil, nil
		}
		*list = append(*list, snapshot.PolicyRef{Name: p.Name, ARN: arn})
		p.AttachmentCount++
		return nil, nil
	}
}

func deleteUserPolicy(s *Server, c *call) (any, *apiError) {
	u, e := c.user()
	if e != nil {
		return nil, e
	}
	name, e := c.required("PolicyName")
	if e != nil {
		return nil, e
	}
	i := slices.IndexFunc(u.InlinePolicies, func(p snapshot.InlinePolicy) bool { return p.Name == name })
	if i < 0 {
		return nil, noSuchEntity("The user policy with name " + name + " cannot be found.")
	}
	u.InlinePolicies = slices.Delete(u.InlinePolicies, i, i+1)
	return nil, nil
}

func deleteUserPermissionsBoundary(s *Server, c *call) (any, *apiError) {
	u, e := c.user()
	if e != nil {
		return nil, e
	}
	if u.PermissionsBoundary == nil {
		return nil, noSuchEntity("The user " + u.Name + " has no permissions boundary.")
	}
	if p := c.acct.Policy(u.PermissionsBoundary.ARN); p != nil && p.PermissionsBoundaryUsageCount > 0 {
		p.PermissionsBoundaryUsageCount--
	}
	u.PermissionsBoundary = nil
	return nil, nil
}

// deleteUser refuses, like AWS, while the user still has any of the
// subordinate entities that must be removed first.
func deleteUser(s *Server, c *call) (any, *apiError) {
	u, e := c.user()
	if e != nil {
		return nil, e
	}
	var left []string
	if u.HasConsolePassword() {
		left = append(left, "login profile")
	}
	if len(u.AccessKeys) > 0 {
		left = append(left, "access keys")
	}
	if len(u.SigningCertificates) > 0 {
		left = append(left, "signing certificates")
	}
	if len(u.SSHKeys) > 0 {
		left = append(left, "SSH public keys")
	}
	if len(u.ServiceCredentials) > 0 {
		left = append(left, "service-specific credentials")
	}
	if len(u.MFADevices) > 0 {
		left = append(left, "MFA devices")
	}
	if len(u.Groups) > 0 {
		left = append(left, "group memberships")
	}
	if len(u.AttachedPolicies) > 0 || len(u.InlinePolicies) > 0 {
		left = append(left, "policies")
	}
	if len(left) > 0 {
		return nil, deleteConflict("Cannot delete entity, must remove " + strings.Join(left, ", ") + " first.")
	}
	if u.PermissionsBoundary != nil {
		if p := c.acct.Policy(u.PermissionsBoundary.ARN); p != nil && p.PermissionsBoundaryUsageCount > 0 {
			p.PermissionsBoundaryUsageCount--
		}
	}
	c.acct.Users = slices.DeleteFunc(c.acct.Users, func(x *snapshot.User) bool { return x == u })
	adjustSummary(c.acct, "Users", -1)
	return nil, nil
}

func deleteGroup(s *Server, c *call) (any, *apiError) {
	g, e := c.group()
	if e != nil {
		return nil, e
	}
	for _, u := range c.acct.Users {
		if slices.Contains(u.Groups, g.Name) {
			return nil, deleteConflict("Cannot delete entity, must remove users from group first.")
		}
	}
	if len(g.AttachedPolicies) > 0 || len(g.InlinePolicies) > 0 {
		return nil, deleteConflict("Cannot delete entity, must delete policies first.")
	}
	c.acct.Groups = slices.DeleteFunc(c.acct.Groups, func(x *snapshot.Group) bool { return x == g })
	adjustSummary(c.acct, "Groups", -1)
	return nil, nil
}

func deleteRole(s *Server, c *call) (any, *apiError) {
	r, e := c.role()
	if e != nil {
		return nil, e
	}
	if r.ServiceLinked() {
		return nil, &apiError{Status: 400, Code: "UnmodifiableEntity", Message: "Cannot perform the operation on the protected role '" + r.Name + "' - this role is only modifiable by AWS"}
	}
	if len(r.AttachedPolicies) > 0 || len(r.InlinePolicies) > 0 {
		return nil, deleteConflict("Cannot delete entity, must detach all policies first.")
	}
	if len(r.InstanceProfiles) > 0 {
		return nil, deleteConflict("Cannot delete entity, must remove roles from instance profile first.")
	}
	c.acct.Roles = slices.DeleteFunc(c.acct.Roles, func(x *snapshot.Role) bool { return x == r })
	adjustSummary(c.acct, "Roles", -1)
	return nil, nil
}

func deleteOpenIDConnectProvider(s *Server, c *call) (any, *apiError) {
	arn, e := c.required("OpenIDConnectProviderArn")
	if e != nil {
		return nil, e
	}
	i := slices.IndexFunc(c.acct.OIDCProviders, func(p snapshot.OIDCProvider) bool { return p.ARN == arn })
	if i < 0 {
		return nil, noSuchEntity("OpenIDConnect Provider not found for arn " + arn)
	}
	c.acct.OIDCProviders = slices.Delete(c.acct.OIDCProviders, i, i+1)
	adjustSummary(c.acct, "Providers", -1)
	return nil, nil
}

func deleteServerCertificate(s *Server, c *call) (any, *apiError) {
	name, e := c.required("ServerCertificateName")
	if e != nil {
		return nil, e
	}
	i := slices.IndexFunc(c.acct.ServerCertificates, func(p snapshot.ServerCertificate) bool { return p.Name == name })
	if i < 0 {
		return nil, noSuchEntity("The Server Certificate with name " + name + " cannot be found.")
	}
	c.acct.ServerCertificates = slices.Delete(c.acct.ServerCertificates, i, i+1)
	adjustSummary(c.acct, "ServerCertificates", -1)
	return nil, nil
}

func updateAssumeRolePolicy(s *Server, c *call) (any, *apiError) {
	r, e := c.role()
	if e != nil {
		return nil, e
	}
	doc, e := c.required("PolicyDocument")
	if e != nil {
		return nil, e
	}
	var v map[string]any
	if json.Unmarshal([]byte(doc), &v) != nil {
		return nil, &apiError{Status: 400, Code: "MalformedPolicyDocument", Message: "This policy contains invalid Json"}
	}
	if r.ServiceLinked() {
		return nil, &apiError{Status: 400, Code: "UnmodifiableEntity", Message: "Cannot perform the operation on the protected role '" + r.Name + "' - this role is only modifiable by AWS"}
	}
	r.TrustPolicy = snapshot.RawJSON(doc)
	return nil, nil
}

func updateAccountPasswordPolicy(s *Server, c *call) (any, *apiError) {
	num := func(name string, def int) (int, *apiError) {
		v := c.form.Get(name)
		if v == "" {
			return def, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, c.validation(name + " must be a number")
		}
		return n, nil
	}
	flag := func(name string) bool { return c.form.Get(name) == "true" }
	p := snapshot.PasswordPolicy{
		RequireSymbols: flag("RequireSymbols"), RequireNumbers: flag("RequireNumbers"),
		RequireUppercaseCharacters: flag("RequireUppercaseCharacters"), RequireLowercaseCharacters: flag("RequireLowercaseCharacters"),
		AllowUsersToChangePassword: flag("AllowUsersToChangePassword"), HardExpiry: flag("HardExpiry"),
	}
	var e *apiError
	if p.MinimumPasswordLength, e = num("MinimumPasswordLength", 6); e != nil {
		return nil, e
	}
	if p.MinimumPasswordLength < 6 || p.MinimumPasswordLength > 128 {
		return nil, c.validation("MinimumPasswordLength must be between 6 and 128")
	}
	if p.MaxPasswordAge, e = num("MaxPasswordAge", 0); e != nil {
		return nil, e
	}
	if p.PasswordReusePrevention, e = num("PasswordReusePrevention", 0); e != nil {
		return nil, e
	}
	if p.MaxPasswordAge < 0 || p.MaxPasswordAge > 1095 || p.PasswordReusePrevention < 0 || p.PasswordReusePrevention > 24 {
		return nil, c.validation("MaxPasswordAge must be 1-1095 and PasswordReusePrevention 1-24")
	}
	p.ExpirePasswords = p.MaxPasswordAge > 0
	c.acct.PasswordPolicy = &p
	return nil, nil
}

func adjustSummary(a *snapshot.Account, key string, d int) {
	if a.Summary == nil {
		return
	}
	if n, ok := a.Summary[key]; ok && n+d >= 0 {
		a.Summary[key] = n + d
	}
}

func deleteAccountPasswordPolicy(s *Server, c *call) (any, *apiError) {
	if c.acct.PasswordPolicy == nil {
		return nil, noSuchEntity("The Password Policy with domain name " + c.acct.ID + " cannot be found.")
	}
	c.acct.PasswordPolicy = nil
	return nil, nil
}

// inlineList returns the inline-policy list of the named principal.
func (c *call) inlineList(kind string) (*[]snapshot.InlinePolicy, *apiError) {
	_, list, e := c.policyLists(kind)
	return list, e
}

func putInline(kind string) handler {
	return func(s *Server, c *call) (any, *apiError) {
		list, e := c.inlineList(kind)
		if e != nil {
			return nil, e
		}
		name, e := c.required("PolicyName")
		if e != nil {
			return nil, e
		}
		doc, e := c.required("PolicyDocument")
		if e != nil {
			return nil, e
		}
		var v map[string]any
		if json.Unmarshal([]byte(doc), &v) != nil {
			return nil, &apiError{Status: 400, Code: "MalformedPolicyDocument", Message: "This policy contains invalid Json"}
		}
		for i := range *list {
			if (*list)[i].Name == name {
				(*list)[i].Document = snapshot.RawJSON(doc)
				return nil, nil
			}
		}
		*list = append(*list, snapshot.InlinePolicy{Name: name, Document: snapshot.RawJSON(doc)})
		return nil, nil
	}
}

func deleteInline(kind string) handler {
	return func(s *Server, c *call) (any, *apiError) {
		list, e := c.inlineList(kind)
		if e != nil {
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
		*list = slices.Delete(*list, i, i+1)
		return nil, nil
	}
}

func putUserPermissionsBoundary(s *Server, c *call) (any, *apiError) {
	u, e := c.user()
	if e != nil {
		return nil, e
	}
	arn, e := c.required("PermissionsBoundary")
	if e != nil {
		return nil, e
	}
	p := c.acct.Policy(arn)
	if p == nil {
		return nil, noSuchEntity("Policy " + arn + " does not exist.")
	}
	u.PermissionsBoundary = &snapshot.PolicyRef{Name: p.Name, ARN: arn}
	p.PermissionsBoundaryUsageCount++
	return nil, nil
}

func removeRoleFromInstanceProfile(s *Server, c *call) (any, *apiError) {
	r, e := c.role()
	if e != nil {
		return nil, e
	}
	name, e := c.required("InstanceProfileName")
	if e != nil {
		return nil, e
	}
	// The snapshot keeps instance profile ARNs; the API names profiles.
	i := slices.IndexFunc(r.InstanceProfiles, func(ip string) bool { return ip == name || strings.HasSuffix(ip, "/"+name) })
	if i < 0 {
		return nil, noSuchEntity("Instance profile " + name + " does not hold role " + r.Name + ".")
	}
	r.InstanceProfiles = slices.Delete(r.InstanceProfiles, i, i+1)
	return nil, nil
}
