package rules

// Permissions through groups: policies attached to users directly, groups
// without members, inline group policies.

import (
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/wording"
)

// UserDirectPolicies fails users with managed or inline policies of their own.
var UserDirectPolicies = Rule{
	ID:       "iam-user-direct-policies",
	Title:    "IAM user has policies attached directly",
	Severity: Low,
	Description: "Permissions granted user by user drift apart and are hard to review: nobody can say who " +
		"has what without reading every user. Granting through groups (or, better, roles and permission " +
		"sets) keeps access in a few reviewed places.",
	Frameworks: with(with(with(cis("1.15", "1.14", "2.13"),
		FSBP, "IAM.2"), WellArch, "SEC03-BP02"), NIST80053, "AC-6", "AC-2"),
	Remediation: Remediation{
		Summary: "Put the user in a group that carries the permissions, then detach the user's managed policies and delete its inline policies.",
		Console: "IAM console > Users > select the user > Permissions: Add to group; then Remove each directly attached or inline policy.",
		CLI: "aws iam add-user-to-group --user-name NAME --group-name GROUP\n" +
			"aws iam detach-user-policy --user-name NAME --policy-arn ARN\n" +
			"aws iam delete-user-policy --user-name NAME --policy-name POLICY",
		Terraform: "Replace aws_iam_user_policy and aws_iam_user_policy_attachment with aws_iam_group_policy_attachment and aws_iam_user_group_membership.",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_manage_attach-policy.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html",
	},
	Needs:        []snapshot.Input{snapshot.InputAuthorizationDetails},
	Covers:       Covers{Users: []snapshot.Input{snapshot.InputAuthorizationDetails}},
	CheckAccount: checkUserDirectPolicies,
}

func checkUserDirectPolicies(r *Rule, _ *Context, _ *snapshot.Snapshot, a *snapshot.Account) []Result {
	var out []Result
	for _, u := range a.Users {
		var names []string
		for _, p := range u.AttachedPolicies {
			names = append(names, "managed policy "+p.Name)
		}
		for _, p := range u.InlinePolicies {
			names = append(names, "inline policy "+p.Name)
		}
		if len(names) > 0 {
			out = append(out, r.userResult(Fail, a, u, "IAM user %s has %s attached directly.", u.Name, joinList(names)))
		} else {
			out = append(out, r.userResult(Pass, a, u, "IAM user %s gets its permissions only through groups.", u.Name))
		}
	}
	return out
}

// GroupUnused fails IAM groups without members.
var GroupUnused = Rule{
	ID:       "iam-group-unused",
	Title:    "IAM group has no members",
	Severity: Low,
	Description: "An empty group is clutter at best. At worst its policies wait for someone to be added " +
		"to it, quietly granting access nobody reviewed recently. Delete groups that no longer serve a purpose.",
	Frameworks: with(with(map[Framework][]string{},
		WellArch, "SEC03-BP04"), NIST80053, "AC-2"),
	Remediation: Remediation{
		Summary: "Delete the group after detaching its policies (or document why it is kept empty).",
		Console: "IAM console > User groups > select the group > Delete.",
		CLI: "aws iam list-attached-group-policies --group-name NAME\n" +
			"aws iam detach-group-policy --group-name NAME --policy-arn ARN\n" +
			"aws iam delete-group --group-name NAME",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_manage_delete.html",
	},
	Needs:        []snapshot.Input{snapshot.InputAuthorizationDetails},
	CheckAccount: checkGroupUnused,
}

func checkGroupUnused(r *Rule, _ *Context, _ *snapshot.Snapshot, a *snapshot.Account) []Result {
	members := map[string]int{}
	for _, u := range a.Users {
		for _, g := range u.Groups {
			members[g]++
		}
	}
	if len(a.Groups) == 0 {
		return []Result{r.accountResult(Pass, a, "The account has no IAM groups.")}
	}
	var out []Result
	for _, g := range a.Groups {
		if n := members[g.Name]; n == 0 {
			out = append(out, r.groupResult(Fail, a, g, "IAM group %s has no members.", g.Name))
		} else {
			out = append(out, r.groupResult(Pass, a, g, "IAM group %s has %s.", g.Name, wording.CountAs(n, "member", "members")))
		}
	}
	return out
}

// GroupInlinePolicies fails groups with inline policies.
var GroupInlinePolicies = Rule{
	ID:       "iam-group-inline-policies",
	Title:    "IAM group has inline policies",
	Severity: Low,
	Description: "Inline policies live inside one group: they cannot be reused, versioned or rolled back, " +
		"and they are easy to miss in reviews. Customer managed policies keep permissions visible and versioned.",
	Frameworks: with(with(map[Framework][]string{},
		WellArch, "SEC03-BP02"), NIST80053, "AC-6"),
	Remediation: Remediation{
		Summary: "Turn each inline policy into a customer managed policy, attach it to the group, then delete the inline policy.",
		Console: "IAM console > User groups > select the group > Permissions: copy the inline policy into Policies > Create policy, attach it, then Remove the inline policy.",
		CLI: "aws iam get-group-policy --group-name NAME --policy-name POLICY\n" +
			"aws iam create-policy --policy-name POLICY --policy-document file://policy.json\n" +
			"aws iam attach-group-policy --group-name NAME --policy-arn ARN\n" +
			"aws iam delete-group-policy --group-name NAME --policy-name POLICY",
		Terraform: "Replace aws_iam_group_policy with aws_iam_policy plus aws_iam_group_policy_attachment.",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html",
	},
	Needs:        []snapshot.Input{snapshot.InputAuthorizationDetails},
	CheckAccount: checkGroupInline,
}

func checkGroupInline(r *Rule, _ *Context, _ *snapshot.Snapshot, a *snapshot.Account) []Result {
	if len(a.Groups) == 0 {
		return []Result{r.accountResult(Pass, a, "The account has no IAM groups.")}
	}
	var out []Result
	for _, g := range a.Groups {
		if len(g.InlinePolicies) > 0 {
			var names []string
			for _, p := range g.InlinePolicies {
				names = append(names, p.Name)
			}
			word := "policy"
			if len(names) > 1 {
				word = "policies"
			}
			out = append(out, r.groupResult(Fail, a, g, "IAM group %s has inline %s %s.", g.Name, word, joinList(names)))
		} else {
			out = append(out, r.groupResult(Pass, a, g, "IAM group %s has no inline policies.", g.Name))
		}
	}
	return out
}
