package rules

import (
	"fmt"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// UserWithoutMFA fails every IAM user without an MFA device.
var UserWithoutMFA = Rule{
	ID:       "iam-user-without-mfa",
	Title:    "IAM user has no MFA device",
	Severity: Medium,
	Description: "A user without MFA depends on a single secret. Even a user that has no console password " +
		"today can be given one later, and MFA conditions in policies (aws:MultiFactorAuthPresent) cannot " +
		"protect actions by a user that has no device at all.",
	Frameworks: with(with(with(map[Framework][]string{},
		FSBP, "IAM.19"), WellArch, "SEC02-BP01"), NIST80053, "IA-2(1)", "IA-2(2)"),
	Remediation: Remediation{
		Summary: "Assign an MFA device to the user (a passkey or security key is best), or replace the user with Identity Center access or a role.",
		Console: "IAM console > Users > select the user > Security credentials > Multi-factor authentication (MFA) > Assign MFA device.",
		CLI: "aws iam create-virtual-mfa-device --virtual-mfa-device-name NAME --outfile qr.png --bootstrap-method QRCodePNG\n" +
			"aws iam enable-mfa-device --user-name NAME --serial-number ARN --authentication-code1 CODE1 --authentication-code2 CODE2",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable.html",
	},
	Needs:        []snapshot.Input{snapshot.InputCredentialReport},
	Covers:       Covers{Users: []snapshot.Input{snapshot.InputCredentialReport}},
	CheckAccount: checkUserWithoutMFA,
}

func checkUserWithoutMFA(r *Rule, _ *Context, _ *snapshot.Snapshot, a *snapshot.Account) []Result {
	var out []Result
	for _, u := range a.Users {
		switch {
		case u.MFAActive == nil:
			res := r.userResult(Unknown, a, u, "IAM user %s: its MFA state is not in the credential report.", u.Name)
			res.MissingInputs = inputNames(snapshot.InputCredentialReport)
			out = append(out, res)
		case !*u.MFAActive:
			out = append(out, r.userResult(Fail, a, u, "IAM user %s has no MFA device.", u.Name))
		default:
			out = append(out, r.userResult(Pass, a, u, "IAM user %s has an MFA device.", u.Name))
		}
	}
	return out
}

// UserNoHardwareMFA fails console users whose only MFA is a virtual device.
var UserNoHardwareMFA = Rule{
	ID:       "iam-user-no-hardware-mfa",
	Title:    "Console user's MFA is virtual only",
	Severity: Low,
	Description: "Authenticator apps generate codes that a convincing phishing page can ask for and relay. " +
		"FIDO security keys and passkeys are bound to the real AWS sign-in page and cannot be relayed, so " +
		"they are the stronger choice for people who sign in to the console. A console user with no MFA at " +
		"all is reported once, by iam-user-console-without-mfa; this rule then passes as not applicable.",
	Frameworks: with(with(map[Framework][]string{},
		WellArch, "SEC02-BP01"), NIST80053, "IA-2(1)", "IA-2(8)"),
	Remediation: Remediation{
		Summary: "Register a FIDO security key or passkey for the user, then remove the virtual device; better, move the person to Identity Center.",
		Console: "IAM console > Users > select the user > Security credentials > Assign MFA device > Passkey or security key; then Remove the virtual device.",
		CLI:     "aws iam deactivate-mfa-device --user-name NAME --serial-number VIRTUAL_DEVICE_ARN   # after the security key is registered in the console",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_fido.html",
	},
	Needs:        []snapshot.Input{snapshot.InputCredentialReport},
	Covers:       Covers{Users: []snapshot.Input{snapshot.InputCredentialReport}},
	CheckAccount: checkUserNoHardwareMFA,
}

func checkUserNoHardwareMFA(r *Rule, _ *Context, _ *snapshot.Snapshot, a *snapshot.Account) []Result {
	var out []Result
	for _, u := range a.Users {
		if !u.HasConsolePassword() {
			out = append(out, r.userResult(Pass, a, u, "IAM user %s has no console password.", u.Name))
			continue
		}
		switch {
		case u.MFAActive == nil:
			res := r.userResult(Unknown, a, u, "IAM user %s has a console password but its MFA state is not in the credential report.", u.Name)
			res.MissingInputs = inputNames(snapshot.InputCredentialReport)
			out = append(out, res)
			continue
		case !*u.MFAActive:
			out = append(out, r.userResult(Pass, a, u, "Not applicable: IAM user %s signs in to the console without any MFA device, which iam-user-console-without-mfa reports (this rule judges the kind of device once there is one).", u.Name))
			continue
		}
		hw, known := hasHardwareMFA(a, u.ARN, u.MFADevices, false)
		switch {
		case !known:
			res := r.userResult(Unknown, a, u, "IAM user %s has MFA, but its device type is unknown without the list of virtual MFA devices.", u.Name)
			res.MissingInputs = inputNames(snapshot.InputVirtualMFADevices)
			out = append(out, res)
		case hw:
			out = append(out, r.userResult(Pass, a, u, "IAM user %s has a hardware MFA device or security key.", u.Name))
		default:
			out = append(out, r.userResult(Fail, a, u, "IAM user %s signs in to the console with a virtual MFA device only.", u.Name))
		}
	}
	return out
}

// ConsolePasswordUnused fails console passwords unused for the configured days.
var ConsolePasswordUnused = Rule{
	ID:       "iam-console-password-unused",
	Title:    "Console password has not been used recently",
	Severity: Medium,
	Description: "A console password that nobody uses is a way in that nobody watches: its owner may have " +
		"left or moved on, and a guessed or leaked password would not be missed. Remove passwords unused " +
		"for {{unused_credential_days}} days (unused_credential_days), including ones never used since they were set.",
	Frameworks: with(with(with(with(cis("1.12", "1.11", "2.11"),
		FSBP, "IAM.8", "IAM.22"), WellArch, "SEC02-BP05", "SEC03-BP04"), NIST80053, "AC-2(3)"), Conformity, "IAM-028"),
	Remediation: Remediation{
		Summary:   "Delete the user's console password (login profile); if the person still needs access, give it through Identity Center.",
		Console:   "IAM console > Users > select the user > Security credentials > Console sign-in > Manage console access > Disable.",
		CLI:       "aws iam delete-login-profile --user-name NAME",
		Terraform: "Remove the aws_iam_user_login_profile resource for the user.",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_admin-change-user.html",
	},
	Needs:        []snapshot.Input{snapshot.InputCredentialReport},
	Covers:       Covers{Users: []snapshot.Input{snapshot.InputCredentialReport}},
	CheckAccount: checkConsolePasswordUnused,
}

func checkConsolePasswordUnused(r *Rule, ctx *Context, s *snapshot.Snapshot, a *snapshot.Account) []Result {
	now, limit := ctx.Now(s, a), ctx.Config.UnusedCredentialDays
	var out []Result
	for _, u := range a.Users {
		if !u.HasConsolePassword() {
			out = append(out, r.userResult(Pass, a, u, "IAM user %s has no console password.", u.Name))
			continue
		}
		p := u.Password
		if p.LastUsed != nil {
			if d := daysBetween(*p.LastUsed, now); d >= limit {
				out = append(out, r.userResult(Fail, a, u, "IAM user %s last signed in to the console %d days ago (%s); the limit is %d days.", u.Name, d, day(*p.LastUsed), limit))
			} else {
				out = append(out, r.userResult(Pass, a, u, "IAM user %s signed in to the console %d days ago.", u.Name, d))
			}
			continue
		}
		since := u.CreatedAt
		if p.LastChanged != nil {
			since = *p.LastChanged
		}
		if d := daysBetween(since, now); d >= limit {
			out = append(out, r.userResult(Fail, a, u, "IAM user %s has never used its console password, set %d days ago (%s); the limit is %d days.", u.Name, d, day(since), limit))
		} else {
			out = append(out, r.userResult(Pass, a, u, "IAM user %s has not used its console password yet, but it was set only %d days ago.", u.Name, d))
		}
	}
	return out
}

// UserMultipleActiveKeys fails users with more than one active access key.
var UserMultipleActiveKeys = Rule{
	ID:       "iam-user-multiple-active-keys",
	Title:    "IAM user has more than one active access key",
	Severity: Medium,
	Description: "Two active keys are normal for the few minutes of a rotation. Kept for longer, they double " +
		"the secrets to protect, and usually mean an old key was never retired and is still spread around.",
	Frameworks: with(with(with(cis("1.13", "1.12", ""),
		WellArch, "SEC02-BP05"), NIST80053, "IA-5"), Conformity, "IAM-004"),
	Remediation: Remediation{
		Summary: "Find which key is still in use (last-used date), move every client to it, then deactivate and delete the other.",
		Console: "IAM console > Users > select the user > Security credentials > Access keys: compare Last used, then Deactivate and Delete the older key.",
		CLI: "aws iam list-access-keys --user-name NAME\n" +
			"aws iam get-access-key-last-used --access-key-id KEY\n" +
			"aws iam update-access-key --user-name NAME --access-key-id KEY --status Inactive",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console",
	},
	Needs:        []snapshot.Input{snapshot.InputCredentialReport},
	Covers:       Covers{Users: []snapshot.Input{snapshot.InputCredentialReport}},
	CheckAccount: checkMultipleActiveKeys,
}

func checkMultipleActiveKeys(r *Rule, _ *Context, _ *snapshot.Snapshot, a *snapshot.Account) []Result {
	var out []Result
	for _, u := range a.Users {
		n := len(u.ActiveAccessKeys())
		if n > 1 {
			out = append(out, r.userResult(Fail, a, u, "IAM user %s has %d active access keys.", u.Name, n))
		} else {
			out = append(out, r.userResult(Pass, a, u, "IAM user %s has %s.", u.Name, plural(n, "active access key", "active access keys")))
		}
	}
	return out
}

// setupWindow is how close to the user's creation a key must be created to
// count as "created at setup".
const setupWindow = 24 * time.Hour

// AccessKeyCreatedAtSetup fails console users whose active key was created
// together with the user and never used.
var AccessKeyCreatedAtSetup = Rule{
	ID:       "iam-access-key-created-at-setup",
	Title:    "Access key created with a console user and never used",
	Severity: Low,
	Description: "Ticking \"access key\" when creating a person's user hands out a long-term secret that " +
		"nobody asked for. Such keys are often never used, yet they sit in a welcome email or a password " +
		"manager for years. Keys should be created only when a need appears, and preferably never.",
	Frameworks: with(with(cis("1.11", "1.10", ""),
		WellArch, "SEC02-BP02"), NIST80053, "IA-5"),
	Remediation: Remediation{
		Summary: "Deactivate and delete the unused key; if the person needs CLI access, use Identity Center (aws sso login).",
		Console: "IAM console > Users > select the user > Security credentials > Access keys > Actions > Deactivate, then Delete.",
		CLI: "aws iam update-access-key --user-name NAME --access-key-id KEY --status Inactive\n" +
			"aws iam delete-access-key --user-name NAME --access-key-id KEY",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
		"https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sso.html",
	},
	Needs:        []snapshot.Input{snapshot.InputCredentialReport},
	Covers:       Covers{Users: []snapshot.Input{snapshot.InputCredentialReport}},
	CheckAccount: checkKeyCreatedAtSetup,
}

func checkKeyCreatedAtSetup(r *Rule, _ *Context, _ *snapshot.Snapshot, a *snapshot.Account) []Result {
	var out []Result
	for _, u := range a.Users {
		if !u.HasConsolePassword() {
			out = append(out, r.userResult(Pass, a, u, "IAM user %s has no console password.", u.Name))
			continue
		}
		var bad []string
		for _, k := range u.ActiveAccessKeys() {
			if k.LastUsed == nil && k.CreatedAt != nil && !u.CreatedAt.IsZero() &&
				k.CreatedAt.Sub(u.CreatedAt) < setupWindow && k.CreatedAt.Sub(u.CreatedAt) > -setupWindow {
				bad = append(bad, k.Label())
			}
		}
		if len(bad) > 0 {
			out = append(out, r.userResult(Fail, a, u, "IAM user %s has a console password and %s created with the user (%s) and never used.", u.Name, joinList(bad), day(u.CreatedAt)))
		} else {
			out = append(out, r.userResult(Pass, a, u, "IAM user %s has no unused access key from its initial setup.", u.Name))
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
			out = append(out, r.userResult(Fail, a, u, "IAM user %s was last used %d days ago (%s); the limit is %d days%s.", u.Name, daysBetween(*last, now), day(*last), limit, note))
		case last != nil:
			out = append(out, r.userResult(Pass, a, u, "IAM user %s was used %d days ago.", u.Name, daysBetween(*last, now)))
		case !u.CreatedAt.IsZero() && daysBetween(u.CreatedAt, now) >= limit:
			out = append(out, r.userResult(Fail, a, u, "IAM user %s has never used a password or access key in the %d days since it was created (%s)%s.", u.Name, daysBetween(u.CreatedAt, now), day(u.CreatedAt), note))
		default:
			out = append(out, r.userResult(Pass, a, u, "IAM user %s has not been used yet but was created less than %d days ago.", u.Name, limit))
		}
	}
	return out
}

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

// SSHKeyNotRotated fails active CodeCommit SSH keys older than the limit.
var SSHKeyNotRotated = Rule{
	ID:       "iam-user-ssh-key-not-rotated",
	Title:    "CodeCommit SSH public key has not been rotated",
	Severity: Low,
	Description: "An SSH key uploaded for CodeCommit stays valid until someone removes it, and the private " +
		"half lives on developers' laptops and build machines. Old keys should be replaced, or replaced by " +
		"temporary credentials (the git-remote-codecommit helper with a role).",
	Frameworks: with(with(map[Framework][]string{},
		WellArch, "SEC02-BP05"), NIST80053, "IA-5(1)"),
	Remediation: Remediation{
		Summary: "Upload a new SSH public key, switch the clients to it, then deactivate and delete the old key.",
		Console: "IAM console > Users > select the user > Security credentials > SSH public keys for AWS CodeCommit: Upload, then Make inactive and Delete the old one.",
		CLI: "aws iam upload-ssh-public-key --user-name NAME --ssh-public-key-body file://id_ed25519.pub\n" +
			"aws iam update-ssh-public-key --user-name NAME --ssh-public-key-id OLD_ID --status Inactive\n" +
			"aws iam delete-ssh-public-key --user-name NAME --ssh-public-key-id OLD_ID",
	},
	References: []string{
		"https://docs.aws.amazon.com/codecommit/latest/userguide/setting-up-ssh-unixes.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_ssh-keys.html",
	},
	Needs:        []snapshot.Input{snapshot.InputSSHKeys},
	CheckAccount: checkSSHKeyNotRotated,
}

func checkSSHKeyNotRotated(r *Rule, ctx *Context, s *snapshot.Snapshot, a *snapshot.Account) []Result {
	now, limit := ctx.Now(s, a), ctx.Config.SSHKeyMaxAgeDays
	var out []Result
	for _, u := range a.Users {
		var old []string
		active := 0
		for _, k := range u.SSHKeys {
			if k.Status != snapshot.StatusActive {
				continue
			}
			active++
			if k.UploadedAt != nil && daysBetween(*k.UploadedAt, now) > limit {
				old = append(old, fmt.Sprintf("%s is %d days old", k.ID, daysBetween(*k.UploadedAt, now)))
			}
		}
		switch {
		case len(old) > 0:
			out = append(out, r.userResult(Fail, a, u, "IAM user %s: SSH public key %s; the limit is %d days.", u.Name, joinList(old), limit))
		case active == 0:
			out = append(out, r.userResult(Pass, a, u, "IAM user %s has no active SSH public key.", u.Name))
		default:
			out = append(out, r.userResult(Pass, a, u, "IAM user %s: every active SSH public key is at most %d days old.", u.Name, limit))
		}
	}
	return out
}

// SigningCertificateActive fails users with active X.509 signing certificates.
var SigningCertificateActive = Rule{
	ID:       "iam-user-signing-certificate-active",
	Title:    "IAM user has an active signing certificate",
	Severity: Low,
	Description: "X.509 signing certificates serve a few legacy SOAP interfaces and are another long-term " +
		"credential attached to the user. Almost no current AWS service needs them; an active one is " +
		"usually forgotten.",
	Frameworks: with(with(map[Framework][]string{},
		WellArch, "SEC02-BP02"), NIST80053, "IA-5"),
	Remediation: Remediation{
		Summary: "Deactivate the certificate, confirm nothing breaks, then delete it.",
		Console: "IAM console > Users > select the user > Security credentials > X.509 Signing certificates: Make inactive, then Delete.",
		CLI: "aws iam list-signing-certificates --user-name NAME\n" +
			"aws iam update-signing-certificate --user-name NAME --certificate-id ID --status Inactive\n" +
			"aws iam delete-signing-certificate --user-name NAME --certificate-id ID",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/APIReference/API_UploadSigningCertificate.html",
		"https://docs.aws.amazon.com/cli/latest/reference/iam/update-signing-certificate.html",
	},
	Needs:        []snapshot.Input{snapshot.InputCredentialReport},
	Covers:       Covers{Users: []snapshot.Input{snapshot.InputCredentialReport}},
	CheckAccount: checkSigningCertificate,
}

func checkSigningCertificate(r *Rule, _ *Context, _ *snapshot.Snapshot, a *snapshot.Account) []Result {
	var out []Result
	for _, u := range a.Users {
		n := 0
		for _, c := range u.SigningCertificates {
			if c.Status == snapshot.StatusActive {
				n++
			}
		}
		if n > 0 {
			out = append(out, r.userResult(Fail, a, u, "IAM user %s has %s.", u.Name, plural(n, "active signing certificate", "active signing certificates")))
		} else {
			out = append(out, r.userResult(Pass, a, u, "IAM user %s has no active signing certificate.", u.Name))
		}
	}
	return out
}
