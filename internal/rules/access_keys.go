package rules

// IAM users' access keys: rotation, use, more than one active key, keys made
// with the user and never used.

import (
	"fmt"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/wording"
)

// AccessKeyNotRotated fails active access keys older than the rotation limit.
var AccessKeyNotRotated = Rule{
	ID:       "iam-access-key-not-rotated",
	Title:    "Active access key has not been rotated",
	Severity: Medium,
	Description: "The longer an access key lives, the more places it has been copied to and the longer " +
		"a leaked copy stays useful. Keys should be replaced regularly (every {{access_key_max_age_days}} days, access_key_max_age_days), and better " +
		"still replaced by roles that issue temporary credentials.",
	Frameworks: with(with(with(with(cis("1.14", "1.13", "2.12"),
		FSBP, "IAM.3"), WellArch, "SEC02-BP05"), NIST80053, "IA-5(1)"), Conformity, "IAM-001", "IAM-002", "IAM-038"),
	Remediation: Remediation{
		Summary: "Create a second key, move every client to it, deactivate the old key, watch for failures, then delete it. Better: move the workload to a role.",
		Console: "IAM console > Users > select the user > Security credentials > Access keys: Create access key, then Deactivate and Delete the old one.",
		CLI: "aws iam create-access-key --user-name NAME\n" +
			"aws iam update-access-key --user-name NAME --access-key-id OLD_KEY --status Inactive\n" +
			"aws iam delete-access-key --user-name NAME --access-key-id OLD_KEY",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console",
	},
	Needs:        []snapshot.Input{snapshot.InputCredentialReport},
	Covers:       Covers{Users: []snapshot.Input{snapshot.InputCredentialReport}},
	CheckAccount: checkKeyNotRotated,
}

func checkKeyNotRotated(r *Rule, ctx *Context, s *snapshot.Snapshot, a *snapshot.Account) []Result {
	now, limit := ctx.Now(s, a), ctx.Config.AccessKeyMaxAgeDays
	var out []Result
	for _, u := range a.Users {
		active := u.ActiveAccessKeys()
		if len(active) == 0 {
			out = append(out, r.userResult(Pass, a, u, "IAM user %s has no active access key.", u.Name))
			continue
		}
		var old, undated []string
		var ev *Evidence
		for _, k := range active {
			if k.CreatedAt == nil {
				undated = append(undated, k.Label())
				continue
			}
			if age := daysBetween(*k.CreatedAt, now); age > limit {
				old = append(old, fmt.Sprintf("%s is %s old (created %s)", k.Label(), wording.Days(age), day(*k.CreatedAt)))
				ev = oldest(ev, aged(k.Label(), *k.CreatedAt, age, limit))
			}
		}
		switch {
		case len(old) > 0:
			out = append(out, withEvidence(r.userResult(Fail, a, u, "IAM user %s: %s; the limit is %s.", u.Name, joinList(old), wording.Days(limit)), ev))
		case len(undated) > 0:
			res := r.userResult(Unknown, a, u, "IAM user %s: the creation date of %s is not in the credential report.", u.Name, joinList(undated))
			res.MissingInputs = inputNames(snapshot.InputCredentialReport)
			out = append(out, res)
		default:
			out = append(out, r.userResult(Pass, a, u, "IAM user %s: every active access key is at most %s old.", u.Name, wording.Days(limit)))
		}
	}
	return out
}

// AccessKeyUnused fails active keys unused for the configured number of days,
// including keys never used that are older than that.
var AccessKeyUnused = Rule{
	ID:       "iam-access-key-unused",
	Title:    "Active access key has not been used recently",
	Severity: Medium,
	Description: "An active key that nobody uses is pure risk: it can still be stolen and used, and no " +
		"one would notice its absence. Deactivate keys unused for {{unused_credential_days}} days (unused_credential_days), then delete them.",
	Frameworks: with(with(with(cis("1.12", "1.11", "2.11"),
		FSBP, "IAM.22", "IAM.8"), WellArch, "SEC02-BP05", "SEC03-BP04"), NIST80053, "AC-2(3)"),
	Remediation: Remediation{
		Summary: "Deactivate the unused key; delete it once nothing has complained for a while.",
		Console: "IAM console > Users > select the user > Security credentials > Access keys > Actions > Deactivate, later Delete.",
		CLI: "aws iam update-access-key --user-name NAME --access-key-id KEY --status Inactive\n" +
			"aws iam delete-access-key --user-name NAME --access-key-id KEY",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html",
	},
	Needs:        []snapshot.Input{snapshot.InputCredentialReport},
	Covers:       Covers{Users: []snapshot.Input{snapshot.InputCredentialReport}},
	CheckAccount: checkKeyUnused,
}

func checkKeyUnused(r *Rule, ctx *Context, s *snapshot.Snapshot, a *snapshot.Account) []Result {
	now, limit := ctx.Now(s, a), ctx.Config.UnusedCredentialDays
	var out []Result
	for _, u := range a.Users {
		active := u.ActiveAccessKeys()
		if len(active) == 0 {
			out = append(out, r.userResult(Pass, a, u, "IAM user %s has no active access key.", u.Name))
			continue
		}
		var stale, undated []string
		var ev *Evidence
		for _, k := range active {
			switch {
			case k.LastUsed != nil:
				if d := daysBetween(*k.LastUsed, now); d >= limit {
					stale = append(stale, fmt.Sprintf("%s was last used %s ago (%s)", k.Label(), wording.Days(d), day(*k.LastUsed)))
					ev = oldest(ev, aged(k.Label(), *k.LastUsed, d, limit))
				}
			case k.CreatedAt != nil:
				if d := daysBetween(*k.CreatedAt, now); d >= limit {
					stale = append(stale, fmt.Sprintf("%s has never been used in %s since it was created (%s)", k.Label(), wording.Days(d), day(*k.CreatedAt)))
					ev = oldest(ev, aged(k.Label(), *k.CreatedAt, d, limit))
				}
			default:
				undated = append(undated, k.Label())
			}
		}
		switch {
		case len(stale) > 0:
			out = append(out, withEvidence(r.userResult(Fail, a, u, "IAM user %s: %s; the limit is %s.", u.Name, joinList(stale), wording.Days(limit)), ev))
		case len(undated) > 0:
			res := r.userResult(Unknown, a, u, "IAM user %s: neither last use nor creation date of %s is in the credential report.", u.Name, joinList(undated))
			res.MissingInputs = inputNames(snapshot.InputCredentialReport)
			out = append(out, res)
		default:
			out = append(out, r.userResult(Pass, a, u, "IAM user %s: every active access key was used in the last %s.", u.Name, wording.Days(limit)))
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
			out = append(out, r.userResult(Fail, a, u, "IAM user %s has %s.", u.Name, wording.Count(n, "active access key")))
		} else {
			out = append(out, r.userResult(Pass, a, u, "IAM user %s has %s.", u.Name, wording.CountAs(n, "active access key", "active access keys")))
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
