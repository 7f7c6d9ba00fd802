package rules

// Whether an IAM user should exist at all: users where temporary credentials
// belong, and users nobody has used.

import (
	"strings"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/wording"
)

// UserUnnecessary fails every IAM user: people should sign in through
// Identity Center or federation and workloads should use roles. The message
// says what the user looks like so the owner knows which move applies.
var UserUnnecessary = Rule{
	ID:       "iam-user-unnecessary",
	Title:    "IAM user exists where temporary credentials should be used",
	Severity: High,
	Description: "Every IAM user holds long-term credentials that someone must store, rotate and " +
		"eventually lose track of. People should reach AWS through IAM Identity Center or an external " +
		"identity provider, and workloads through roles (instance profiles, OIDC federation for CI, " +
		"IAM Roles Anywhere outside AWS), all of which hand out short-lived credentials. Keep an IAM " +
		"user only where nothing else works, and record why in a suppression.",
	Frameworks: with(with(cis("1.21", "1.20", "2.19"),
		WellArch, "SEC02-BP02", "SEC02-BP04"), NIST80053, "AC-2", "IA-2"),
	Remediation: Remediation{
		Summary: "Replace the user: people move to IAM Identity Center (or federation), workloads to a role; then delete the user's credentials and the user.",
		Console: "IAM console > Users > select the user > Security credentials: deactivate and delete access keys, delete the console password, then Delete user.",
		CLI: "aws iam list-access-keys --user-name NAME\n" +
			"aws iam update-access-key --user-name NAME --access-key-id KEY --status Inactive\n" +
			"aws iam delete-login-profile --user-name NAME\n" +
			"aws iam delete-user --user-name NAME   # after detaching policies and removing group memberships",
		Terraform: "Remove the aws_iam_user, aws_iam_access_key and aws_iam_user_login_profile resources; grant access with aws_ssoadmin_account_assignment or an aws_iam_role instead.",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-users-federation-idp",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles",
		"https://docs.aws.amazon.com/singlesignon/latest/userguide/what-is.html",
	},
	NeedsAny:     []snapshot.Input{snapshot.InputAuthorizationDetails, snapshot.InputCredentialReport},
	CheckAccount: checkUserUnnecessary,
}

func checkUserUnnecessary(r *Rule, _ *Context, _ *snapshot.Snapshot, a *snapshot.Account) []Result {
	if len(a.Users) == 0 {
		return []Result{r.accountResult(Pass, a, "The account has no IAM users.")}
	}
	var out []Result
	for _, u := range a.Users {
		out = append(out, r.userResult(Fail, a, u, "IAM user %s %s", u.Name, describeUserKind(a, u)))
	}
	return out
}

// describeUserKind says what a user looks like from its credentials.
func describeUserKind(a *snapshot.Account, u *snapshot.User) string {
	if !a.Has(snapshot.InputCredentialReport) {
		return "exists; its credentials are unknown because no credential report was provided. Replace it with Identity Center access or a role."
	}
	if u.Password == nil {
		return "exists but is not in the credential report, so its credentials are unknown. Replace it with Identity Center access or a role."
	}
	keys := len(u.ActiveAccessKeys())
	switch {
	case u.HasConsolePassword() && keys > 0:
		return "has a console password and " + wording.CountAs(keys, "active access key", "active access keys") +
			" (used by a person and a program): move the person to IAM Identity Center and the program to a role."
	case u.HasConsolePassword():
		return "has a console password (a person's sign-in): give this person access through IAM Identity Center or federation instead."
	case keys > 0:
		return "has " + wording.CountAs(keys, "active access key", "active access keys") +
			" and no console password (a workload identity): use a role instead (instance profile, OIDC federation for CI, IAM Roles Anywhere outside AWS)."
	case len(u.ServiceCredentials) > 0 || len(u.SSHKeys) > 0:
		return "holds only service-specific credentials or CodeCommit SSH keys, a known legitimate use of IAM users: if intended, suppress this result with the reason."
	}
	if missing := a.Missing(snapshot.InputSSHKeys, snapshot.InputServiceCredentials); len(missing) > 0 {
		// Offline exports hold neither: the user may be a CodeCommit or
		// service-credential user, which deleting would break.
		names := make([]string, len(missing))
		for i, in := range missing {
			names[i] = string(in)
		}
		return "has no active password or access key, but its " + joinList(missingCredentialKinds(missing)) +
			" were not collected (" + strings.Join(names, ", ") + "), so it may still be in use: check with " +
			"aws iam list-ssh-public-keys --user-name " + u.Name + " and aws iam list-service-specific-credentials --user-name " + u.Name +
			" before deleting it (a live scan collects them)."
	}
	return "has no active password or access key: delete it."
}

// missingCredentialKinds names the credential kinds of missing inputs.
func missingCredentialKinds(in []snapshot.Input) []string {
	var out []string
	for _, i := range in {
		switch i {
		case snapshot.InputSSHKeys:
			out = append(out, "CodeCommit SSH keys")
		case snapshot.InputServiceCredentials:
			out = append(out, "service-specific credentials")
		}
	}
	return out
}

// UserInactive fails users whose password and keys have not been used for
// the configured number of days.
var UserInactive = Rule{
	ID:       "iam-user-inactive",
	Title:    "IAM user has not been used recently",
	Severity: Low,
	Description: "A user whose password and keys have gone unused for months is most likely forgotten: the " +
		"project ended or the person left. Its credentials and permissions remain, unwatched. Remove " +
		"inactive users after checking with their owner.",
	Frameworks: with(with(with(map[Framework][]string{},
		FSBP, "IAM.8"), WellArch, "SEC03-BP04"), NIST80053, "AC-2(3)"),
	Remediation: Remediation{
		Summary: "Confirm with the owner, then remove the user's credentials and delete the user.",
		Console: "IAM console > Users > select the user > Security credentials: remove the password and keys; then Delete user.",
		CLI: "aws iam delete-login-profile --user-name NAME\n" +
			"aws iam delete-access-key --user-name NAME --access-key-id KEY\n" +
			"aws iam delete-user --user-name NAME",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_users_remove.html",
	},
	Needs:        []snapshot.Input{snapshot.InputCredentialReport},
	Covers:       Covers{Users: []snapshot.Input{snapshot.InputCredentialReport}},
	CheckAccount: checkUserInactive,
}

func checkUserInactive(r *Rule, ctx *Context, s *snapshot.Snapshot, a *snapshot.Account) []Result {
	now, limit := ctx.Now(s, a), ctx.Config.InactiveUserDays
	var out []Result
	for _, u := range a.Users {
		var used []*time.Time
		if u.Password != nil {
			used = append(used, u.Password.LastUsed)
		}
		for _, k := range u.AccessKeys {
			used = append(used, k.LastUsed)
		}
		last := latest(used...)
		note := ""
		if len(u.ServiceCredentials) > 0 || len(u.SSHKeys) > 0 {
			note = " (use of its service-specific credentials or SSH keys is not recorded)"
		}
		switch {
		case last != nil && daysBetween(*last, now) >= limit:
			out = append(out, withEvidence(r.userResult(Fail, a, u, "IAM user %s was last used %s ago (%s); the limit is %s%s.", u.Name, wording.Days(daysBetween(*last, now)), day(*last), wording.Days(limit), note), aged("", *last, daysBetween(*last, now), limit)))
		case last != nil:
			out = append(out, r.userResult(Pass, a, u, "IAM user %s was used %s ago.", u.Name, wording.Days(daysBetween(*last, now))))
		case !u.CreatedAt.IsZero() && daysBetween(u.CreatedAt, now) >= limit:
			out = append(out, withEvidence(r.userResult(Fail, a, u, "IAM user %s has never used a password or access key in the %s since it was created (%s)%s.", u.Name, wording.Days(daysBetween(u.CreatedAt, now)), day(u.CreatedAt), note), aged("", u.CreatedAt, daysBetween(u.CreatedAt, now), limit)))
		default:
			out = append(out, r.userResult(Pass, a, u, "IAM user %s has not been used yet but was created less than %s ago.", u.Name, wording.Days(limit)))
		}
	}
	return out
}
