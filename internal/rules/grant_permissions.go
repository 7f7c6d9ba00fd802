package rules

import (
	"fmt"
	"strings"

	"github.com/iamspect/iamspect/internal/access"
	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// PrincipalCanGrantPermissions fails users and roles that can change other
// principals' permissions on targets they cannot use themselves: not
// self-escalation (privilege-escalation does not report it), but a way to
// make someone else an administrator.
var PrincipalCanGrantPermissions = Rule{
	ID:       "principal-can-grant-permissions",
	Title:    "User or role can change other principals' permissions",
	Severity: High,
	Description: "A principal allowed iam:AttachRolePolicy, iam:PutUserPolicy, iam:AttachGroupPolicy, " +
		"iam:AddUserToGroup, iam:CreatePolicyVersion or iam:UpdateAssumeRolePolicy on other users, groups, " +
		"roles or customer managed policies can hand out permissions it does not hold itself. When it cannot " +
		"use those targets — it cannot assume the role, is not in the group, the policy is not attached to it — " +
		"this is not privilege escalation, and privilege-escalation does not report it; but whoever controls " +
		"the principal (a CI job, a vendor, a leaked key) can make another principal an administrator and " +
		"use that one instead, or let an outside account into a role. iamspect evaluates each of these " +
		"actions on every other user, group, role and customer managed policy with the principal's combined " +
		"policies (boundary, SCPs, Denies and conditions included), leaves out the targets the principal can " +
		"use itself and roles AWS does not let anyone change (service-linked and Identity Center roles), and " +
		"names the principals it could empower. Severity is high when some change can reach administrator " +
		"(any inline policy; an attach grant that allows AdministratorAccess, checked with iam:PolicyARN; a new " +
		"version of a policy attached to a principal without a limiting boundary; adding users to an " +
		"administrator group; opening the trust of an administrator role), medium otherwise. Administrators " +
		"pass with a note: principal-admin-access reports them.",
	Frameworks: with(with(map[Framework][]string{}, WellArch, "SEC03-BP02", "SEC03-BP04"), NIST80053, "AC-5", "AC-6", "AC-6(1)"),
	Remediation: Remediation{
		Summary: "Scope the permission-changing actions to the principals this one must manage, and limit what it may hand out: allow iam:Attach*Policy only with an ArnEquals iam:PolicyARN condition naming the policies it may attach, require an iam:PermissionsBoundary condition on the targets, and drop iam:Put*Policy, iam:CreatePolicyVersion and iam:UpdateAssumeRolePolicy unless the principal administers IAM on purpose (then treat it as an administrator).",
		Console: "IAM console > Users or Roles > select the principal > Permissions: edit the statement named in the result (narrow Resource to the principals it manages, add the iam:PolicyARN / iam:PermissionsBoundary condition).",
		CLI: "aws iam get-role-policy --role-name NAME --policy-name POLICY   # or get-user-policy / get-policy-version\n" +
			"aws iam put-role-policy --role-name NAME --policy-name POLICY --policy-document file://scoped.json\n" +
			"aws iam create-policy-version --policy-arn POLICY_ARN --policy-document file://scoped.json --set-as-default",
		Terraform: "statement {\n  actions   = [\"iam:AttachRolePolicy\"]\n  resources = [\"arn:aws:iam::ACCOUNT:role/app-*\"]\n" +
			"  condition {\n    test     = \"ArnEquals\"\n    variable = \"iam:PolicyARN\"\n    values   = [aws_iam_policy.app.arn]\n  }\n" +
			"  condition {\n    test     = \"StringEquals\"\n    variable = \"iam:PermissionsBoundary\"\n    values   = [aws_iam_policy.boundary.arn]\n  }\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html#access_policies_boundaries-delegate",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PolicyARN",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
		"https://github.com/iamspect/iamspect/blob/main/docs/privilege-escalation.md",
	},
	Needs:        policyNeeds,
	Covers:       Covers{Users: []snapshot.Input{snapshot.InputAuthorizationDetails}},
	UsesAnalysis: true,
	CheckAccount: checkCanGrantPermissions,
}

func checkCanGrantPermissions(r *Rule, ctx *Context, s *snapshot.Snapshot, a *snapshot.Account) []Result {
	m := ctx.model(s, a)
	an := ctx.analysis(s, a)
	var judged []*access.Principal
	for _, p := range m.Principals {
		if p.Kind == access.KindGroup || (p.Kind == access.KindRole && p.Role.ServiceLinked()) {
			continue
		}
		judged = append(judged, p)
	}
	out := inParallel(ctx, len(judged), func(i int) Result { return grantResult(r, a, an, judged[i]) })
	if ctx.Done() {
		return nil // the scanner reports the context's error
	}
	if len(out) == 0 {
		out = append(out, r.accountResult(Pass, a, "The account has no user or role to check."))
	}
	return out
}

func grantResult(r *Rule, a *snapshot.Account, an *access.Analysis, p *access.Principal) Result {
	if an.IsAdmin(p) {
		return r.principalResult(Pass, a, p, "%s is administrator: it can change anyone's permissions, and principal-admin-access reports that.", kindLabel(p))
	}
	sum := an.EmpowermentSummary(p, targetsShown+1, finding.MaxEvidencePrincipals)
	if sum == nil {
		if probs := ownProblems(p); len(probs) > 0 {
			return r.principalResult(Unknown, a, p, "%s can change no other principal's permissions with the policies that could be read, but %s.", kindLabel(p), joinList(probs))
		}
		return r.principalResult(Pass, a, p, "%s can change no other principal's permissions (beyond what privilege-escalation reports).", kindLabel(p))
	}
	res := withEvidence(r.principalResult(Fail, a, p, "%s", empowerMessage(p, sum)), empowerEvidence(sum))
	if !sum.Admin { // administrator-capable changes sort first
		res.Severity = Medium
	}
	return res
}

// targetsShown and principalsShown: how many targets per action and
// principals empowered a message names before "and N more".
const (
	targetsShown    = 4
	principalsShown = 8
)

// empowerMessage: what the principal can change, on which targets, by
// which statements, and the principals it could empower.
func empowerMessage(p *access.Principal, sum *access.EmpowerSummary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s can change the permissions of principals it cannot use itself", kindLabel(p))
	if sum.Admin {
		b.WriteString(", and could make them administrators")
	}
	b.WriteString(":")
	// One clause per action, in the order first met (administrator-capable
	// first).
	for i, ea := range sum.Actions {
		targets := make([]string, len(ea.First))
		for k, e := range ea.First {
			targets[k] = e.TargetKind + " " + e.TargetName
			if e.Admin {
				targets[k] += " (to administrator)"
			}
		}
		sep := ";"
		if i == len(sum.Actions)-1 {
			sep = "."
		}
		g := ea.First[0].Grant
		fmt.Fprintf(&b, " %s on %s", ea.Action, summarizeCount(targets, ea.Count, targetsShown))
		if len(g.Statements) > 0 {
			fmt.Fprintf(&b, " (%s)", strings.Join(g.Statements, ", "))
		}
		if g.Conditional {
			fmt.Fprintf(&b, " [only if %s]", g.Conditions)
		}
		b.WriteString(sep)
	}
	if n := sum.EmpowersTotal; n > 0 {
		names := make([]string, 0, min(n, principalsShown+1))
		for _, arn := range sum.Empowers[:min(n, principalsShown+1)] {
			names = append(names, shortResource(arn))
		}
		fmt.Fprintf(&b, " Principals it could empower: %s.", summarizeCount(names, n, principalsShown))
	}
	return b.String()
}

// empowerEvidence: the IAM actions and the principals they could empower
// (the first MaxEvidencePrincipals, with the total when there are more:
// the summary never lists more, so the scan's cut has nothing to do).
func empowerEvidence(sum *access.EmpowerSummary) *Evidence {
	ev := &Evidence{Principals: sum.Empowers}
	if sum.EmpowersTotal > len(sum.Empowers) {
		ev.PrincipalsTotal = sum.EmpowersTotal
	}
	for _, ea := range sum.Actions {
		ev.Actions = append(ev.Actions, ea.Action)
	}
	return ev
}
