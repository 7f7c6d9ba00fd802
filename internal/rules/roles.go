package rules

import (
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/wording"
)

// RoleUnused fails roles not assumed for RoleUnusedDays.
var RoleUnused = Rule{
	ID:       "role-unused",
	Title:    "Role not used recently",
	Severity: Low,
	Description: "A role nobody has assumed for a long time ({{role_unused_days}} days, role_unused_days) keeps its " +
		"permissions and its trust open for nothing: delete it, or record why it is kept (break-glass, " +
		"disaster recovery) in a suppression. The age comes from RoleLastUsed; a role never used fails when " +
		"it was created longer ago than the threshold, and a younger one passes. IAM tracks use for about " +
		"400 days; exports made before AWS added RoleLastUsed to the authorization details carry no date at all, so there the age since creation decides. Service-linked roles are skipped (delete the service's resources, then the role, from the " +
		"service).",
	Frameworks: with(with(map[Framework][]string{}, WellArch, "SEC03-BP04", "SEC03-BP06"), NIST80053, "AC-2", "AC-2(3)"),
	Remediation: Remediation{
		Summary: "Confirm the role is not needed, then delete it (detach its policies, delete inline policies and instance profiles first).",
		Console: "IAM console > Roles > sort by Last activity > select the role > Delete.",
		CLI: "aws iam get-role --role-name NAME --query Role.RoleLastUsed\n" +
			"aws iam list-attached-role-policies --role-name NAME\n" +
			"aws iam detach-role-policy --role-name NAME --policy-arn ARN\n" +
			"aws iam delete-role --role-name NAME",
		Terraform: "Remove the aws_iam_role and its aws_iam_role_policy_attachment resources.",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage_delete.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_access-advisor.html",
	},
	Needs:        policyNeeds,
	CheckAccount: checkRoleUnused,
}

func checkRoleUnused(r *Rule, ctx *Context, s *snapshot.Snapshot, a *snapshot.Account) []Result {
	now := ctx.Now(s, a)
	limit := ctx.Config.RoleUnusedDays
	if limit <= 0 {
		limit = Defaults().RoleUnusedDays
	}
	var out []Result
	for _, ro := range a.Roles {
		if ro.ServiceLinked() {
			continue
		}
		switch {
		case ro.LastUsed != nil && !ro.LastUsed.Date.IsZero():
			d := daysBetween(ro.LastUsed.Date, now)
			if d >= limit {
				out = append(out, withEvidence(r.roleResult(Fail, a, ro, "Role %s was last used %s ago (%s), more than %s.", ro.Name, wording.Days(d), day(ro.LastUsed.Date), wording.Days(limit)), aged("", ro.LastUsed.Date, d, limit)))
			} else {
				out = append(out, r.roleResult(Pass, a, ro, "Role %s was used %s ago.", ro.Name, wording.Days(d)))
			}
		case ro.CreatedAt.IsZero():
			out = append(out, r.roleResult(Unknown, a, ro, "Role %s has no recorded use and no creation date.", ro.Name))
		default:
			d := daysBetween(ro.CreatedAt, now)
			if d >= limit {
				out = append(out, withEvidence(r.roleResult(Fail, a, ro, "Role %s has no recorded use (RoleLastUsed is empty) and was created %s ago (%s).", ro.Name, wording.Days(d), day(ro.CreatedAt)), aged("", ro.CreatedAt, d, limit)))
			} else {
				out = append(out, r.roleResult(Pass, a, ro, "Role %s has no recorded use but was created only %s ago.", ro.Name, wording.Days(d)))
			}
		}
	}
	if len(out) == 0 {
		out = append(out, r.accountResult(Pass, a, "The account has no role other than service-linked roles."))
	}
	return out
}

// RoleSessionDurationLong fails roles whose MaxSessionDuration exceeds
// RoleMaxSessionHours.
var RoleSessionDurationLong = Rule{
	ID:       "role-session-duration-long",
	Title:    "Role allows long sessions",
	Severity: Low,
	Description: "MaxSessionDuration above {{role_max_session_hours}} hours (role_max_session_hours) lets credentials obtained from the " +
		"role stay valid for up to 12 hours: a leaked session, or a person who has left, keeps access for " +
		"that long, which erodes the benefit of temporary credentials. Service-linked roles are skipped.",
	Frameworks: with(with(map[Framework][]string{}, WellArch, "SEC02-BP02"), NIST80053, "AC-12"),
	Remediation: Remediation{
		Summary:   "Lower the role's maximum session duration to what its users need (1 hour is the default).",
		Console:   "IAM console > Roles > the role > Summary > Maximum session duration > Edit.",
		CLI:       "aws iam update-role --role-name NAME --max-session-duration 3600",
		Terraform: "resource \"aws_iam_role\" \"r\" {\n  max_session_duration = 3600\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-settings.html#id_roles_update-session-duration",
	},
	// Authorization details do not carry MaxSessionDuration: ListRoles does.
	Needs:        []snapshot.Input{snapshot.InputAuthorizationDetails, snapshot.InputRoleDetails},
	Covers:       Covers{Roles: []snapshot.Input{snapshot.InputRoleDetails}},
	CheckAccount: checkSessionDuration,
}

func checkSessionDuration(r *Rule, ctx *Context, _ *snapshot.Snapshot, a *snapshot.Account) []Result {
	hours := ctx.Config.RoleMaxSessionHours
	if hours <= 0 {
		hours = Defaults().RoleMaxSessionHours
	}
	var out []Result
	for _, ro := range a.Roles {
		if ro.ServiceLinked() {
			continue
		}
		d := ro.MaxSessionDuration
		if d == 0 {
			// AWS always reports a duration (at least an hour), so zero means
			// the role was missing from the ListRoles data: not checked.
			res := r.roleResult(Unknown, a, ro, "Role %s's maximum session duration is not known: it was not in the role list (iam:ListRoles, or roles.json offline).", ro.Name)
			res.MissingInputs = inputNames(snapshot.InputRoleDetails)
			out = append(out, res)
			continue
		}
		if d > hours*3600 {
			out = append(out, r.roleResult(Fail, a, ro, "Role %s allows sessions of %s, more than %s.", ro.Name, sessionText(d), wording.Count(hours, "hour")))
		} else {
			out = append(out, r.roleResult(Pass, a, ro, "Role %s allows sessions of at most %s.", ro.Name, sessionText(d)))
		}
	}
	if len(out) == 0 {
		out = append(out, r.accountResult(Pass, a, "The account has no role other than service-linked roles."))
	}
	return out
}

// sessionText writes a role's maximum session duration (seconds).
func sessionText(seconds int) string {
	return wording.Duration(time.Duration(seconds) * time.Second)
}
