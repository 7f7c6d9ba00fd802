package rules

import (
	"fmt"

	"github.com/iamspect/iamspect/internal/snapshot"
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
		for _, k := range active {
			if k.CreatedAt == nil {
				undated = append(undated, k.Label())
				continue
			}
			if age := daysBetween(*k.CreatedAt, now); age > limit {
				old = append(old, fmt.Sprintf("%s is %d days old (created %s)", k.Label(), age, day(*k.CreatedAt)))
			}
		}
		switch {
		case len(old) > 0:
			out = append(out, r.userResult(Fail, a, u, "IAM user %s: %s; the limit is %d days.", u.Name, joinList(old), limit))
		case len(undated) > 0:
			res := r.userResult(Unknown, a, u, "IAM user %s: the creation date of %s is not in the credential report.", u.Name, joinList(undated))
			res.MissingInputs = inputNames(snapshot.InputCredentialReport)
			out = append(out, res)
		default:
			out = append(out, r.userResult(Pass, a, u, "IAM user %s: every active access key is at most %d days old.", u.Name, limit))
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
		for _, k := range active {
			switch {
			case k.LastUsed != nil:
				if d := daysBetween(*k.LastUsed, now); d >= limit {
					stale = append(stale, fmt.Sprintf("%s was last used %d days ago (%s)", k.Label(), d, day(*k.LastUsed)))
				}
			case k.CreatedAt != nil:
				if d := daysBetween(*k.CreatedAt, now); d >= limit {
					stale = append(stale, fmt.Sprintf("%s has never been used in %d days since it was created (%s)", k.Label(), d, day(*k.CreatedAt)))
				}
			default:
				undated = append(undated, k.Label())
			}
		}
		switch {
		case len(stale) > 0:
			out = append(out, r.userResult(Fail, a, u, "IAM user %s: %s; the limit is %d days.", u.Name, joinList(stale), limit))
		case len(undated) > 0:
			res := r.userResult(Unknown, a, u, "IAM user %s: neither last use nor creation date of %s is in the credential report.", u.Name, joinList(undated))
			res.MissingInputs = inputNames(snapshot.InputCredentialReport)
			out = append(out, res)
		default:
			out = append(out, r.userResult(Pass, a, u, "IAM user %s: every active access key was used in the last %d days.", u.Name, limit))
		}
	}
	return out
}
