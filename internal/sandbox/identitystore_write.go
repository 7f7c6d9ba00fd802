package sandbox

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// The Identity Store writes that `iamspect migrate identity-center` plans,
// with AWS's validation: user names of 1–128 characters unique in the store
// (not "Administrator" or "AWSAdministrators", which AWS reserves), a
// display name and a given and family name (the Identity Center directory
// requires them), at most one e-mail address; group display names of
// 1–1024 characters unique in the store; memberships only of existing users
// in existing groups, once.

var identityStoreWriteHandlers = map[string]handler{
	"CreateUser":            createDirectoryUser,
	"DeleteUser":            deleteDirectoryUser,
	"CreateGroup":           createDirectoryGroup,
	"DeleteGroup":           deleteDirectoryGroup,
	"CreateGroupMembership": createGroupMembership,
	"DeleteGroupMembership": deleteGroupMembership,
}

func init() {
	for k, h := range identityStoreWriteHandlers {
		identityStoreHandlers[k] = h
		otherWrites[svcIdentityStore+":"+k] = true
		otherActions[svcIdentityStore+":"+k] = "a write that migrate identity-center plans make (identitystore_write.go): it changes the served state"
	}
}

type storeWriteRequest struct {
	IdentityStoreId string
	UserName        string
	DisplayName     string
	Description     string
	Name            *struct{ GivenName, FamilyName, Formatted string }
	Emails          []struct {
		Value   string
		Type    string
		Primary bool
	}
	UserId       string
	GroupId      string
	MembershipId string
	MemberId     struct{ UserId string }
}

var emailRe = regexp.MustCompile(`^[^@\s]+@[^@\s]+$`)

// writableStore decodes a write and finds the store's (served) Identity
// Center.
func writableStore(c *call, in *storeWriteRequest) (*snapshot.IdentityCenter, *apiError) {
	if e := c.decodeJSON(in); e != nil {
		return nil, e
	}
	if ic := c.acct.IdentityCenter; ic != nil {
		for _, inst := range ic.Instances {
			if inst.IdentityStoreID == in.IdentityStoreId && in.IdentityStoreId != "" {
				return ic, nil
			}
		}
	}
	return nil, &apiError{Status: 400, Code: "ResourceNotFoundException", Message: "Identity store " + in.IdentityStoreId + " not found"}
}

func storeConflict(msg string) *apiError {
	return &apiError{Status: 400, Code: "ConflictException", Message: msg}
}

// uuidFrom is a UUID-shaped identifier derived from its parts.
func uuidFrom(prefix string, parts ...string) string {
	h := idHash(32, parts...)
	return prefix + h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func createDirectoryUser(s *Server, c *call) (any, *apiError) {
	var in storeWriteRequest
	ic, e := writableStore(c, &in)
	if e != nil {
		return nil, e
	}
	n := utf8.RuneCountInString(in.UserName)
	switch {
	case n == 0 || n > 128 || strings.TrimSpace(in.UserName) != in.UserName:
		return nil, c.validation("1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must have length between 1 and 128 and no leading or trailing spaces")
	case strings.EqualFold(in.UserName, "Administrator") || strings.EqualFold(in.UserName, "AWSAdministrators"):
		return nil, c.validation("The user name " + in.UserName + " is reserved")
	case in.DisplayName == "" || utf8.RuneCountInString(in.DisplayName) > 1024:
		return nil, c.validation("DisplayName is required and must have at most 1024 characters")
	case in.Name == nil || in.Name.GivenName == "" || in.Name.FamilyName == "":
		return nil, c.validation("Name.GivenName and Name.FamilyName are required")
	case len(in.Emails) > 1:
		return nil, c.validation("A user can have at most one e-mail address")
	}
	for _, em := range in.Emails {
		if !emailRe.MatchString(em.Value) {
			return nil, c.validation("The e-mail address " + em.Value + " is not valid")
		}
	}
	for _, u := range ic.Users {
		if strings.EqualFold(u.UserName, in.UserName) {
			return nil, storeConflict("Duplicate UserName: a user named " + in.UserName + " already exists (UNIQUENESS_CONSTRAINT_VIOLATION)")
		}
	}
	id := uuidFrom("9067", in.IdentityStoreId, "user", strings.ToLower(in.UserName))
	ic.Users = append(ic.Users, snapshot.DirectoryUser{ID: id, UserName: in.UserName, DisplayName: in.DisplayName})
	return map[string]any{"UserId": id, "IdentityStoreId": in.IdentityStoreId}, nil
}

func deleteDirectoryUser(s *Server, c *call) (any, *apiError) {
	var in storeWriteRequest
	ic, e := writableStore(c, &in)
	if e != nil {
		return nil, e
	}
	i := slices.IndexFunc(ic.Users, func(u snapshot.DirectoryUser) bool { return u.ID == in.UserId })
	if i < 0 {
		return nil, ssoNotFound("User " + in.UserId + " not found")
	}
	// AWS removes the user's memberships and assignments with the user.
	ic.Users = slices.Delete(ic.Users, i, i+1)
	ic.Memberships = slices.DeleteFunc(ic.Memberships, func(m snapshot.GroupMembership) bool { return m.UserID == in.UserId })
	ic.Assignments = slices.DeleteFunc(ic.Assignments, func(a snapshot.AccountAssignment) bool {
		return a.PrincipalType == "USER" && a.PrincipalID == in.UserId
	})
	return map[string]any{}, nil
}

func createDirectoryGroup(s *Server, c *call) (any, *apiError) {
	var in storeWriteRequest
	ic, e := writableStore(c, &in)
	if e != nil {
		return nil, e
	}
	if n := utf8.RuneCountInString(in.DisplayName); n == 0 || n > 1024 {
		return nil, c.validation("1 validation error detected: Value at 'displayName' failed to satisfy constraint: Member must have length between 1 and 1024")
	}
	if utf8.RuneCountInString(in.Description) > 1024 {
		return nil, c.validation("Description must have at most 1024 characters")
	}
	for _, g := range ic.Groups {
		if g.DisplayName == in.DisplayName {
			return nil, storeConflict("Duplicate GroupDisplayName: a group named " + in.DisplayName + " already exists (UNIQUENESS_CONSTRAINT_VIOLATION)")
		}
	}
	id := uuidFrom("9067", in.IdentityStoreId, "group", in.DisplayName)
	ic.Groups = append(ic.Groups, snapshot.DirectoryGroup{ID: id, DisplayName: in.DisplayName})
	return map[string]any{"GroupId": id, "IdentityStoreId": in.IdentityStoreId}, nil
}

func deleteDirectoryGroup(s *Server, c *call) (any, *apiError) {
	var in storeWriteRequest
	ic, e := writableStore(c, &in)
	if e != nil {
		return nil, e
	}
	i := slices.IndexFunc(ic.Groups, func(g snapshot.DirectoryGroup) bool { return g.ID == in.GroupId })
	if i < 0 {
		return nil, ssoNotFound("Group " + in.GroupId + " not found")
	}
	ic.Groups = slices.Delete(ic.Groups, i, i+1)
	ic.Memberships = slices.DeleteFunc(ic.Memberships, func(m snapshot.GroupMembership) bool { return m.GroupID == in.GroupId })
	ic.Assignments = slices.DeleteFunc(ic.Assignments, func(a snapshot.AccountAssignment) bool {
		return a.PrincipalType == "GROUP" && a.PrincipalID == in.GroupId
	})
	return map[string]any{}, nil
}

// membershipID is the ID the sandbox gives a membership (the reads give
// the same).
func membershipID(m snapshot.GroupMembership) string { return "m-" + m.GroupID + "-" + m.UserID }

func createGroupMembership(s *Server, c *call) (any, *apiError) {
	var in storeWriteRequest
	ic, e := writableStore(c, &in)
	if e != nil {
		return nil, e
	}
	if !slices.ContainsFunc(ic.Groups, func(g snapshot.DirectoryGroup) bool { return g.ID == in.GroupId }) {
		return nil, ssoNotFound("Group " + in.GroupId + " not found")
	}
	if !slices.ContainsFunc(ic.Users, func(u snapshot.DirectoryUser) bool { return u.ID == in.MemberId.UserId }) {
		return nil, ssoNotFound("User " + in.MemberId.UserId + " not found")
	}
	m := snapshot.GroupMembership{GroupID: in.GroupId, UserID: in.MemberId.UserId}
	if slices.Contains(ic.Memberships, m) {
		return nil, storeConflict("Member " + m.UserID + " is already in group " + m.GroupID)
	}
	ic.Memberships = append(ic.Memberships, m)
	return map[string]any{"MembershipId": membershipID(m), "IdentityStoreId": in.IdentityStoreId}, nil
}

func deleteGroupMembership(s *Server, c *call) (any, *apiError) {
	var in storeWriteRequest
	ic, e := writableStore(c, &in)
	if e != nil {
		return nil, e
	}
	i := slices.IndexFunc(ic.Memberships, func(m snapshot.GroupMembership) bool { return membershipID(m) == in.MembershipId })
	if i < 0 {
		return nil, ssoNotFound("Membership " + in.MembershipId + " not found")
	}
	ic.Memberships = slices.Delete(ic.Memberships, i, i+1)
	return map[string]any{}, nil
}
