package rules

// MFA on IAM users: console users without MFA, users without any device,
// virtual-only MFA.

import "github.com/iamspect/iamspect/internal/snapshot"

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
