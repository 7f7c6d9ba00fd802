package rules

import (
	"fmt"
	"strings"

	"github.com/iamspect/iamspect/internal/access"
	"github.com/iamspect/iamspect/internal/policy"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/wording"
)

// The policy-content rules (service wildcards, NotAction, PassRole and
// AssumeRole on "*") judge policy documents. Their subjects are:
//   - each customer managed policy, reported on the policy (resource = the
//     policy ARN), attached or not;
//   - each user, group and role for its inline policies and the AWS managed
//     policies attached to it directly (resource = the principal ARN): AWS
//     managed policies are never reported on their own, only where they are
//     attached.
//
// Group policies are reported on the group, not on every member.

// finding is what a judge found in one policy: one sentence per statement.
type judge func(p *policy.Policy) []string

// contentCheck runs a judge over the account's policies. blocked, when set,
// tells whether the principal's effective permissions (boundary, SCPs,
// Denies in other policies) take the finding away; it returns the reason.
//
// leaveAdmin skips administrator policies (Allow * on *): every narrower
// finding in them is implied by the admin grant, which policy-admin-attached
// and policy-unattached-admin already report, so repeating it here would
// only inflate the count.
func contentCheck(what string, j judge, blocked func(p *access.Principal) bool, leaveAdmin bool) func(r *Rule, ctx *Context, s *snapshot.Snapshot, a *snapshot.Account) []Result {
	return func(r *Rule, ctx *Context, s *snapshot.Snapshot, a *snapshot.Account) []Result {
		m := ctx.model(s, a)
		memo := map[*policy.Policy][]string{}
		judged := func(p *policy.Policy) []string {
			if f, ok := memo[p]; ok {
				return f
			}
			f := j(p)
			memo[p] = f
			return f
		}
		// A result per customer managed policy and per principal, sized
		// once: tens of thousands at 10,000 principals. (AWS managed
		// policies are left out of the count: an organisation's results
		// are held to the end, spare room included.)
		size := len(m.Principals)
		for _, mp := range a.Policies {
			if !mp.AWSManaged() {
				size++
			}
		}
		out := make([]Result, 0, max(1, size))
		var attached map[string][]string
		for _, mp := range a.Policies {
			if mp.AWSManaged() {
				continue
			}
			p, _, _, err := m.Managed(mp.ARN)
			if err != nil {
				out = append(out, r.policyResult(Unknown, a, mp, "Managed policy %s could not be read (%v); see policy-invalid.", mp.Name, err))
				continue
			}
			if leaveAdmin && policy.IsAdminPolicy(p) {
				out = append(out, r.policyResult(Pass, a, mp, "Managed policy %s grants full administrator access, which policy-admin-attached and policy-unattached-admin report; it is not counted again here.", mp.Name))
				continue
			}
			if f := judged(p); len(f) > 0 {
				if attached == nil {
					attached = attachmentIndex(m)
				}
				out = append(out, r.policyResult(Fail, a, mp, "Managed policy %s %s; %s.", mp.Name, strings.Join(f, "; "), attachmentNote(attached[mp.ARN], mp)))
			} else {
				out = append(out, r.policyResult(Pass, a, mp, "Managed policy %s has no statement that %s.", mp.Name, what))
			}
		}
		for _, pr := range m.Principals {
			var found, admin []string
			n := 0
			for _, src := range ownSources(pr) {
				if src.Kind == access.SourceManaged && !snapshot.IsAWSManagedPolicyARN(src.ARN) {
					continue // reported on the customer managed policy itself
				}
				n++
				if leaveAdmin && policy.IsAdminPolicy(src.Policy) {
					admin = append(admin, sourceLabel(*src))
					continue
				}
				if f := judged(src.Policy); len(f) > 0 {
					found = append(found, sourceLabel(*src)+": "+strings.Join(f, "; "))
				}
			}
			switch {
			case len(found) == 0 && len(ownProblems(pr)) > 0:
				// A policy of its own was rejected (over the size limits,
				// malformed): it may hold exactly what this rule looks for.
				out = append(out, r.principalResult(Unknown, a, pr, "No inline or AWS managed policy of %s that could be read %s, but %s; see policy-invalid.",
					kindLabel(pr), what, joinList(ownProblems(pr))))
			case len(found) == 0 && len(admin) > 0:
				out = append(out, r.principalResult(Pass, a, pr, "%s holds an administrator policy (%s), which policy-admin-attached reports; no other inline or AWS managed policy of its own %s.",
					kindLabel(pr), strings.Join(admin, ", "), what))
			case len(found) == 0 && n == 0:
				out = append(out, r.principalResult(Pass, a, pr, "%s has no inline or AWS managed policy of its own that %s.", kindLabel(pr), what))
			case len(found) == 0:
				out = append(out, r.principalResult(Pass, a, pr, "No inline or AWS managed policy of %s %s.", kindLabel(pr), what))
			case blocked != nil && blocked(pr):
				out = append(out, r.principalResult(Pass, a, pr, "%s holds a policy that %s (%s), but its permissions boundary, an SCP or a Deny takes that away.",
					kindLabel(pr), what, strings.Join(found, "; ")))
			default:
				out = append(out, r.principalResult(Fail, a, pr, "%s: %s.", kindLabel(pr), strings.Join(found, "; ")))
			}
		}
		if len(out) == 0 {
			out = append(out, r.accountResult(Pass, a, "The account has no customer managed policy and no user, group or role."))
		}
		return out
	}
}

// attachmentNote says where a customer managed policy is attached.
func attachmentNote(who []string, mp *snapshot.ManagedPolicy) string {
	if len(who) == 0 {
		if mp.AttachmentCount > 0 {
			return fmt.Sprintf("it is attached to %s", wording.CountAs(mp.AttachmentCount, "principal", "principals"))
		}
		return "it is not attached to any user, group or role"
	}
	return "it is attached to " + summarize(who, 5)
}

// allowsOnEverything judges whether the policy on its own allows action on
// "*" (the literal every-resource ARN, which NotResource also reaches), and
// names the statements that do.
func allowsOnEverything(action string) judge {
	return func(p *policy.Policy) []string {
		res := (&policy.Set{Identity: []*policy.Policy{p}}).Allows(action, "*")
		var out []string
		switch res.Decision {
		case policy.Allowed:
			for _, m := range res.Allows {
				out = append(out, fmt.Sprintf("%s allows %s on every resource", m.Statement.Ref(), action))
			}
		case policy.ConditionallyAllowed:
			for _, cl := range res.AllowIf {
				for _, m := range cl {
					conds := make([]string, len(m.Unknown))
					for i, c := range m.Unknown {
						conds[i] = c.String()
					}
					out = append(out, fmt.Sprintf("%s allows %s on every resource when %s", m.Statement.Ref(), action, strings.Join(conds, " and ")))
				}
			}
		}
		return out
	}
}

// blockedFor reports whether the principal's effective policies allow
// action on "*" in no context at all.
func blockedFor(action string) func(p *access.Principal) bool {
	return func(p *access.Principal) bool { return !p.Set.AllowsSomehow(action, "*") }
}

// SensitiveServices are the services for which "service:*" is flagged by
// policy-service-wildcard: identity and access (iam, sts, sso,
// identitystore, organizations, account), key and secret stores (kms,
// secretsmanager) and the security record and detection services an
// attacker would turn off (cloudtrail, config, guardduty, securityhub,
// access-analyzer). S3 is left out on purpose: "s3:*" on named buckets is
// a common, deliberate grant, and broad data access is better judged by
// other means.
var SensitiveServices = []string{"access-analyzer", "account", "cloudtrail", "config", "guardduty", "iam",
	"identitystore", "kms", "organizations", "secretsmanager", "securityhub", "sso", "sts"}

func serviceWildcards(p *policy.Policy) []string {
	var out []string
	for _, st := range p.Doc.Statements {
		if st.Effect != policy.Allow || len(access.UnknownOperators(st)) > 0 {
			continue // a condition that can never be true grants nothing
		}
		var hits []string
		for _, a := range st.Action {
			svc, name, ok := strings.Cut(a, ":")
			if !ok || strings.Trim(name, "*") != "" {
				continue
			}
			for _, s := range SensitiveServices {
				if strings.EqualFold(svc, s) {
					hits = append(hits, a)
				}
			}
		}
		if len(hits) > 0 {
			out = append(out, fmt.Sprintf("%s allows every action of %s", st.Ref(), joinList(hits)))
		}
	}
	return out
}

func notActionOnAll(p *policy.Policy) []string {
	var out []string
	for _, st := range p.Doc.Statements {
		if st.Effect != policy.Allow || len(access.UnknownOperators(st)) > 0 {
			continue
		}
		everyRes := st.NotResource != nil
		for _, r := range st.Resource {
			everyRes = everyRes || r == "*"
		}
		switch {
		case st.NotAction != nil && st.NotResource != nil:
			out = append(out, fmt.Sprintf("%s allows every action except %s on every resource except %s", st.Ref(), joinList(st.NotAction), joinList(st.NotResource)))
		case st.NotAction != nil && everyRes:
			out = append(out, fmt.Sprintf("%s allows every action except %s on every resource", st.Ref(), joinList(st.NotAction)))
		case st.NotResource != nil:
			out = append(out, fmt.Sprintf("%s allows %s on every resource except %s", st.Ref(), joinList(st.Action), joinList(st.NotResource)))
		}
	}
	return out
}

var policyNeeds = []snapshot.Input{snapshot.InputAuthorizationDetails}

// PolicyServiceWildcard flags "service:*" for sensitive services.
var PolicyServiceWildcard = Rule{
	ID:       "policy-service-wildcard",
	Title:    "Policy allows every action of a sensitive service",
	Severity: Medium,
	Description: "A statement that allows \"service:*\" grants every current and future action of that service. " +
		"For the services that control identity, keys, secrets, the organisation and the security record " +
		"(access-analyzer, account, cloudtrail, config, guardduty, iam, identitystore, kms, organizations, " +
		"secretsmanager, securityhub, sso, sts) that includes the actions an attacker needs to escalate or " +
		"hide. Customer managed policies are reported on the policy; inline policies and AWS managed " +
		"policies on the user, group or role that holds them. A full \"*\" action is left to the " +
		"administrator rules.",
	Frameworks: with(with(with(map[Framework][]string{}, FSBP, "IAM.21"), WellArch, "SEC03-BP02"), NIST80053, "AC-6"),
	Remediation: Remediation{
		Summary: "List the actions the workload needs instead of \"service:*\" (IAM Access Analyzer can generate a policy from CloudTrail activity).",
		Console: "IAM console > Policies (or the user, group or role > Permissions) > edit the policy > replace the service wildcard with the needed actions.",
		CLI: "aws iam create-policy-version --policy-arn ARN --policy-document file://narrowed.json --set-as-default\n" +
			"aws accessanalyzer start-policy-generation --policy-generation-details principalArn=ROLE_ARN --cloud-trail-details file://trail.json",
		Terraform: "In the aws_iam_policy_document, replace actions = [\"iam:*\"] with the specific actions.",
	},
	References: []string{
		"https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-21",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html",
	},
	Needs:        policyNeeds,
	Covers:       Covers{Users: []snapshot.Input{snapshot.InputAuthorizationDetails}},
	CheckAccount: contentCheck("allows every action of a sensitive service", serviceWildcards, nil, false),
}

// PolicyAllowNotAction flags Allow statements with NotAction or NotResource
// on every resource.
var PolicyAllowNotAction = Rule{
	ID:       "policy-allow-not-action",
	Title:    "Policy allows with NotAction or NotResource",
	Severity: Medium,
	Description: "\"Allow\" with \"NotAction\" grants every action except those listed, including every action " +
		"AWS adds later; with \"Resource\": \"*\" that is close to administrator access. \"Allow\" with " +
		"\"NotResource\" reaches every resource except the few listed. Both are easy to misread as " +
		"restrictions. Customer managed policies are reported on the policy; inline and AWS managed " +
		"policies on the principal that holds them.",
	Frameworks: with(with(map[Framework][]string{}, WellArch, "SEC03-BP02"), NIST80053, "AC-6"),
	Remediation: Remediation{
		Summary: "Rewrite the statement as an Allow of the actions and resources needed; to carve out exceptions, add a separate Deny statement.",
		Console: "IAM console > Policies (or the principal > Permissions) > edit the policy JSON: replace NotAction/NotResource with Action/Resource lists.",
		CLI:     "aws iam create-policy-version --policy-arn ARN --policy-document file://rewritten.json --set-as-default",
		Terraform: "In aws_iam_policy_document, use actions/resources instead of not_actions/not_resources in Allow statements; " +
			"express exceptions as a separate effect = \"Deny\" statement.",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html",
	},
	Needs:        policyNeeds,
	Covers:       Covers{Users: []snapshot.Input{snapshot.InputAuthorizationDetails}},
	CheckAccount: contentCheck("allows with NotAction or NotResource on every resource", notActionOnAll, nil, false),
}

// PolicyPassRoleWildcard flags iam:PassRole on "*".
var PolicyPassRoleWildcard = Rule{
	ID:       "policy-passrole-wildcard",
	Title:    "Policy allows iam:PassRole on every role",
	Severity: High,
	Description: "iam:PassRole lets a principal hand a role to a service (EC2, Lambda, ECS, CloudFormation, " +
		"Glue, ...), which then acts with the role's permissions. Allowed on \"*\" (directly, through a " +
		"wildcard action or through NotResource), it lets the holder run code as any role in the " +
		"account, administrator roles included: a classic privilege-escalation path. Customer managed " +
		"policies are reported on the policy; inline and AWS managed policies on the principal that " +
		"holds them, which passes when its boundary, an SCP or a Deny removes the permission. " +
		"Administrator policies (Allow * on *) are left to policy-admin-attached and policy-unattached-admin.",
	Frameworks: with(with(map[Framework][]string{}, WellArch, "SEC03-BP02"), NIST80053, "AC-6", "AC-6(1)"),
	Remediation: Remediation{
		Summary: "Limit iam:PassRole to the ARNs of the roles the workload must pass, and add an iam:PassedToService condition.",
		Console: "IAM console > Policies > edit the statement: Resource = arn:aws:iam::ACCOUNT:role/NAME, Condition StringEquals iam:PassedToService = the service.",
		CLI:     "aws iam create-policy-version --policy-arn ARN --policy-document file://passrole-scoped.json --set-as-default",
		Terraform: "statement {\n  actions   = [\"iam:PassRole\"]\n  resources = [aws_iam_role.task.arn]\n" +
			"  condition {\n    test     = \"StringEquals\"\n    variable = \"iam:PassedToService\"\n    values   = [\"ecs-tasks.amazonaws.com\"]\n  }\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PassedToService",
	},
	Needs:        policyNeeds,
	Covers:       Covers{Users: []snapshot.Input{snapshot.InputAuthorizationDetails}},
	CheckAccount: contentCheck("allows iam:PassRole on every resource", allowsOnEverything("iam:PassRole"), blockedFor("iam:PassRole"), true),
}

// PolicyAssumeRoleWildcard flags sts:AssumeRole on "*".
var PolicyAssumeRoleWildcard = Rule{
	ID:       "policy-assume-role-wildcard",
	Title:    "Policy allows sts:AssumeRole on every role",
	Severity: High,
	Description: "sts:AssumeRole on \"*\" lets the holder assume any role whose trust policy lets its account " +
		"in, here and in other accounts: every role that trusts the account root becomes reachable. " +
		"Name the roles instead. Customer managed policies are reported on the policy; inline and AWS " +
		"managed policies on the principal that holds them, which passes when its boundary, an SCP or " +
		"a Deny removes the permission. Administrator policies (Allow * on *) are left to " +
		"policy-admin-attached and policy-unattached-admin.",
	Frameworks: with(with(map[Framework][]string{}, WellArch, "SEC03-BP02", "SEC03-BP07"), NIST80053, "AC-6"),
	Remediation: Remediation{
		Summary:   "Limit sts:AssumeRole to the ARNs of the roles the principal must assume.",
		Console:   "IAM console > Policies > edit the statement: Resource = the role ARNs (arn:aws:iam::ACCOUNT:role/NAME).",
		CLI:       "aws iam create-policy-version --policy-arn ARN --policy-document file://assume-scoped.json --set-as-default",
		Terraform: "statement {\n  actions   = [\"sts:AssumeRole\"]\n  resources = [\"arn:aws:iam::111122223333:role/deploy\"]\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
	},
	Needs:        policyNeeds,
	Covers:       Covers{Users: []snapshot.Input{snapshot.InputAuthorizationDetails}},
	CheckAccount: contentCheck("allows sts:AssumeRole on every resource", allowsOnEverything("sts:AssumeRole"), blockedFor("sts:AssumeRole"), true),
}
