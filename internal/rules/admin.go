package rules

import (
	"fmt"
	"strings"

	"github.com/iamspect/iamspect/internal/access"
	"github.com/iamspect/iamspect/internal/policy"
	"github.com/iamspect/iamspect/internal/snapshot"
)

var adminRefs = []string{
	"https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
	"https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-1",
	"https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html",
}

// PolicyAdminAttached fails each user, group or role with a policy attached
// (or embedded) that on its own allows every action on every resource.
var PolicyAdminAttached = Rule{
	ID:       "policy-admin-attached",
	Title:    "Administrator policy attached to a user, group or role",
	Severity: High,
	Description: "A policy that allows every action on every resource — \"Action\": \"*\", or a NotAction " +
		"that excludes nothing real, after Denies in the same policy — makes whoever holds it an " +
		"administrator. The result is about the attachment (resource = the user, group or role), never " +
		"about an AWS managed policy such as AdministratorAccess existing in the account. Inline " +
		"policies count as attached. Day-to-day work should run with narrower permissions, with " +
		"administrator access reserved for break-glass roles.",
	Frameworks: with(with(with(with(cis("1.16", "1.15", "2.14"),
		FSBP, "IAM.1"), WellArch, "SEC03-BP02"), NIST80053, "AC-6", "AC-6(5)"), Conformity, "IAM-045"),
	Remediation: Remediation{
		Summary: "Detach the administrator policy and grant the permissions the principal needs; keep administrator access for a break-glass role or an Identity Center permission set with MFA.",
		Console: "IAM console > Users / User groups / Roles > select it > Permissions > remove the administrator policy; attach a narrower one.",
		CLI: "aws iam detach-user-policy --user-name NAME --policy-arn arn:aws:iam::aws:policy/AdministratorAccess\n" +
			"aws iam detach-group-policy --group-name NAME --policy-arn arn:aws:iam::aws:policy/AdministratorAccess\n" +
			"aws iam detach-role-policy --role-name NAME --policy-arn arn:aws:iam::aws:policy/AdministratorAccess\n" +
			"aws iam delete-role-policy --role-name NAME --policy-name INLINE   # for an inline policy",
		Terraform: "Remove the aws_iam_*_policy_attachment that references AdministratorAccess (or the admin document) and attach a least-privilege aws_iam_policy instead.",
	},
	References:   adminRefs,
	Needs:        policyNeeds,
	Covers:       Covers{Users: []snapshot.Input{snapshot.InputAuthorizationDetails}},
	CheckAccount: checkAdminAttached,
}

func checkAdminAttached(r *Rule, ctx *Context, s *snapshot.Snapshot, a *snapshot.Account) []Result {
	m := ctx.model(s, a)
	isAdmin := adminMemo()
	var out []Result
	for _, pr := range m.Principals {
		var admin []string
		var ev *Evidence
		for _, src := range ownSources(pr) {
			if isAdmin(src.Policy) {
				admin = append(admin, sourceLabelWith(*src, adminStatement(src.Policy)))
				if ev == nil {
					ev = policyEvidence(*src)
				}
			}
		}
		switch {
		case len(admin) > 0:
			out = append(out, withEvidence(r.principalResult(Fail, a, pr, "%s has an administrator policy attached: %s allows every action on every resource.", kindLabel(pr), joinList(admin)), ev))
		case len(ownProblems(pr)) > 0:
			out = append(out, r.principalResult(Unknown, a, pr, "%s has no administrator policy among those that could be read, but %s.", kindLabel(pr), joinList(ownProblems(pr))))
		default:
			out = append(out, r.principalResult(Pass, a, pr, "No policy attached to %s allows every action on every resource on its own.", kindLabel(pr)))
		}
	}
	if len(out) == 0 {
		out = append(out, r.accountResult(Pass, a, "The account has no user, group or role."))
	}
	return out
}

// adminMemo returns policy.IsAdminPolicy memoised per policy: one scan
// meets the same managed policy on many principals.
func adminMemo() func(*policy.Policy) bool {
	memo := map[*policy.Policy]bool{}
	return func(p *policy.Policy) bool {
		v, ok := memo[p]
		if !ok {
			v = policy.IsAdminPolicy(p)
			memo[p] = v
		}
		return v
	}
}

// adminStatement names the statements of an admin policy that allow
// everything, for messages: " (Statement[0])".
func adminStatement(p *policy.Policy) string {
	var refs []string
	for _, st := range p.Doc.Statements {
		if st.Effect != policy.Allow || len(st.Conditions) > 0 {
			continue
		}
		if policy.IsAdminPolicy(policy.Compile(&policy.Document{Version: p.Doc.Version, Statements: []*policy.Statement{st}})) {
			refs = append(refs, st.Ref())
		}
	}
	if len(refs) == 0 {
		return ""
	}
	return " (" + strings.Join(refs, ", ") + ")"
}

// ownProblems returns the problems about the principal's own policies (not
// its groups' or SCPs).
func ownProblems(p *access.Principal) []string {
	var out []string
	for _, pr := range p.Problems {
		if !strings.HasPrefix(pr, "group ") && !strings.HasPrefix(pr, "SCP ") {
			out = append(out, pr)
		}
	}
	return out
}

// PrincipalAdminAccess fails each user, group or role whose policies
// together amount to administrator access.
var PrincipalAdminAccess = Rule{
	ID:       "principal-admin-access",
	Title:    "User, group or role has full administrator access",
	Severity: High,
	Description: "Judges what a principal can actually do: a user's own policies and those of its groups, " +
		"a role's policies, after Deny statements, the permissions boundary and the service control " +
		"policies of the organisation (when the snapshot holds them). A principal that can perform every " +
		"action on every resource fails, whether one administrator policy or a combination of policies " +
		"gets it there. A principal that can assume, directly or through other roles, a role that is an " +
		"administrator fails too, and the message shows the chain (user/alice -[sts:AssumeRole]-> " +
		"role/deploy); chains that need an escalation trick are left to privilege-escalation. A Deny that " +
		"only applies under a condition (for example without MFA) does not remove administrator status.",
	Frameworks: with(with(with(with(cis("1.16", "1.15", "2.14"),
		FSBP, "IAM.1"), WellArch, "SEC03-BP02"), NIST80053, "AC-6", "AC-6(5)"), Conformity, "IAM-045"),
	Remediation: Remediation{
		Summary: "Reduce the principal's policies to what it needs, or cap it with a permissions boundary; reserve administrator access for a few break-glass roles.",
		Console: "IAM console > the user, group or role > Permissions: remove the broad policies, or Set permissions boundary.",
		CLI: "aws iam put-role-permissions-boundary --role-name NAME --permissions-boundary ARN\n" +
			"aws iam put-user-permissions-boundary --user-name NAME --permissions-boundary ARN\n" +
			"aws iam remove-user-from-group --user-name NAME --group-name ADMINS",
		Terraform: "Set permissions_boundary on aws_iam_role / aws_iam_user, and narrow the aws_iam_policy documents attached to it.",
	},
	References:   adminRefs,
	Needs:        policyNeeds,
	Covers:       Covers{Users: []snapshot.Input{snapshot.InputAuthorizationDetails}},
	UsesAnalysis: true,
	CheckAccount: checkPrincipalAdmin,
}

func checkPrincipalAdmin(r *Rule, ctx *Context, s *snapshot.Snapshot, a *snapshot.Account) []Result {
	m := ctx.model(s, a)
	an := ctx.analysis(s, a)
	relax := scpRelaxer{}
	var out []Result
	for _, pr := range m.Principals {
		if ctx.Done() {
			return nil // the scanner reports the context's error
		}
		switch {
		case pr.Set.IsAdmin():
			out = append(out, withEvidence(r.principalResult(Fail, a, pr, "%s can perform every action on every resource %s.", kindLabel(pr), adminVia(pr)), everyAction()))
		case relax.adminDespiteSCPDenies(pr.Set):
			out = append(out, withEvidence(r.principalResult(Fail, a, pr, "%s can perform every action on every resource %s, apart from the few actions the organisation's SCPs deny.", kindLabel(pr), adminVia(pr)), everyAction()))
		case assumeChainToAdmin(an, pr) != "":
			out = append(out, withEvidence(r.principalResult(Fail, a, pr, "%s is not an administrator by its own policies, but can become one by assuming roles: %s.", kindLabel(pr), assumeChainToAdmin(an, pr)), everyAction()))
		case len(pr.Problems) > 0:
			out = append(out, r.principalResult(Unknown, a, pr, "%s is not an administrator through the policies that could be read, but %s.", kindLabel(pr), joinList(pr.Problems)))
		default:
			out = append(out, r.principalResult(Pass, a, pr, "%s does not have full administrator access%s.", kindLabel(pr), limitedBy(pr)))
		}
	}
	if len(out) == 0 {
		out = append(out, r.accountResult(Pass, a, "The account has no user, group or role."))
	}
	return out
}

// everyAction is principal-admin-access's evidence: administrator reach.
func everyAction() *Evidence { return &Evidence{Actions: []string{"*"}} }

// assumeChainToAdmin returns the shortest chain by which the principal
// reaches an administrator role through unconditional sts:AssumeRole alone,
// or "". Only role-assumption edges count: chains that need an escalation
// trick are privilege-escalation's to report. The distances are computed
// once per account (access.Analysis.AssumeChain), not per principal.
func assumeChainToAdmin(an *access.Analysis, pr *access.Principal) string {
	if c, ok := an.AssumeChain(pr); ok {
		return c.String()
	}
	return ""
}

// coreAdminActions are the powers an administrator keeps whatever
// guardrail SCPs deny (leaving the organisation, disabling CloudTrail,
// creating IAM users, other regions, ...): a principal that has all of them
// and every other action is an administrator in practice.
var coreAdminActions = []string{"iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:CreateRole", "iam:PassRole",
	"sts:AssumeRole", "ec2:RunInstances", "lambda:CreateFunction", "s3:GetObject", "s3:PutBucketPolicy", "kms:Decrypt"}

// scpRelaxer judges administrators in member accounts. Strictly, one SCP
// Deny of one action (deny organizations:LeaveOrganization is near
// universal) makes nobody a full administrator; that would hide every
// administrator of an organisation. So a principal also counts when its
// identity policies and boundary allow everything, the SCPs' Allow
// statements let everything through, and the SCP Denies leave the core
// administrator powers in place (in some context, e.g. allowed regions).
type scpRelaxer struct {
	allowOnly map[*policy.Policy]*policy.Policy
}

func (x *scpRelaxer) adminDespiteSCPDenies(set *policy.Set) bool {
	if len(set.SCPs) == 0 {
		return false
	}
	if x.allowOnly == nil {
		x.allowOnly = map[*policy.Policy]*policy.Policy{}
	}
	levels := make([][]*policy.Policy, len(set.SCPs))
	for i, level := range set.SCPs {
		for _, p := range level {
			q, ok := x.allowOnly[p]
			if !ok {
				doc := &policy.Document{Version: p.Doc.Version}
				for _, st := range p.Doc.Statements {
					if st.Effect == policy.Allow {
						doc.Statements = append(doc.Statements, st)
					}
				}
				q = policy.CompileNamed(p.Name, doc)
				x.allowOnly[p] = q
			}
			levels[i] = append(levels[i], q)
		}
	}
	if !(&policy.Set{Identity: set.Identity, Boundary: set.Boundary, SCPs: levels}).IsAdmin() {
		return false
	}
	for _, act := range coreAdminActions {
		if !set.AllowsSomehow(act, "*") {
			return false
		}
	}
	return true
}

// adminVia names the identity policies that make the principal admin.
func adminVia(p *access.Principal) string {
	var admin, all []string
	for _, src := range p.Sources {
		if src.Kind == access.SourceBoundary || src.Kind == access.SourceSCP {
			continue
		}
		all = append(all, sourceLabel(*src))
		if policy.IsAdminPolicy(src.Policy) {
			admin = append(admin, sourceLabelWith(*src, adminStatement(src.Policy)))
		}
	}
	if len(admin) > 0 {
		return "through " + joinList(admin)
	}
	return "through the combination of " + summarize(all, 6)
}

// limitedBy says what keeps a principal with broad policies short of admin.
func limitedBy(p *access.Principal) string {
	var by []string
	if p.Set.Boundary != nil {
		by = append(by, "its permissions boundary")
	}
	if len(p.Set.SCPs) > 0 {
		by = append(by, "the organisation's SCPs")
	}
	if len(by) == 0 {
		return "" // nothing limits it: no set to build and judge
	}
	if identity := (&policy.Set{Identity: p.Set.Identity}); !identity.IsAdmin() {
		return ""
	}
	return fmt.Sprintf(": its identity policies would allow everything, but %s limit them", joinList(by))
}

// PolicyUnattachedAdmin flags unattached customer managed admin policies.
var PolicyUnattachedAdmin = Rule{
	ID:       "policy-unattached-admin",
	Title:    "Unattached customer managed policy grants administrator access",
	Severity: Low,
	Description: "A customer managed policy that allows every action on every resource but is attached to " +
		"nothing is a loaded weapon: anyone who can attach policies (iam:AttachUserPolicy, " +
		"iam:AttachRolePolicy, ...) can make themselves administrator with it, and it tends to be " +
		"attached again \"temporarily\". Delete it, or keep it only as a documented break-glass policy. " +
		"Policies used only as permissions boundaries are not counted as unattached. AWS managed " +
		"policies are never reported here.",
	Frameworks: with(with(map[Framework][]string{}, WellArch, "SEC03-BP02", "SEC03-BP04"), NIST80053, "AC-6"),
	Remediation: Remediation{
		Summary: "Delete the policy (after deleting its non-default versions), or narrow it.",
		Console: "IAM console > Policies > filter Customer managed > select the policy > Delete.",
		CLI: "aws iam list-policy-versions --policy-arn ARN\n" +
			"aws iam delete-policy-version --policy-arn ARN --version-id v1   # each non-default version\n" +
			"aws iam delete-policy --policy-arn ARN",
		Terraform: "Remove the aws_iam_policy resource.",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_manage-delete.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#remove-credentials",
	},
	Needs:        policyNeeds,
	CheckAccount: checkUnattachedAdmin,
}

func checkUnattachedAdmin(r *Rule, ctx *Context, s *snapshot.Snapshot, a *snapshot.Account) []Result {
	m := ctx.model(s, a)
	used := map[string]bool{}
	for _, pr := range m.Principals {
		for _, src := range pr.Sources {
			used[src.ARN] = true
		}
	}
	var out []Result
	for _, mp := range a.Policies {
		if mp.AWSManaged() {
			continue
		}
		p, _, _, err := m.Managed(mp.ARN)
		if err != nil {
			out = append(out, r.policyResult(Unknown, a, mp, "Managed policy %s could not be read (%v); see policy-invalid.", mp.Name, err))
			continue
		}
		attached := used[mp.ARN] || mp.AttachmentCount > 0 || mp.PermissionsBoundaryUsageCount > 0
		switch {
		case !policy.IsAdminPolicy(p):
			out = append(out, r.policyResult(Pass, a, mp, "Managed policy %s does not grant administrator access.", mp.Name))
		case attached:
			out = append(out, r.policyResult(Pass, a, mp, "Managed policy %s grants administrator access and is attached (policy-admin-attached judges the attachments).", mp.Name))
		default:
			out = append(out, r.policyResult(Fail, a, mp, "Managed policy %s is attached to nothing, yet it allows every action on every resource%s.", mp.Name, adminStatement(p)))
		}
	}
	if len(out) == 0 {
		out = append(out, r.accountResult(Pass, a, "The account has no customer managed policy."))
	}
	return out
}

const cloudShellSuffix = ":iam::aws:policy/AWSCloudShellFullAccess"

// PolicyCloudShellFullAccess flags attachments of AWSCloudShellFullAccess.
var PolicyCloudShellFullAccess = Rule{
	ID:       "policy-cloudshell-full-access",
	Title:    "AWSCloudShellFullAccess attached",
	Severity: Medium,
	Description: "AWSCloudShellFullAccess lets its holder upload and download files to and from a CloudShell " +
		"environment and open a shell with their credentials from the browser: a ready channel to move " +
		"data out of the account. The result is about each user, group or role the AWS managed policy " +
		"is attached to; grant a narrower CloudShell policy (without file transfer) where CloudShell is " +
		"needed.",
	Frameworks: with(with(with(cis("1.22", "1.21", "2.20"), FSBP, "IAM.27"), WellArch, "SEC03-BP02"), NIST80053, "AC-6"),
	Remediation: Remediation{
		Summary: "Detach AWSCloudShellFullAccess; where CloudShell is needed, attach a customer managed policy that denies cloudshell:GetFileUploadUrls and cloudshell:GetFileDownloadUrls.",
		Console: "IAM console > Policies > AWSCloudShellFullAccess > Entities attached > Detach.",
		CLI: "aws iam list-entities-for-policy --policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess\n" +
			"aws iam detach-group-policy --group-name NAME --policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess",
		Terraform: "Remove the aws_iam_*_policy_attachment with policy_arn = \"arn:aws:iam::aws:policy/AWSCloudShellFullAccess\".",
	},
	References: []string{
		"https://docs.aws.amazon.com/cloudshell/latest/userguide/sec-auth-with-identities.html",
		"https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-27",
	},
	Needs:        policyNeeds,
	Covers:       Covers{Users: []snapshot.Input{snapshot.InputAuthorizationDetails}},
	CheckAccount: checkCloudShell,
}

func checkCloudShell(r *Rule, _ *Context, _ *snapshot.Snapshot, a *snapshot.Account) []Result {
	var out []Result
	judge := func(refs []snapshot.PolicyRef) bool {
		for _, ref := range refs {
			if strings.HasSuffix(ref.ARN, cloudShellSuffix) {
				return true
			}
		}
		return false
	}
	add := func(has bool, typ, arn, name, label string) {
		if has {
			out = append(out, r.Result(Fail, a.ID, typ, arn, name, "AWSCloudShellFullAccess is attached to %s.", label))
		} else {
			out = append(out, r.Result(Pass, a.ID, typ, arn, name, "AWSCloudShellFullAccess is not attached to %s.", label))
		}
	}
	for _, u := range a.Users {
		add(judge(u.AttachedPolicies), TypeUser, u.ARN, u.Name, "IAM user "+u.Name)
	}
	for _, g := range a.Groups {
		label := "IAM group " + g.Name
		if members := groupMembers(a, g.Name); len(members) > 0 {
			label += " (members: " + summarize(members, 5) + ")"
		}
		add(judge(g.AttachedPolicies), TypeGroup, g.ARN, g.Name, label)
	}
	for _, ro := range a.Roles {
		add(judge(ro.AttachedPolicies), TypeRole, ro.ARN, ro.Name, "role "+ro.Name)
	}
	if len(out) == 0 {
		out = append(out, r.accountResult(Pass, a, "The account has no user, group or role."))
	}
	return out
}

func groupMembers(a *snapshot.Account, group string) []string {
	var out []string
	for _, u := range a.Users {
		for _, g := range u.Groups {
			if g == group {
				out = append(out, u.Name)
			}
		}
	}
	return out
}

// policyEvidence names a policy source: a managed policy by ARN, an inline
// policy by name, with the statements that make it an administrator policy.
func policyEvidence(src access.Source) *Evidence {
	ev := &Evidence{Policy: src.Name, Actions: []string{"*"}}
	if src.Kind != access.SourceInline && src.Kind != access.SourceGroupInline {
		ev.Policy = src.ARN
	}
	if src.Policy != nil {
		for _, st := range src.Policy.Doc.Statements {
			if st.Effect == policy.Allow && len(st.Conditions) == 0 &&
				policy.IsAdminPolicy(policy.Compile(&policy.Document{Version: src.Policy.Doc.Version, Statements: []*policy.Statement{st}})) {
				ev.Statement = st.Ref()
				break
			}
		}
	}
	return ev
}
