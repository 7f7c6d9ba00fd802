package rules

import (
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/wording"
)

// Password policy rules judge the account password policy only where some
// IAM user has a console password; elsewhere the policy governs nobody and
// each rule passes with a note.

var passwordPolicyNeeds = []snapshot.Input{snapshot.InputPasswordPolicy, snapshot.InputCredentialReport}

var passwordPolicyConsole = "IAM console > Account settings > Password policy > Edit: choose Custom and set the values."

var passwordPolicyRefs = []string{
	"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html",
}

// passwordPolicyCheck runs judge on the policy when it matters.
func passwordPolicyCheck(judge func(r *Rule, ctx *Context, a *snapshot.Account, p *snapshot.PasswordPolicy) Result) func(*Rule, *Context, *snapshot.Snapshot, *snapshot.Account) []Result {
	return func(r *Rule, ctx *Context, _ *snapshot.Snapshot, a *snapshot.Account) []Result {
		if len(consoleUsers(a)) == 0 {
			return []Result{r.accountResult(Pass, a, "No IAM user has a console password, so the password policy applies to nobody (not judged).")}
		}
		return []Result{judge(r, ctx, a, a.PasswordPolicy)}
	}
}

// noPolicy is the failing result of a rule when no custom policy is set.
func noPolicy(r *Rule, a *snapshot.Account, what string) Result {
	return r.accountResult(Fail, a, "No password policy is set, so AWS's default applies (8 characters minimum, no reuse limit, no expiry): %s.", what)
}

// PasswordPolicyMissing fails accounts with console users and no password policy.
var PasswordPolicyMissing = Rule{
	ID:       "password-policy-missing",
	Title:    "No account password policy is set",
	Severity: Medium,
	Description: "Without a custom password policy, IAM accepts any password of 8 characters or more for " +
		"console users. While console users exist, the account should set its own rules for length and reuse.",
	Frameworks: with(with(with(map[Framework][]string{},
		FSBP, "IAM.7", "IAM.10"), WellArch, "SEC02-BP01"), NIST80053, "IA-5(1)"),
	Remediation: Remediation{
		Summary:   "Set an account password policy (at least {{min_password_length}} characters, remember {{password_reuse_prevention}} previous passwords), or remove every console password by moving people to Identity Center.",
		Console:   passwordPolicyConsole,
		CLI:       "aws iam update-account-password-policy --minimum-password-length {{min_password_length}} --password-reuse-prevention {{password_reuse_prevention}} --require-uppercase-characters --require-lowercase-characters --require-numbers --require-symbols --allow-users-to-change-password",
		Terraform: "resource \"aws_iam_account_password_policy\" \"this\" {\n  minimum_password_length   = {{min_password_length}}\n  password_reuse_prevention = {{password_reuse_prevention}}\n  require_uppercase_characters = true\n  require_lowercase_characters = true\n  require_numbers = true\n  require_symbols = true\n  allow_users_to_change_password = true\n}",
	},
	References:   passwordPolicyRefs,
	Needs:        passwordPolicyNeeds,
	CheckAccount: passwordPolicyCheck(judgeMissing),
}

func judgeMissing(r *Rule, _ *Context, a *snapshot.Account, p *snapshot.PasswordPolicy) Result {
	if p == nil {
		return r.accountResult(Fail, a, "No password policy is set while %s a console password.", wording.CountAs(len(consoleUsers(a)), "IAM user has", "IAM users have"))
	}
	return r.accountResult(Pass, a, "The account has a password policy.")
}

// PasswordPolicyMinLength fails a minimum length below the configured value.
var PasswordPolicyMinLength = Rule{
	ID:       "password-policy-min-length",
	Title:    "Password policy allows short passwords",
	Severity: Medium,
	Description: "Length is what makes a password hard to guess or crack. Current guidance favours long " +
		"passphrases over complex short passwords: require at least {{min_password_length}} characters (min_password_length).",
	Frameworks: with(with(cis("1.8", "1.7", "2.8"),
		FSBP, "IAM.15"), NIST80053, "IA-5(1)"),
	Remediation: Remediation{
		Summary:   "Raise the minimum password length to {{min_password_length}} or more.",
		Console:   passwordPolicyConsole,
		CLI:       "aws iam update-account-password-policy --minimum-password-length {{min_password_length}}   # pass the other current settings too: this call replaces the whole policy",
		Terraform: "aws_iam_account_password_policy: minimum_password_length = {{min_password_length}}",
	},
	References:   passwordPolicyRefs,
	Needs:        passwordPolicyNeeds,
	CheckAccount: passwordPolicyCheck(judgeMinLength),
}

func judgeMinLength(r *Rule, ctx *Context, a *snapshot.Account, p *snapshot.PasswordPolicy) Result {
	want := ctx.Config.MinPasswordLength
	switch {
	case p == nil:
		return noPolicy(r, a, "passwords may be 8 characters long")
	case p.MinimumPasswordLength < want:
		return r.accountResult(Fail, a, "The password policy requires %s; at least %d are needed.", wording.Count(p.MinimumPasswordLength, "character"), want)
	}
	return r.accountResult(Pass, a, "The password policy requires at least %s.", wording.Count(p.MinimumPasswordLength, "character"))
}

// PasswordPolicyReuse fails a policy that remembers fewer previous passwords than configured.
var PasswordPolicyReuse = Rule{
	ID:       "password-policy-reuse",
	Title:    "Password policy allows reusing recent passwords",
	Severity: Medium,
	Description: "If users can go back to a previous password, a password that leaked once keeps working " +
		"after it was changed. Remember enough previous passwords ({{password_reuse_prevention}}, password_reuse_prevention) to make reuse impractical.",
	Frameworks: with(with(cis("1.9", "1.8", "2.9"),
		FSBP, "IAM.16"), NIST80053, "IA-5(1)"),
	Remediation: Remediation{
		Summary:   "Set password reuse prevention to {{password_reuse_prevention}}.",
		Console:   passwordPolicyConsole,
		CLI:       "aws iam update-account-password-policy --password-reuse-prevention {{password_reuse_prevention}}   # pass the other current settings too",
		Terraform: "aws_iam_account_password_policy: password_reuse_prevention = {{password_reuse_prevention}}",
	},
	References:   passwordPolicyRefs,
	Needs:        passwordPolicyNeeds,
	CheckAccount: passwordPolicyCheck(judgeReuse),
}

func judgeReuse(r *Rule, ctx *Context, a *snapshot.Account, p *snapshot.PasswordPolicy) Result {
	want := ctx.Config.PasswordReusePrevention
	switch {
	case p == nil:
		return noPolicy(r, a, "previous passwords may be reused")
	case p.PasswordReusePrevention < want:
		return r.accountResult(Fail, a, "The password policy remembers %s; at least %d are needed.", wording.Count(p.PasswordReusePrevention, "previous password"), want)
	}
	return r.accountResult(Pass, a, "The password policy remembers %s.", wording.Count(p.PasswordReusePrevention, "previous password"))
}

// PasswordPolicyComplexity fails a policy missing any character-class requirement.
var PasswordPolicyComplexity = Rule{
	ID:       "password-policy-complexity",
	Title:    "Password policy does not require all character types",
	Severity: Low,
	Description: "Requiring upper case, lower case, numbers and symbols widens the space an attacker must " +
		"search. Length matters more, but several benchmarks ask for every class, and the cost is small.",
	Frameworks: with(with(map[Framework][]string{},
		FSBP, "IAM.11", "IAM.12", "IAM.13", "IAM.14"), NIST80053, "IA-5(1)"),
	Remediation: Remediation{
		Summary:   "Require upper-case letters, lower-case letters, numbers and symbols.",
		Console:   passwordPolicyConsole,
		CLI:       "aws iam update-account-password-policy --require-uppercase-characters --require-lowercase-characters --require-numbers --require-symbols   # pass the other current settings too",
		Terraform: "aws_iam_account_password_policy: require_uppercase_characters, require_lowercase_characters, require_numbers and require_symbols = true",
	},
	References:   passwordPolicyRefs,
	Needs:        passwordPolicyNeeds,
	CheckAccount: passwordPolicyCheck(judgeComplexity),
}

func judgeComplexity(r *Rule, _ *Context, a *snapshot.Account, p *snapshot.PasswordPolicy) Result {
	if p == nil {
		return noPolicy(r, a, "no character types are required")
	}
	var missing []string
	for _, c := range []struct {
		ok   bool
		name string
	}{{p.RequireUppercaseCharacters, "upper-case letters"}, {p.RequireLowercaseCharacters, "lower-case letters"},
		{p.RequireNumbers, "numbers"}, {p.RequireSymbols, "symbols"}} {
		if !c.ok {
			missing = append(missing, c.name)
		}
	}
	if len(missing) > 0 {
		return r.accountResult(Fail, a, "The password policy does not require %s.", joinList(missing))
	}
	return r.accountResult(Pass, a, "The password policy requires every character type.")
}

// PasswordPolicyExpiry fails a policy without expiry within the configured days.
var PasswordPolicyExpiry = Rule{
	ID:       "password-policy-expiry",
	Title:    "Password policy does not expire passwords",
	Severity: Low,
	Description: "Some benchmarks ask for passwords to expire within 90 days. Current NIST guidance " +
		"(SP 800-63B) advises against forced periodic expiry, because it pushes people toward predictable " +
		"variations; change a password when there is evidence of compromise instead. iamspect reports this " +
		"at low severity for benchmark alignment; suppress it if you follow NIST.",
	Frameworks: with(map[Framework][]string{}, FSBP, "IAM.17"),
	Remediation: Remediation{
		Summary:   "If your benchmark requires it, set a maximum password age of {{max_password_age_days}} days; otherwise suppress this rule with the reason (NIST SP 800-63B).",
		Console:   passwordPolicyConsole,
		CLI:       "aws iam update-account-password-policy --max-password-age {{max_password_age_days}}   # pass the other current settings too",
		Terraform: "aws_iam_account_password_policy: max_password_age = {{max_password_age_days}}",
	},
	References:   append([]string{"https://pages.nist.gov/800-63-3/sp800-63b.html"}, passwordPolicyRefs...),
	Needs:        passwordPolicyNeeds,
	CheckAccount: passwordPolicyCheck(judgeExpiry),
}

func judgeExpiry(r *Rule, ctx *Context, a *snapshot.Account, p *snapshot.PasswordPolicy) Result {
	limit := ctx.Config.MaxPasswordAgeDays
	const nist = " (Current NIST guidance advises against forced expiry; suppress this rule if you follow it.)"
	switch {
	case p == nil:
		return noPolicy(r, a, "passwords never expire")
	case p.MaxPasswordAge <= 0:
		return r.accountResult(Fail, a, "The password policy does not expire passwords; benchmarks ask for %s or less."+nist, wording.Days(limit))
	case p.MaxPasswordAge > limit:
		return r.accountResult(Fail, a, "The password policy expires passwords after %s; benchmarks ask for %d or less."+nist, wording.Days(p.MaxPasswordAge), limit)
	}
	return r.accountResult(Pass, a, "The password policy expires passwords after %s.", wording.Days(p.MaxPasswordAge))
}
