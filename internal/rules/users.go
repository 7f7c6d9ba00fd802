package rules

import (
	"github.com/iamspect/iamspect/internal/snapshot"
	"strings"
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
		return "has a console password and " + plural(keys, "active access key", "active access keys") +
			" (used by a person and a program): move the person to IAM Identity Center and the program to a role."
	case u.HasConsolePassword():
		return "has a console password (a person's sign-in): give this person access through IAM Identity Center or federation instead."
	case keys > 0:
		return "has " + plural(keys, "active access key", "active access keys") +
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

// UserPasswordAndAccessKeys fails users with both a console password and an
// active access key: one identity shared by a person and a program.
var UserPasswordAndAccessKeys = Rule{
	ID:       "iam-user-password-and-access-keys",
	Title:    "IAM user has both a console password and active access keys",
	Severity: Medium,
	Description: "A user that signs in to the console and also has an active access key is used by a " +
		"person and by a program at once. The key outlives the person's session, is often copied to " +
		"laptops and CI systems, and cannot be protected by the person's MFA. Split the two: the person " +
		"signs in through Identity Center, the program runs under a role.",
	Frameworks: with(with(with(map[Framework][]string{},
		WellArch, "SEC02-BP02", "SEC02-BP05"), NIST80053, "IA-5", "AC-2"), Conformity, "IAM-024"),
	Remediation: Remediation{
		Summary: "Decide which use is real. Remove the console password from a workload user, or deactivate and delete the access keys of a person's user (give the program a role).",
		Console: "IAM console > Users > select the user > Security credentials: Manage console access > Disable, or deactivate the access key and delete it.",
		CLI: "aws iam delete-login-profile --user-name NAME\n" +
			"# or\naws iam update-access-key --user-name NAME --access-key-id KEY --status Inactive",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles",
	},
	Needs:        []snapshot.Input{snapshot.InputCredentialReport},
	Covers:       Covers{Users: []snapshot.Input{snapshot.InputCredentialReport}},
	CheckAccount: checkPasswordAndKeys,
}

func checkPasswordAndKeys(r *Rule, _ *Context, _ *snapshot.Snapshot, a *snapshot.Account) []Result {
	var out []Result
	for _, u := range a.Users {
		keys := len(u.ActiveAccessKeys())
		switch {
		case u.HasConsolePassword() && keys > 0:
			out = append(out, r.userResult(Fail, a, u, "IAM user %s has a console password and %s.",
				u.Name, plural(keys, "active access key", "active access keys")))
		case u.HasConsolePassword():
			out = append(out, r.userResult(Pass, a, u, "IAM user %s has a console password and no active access key.", u.Name))
		case keys > 0:
			out = append(out, r.userResult(Pass, a, u, "IAM user %s has access keys but no console password.", u.Name))
		default:
			out = append(out, r.userResult(Pass, a, u, "IAM user %s has neither a console password nor an active access key.", u.Name))
		}
	}
	return out
}

// UserConsoleWithoutMFA fails console users without any MFA device.
var UserConsoleWithoutMFA = Rule{
	ID:       "iam-user-console-without-mfa",
	Title:    "IAM user can sign in to the console without MFA",
	Severity: High,
	Description: "A console password alone can be phished, guessed or reused from another breach. " +
		"With MFA a stolen password is not enough to sign in. Phishing-resistant devices (passkeys, " +
		"security keys) are best.",
	Frameworks: with(with(with(with(cis("1.10", "1.9", "2.10"),
		FSBP, "IAM.5"), WellArch, "SEC02-BP01"), NIST80053, "IA-2(1)", "IA-2(8)"), Conformity, "IAM-013"),
	Remediation: Remediation{
		Summary: "Have the user register an MFA device (a passkey or security key is best), or remove the console password if nobody signs in as this user.",
		Console: "IAM console > Users > select the user > Security credentials > Multi-factor authentication > Assign MFA device.",
		CLI: "aws iam create-virtual-mfa-device --virtual-mfa-device-name NAME --outfile qr.png --bootstrap-method QRCodePNG\n" +
			"aws iam enable-mfa-device --user-name NAME --serial-number ARN --authentication-code1 CODE1 --authentication-code2 CODE2",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa.html",
	},
	Needs:        []snapshot.Input{snapshot.InputCredentialReport},
	Covers:       Covers{Users: []snapshot.Input{snapshot.InputCredentialReport}},
	CheckAccount: checkConsoleWithoutMFA,
}

func checkConsoleWithoutMFA(r *Rule, _ *Context, _ *snapshot.Snapshot, a *snapshot.Account) []Result {
	var out []Result
	for _, u := range a.Users {
		switch {
		case !u.HasConsolePassword():
			out = append(out, r.userResult(Pass, a, u, "IAM user %s has no console password.", u.Name))
		case u.MFAActive == nil:
			res := r.userResult(Unknown, a, u, "IAM user %s has a console password but its MFA state is not in the credential report.", u.Name)
			res.MissingInputs = inputNames(snapshot.InputCredentialReport)
			out = append(out, res)
		case !*u.MFAActive:
			out = append(out, r.userResult(Fail, a, u, "IAM user %s has a console password and no MFA device.", u.Name))
		default:
			out = append(out, r.userResult(Pass, a, u, "IAM user %s has a console password protected by MFA.", u.Name))
		}
	}
	return out
}
