package rules

// The root user: access keys, MFA, hardware MFA, recent use, signing
// certificates.

import (
	"fmt"

	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/wording"
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

const removedNote = "Centralised root access has removed this account's root credentials."

// RootNoHardwareMFA fails a root user whose MFA is virtual only. A root
// user without any MFA is root-mfa-disabled's finding: this rule then
// passes as not applicable, naming it.
var RootNoHardwareMFA = Rule{
	ID:       "root-no-hardware-mfa",
	Title:    "Root user has no hardware MFA",
	Severity: High,
	Description: "An authenticator app on a phone can be cloned, restored from a backup or phished. For " +
		"the one identity that can do everything, including closing the account, use a FIDO security key " +
		"or hardware token kept in a safe place. A root user with no MFA at all is reported once, by " +
		"root-mfa-disabled (which also counts for the hardware MFA controls); this rule then passes as not " +
		"applicable.",
	Frameworks: with(with(with(cis("1.6", "1.5", "2.6"),
		FSBP, "IAM.6"), WellArch, "SEC02-BP01"), NIST80053, "IA-2(1)", "IA-2(8)"),
	Remediation: Remediation{
		Summary: "Sign in as root, register a FIDO security key (ideally two, stored apart) and remove the virtual device; in an organisation, consider removing member accounts' root credentials with centralised root access.",
		Console: "Sign in as the root user > account menu > Security credentials > Multi-factor authentication (MFA) > Assign MFA device > Passkey or security key.",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-fido-mfa-for-root.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#id_root-user-access-management",
	},
	Needs:        []snapshot.Input{snapshot.InputCredentialReport},
	CheckAccount: checkRootHardwareMFA,
}

func checkRootHardwareMFA(r *Rule, _ *Context, s *snapshot.Snapshot, a *snapshot.Account) []Result {
	root := a.Root
	switch {
	case root == nil:
		return []Result{rootMissing(r, a)}
	case rootCredentialsRemoved(s, a):
		return []Result{r.rootResult(Pass, a, removedNote)}
	case !root.MFAActive && root.PasswordEnabled != nil && !*root.PasswordEnabled:
		return []Result{r.rootResult(Pass, a, "The root user has no password, so it cannot sign in.")}
	case !root.MFAActive:
		return []Result{r.rootResult(Pass, a, "Not applicable: the root user has no MFA device at all, which root-mfa-disabled reports (this rule judges the kind of device once there is one).")}
	}
	hw, known := hasHardwareMFA(a, a.RootARN(), root.MFADevices, true)
	switch {
	case !known:
		res := r.rootResult(Unknown, a, "The root user has MFA, but its device type is unknown without the list of virtual MFA devices.")
		res.MissingInputs = inputNames(snapshot.InputVirtualMFADevices)
		return []Result{res}
	case hw:
		return []Result{r.rootResult(Pass, a, "The root user has a hardware MFA device or security key.")}
	}
	return []Result{r.rootResult(Fail, a, "The root user's MFA is a virtual device only.")}
}

// RootRecentlyUsed fails when the root password or a root key was used recently.
var RootRecentlyUsed = Rule{
	ID:       "root-recently-used",
	Title:    "Root user was used recently",
	Severity: High,
	Description: "Only a handful of tasks need the root user (changing the account's support plan, closing " +
		"the account, restoring a locked bucket policy). Regular use of root means daily work runs without " +
		"any permission boundary and with the most valuable credential exposed.",
	Frameworks: with(with(cis("1.7", "1.6", "2.7"),
		WellArch, "SEC02-BP02"), NIST80053, "AC-6(2)", "AU-6"),
	Remediation: Remediation{
		Summary: "Find out who used root and why (CloudTrail events with userIdentity.type Root), give them an IAM Identity Center permission set instead, and keep root for the tasks that need it.",
		Console: "CloudTrail console > Event history > filter User name = root; then grant the people involved a permission set in IAM Identity Center.",
		CLI:     "aws cloudtrail lookup-events --lookup-attributes AttributeKey=Username,AttributeValue=root --max-results 50",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html",
	},
	Needs:        []snapshot.Input{snapshot.InputCredentialReport},
	CheckAccount: checkRootRecentlyUsed,
}

func checkRootRecentlyUsed(r *Rule, ctx *Context, s *snapshot.Snapshot, a *snapshot.Account) []Result {
	root := a.Root
	if root == nil {
		return []Result{rootMissing(r, a)}
	}
	if rootCredentialsRemoved(s, a) {
		return []Result{r.rootResult(Pass, a, removedNote)}
	}
	now, window := ctx.Now(s, a), ctx.Config.RootUsageWindowDays
	var uses []string
	if t := root.PasswordLastUsed; t != nil && daysBetween(*t, now) < window {
		uses = append(uses, fmt.Sprintf("its password %s ago (%s)", wording.Days(daysBetween(*t, now)), day(*t)))
	}
	for _, k := range root.AccessKeys {
		if t := k.LastUsed; t != nil && daysBetween(*t, now) < window {
			uses = append(uses, fmt.Sprintf("%s %s ago (%s)", k.Label(), wording.Days(daysBetween(*t, now)), day(*t)))
		}
	}
	if len(uses) > 0 {
		return []Result{r.rootResult(Fail, a, "The root user was used in the last %s: %s.", wording.Days(window), joinList(uses))}
	}
	return []Result{r.rootResult(Pass, a, "The root user was not used in the last %s.", wording.Days(window))}
}

// RootSigningCertificates fails active signing certificates on root.
var RootSigningCertificates = Rule{
	ID:       "root-signing-certificates",
	Title:    "Root user has an active signing certificate",
	Severity: High,
	Description: "A signing certificate on the root user is a long-term credential for the most powerful " +
		"identity in the account. No current task needs one.",
	Frameworks: with(with(map[Framework][]string{},
		WellArch, "SEC02-BP02"), NIST80053, "AC-6(2)", "IA-5"),
	Remediation: Remediation{
		Summary: "Sign in as root and delete the signing certificate; in an organisation, centralised root access can remove it for you.",
		Console: "Sign in as the root user > account menu > Security credentials > X.509 certificate: Deactivate, then Delete.",
		CLI: "aws sts assume-root --target-principal ACCOUNT_ID --task-policy-arn arn=arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials\n" +
			"aws iam delete-signing-certificate --certificate-id ID   # with the assumed root session",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-access-management.html",
	},
	Needs:        []snapshot.Input{snapshot.InputCredentialReport},
	CheckAccount: checkRootSigningCerts,
}

func checkRootSigningCerts(r *Rule, _ *Context, s *snapshot.Snapshot, a *snapshot.Account) []Result {
	if a.Root == nil {
		return []Result{rootMissing(r, a)}
	}
	if rootCredentialsRemoved(s, a) {
		return []Result{r.rootResult(Pass, a, removedNote)}
	}
	n := 0
	for _, c := range a.Root.SigningCertificates {
		if c.Status == snapshot.StatusActive {
			n++
		}
	}
	if n > 0 {
		return []Result{r.rootResult(Fail, a, "The root user has %s.", wording.CountAs(n, "active signing certificate", "active signing certificates"))}
	}
	return []Result{r.rootResult(Pass, a, "The root user has no active signing certificate.")}
}
