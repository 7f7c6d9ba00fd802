package rules

import (
	"github.com/iamspect/iamspect/internal/snapshot"
)

// RootAccessKeys fails when the root user has an active access key.
var RootAccessKeys = Rule{
	ID:       "root-access-keys",
	Title:    "Root user has an active access key",
	Severity: Critical,
	Description: "The root user can do anything in the account, including closing it, and no policy can " +
		"restrict it (only SCPs in an organisation). An access key for root is a permanent, unrestricted " +
		"credential that can be copied anywhere. No task needs one.",
	Frameworks: with(with(with(with(cis("1.4", "1.3", "2.4"),
		FSBP, "IAM.4"), WellArch, "SEC02-BP02"), NIST80053, "AC-6(2)", "IA-2"), Conformity, "IAM-015"),
	Remediation: Remediation{
		Summary: "Sign in as root, deactivate and delete the access key; in an organisation, enable centralised root access and remove member accounts' root credentials.",
		Console: "Sign in as the root user > account menu > Security credentials > Access keys: Deactivate, then Delete.",
		CLI: "# root keys can only be removed by root itself or, in an organisation with centralised root access, by\n" +
			"aws sts assume-root --target-principal ACCOUNT_ID --task-policy-arn arn=arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials\n" +
			"aws iam delete-access-key --access-key-id KEY   # with the assumed root session",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_delete-key.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#id_root-user-access-management",
	},
	Needs:        []snapshot.Input{snapshot.InputCredentialReport},
	CheckAccount: checkRootAccessKeys,
}

func checkRootAccessKeys(r *Rule, _ *Context, _ *snapshot.Snapshot, a *snapshot.Account) []Result {
	if a.Root == nil {
		return []Result{rootMissing(r, a)}
	}
	var active []string
	for _, k := range a.Root.AccessKeys {
		if k.Active() {
			active = append(active, k.Label())
		}
	}
	if len(active) > 0 {
		return []Result{r.rootResult(Fail, a, "The root user has an active access key (%s).", joinList(active))}
	}
	return []Result{r.rootResult(Pass, a, "The root user has no active access key.")}
}

// RootMFADisabled fails when root can sign in with a password and has no MFA.
var RootMFADisabled = Rule{
	ID:       "root-mfa-disabled",
	Title:    "Root user has no MFA",
	Severity: Critical,
	Description: "Whoever holds the root password, or can reset it through the account's email address, " +
		"controls the whole account. MFA on root stops a stolen or reset password from being enough.",
	// A root user without any MFA has no hardware MFA either: the hardware
	// MFA controls (CIS 1.6/1.5/2.6, IAM.6) count this rule too, since
	// root-no-hardware-mfa leaves that case to it (one cause, one finding).
	Frameworks: with(with(with(with(with(with(with(cis("1.5", "1.4", "2.5"),
		FSBP, "IAM.9", "IAM.6"), WellArch, "SEC02-BP01"), NIST80053, "IA-2(1)"), Conformity, "IAM-014"),
		CISv3, "1.6"), CISv5, "1.5"), CISv7, "2.6"),
	Remediation: Remediation{
		Summary: "Sign in as root and register an MFA device (a hardware security key is best); in an organisation, consider removing member accounts' root credentials with centralised root access.",
		Console: "Sign in as the root user > account menu > Security credentials > Multi-factor authentication (MFA) > Assign MFA device.",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-virt-mfa-for-root.html",
	},
	Needs:        []snapshot.Input{snapshot.InputCredentialReport},
	CheckAccount: checkRootMFA,
}

func checkRootMFA(r *Rule, _ *Context, _ *snapshot.Snapshot, a *snapshot.Account) []Result {
	root := a.Root
	switch {
	case root == nil:
		return []Result{rootMissing(r, a)}
	case root.MFAActive:
		return []Result{r.rootResult(Pass, a, "The root user has MFA enabled.")}
	case root.PasswordEnabled != nil && !*root.PasswordEnabled:
		return []Result{r.rootResult(Pass, a, "The root user has no password (its credentials were removed), so it cannot sign in without MFA.")}
	case root.PasswordEnabled == nil:
		// Reports that say "not_supported" predate removable root passwords:
		// such a root user always had one.
		return []Result{r.rootResult(Fail, a, "The root user has no MFA device (the credential report does not disclose its password, which such accounts always have).")}
	}
	return []Result{r.rootResult(Fail, a, "The root user has a password and no MFA device.")}
}

// rootMissing reports a credential report without a <root_account> row.
func rootMissing(r *Rule, a *snapshot.Account) Result {
	res := r.rootResult(Unknown, a, "The credential report has no <root_account> row, so the root user could not be checked.")
	res.MissingInputs = inputNames(snapshot.InputCredentialReport)
	return res
}
