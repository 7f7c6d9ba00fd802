package snapshot

import "slices"

// Per-principal coverage. Some inputs list principals one by one: the
// authorization details and the credential report list users, the role list
// (role_details) lists roles. Files taken minutes apart, or a user created
// between two API calls, leave a principal in one input and absent from
// another even though the account "has" both. A rule that judges a principal
// from such an input must not judge the principals it does not cover; the
// scanner enforces that (internal/scan), using the answers below.

// UserInputs are the inputs that list users one by one.
var UserInputs = []Input{InputAuthorizationDetails, InputCredentialReport}

// RoleInputs are the inputs that list roles one by one.
var RoleInputs = []Input{InputAuthorizationDetails, InputRoleDetails}

// Covered reports whether the input, when the account has it, listed the
// user. Inputs that do not list users cover every user. A user without
// credential-report fields (Password nil) is not covered by the credential
// report even in snapshots written before NotIn existed.
func (u *User) Covered(in Input) bool {
	if slices.Contains(u.NotIn, in) {
		return false
	}
	return in != InputCredentialReport || u.Password != nil
}

// Covered reports whether the input, when the account has it, listed the role.
func (r *Role) Covered(in Input) bool { return !slices.Contains(r.NotIn, in) }

// markNotIn records that an input the account has did not list a principal.
func markNotIn(list *[]Input, in Input) {
	if !slices.Contains(*list, in) {
		*list = append(*list, in)
		slices.Sort(*list)
	}
}

// MarkNotIn records that the input did not list the user.
func (u *User) MarkNotIn(in Input) { markNotIn(&u.NotIn, in) }

// MarkNotIn records that the input did not list the role.
func (r *Role) MarkNotIn(in Input) { markNotIn(&r.NotIn, in) }

// Uncovered returns, for each principal ARN of the account that one of the
// given inputs (collected by the account) did not list, the inputs missing
// for it. Inputs the account lacks altogether are the account-level
// concern of Account.Missing, not reported here.
func (a *Account) Uncovered(ins []Input) map[string][]Input {
	var out map[string][]Input
	add := func(arn string, in Input) {
		if out == nil {
			out = map[string][]Input{}
		}
		out[arn] = append(out[arn], in)
	}
	for _, in := range ins {
		if !a.Has(in) {
			continue
		}
		if slices.Contains(UserInputs, in) {
			for _, u := range a.Users {
				if !u.Covered(in) {
					add(u.ARN, in)
				}
			}
		}
		if slices.Contains(RoleInputs, in) {
			for _, r := range a.Roles {
				if !r.Covered(in) {
					add(r.ARN, in)
				}
			}
		}
	}
	return out
}
