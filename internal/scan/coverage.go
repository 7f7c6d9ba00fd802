package scan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/wording"
)

// CoverageGap names the principals of one account that one input the
// account has did not list (a user created after the credential report, or
// files exported minutes apart).
type CoverageGap struct {
	AccountID  string         `json:"account_id"`
	Input      snapshot.Input `json:"input"`
	Kind       string         `json:"kind"` // "user" or "role"
	Principals []string       `json:"principals"`
}

// String words the gap as a warning.
func (g CoverageGap) String() string {
	return fmt.Sprintf("account %s: %s not in the %s input (%s): the rules that read it answer UNKNOWN for them",
		g.AccountID, wording.Count(len(g.Principals), g.Kind), g.Input, strings.Join(g.Principals, ", "))
}

// coverageGaps lists every account's uncovered principals per input.
func coverageGaps(s *snapshot.Snapshot) []CoverageGap {
	var out []CoverageGap
	for _, a := range s.Accounts {
		for _, in := range snapshot.UserInputs {
			if g := gapOf(a, in, "user", userNames(a, in)); g != nil {
				out = append(out, *g)
			}
		}
		for _, in := range snapshot.RoleInputs {
			if g := gapOf(a, in, "role", roleNames(a, in)); g != nil {
				out = append(out, *g)
			}
		}
	}
	return out
}

func gapOf(a *snapshot.Account, in snapshot.Input, kind string, names []string) *CoverageGap {
	if !a.Has(in) || len(names) == 0 {
		return nil
	}
	slices.Sort(names)
	return &CoverageGap{AccountID: a.ID, Input: in, Kind: kind, Principals: names}
}

func userNames(a *snapshot.Account, in snapshot.Input) []string {
	var out []string
	for _, u := range a.Users {
		if !u.Covered(in) {
			out = append(out, u.Name)
		}
	}
	return out
}

func roleNames(a *snapshot.Account, in snapshot.Input) []string {
	var out []string
	for _, r := range a.Roles {
		if !r.Covered(in) {
			out = append(out, r.Name)
		}
	}
	return out
}

// enforceCoverage is the structural half of "UNKNOWN, never PASS": for a rule
// that declares per-principal inputs, every principal one of them did not
// list gets exactly one UNKNOWN naming the inputs, and whatever the check
// said about that principal is dropped.
func enforceCoverage(r *rules.Rule, s *snapshot.Snapshot, a *snapshot.Account, res []finding.Result) []finding.Result {
	uncovered := map[string]finding.Result{}
	for _, u := range a.Users {
		if miss := missingFor(a, r.Covers.Users, u.Covered); len(miss) > 0 {
			uncovered[u.ARN] = principalUnknown(r, s, a, rules.TypeUser, "IAM user", u.ARN, u.Name, miss)
		}
	}
	for _, ro := range a.Roles {
		if miss := missingFor(a, r.Covers.Roles, ro.Covered); len(miss) > 0 {
			uncovered[ro.ARN] = principalUnknown(r, s, a, rules.TypeRole, "Role", ro.ARN, ro.Name, miss)
		}
	}
	if len(uncovered) == 0 {
		return res
	}
	kept := res[:0]
	for _, x := range res {
		if _, ok := uncovered[x.ResourceARN]; !ok {
			kept = append(kept, x)
		}
	}
	arns := make([]string, 0, len(uncovered))
	for arn := range uncovered {
		arns = append(arns, arn)
	}
	slices.Sort(arns)
	for _, arn := range arns {
		kept = append(kept, uncovered[arn])
	}
	return kept
}

// missingFor returns the inputs among ins that the account has but that did
// not list the principal.
func missingFor(a *snapshot.Account, ins []snapshot.Input, covered func(snapshot.Input) bool) []snapshot.Input {
	var out []snapshot.Input
	for _, in := range ins {
		if a.Has(in) && !covered(in) {
			out = append(out, in)
		}
	}
	return out
}

func principalUnknown(r *rules.Rule, s *snapshot.Snapshot, a *snapshot.Account, typ, kind, arn, name string, miss []snapshot.Input) finding.Result {
	var what []string
	for _, in := range miss {
		what = append(what, inputNoun(in)+" ("+in.Describe()+")")
	}
	res := r.Result(rules.Unknown, a.ID, typ, arn, name,
		"Not checked: %s %s is not in %s, which this scan otherwise has (it was created or deleted between the exports, or the files are from different times).",
		kind, name, strings.Join(what, " or "))
	res.MissingInputs = names(miss)
	return res
}

// inputNoun names a per-principal input as a person would.
func inputNoun(in snapshot.Input) string {
	switch in {
	case snapshot.InputCredentialReport:
		return "the credential report"
	case snapshot.InputAuthorizationDetails:
		return "the authorization details"
	case snapshot.InputRoleDetails:
		return "the role list"
	}
	return string(in)
}
