package rules

// IAM users' long-term sign-in credentials besides access keys: a console
// password beside keys, passwords nobody uses, CodeCommit SSH keys, signing
// certificates.

import (
	"fmt"

	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/wording"
)

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
				u.Name, wording.CountAs(keys, "active access key", "active access keys")))
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
				out = append(out, withEvidence(r.userResult(Fail, a, u, "IAM user %s last signed in to the console %s ago (%s); the limit is %s.", u.Name, wording.Days(d), day(*p.LastUsed), wording.Days(limit)), aged("", *p.LastUsed, d, limit)))
			} else {
				out = append(out, r.userResult(Pass, a, u, "IAM user %s signed in to the console %s ago.", u.Name, wording.Days(d)))
			}
			continue
		}
		since := u.CreatedAt
		if p.LastChanged != nil {
			since = *p.LastChanged
		}
		if d := daysBetween(since, now); d >= limit {
			out = append(out, withEvidence(r.userResult(Fail, a, u, "IAM user %s has never used its console password, set %s ago (%s); the limit is %s.", u.Name, wording.Days(d), day(since), wording.Days(limit)), aged("", since, d, limit)))
		} else {
			out = append(out, r.userResult(Pass, a, u, "IAM user %s has not used its console password yet, but it was set only %s ago.", u.Name, wording.Days(d)))
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
				old = append(old, fmt.Sprintf("%s is %s old", k.ID, wording.Days(daysBetween(*k.UploadedAt, now))))
			}
		}
		switch {
		case len(old) > 0:
			out = append(out, r.userResult(Fail, a, u, "IAM user %s: SSH public key %s; the limit is %s.", u.Name, joinList(old), wording.Days(limit)))
		case active == 0:
			out = append(out, r.userResult(Pass, a, u, "IAM user %s has no active SSH public key.", u.Name))
		default:
			out = append(out, r.userResult(Pass, a, u, "IAM user %s: every active SSH public key is at most %s old.", u.Name, wording.Days(limit)))
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
			out = append(out, r.userResult(Fail, a, u, "IAM user %s has %s.", u.Name, wording.CountAs(n, "active signing certificate", "active signing certificates")))
		} else {
			out = append(out, r.userResult(Pass, a, u, "IAM user %s has no active signing certificate.", u.Name))
		}
	}
	return out
}
