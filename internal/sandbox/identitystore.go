package sandbox

import (
	"github.com/iamspect/iamspect/internal/snapshot"
)

// The Identity Store (JSON 1.1, X-Amz-Target AWSIdentityStore.*), served
// from the caller account's IdentityCenter. The store ID must be one of its
// instances' IdentityStoreId.

var identityStoreHandlers = map[string]handler{
	"ListUsers":                     listDirectoryUsers,
	"ListGroups":                    listDirectoryGroups,
	"ListGroupMemberships":          listGroupMemberships,
	"ListGroupMembershipsForMember": listGroupMembershipsForMember,
}

type storeRequest struct {
	jsonPaging
	IdentityStoreId string
	GroupId         string
	MemberId        struct{ UserId string }
}

func identityStore(c *call, in *storeRequest) (*snapshot.IdentityCenter, *apiError) {
	if e := c.decodeJSON(in); e != nil {
		return nil, e
	}
	ic := identityCenter(c.acct)
	for _, inst := range ic.Instances {
		if inst.IdentityStoreID == in.IdentityStoreId {
			return ic, nil
		}
	}
	return nil, &apiError{Status: 400, Code: "ResourceNotFoundException", Message: "Identity store " + in.IdentityStoreId + " not found"}
}

func listDirectoryUsers(s *Server, c *call) (any, *apiError) {
	var in storeRequest
	ic, e := identityStore(c, &in)
	if e != nil {
		return nil, e
	}
	page, next, e := jsonPage(c, ic.Users, in.jsonPaging)
	if e != nil {
		return nil, e
	}
	out := []map[string]string{}
	for _, u := range page {
		m := map[string]string{"UserId": u.ID, "IdentityStoreId": in.IdentityStoreId, "UserName": u.UserName}
		if u.DisplayName != "" {
			m["DisplayName"] = u.DisplayName
		}
		out = append(out, m)
	}
	return map[string]any{"Users": out, "NextToken": next}, nil
}

func listDirectoryGroups(s *Server, c *call) (any, *apiError) {
	var in storeRequest
	ic, e := identityStore(c, &in)
	if e != nil {
		return nil, e
	}
	page, next, e := jsonPage(c, ic.Groups, in.jsonPaging)
	if e != nil {
		return nil, e
	}
	out := []map[string]string{}
	for _, g := range page {
		out = append(out, map[string]string{"GroupId": g.ID, "IdentityStoreId": in.IdentityStoreId, "DisplayName": g.DisplayName})
	}
	return map[string]any{"Groups": out, "NextToken": next}, nil
}

func membershipPage(c *call, in storeRequest, ms []snapshot.GroupMembership) (any, *apiError) {
	page, next, e := jsonPage(c, ms, in.jsonPaging)
	if e != nil {
		return nil, e
	}
	out := []map[string]any{}
	for _, m := range page {
		out = append(out, map[string]any{"IdentityStoreId": in.IdentityStoreId, "MembershipId": "m-" + m.GroupID + "-" + m.UserID,
			"GroupId": m.GroupID, "MemberId": map[string]string{"UserId": m.UserID}})
	}
	return map[string]any{"GroupMemberships": out, "NextToken": next}, nil
}

func listGroupMemberships(s *Server, c *call) (any, *apiError) {
	var in storeRequest
	ic, e := identityStore(c, &in)
	if e != nil {
		return nil, e
	}
	var ms []snapshot.GroupMembership
	for _, m := range ic.Memberships {
		if m.GroupID == in.GroupId {
			ms = append(ms, m)
		}
	}
	return membershipPage(c, in, ms)
}

func listGroupMembershipsForMember(s *Server, c *call) (any, *apiError) {
	var in storeRequest
	ic, e := identityStore(c, &in)
	if e != nil {
		return nil, e
	}
	var ms []snapshot.GroupMembership
	for _, m := range ic.Memberships {
		if m.UserID == in.MemberId.UserId {
			ms = append(ms, m)
		}
	}
	return membershipPage(c, in, ms)
}
