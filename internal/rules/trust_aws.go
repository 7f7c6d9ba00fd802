package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/iamspect/iamspect/internal/access"
	"github.com/iamspect/iamspect/internal/policy"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// RoleTrustAnyPrincipal fails roles whose trust policy lets anyone in.
var RoleTrustAnyPrincipal = Rule{
	ID:       "role-trust-any-principal",
	Title:    "Role trust policy allows any principal",
	Severity: Critical,
	Description: "\"Principal\": \"*\" (or {\"AWS\": \"*\"}, or an Allow with NotPrincipal) in a trust policy lets " +
		"every AWS identity in every account assume the role unless a condition pins the caller. The rule " +
		"passes when a condition with a fixed value on aws:PrincipalOrgID, aws:PrincipalOrgPaths, " +
		"aws:PrincipalAccount, aws:PrincipalArn, aws:SourceAccount, aws:SourceArn, aws:SourceOrgID, " +
		"aws:SourceOwner or aws:userid narrows it (IfExists forms do not count: callers without the key " +
		"pass), or when a Deny refuses every other caller. sts:ExternalId alone is not a pin. Service-linked " +
		"roles are skipped.",
	Frameworks: with(with(with(with(map[Framework][]string{}, WellArch, "SEC03-BP07", "SEC03-BP08"),
		NIST80053, "AC-3", "AC-6"), Conformity, "IAM-057"), CISv7, "2.21"),
	Remediation: Remediation{
		Summary: "Name the trusted principals (account root, role ARNs), or add a condition pinning the caller, e.g. StringEquals aws:PrincipalOrgID = your organisation ID.",
		Console: "IAM console > Roles > the role > Trust relationships > Edit trust policy: replace \"*\" with the trusted ARNs, or add the aws:PrincipalOrgID condition.",
		CLI:     "aws iam update-assume-role-policy --role-name NAME --policy-document file://trust-pinned.json",
		Terraform: "principals {\n  type        = \"AWS\"\n  identifiers = [\"arn:aws:iam::111122223333:root\"]\n}\n" +
			"condition {\n  test     = \"StringEquals\"\n  variable = \"aws:PrincipalOrgID\"\n  values   = [\"o-exampleorgid\"]\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid",
	},
	Needs: policyNeeds,
	// Evidence: "*", anyone, can assume the role (finding.Result.Reach).
	CheckAccount: failsWithEvidence(trustCheck(judgeAnyPrincipal), func() *Evidence { return &Evidence{Principals: []string{"*"}} }),
}

func judgeAnyPrincipal(_ *Context, _ *snapshot.Snapshot, _ *snapshot.Account, t access.Trust) ([]string, string) {
	var fails, pins []string
	for _, st := range t.Doc.Statements {
		if st.Effect != policy.Allow || !access.WildcardPrincipal(st) || !access.Usable(st) {
			continue
		}
		for _, action := range []string{access.ActAssumeRole, access.ActWebIdentity, access.ActSAML} {
			if !access.StatementGrants(st, action) {
				continue
			}
			if ok, by := t.AnyPrincipalPinned(st, action); ok {
				pins = append(pins, st.Ref()+" is pinned by "+by)
			} else {
				fails = append(fails, fmt.Sprintf("%s allows %s to any principal with no condition pinning the caller's account or organisation", st.Ref(), action))
			}
			break // one verdict per statement, on the first assume action it grants
		}
	}
	if len(pins) > 0 {
		return fails, "the statements open to \"*\" are pinned (" + strings.Join(pins, "; ") + ")"
	}
	return fails, "no statement trusts any principal"
}

// RoleTrustCrossAccountNoExternalID fails trusts to other accounts without
// an external ID or MFA.
var RoleTrustCrossAccountNoExternalID = Rule{
	ID:       "role-trust-cross-account-no-external-id",
	Title:    "Cross-account trust without an external ID or MFA condition",
	Severity: Medium,
	Description: "A role that another AWS account can assume should require sts:ExternalId (for third " +
		"parties acting for several customers, it prevents the confused-deputy problem) or MFA (for people " +
		"switching roles). Accounts of the same organisation (when the snapshot holds it) are not counted. " +
		"An sts:ExternalId condition (or a Deny of every other external ID), a Bool " +
		"aws:MultiFactorAuthPresent \"true\" or a NumericLessThan aws:MultiFactorAuthAge condition, or a Deny of " +
		"callers without MFA satisfies the rule; IfExists forms in the Allow do not. Service-linked roles " +
		"are skipped.",
	Frameworks: with(with(with(map[Framework][]string{}, WellArch, "SEC03-BP07", "SEC03-BP09"), NIST80053, "AC-3", "AC-20"), Conformity, "IAM-050"),
	Remediation: Remediation{
		Summary:   "Add a StringEquals sts:ExternalId condition with the ID the third party gave you, or a Bool aws:MultiFactorAuthPresent \"true\" condition for people.",
		Console:   "IAM console > Roles > the role > Trust relationships > Edit trust policy: add the sts:ExternalId condition.",
		CLI:       "aws iam update-assume-role-policy --role-name NAME --policy-document file://trust-external-id.json",
		Terraform: "condition {\n  test     = \"StringEquals\"\n  variable = \"sts:ExternalId\"\n  values   = [var.vendor_external_id]\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
	},
	Needs:        policyNeeds,
	CheckAccount: trustCheck(judgeNoExternalID),
}

func judgeNoExternalID(ctx *Context, s *snapshot.Snapshot, a *snapshot.Account, t access.Trust) ([]string, string) {
	var fails []string
	n := 0
	org := ctx.org(s)
	for _, g := range t.CrossAccountGrants(a.ID) {
		if org.member(g.Account) {
			continue
		}
		n++
		if ok, _ := t.ExternalIDOrMFA(g.Statement); !ok {
			fails = append(fails, fmt.Sprintf("%s trusts account %s%s without an sts:ExternalId or MFA condition", g.Statement.Ref(), g.Account, orgNote(s)))
		}
	}
	if n == 0 {
		return nil, "no trust to an account outside the organisation"
	}
	return fails, "every trust to another account requires an external ID or MFA"
}

func orgNote(s *snapshot.Snapshot) string {
	if s.Organization == nil {
		return ""
	}
	return " (outside the organisation)"
}

// RoleTrustUnknownAccount fails trusts to accounts that are neither in the
// organisation nor configured as known.
var RoleTrustUnknownAccount = Rule{
	ID:       "role-trust-unknown-account",
	Title:    "Role trusts an unknown AWS account",
	Severity: High,
	Description: "A trust policy that names an account outside the organisation, not listed in the " +
		"configuration's known_accounts (vendors and partners trusted on purpose) and not scanned in the " +
		"same snapshot, gives an account nobody vouched for a way in. When the snapshot holds no " +
		"organisation, every account that is not scanned or configured counts as unknown. Service-linked " +
		"roles are skipped.",
	Frameworks: with(with(with(map[Framework][]string{}, WellArch, "SEC03-BP07", "SEC03-BP09"), NIST80053, "AC-3", "AC-20"), Conformity, "IAM-057"),
	Remediation: Remediation{
		Summary: "Remove the account from the trust policy, or, if the trust is intended, add the account ID to known_accounts in the iamspect configuration.",
		Console: "IAM console > Roles > the role > Trust relationships > Edit trust policy: remove the account.",
		CLI:     "aws iam update-assume-role-policy --role-name NAME --policy-document file://trust-without-account.json\n# or, in iamspect.yaml:\n# known_accounts: [\"444455556666\"]",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-getting-started.html",
	},
	Needs:        policyNeeds,
	CheckAccount: trustCheck(judgeUnknownAccount),
}

func judgeUnknownAccount(ctx *Context, s *snapshot.Snapshot, a *snapshot.Account, t access.Trust) ([]string, string) {
	var fails []string
	n := 0
	org := ctx.org(s)
	for _, g := range t.CrossAccountGrants(a.ID) {
		n++
		if org.member(g.Account) || org.scanned(g.Account) || (ctx != nil && slices.Contains(ctx.Config.KnownAccounts, g.Account)) {
			continue
		}
		fails = append(fails, fmt.Sprintf("%s trusts account %s, which is %s and not in known_accounts", g.Statement.Ref(), g.Account, unknownWhere(s)))
	}
	if n == 0 {
		return nil, "no trust to another account"
	}
	return fails, "every trusted account is in the organisation, scanned, or configured as known"
}

func unknownWhere(s *snapshot.Snapshot) string {
	if s.Organization == nil {
		return "not scanned (the snapshot holds no organisation)"
	}
	return "outside the organisation"
}

// Services whose role trust needs no confused-deputy condition: EC2 only
// uses a role through an instance profile of the same account, and does
// not send aws:SourceAccount when it assumes it.
var deputyExempt = []string{"ec2.amazonaws.com"}

// RoleTrustServiceConfusedDeputy fails service-principal trusts without a
// source condition.
var RoleTrustServiceConfusedDeputy = Rule{
	ID:       "role-trust-service-confused-deputy",
	Title:    "Service role trust without aws:SourceAccount or aws:SourceArn",
	Severity: Low,
	Description: "When a role trusts an AWS service, the service may assume it on behalf of any of its " +
		"customers. A condition on aws:SourceAccount, aws:SourceArn, aws:SourceOrgID or aws:SourceOrgPaths " +
		"makes sure it does so only for your resources (the cross-service confused-deputy protection). " +
		"EC2 (instance profiles) is exempt. Service-linked roles are skipped: AWS owns their trust policies.",
	Frameworks: with(with(map[Framework][]string{}, WellArch, "SEC03-BP07"), NIST80053, "AC-3"),
	Remediation: Remediation{
		Summary:   "Add a StringEquals aws:SourceAccount condition with your account ID (or ArnLike aws:SourceArn with the resource ARN) to the service statement.",
		Console:   "IAM console > Roles > the role > Trust relationships > Edit trust policy: add the aws:SourceAccount condition.",
		CLI:       "aws iam update-assume-role-policy --role-name NAME --policy-document file://trust-source-account.json",
		Terraform: "condition {\n  test     = \"StringEquals\"\n  variable = \"aws:SourceAccount\"\n  values   = [data.aws_caller_identity.current.account_id]\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html#cross-service-confused-deputy-prevention",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceaccount",
	},
	Needs:        policyNeeds,
	CheckAccount: trustCheck(judgeConfusedDeputy),
}

var sourceKeys = []string{"aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths"}

func judgeConfusedDeputy(_ *Context, _ *snapshot.Snapshot, _ *snapshot.Account, t access.Trust) ([]string, string) {
	var fails []string
	n := 0
	for _, st := range t.AllowsFor(access.ActAssumeRole) {
		if st.Principal == nil || len(st.Principal.Service) == 0 || !access.Usable(st) {
			continue
		}
		var open []string
		for _, svc := range st.Principal.Service {
			if slices.Contains(deputyExempt, svc) {
				continue
			}
			n++
			open = append(open, svc)
		}
		if len(open) == 0 {
			continue
		}
		pinned, closed := false, false
		for _, key := range sourceKeys {
			cs, c := t.Constraints(st, key, access.ActAssumeRole)
			closed = closed || c
			for _, x := range cs {
				pinned = pinned || !x.IfExists || x.Deny
			}
		}
		if !pinned && !closed {
			fails = append(fails, fmt.Sprintf("%s lets %s assume the role with no aws:SourceAccount or aws:SourceArn condition", st.Ref(), joinList(open)))
		}
	}
	if n == 0 {
		return nil, "no service trust that needs a source condition"
	}
	return fails, "every service trust names its source account or resource"
}
