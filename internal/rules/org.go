package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/iamspect/iamspect/internal/policy"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/wording"
)

// orgScope handles the cases where an organisation rule cannot judge, from
// the one answer the snapshot gives (Snapshot.OrgStatus): an account known
// to be in no organisation PASSes (there is nothing to guard), any other
// account is UNKNOWN — the organisation was not collected, or its accounts,
// OUs and SCPs were not listed. done is false when the snapshot holds a
// listed organisation to judge.
func orgScope(r *Rule, s *snapshot.Snapshot, standalone string) (out []Result, done bool) {
	if s.OrganizationListed() {
		return nil, false
	}
	for _, a := range s.Accounts {
		switch s.OrgStatus(a.ID) {
		case snapshot.OrgStandalone:
			out = append(out, r.accountResult(Pass, a, "The account is not part of an AWS Organization: %s", standalone))
		default:
			out = append(out, r.unknownResult(s, a, snapshot.InputOrganization))
		}
	}
	return out, true
}

// members returns the scanned accounts that are organisation members other
// than the management account.
func members(c *Context, s *snapshot.Snapshot) []*snapshot.Account {
	var out []*snapshot.Account
	org := c.org(s)
	for _, a := range s.Accounts {
		if a.ID != s.Organization.ManagementAccount && org.member(a.ID) {
			out = append(out, a)
		}
	}
	return out
}

// OrgIAMUsersInMembers fails member accounts that keep IAM users.
var OrgIAMUsersInMembers = Rule{
	ID:       "org-iam-users-in-member-accounts",
	Title:    "Member accounts of the organisation have IAM users",
	Severity: Medium,
	Description: "In an organisation, people should sign in once (IAM Identity Center) and reach every " +
		"account from there. IAM users scattered across member accounts mean credentials managed, rotated " +
		"and revoked account by account, and no single place to see who can get in.",
	Frameworks: with(with(cis("1.21", "1.20", "2.19"),
		WellArch, "SEC02-BP04"), NIST80053, "AC-2", "AC-2(1)"),
	Remediation: Remediation{
		Summary: "Give the people behind these users Identity Center access to the accounts they need, move workloads to roles, delete the users, then add an SCP that stops new IAM users from being created.",
		Console: "IAM Identity Center console > AWS accounts > assign permission sets; then in each member account IAM console > Users > Delete.",
		CLI:     "aws iam list-users   # in each member account, then retire each user as iam-user-unnecessary explains",
	},
	References: []string{
		"https://docs.aws.amazon.com/singlesignon/latest/userguide/manage-your-accounts.html",
		"https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html",
	},
	Check: checkOrgIAMUsers,
}

func checkOrgIAMUsers(r *Rule, c *Context, s *snapshot.Snapshot) []Result {
	if out, done := orgScope(r, s, "there are no member accounts to compare."); done {
		return out
	}
	ms := members(c, s)
	o := s.Organization
	if len(ms) == 0 && !slices.ContainsFunc(o.Accounts, func(a snapshot.OrgAccount) bool { return a.ID != o.ManagementAccount }) {
		return []Result{r.orgResult(Pass, o, "Organisation %s has no member accounts: only the management account %s.", o.ID, o.ManagementAccount)}
	}
	if len(ms) == 0 {
		// Never PASS over accounts nobody looked at (issue 9, item 4).
		res := r.orgResult(Unknown, o, "Not checked: no member account of organisation %s was scanned (the organisation lists %s); scan with --org from the management account %s to check them.",
			o.ID, wording.CountAs(max(len(o.Accounts)-1, 0), "member account", "member accounts"), o.ManagementAccount)
		res.MissingInputs = inputNames(snapshot.InputAuthorizationDetails)
		return []Result{res}
	}
	withUsers := 0
	for _, a := range ms {
		if knowsUsers(a) && len(a.Users) > 0 {
			withUsers++
		}
	}
	var out []Result
	for _, a := range ms {
		switch {
		case !knowsUsers(a):
			out = append(out, r.unknownResult(s, a, snapshot.InputAuthorizationDetails))
		case len(a.Users) > 0:
			out = append(out, r.accountResult(Fail, a, "Member account %s has %s (member accounts with IAM users: %d of %d scanned).",
				a.ID, wording.CountAs(len(a.Users), "IAM user", "IAM users"), withUsers, len(ms)))
		default:
			out = append(out, r.accountResult(Pass, a, "Member account %s has no IAM users.", a.ID))
		}
	}
	return out
}

// OrgRootNotCentralized fails organisations without centralised root access,
// and member accounts that still keep root credentials under it.
var OrgRootNotCentralized = Rule{
	ID:       "org-root-credentials-not-centralized",
	Title:    "Member accounts keep their own root credentials",
	Severity: Medium,
	Description: "Every member account is created with a root user that has its own password, MFA and " +
		"email recovery to look after. Centralised root access lets the management account remove member " +
		"accounts' root credentials and perform the few root-only tasks through short, audited sessions, so " +
		"there is no root password left to steal.",
	Frameworks: with(with(cis("", "", "2.1.1"),
		WellArch, "SEC02-BP02"), NIST80053, "AC-2", "AC-6(2)"),
	Remediation: Remediation{
		Summary: "From the management account, enable root credentials management (and privileged root actions), then delete the root credentials of each member account.",
		Console: "IAM console (management account) > Root access management > Enable; then select each member account > Delete root user credentials.",
		CLI: "aws organizations enable-aws-service-access --service-principal iam.amazonaws.com\n" +
			"aws iam enable-organizations-root-credentials-management\n" +
			"aws iam enable-organizations-root-sessions\n" +
			"aws sts assume-root --target-principal ACCOUNT_ID --task-policy-arn arn=arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#id_root-user-access-management",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-enable-root-access.html",
	},
	Check: checkOrgRootCentralized,
}

func checkOrgRootCentralized(r *Rule, c *Context, s *snapshot.Snapshot) []Result {
	if out, done := orgScope(r, s, "centralised root access needs an organisation; see the root-* rules for this account's root user."); done {
		return out
	}
	o := s.Organization
	enabled, known := orgFeatureEnabled(s, "RootCredentialsManagement")
	switch {
	case !enabled && !known:
		res := r.orgResult(Unknown, o, "%s", NotChecked(s, o.ManagementAccount, "needs", []snapshot.Input{snapshot.InputOrganizationsFeatures}))
		res.MissingInputs = inputNames(snapshot.InputOrganizationsFeatures)
		return []Result{res}
	case !enabled:
		return []Result{r.orgResult(Fail, o, "Organisation %s has not enabled centralised root access (RootCredentialsManagement), so its %s their own root credentials.",
			o.ID, wording.CountAs(max(len(o.Accounts)-1, 0), "member account keeps", "member accounts keep"))}
	}
	out := []Result{r.orgResult(Pass, o, "Organisation %s has enabled centralised root access.", o.ID)}
	for _, a := range members(c, s) {
		switch {
		case !a.Has(snapshot.InputCredentialReport) || a.Root == nil:
			out = append(out, r.unknownResult(s, a, snapshot.InputCredentialReport))
		case rootCredentialsRemoved(s, a):
			out = append(out, r.rootResult(Pass, a, removedNote))
		default:
			out = append(out, r.rootResult(Fail, a, "Centralised root access is enabled, but member account %s still has root credentials (a password, access key or signing certificate).", a.ID))
		}
	}
	return out
}

// guardedActions are the actions an SCP should deny to stop new long-term credentials.
var guardedActions = []string{"iam:CreateUser", "iam:CreateAccessKey"}

// OrgNoIAMUserGuardrail fails organisations without an SCP denying new IAM users and keys.
var OrgNoIAMUserGuardrail = Rule{
	ID:       "org-no-iam-user-guardrail",
	Title:    "No SCP stops new IAM users and access keys",
	Severity: Medium,
	Description: "Retiring IAM users only lasts if new ones stop appearing. A service control policy that " +
		"denies iam:CreateUser and iam:CreateAccessKey (with an exception for an approved path or " +
		"break-glass role) makes temporary credentials the only option for everyone in the member accounts.",
	Frameworks: with(with(map[Framework][]string{},
		WellArch, "SEC02-BP02", "SEC03-BP05"), NIST80053, "AC-2", "CM-5"),
	Remediation: Remediation{
		Summary: "Create an SCP that denies iam:CreateUser and iam:CreateAccessKey (excepting an approved role or path if you must), and attach it to the root or the OUs that hold workloads.",
		Console: "AWS Organizations console > Policies > Service control policies > Create policy; then Targets > Attach to the root or OUs.",
		CLI: "aws organizations create-policy --type SERVICE_CONTROL_POLICY --name deny-iam-users --description 'No new IAM users or access keys' \\\n" +
			"  --content '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":[\"iam:CreateUser\",\"iam:CreateAccessKey\"],\"Resource\":\"*\",\"Condition\":{\"ArnNotLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:role/break-glass\"}}}]}'\n" +
			"aws organizations attach-policy --policy-id POLICY_ID --target-id ROOT_OR_OU_ID",
		Terraform: "aws_organizations_policy (type SERVICE_CONTROL_POLICY) with aws_organizations_policy_attachment.",
	},
	References: []string{
		"https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html",
		"https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples.html",
	},
	Check: checkOrgIAMUserGuardrail,
}

func checkOrgIAMUserGuardrail(r *Rule, _ *Context, s *snapshot.Snapshot) []Result {
	if out, done := orgScope(r, s, "service control policies need an organisation."); done {
		return out
	}
	o := s.Organization
	if len(o.EnabledPolicyTypes) > 0 && !slices.Contains(o.EnabledPolicyTypes, "SERVICE_CONTROL_POLICY") {
		return []Result{r.orgResult(Fail, o, "Service control policies are not enabled in organisation %s, so nothing stops member accounts from creating IAM users and access keys.", o.ID)}
	}
	var scps []snapshot.OrgPolicy
	for _, p := range o.Policies {
		if p.Type == "" || p.Type == "SERVICE_CONTROL_POLICY" {
			scps = append(scps, p)
		}
	}
	if len(scps) == 0 {
		res := r.orgResult(Unknown, o, "Not checked: the snapshot holds no service control policies for organisation %s (every organisation with SCPs has at least FullAWSAccess).", o.ID)
		res.MissingInputs = inputNames(snapshot.InputOrganization)
		return []Result{res}
	}
	denied := map[string][]string{}
	var bad []string
	for _, p := range scps {
		if len(p.Targets) == 0 || len(p.Document) == 0 {
			continue
		}
		doc, err := policy.Parse(p.Document)
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s (%v)", p.Name, err))
			continue
		}
		for _, act := range guardedActions {
			if denies(doc, act) {
				denied[act] = append(denied[act], p.Name)
			}
		}
	}
	var missing, found []string
	for _, act := range guardedActions {
		if len(denied[act]) == 0 {
			missing = append(missing, act)
		} else {
			found = append(found, act+" by "+strings.Join(denied[act], ", "))
		}
	}
	if len(missing) > 0 {
		msg := fmt.Sprintf("No attached service control policy in organisation %s denies %s.", o.ID, joinList(missing))
		if len(bad) > 0 {
			msg += " Unreadable SCPs: " + strings.Join(bad, "; ") + "."
		}
		return []Result{r.orgResult(Fail, o, "%s", msg)}
	}
	return []Result{r.orgResult(Pass, o, "Attached service control policies deny %s.", joinList(found))}
}

// denies reports whether a Deny statement of the SCP covers the action for
// every IAM user. Conditions are not weighed: a guardrail that exempts a
// break-glass role still guards everyone else.
func denies(doc *policy.Document, action string) bool {
	for _, st := range doc.Statements {
		if st.Effect != policy.Deny || !coversUsers(st) {
			continue
		}
		if st.NotAction != nil {
			if !slices.ContainsFunc(st.NotAction, func(p string) bool { return policy.MatchWildcardFold(p, action) }) {
				return true
			}
			continue
		}
		if slices.ContainsFunc(st.Action, func(p string) bool { return policy.MatchWildcardFold(p, action) }) {
			return true
		}
	}
	return false
}

// coversUsers reports whether the statement's resources take in any IAM
// user (both guarded actions act on users): Resource "*" or a pattern such
// as arn:aws:iam::*:user/*, or a NotResource that leaves users in.
func coversUsers(st *policy.Statement) bool {
	const probe = "arn:aws:iam::000000000000:user/any-user"
	match := func(p string) bool { return policy.MatchARN(p, probe) }
	if st.NotResource != nil {
		return !slices.ContainsFunc(st.NotResource, match)
	}
	return st.Resource == nil || slices.ContainsFunc(st.Resource, match)
}
