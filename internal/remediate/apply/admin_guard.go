package apply

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/iamspect/iamspect/internal/remediate/plan"
)

// AdminPolicyARN is the administrator policy the last-administrator guard
// rail counts holders of.
const AdminPolicyARN = "arn:aws:iam::aws:policy/AdministratorAccess"

// lastAdmin refuses an action that takes AdministratorAccess away from the
// last principal holding it: detaching it from a user, group or role, or
// removing a user from a group that carries it. Holders are read live
// (iam:ListEntitiesForPolicy, iam:GetGroup): users with the policy attached
// or through a group with members, and roles. It returns why, or "".
func lastAdmin(ctx context.Context, rd *reader, c *plan.Call) (string, error) {
	switch c.Operation {
	case "DetachUserPolicy", "DetachGroupPolicy", "DetachRolePolicy":
		if c.Str("PolicyArn") != AdminPolicyARN {
			return "", nil
		}
	case "RemoveUserFromGroup":
	default:
		return "", nil
	}
	// Attachments only (a boundary grants nothing), every page.
	var out iam.ListEntitiesForPolicyOutput
	pages := iam.NewListEntitiesForPolicyPaginator(rd.cl, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(AdminPolicyARN),
		PolicyUsageFilter: types.PolicyUsageTypePermissionsPolicy})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return "", err
		}
		out.PolicyUsers = append(out.PolicyUsers, page.PolicyUsers...)
		out.PolicyGroups = append(out.PolicyGroups, page.PolicyGroups...)
		out.PolicyRoles = append(out.PolicyRoles, page.PolicyRoles...)
	}
	// holders: "user/NAME" and "role/NAME"; groups: group name → members.
	holders := map[string]map[string]bool{} // principal → via (direct, group names)
	addVia := func(p, via string) {
		if holders[p] == nil {
			holders[p] = map[string]bool{}
		}
		holders[p][via] = true
	}
	for _, u := range out.PolicyUsers {
		addVia("user/"+aws.ToString(u.UserName), "direct")
	}
	for _, r := range out.PolicyRoles {
		addVia("role/"+aws.ToString(r.RoleName), "direct")
	}
	adminGroups := map[string]bool{}
	for _, g := range out.PolicyGroups {
		name := aws.ToString(g.GroupName)
		adminGroups[name] = true
		members := iam.NewGetGroupPaginator(rd.cl, &iam.GetGroupInput{GroupName: g.GroupName})
		for members.HasMorePages() {
			gg, err := members.NextPage(ctx)
			if err != nil {
				return "", err
			}
			for _, u := range gg.Users {
				addVia("user/"+aws.ToString(u.UserName), "group/"+name)
			}
		}
	}
	drop := func(p, via string) {
		if holders[p] != nil {
			delete(holders[p], via)
			if len(holders[p]) == 0 {
				delete(holders, p)
			}
		}
	}
	before := len(holders)
	switch c.Operation {
	case "DetachUserPolicy":
		drop("user/"+c.Str("UserName"), "direct")
	case "DetachRolePolicy":
		drop("role/"+c.Str("RoleName"), "direct")
	case "DetachGroupPolicy":
		for p := range holders {
			drop(p, "group/"+c.Str("GroupName"))
		}
	case "RemoveUserFromGroup":
		if !adminGroups[c.Str("GroupName")] {
			return "", nil
		}
		drop("user/"+c.Str("UserName"), "group/"+c.Str("GroupName"))
	}
	if before > 0 && len(holders) == 0 {
		return fmt.Sprintf("it would leave no principal with %s in the account", AdminPolicyARN), nil
	}
	return "", nil
}
