package rules

import (
	"fmt"
	"strings"

	"github.com/iamspect/iamspect/internal/policy"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/wording"
)

// PolicyInvalid reports policy documents with errors.
var PolicyInvalid = Rule{
	ID:       "policy-invalid",
	Title:    "Policy has errors",
	Severity: Medium,
	Description: "A policy that names an unknown service or action, holds a malformed ARN, an unknown " +
		"condition operator, a condition value of the wrong type, or an Effect other than Allow or Deny " +
		"does not do what its author meant: the broken part silently grants or denies nothing, and " +
		"the intended restriction or permission is missing. Customer managed policies are reported on " +
		"the policy; inline policies and role trust policies on the user, group or role. AWS managed " +
		"policies are not judged (AWS maintains them, and an action the catalogue does not know yet " +
		"would be a false alarm). Only errors fail; warnings (such as a literal \"*\" under " +
		"StringEquals) are mentioned in passing results. Action names are checked against iamspect's " +
		"built-in catalogue; an action AWS released after that catalogue is reported as unknown.",
	Frameworks: with(with(map[Framework][]string{}, WellArch, "SEC03-BP02"), NIST80053, "CM-6"),
	Remediation: Remediation{
		Summary: "Correct the reported elements (fix the action name, ARN or operator) and save a new policy version.",
		Console: "IAM console > Policies (or the principal > Permissions, or the role > Trust relationships) > Edit: the policy editor's validator shows the same errors.",
		CLI: "aws accessanalyzer validate-policy --policy-type IDENTITY_POLICY --policy-document file://policy.json\n" +
			"aws iam create-policy-version --policy-arn ARN --policy-document file://fixed.json --set-as-default",
		Terraform: "Fix the aws_iam_policy_document; run `aws accessanalyzer validate-policy` in CI on the rendered JSON.",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_policy-validator.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html",
	},
	Needs:        policyNeeds,
	Covers:       Covers{Users: []snapshot.Input{snapshot.InputAuthorizationDetails}},
	CheckAccount: checkPolicyInvalid,
}

// docErrors parses and validates one document; it returns the errors and
// the warnings, each rendered for messages.
func docErrors(ctx *Context, s *snapshot.Snapshot, a *snapshot.Account, memo map[*policy.Policy][]policy.Issue, name string, raw []byte) (errs, warns []string) {
	p, err := ctx.model(s, a).Cache.Compile(name, raw)
	if err != nil {
		return []string{"does not parse: " + err.Error()}, nil
	}
	issues, ok := memo[p]
	if !ok {
		issues = policy.Validate(p.Doc)
		memo[p] = issues
	}
	for _, is := range issues {
		if is.Severity == policy.SeverityError {
			errs = append(errs, is.String())
		} else {
			warns = append(warns, is.String())
		}
	}
	return errs, warns
}

func checkPolicyInvalid(r *Rule, ctx *Context, s *snapshot.Snapshot, a *snapshot.Account) []Result {
	var out []Result
	memo := map[*policy.Policy][]policy.Issue{} // the cache hands out one *Policy per distinct document
	for _, mp := range a.Policies {
		if mp.AWSManaged() {
			continue
		}
		if len(mp.Document) == 0 {
			out = append(out, r.policyResult(Unknown, a, mp, "Managed policy %s: its document is not in the snapshot.", mp.Name))
			continue
		}
		errs, warns := docErrors(ctx, s, a, memo, mp.ARN, mp.Document)
		if len(errs) > 0 {
			out = append(out, r.policyResult(Fail, a, mp, "Managed policy %s has %s: %s.", mp.Name, wording.CountAs(len(errs), "error", "errors"), strings.Join(errs, "; ")))
		} else {
			out = append(out, r.policyResult(Pass, a, mp, "Managed policy %s has no errors%s.", mp.Name, warnNote(warns)))
		}
	}
	judge := func(typ, arn, name, label string, inline []snapshot.InlinePolicy, trust []byte) {
		var errs, warns []string
		for _, ip := range inline {
			e, w := docErrors(ctx, s, a, memo, "inline:"+ip.Name, ip.Document)
			for _, x := range e {
				errs = append(errs, "inline policy "+ip.Name+" "+x)
			}
			warns = append(warns, w...)
		}
		if len(trust) > 0 {
			e, w := docErrors(ctx, s, a, memo, "trust:"+arn, trust)
			for _, x := range e {
				errs = append(errs, "trust policy "+x)
			}
			warns = append(warns, w...)
		}
		if len(errs) > 0 {
			out = append(out, r.Result(Fail, a.ID, typ, arn, name, "%s: %s.", label, strings.Join(errs, "; ")))
		} else {
			out = append(out, r.Result(Pass, a.ID, typ, arn, name, "The inline and trust policies of %s have no errors%s.", label, warnNote(warns)))
		}
	}
	for _, u := range a.Users {
		judge(TypeUser, u.ARN, u.Name, "IAM user "+u.Name, u.InlinePolicies, nil)
	}
	for _, g := range a.Groups {
		judge(TypeGroup, g.ARN, g.Name, "IAM group "+g.Name, g.InlinePolicies, nil)
	}
	for _, ro := range a.Roles {
		var trust []byte
		if !ro.ServiceLinked() {
			trust = ro.TrustPolicy
		}
		judge(TypeRole, ro.ARN, ro.Name, "Role "+ro.Name, ro.InlinePolicies, trust)
	}
	if len(out) == 0 {
		out = append(out, r.accountResult(Pass, a, "The account has no customer managed, inline or trust policy."))
	}
	return out
}

func warnNote(warns []string) string {
	if len(warns) == 0 {
		return ""
	}
	return fmt.Sprintf(" (%s: %s)", wording.CountAs(len(warns), "warning", "warnings"), summarize(warns, 3))
}
