package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/iamspect/iamspect/internal/policy"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/wording"
)

// icCoverage is the Identity Center state that applies to one account: its
// own instances plus an organisation instance, and the assignments made in
// the account.
type icCoverage struct {
	instances   int
	assignments int
	// assignmentsKnown is true when some Identity Center data listing
	// assignments or permission sets was collected.
	assignmentsKnown bool
}

// identityCenterFor gathers Identity Center coverage for an account from
// every account in the snapshot (the organisation instance lives in the
// management account).
func identityCenterFor(ctx *Context, s *snapshot.Snapshot, a *snapshot.Account) icCoverage {
	var c icCoverage
	org := ctx.org(s)
	member := s.Organization != nil && org.member(a.ID)
	for _, b := range org.icHolders {
		ic := b.IdentityCenter
		relevant := b.ID == a.ID
		if !relevant && member {
			relevant = b.ID == s.Organization.ManagementAccount ||
				slices.ContainsFunc(ic.Instances, func(i snapshot.IdentityCenterInstance) bool {
					return i.OwnerAccountID == s.Organization.ManagementAccount
				})
		}
		if !relevant {
			continue
		}
		c.instances += len(ic.Instances)
		if len(ic.PermissionSets) > 0 || len(ic.Assignments) > 0 {
			c.assignmentsKnown = true
		}
		c.assignments += org.icAssignments[b][a.ID]
	}
	return c
}

// usable reports whether people can reach the account through Identity Center.
func (c icCoverage) usable() bool {
	return c.instances > 0 && (!c.assignmentsKnown || c.assignments > 0)
}

// IdentityCenterNotEnabled fails accounts with IAM users and no Identity Center.
var IdentityCenterNotEnabled = Rule{
	ID:       "identity-center-not-enabled",
	Title:    "IAM users exist but IAM Identity Center is not in use",
	Severity: Medium,
	Description: "IAM Identity Center gives people one sign-in, with MFA, for every account, and hands " +
		"out temporary credentials for the console and the CLI. Without it, each account keeps its own IAM " +
		"users, each with passwords and keys to manage and revoke separately.",
	Frameworks: with(with(cis("1.21", "1.20", "2.19"),
		WellArch, "SEC02-BP04", "SEC02-BP02"), NIST80053, "AC-2(1)", "IA-2"),
	Remediation: Remediation{
		Summary: "Enable IAM Identity Center (an organisation instance in the management account), connect your identity provider or create users there, assign permission sets, then retire the IAM users.",
		Console: "IAM Identity Center console > Enable; then Multi-account permissions > Permission sets > Create, and AWS accounts > Assign users or groups.",
		CLI: "aws sso-admin create-permission-set --instance-arn INSTANCE_ARN --name ReadOnly --session-duration PT4H\n" +
			"aws sso-admin create-account-assignment --instance-arn INSTANCE_ARN --target-id ACCOUNT_ID --target-type AWS_ACCOUNT --permission-set-arn PS_ARN --principal-type GROUP --principal-id GROUP_ID",
		Terraform: "Use aws_ssoadmin_permission_set and aws_ssoadmin_account_assignment (the instance itself is enabled once in the console).",
	},
	References: []string{
		"https://docs.aws.amazon.com/singlesignon/latest/userguide/get-set-up-for-idc.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-users-federation-idp",
	},
	Check: checkIdentityCenterNotEnabled,
}

func checkIdentityCenterNotEnabled(r *Rule, ctx *Context, s *snapshot.Snapshot) []Result {
	var out []Result
	for _, a := range s.Accounts {
		if !knowsUsers(a) {
			out = append(out, r.unknownResult(s, a, snapshot.InputAuthorizationDetails))
			continue
		}
		if len(a.Users) == 0 {
			out = append(out, r.accountResult(Pass, a, "The account has no IAM users."))
			continue
		}
		c := identityCenterFor(ctx, s, a)
		users := wording.CountAs(len(a.Users), "IAM user", "IAM users")
		switch {
		case c.instances == 0 && !a.Has(snapshot.InputIdentityCenter):
			out = append(out, r.unknownResult(s, a, snapshot.InputIdentityCenter))
		case c.instances == 0:
			out = append(out, r.accountResult(Fail, a, "The account has %s and no IAM Identity Center instance (in the account or its organisation).", users))
		case !c.usable():
			out = append(out, r.accountResult(Fail, a, "IAM Identity Center exists, but no permission set is assigned in this account, which has %s.", users))
		default:
			out = append(out, r.accountResult(Pass, a, "IAM Identity Center is in use for this account (%s to retire).", users))
		}
	}
	return out
}

// FederationNotConfigured fails accounts with no way for people to federate.
var FederationNotConfigured = Rule{
	ID:       "federation-not-configured",
	Title:    "No federation is configured",
	Severity: Low,
	Description: "With neither IAM Identity Center nor a SAML or OIDC identity provider, the only way into " +
		"the account is through IAM users and the root user: long-term credentials managed account by " +
		"account, outside the company's identity provider.",
	Frameworks: with(with(cis("1.21", "1.20", "2.19"),
		WellArch, "SEC02-BP04"), NIST80053, "IA-2", "AC-2(1)"),
	Remediation: Remediation{
		Summary: "Set up IAM Identity Center for people (or a SAML provider for your IdP), and OIDC providers for CI systems, so that access uses temporary credentials.",
		Console: "IAM Identity Center console > Enable; or IAM console > Identity providers > Add provider (SAML or OpenID Connect).",
		CLI: "aws iam create-saml-provider --name MyIdP --saml-metadata-document file://metadata.xml\n" +
			"aws iam create-open-id-connect-provider --url https://token.actions.githubusercontent.com --client-id-list sts.amazonaws.com",
		Terraform: "aws_iam_saml_provider, aws_iam_openid_connect_provider, or aws_ssoadmin_* resources.",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers.html",
		"https://docs.aws.amazon.com/singlesignon/latest/userguide/what-is.html",
	},
	Check: checkFederationNotConfigured,
}

func checkFederationNotConfigured(r *Rule, ctx *Context, s *snapshot.Snapshot) []Result {
	var out []Result
	for _, a := range s.Accounts {
		c := identityCenterFor(ctx, s, a)
		var ways []string
		if c.usable() {
			ways = append(ways, "IAM Identity Center")
		}
		if n := len(a.SAMLProviders); n > 0 {
			ways = append(ways, wording.CountAs(n, "SAML provider", "SAML providers"))
		}
		if n := len(a.OIDCProviders); n > 0 {
			ways = append(ways, wording.CountAs(n, "OIDC provider", "OIDC providers"))
		}
		if len(ways) > 0 {
			out = append(out, r.accountResult(Pass, a, "Federation is configured: %s.", joinList(ways)))
			continue
		}
		var missing []snapshot.Input
		for _, in := range []snapshot.Input{snapshot.InputIdentityCenter, snapshot.InputSAMLProviders, snapshot.InputOIDCProviders} {
			if !a.Has(in) && (in != snapshot.InputIdentityCenter || c.instances == 0) {
				missing = append(missing, in)
			}
		}
		switch {
		case len(missing) > 0:
			out = append(out, r.unknownResult(s, a, missing...))
		case c.instances > 0:
			out = append(out, r.accountResult(Fail, a, "IAM Identity Center exists but assigns nothing in this account, and the account has no SAML or OIDC provider."))
		default:
			out = append(out, r.accountResult(Fail, a, "The account has no IAM Identity Center, SAML provider or OIDC provider."))
		}
	}
	return out
}

var isoDuration = regexp.MustCompile(`^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$`)

// parseISODuration parses the PTnHnMnS durations permission sets use.
func parseISODuration(s string) (time.Duration, error) {
	m := isoDuration.FindStringSubmatch(strings.ToUpper(strings.TrimSpace(s)))
	if m == nil || s == "PT" {
		return 0, fmt.Errorf("unsupported duration %q", s)
	}
	var d time.Duration
	for i, unit := range []time.Duration{time.Hour, time.Minute, time.Second} {
		if m[i+1] != "" {
			n, _ := strconv.Atoi(m[i+1])
			d += time.Duration(n) * unit
		}
	}
	return d, nil
}

// PermissionSetSessionLong fails permission sets with long sessions.
var PermissionSetSessionLong = Rule{
	ID:       "identity-center-session-duration-long",
	Title:    "Permission set session lasts too long",
	Severity: Low,
	Description: "Temporary credentials are only as temporary as their session. A 12-hour session stolen " +
		"from a laptop or a shell history works for the rest of the day; keep sessions to a working " +
		"block ({{permission_set_max_session_hours}} hours, permission_set_max_session_hours) and shorter for administrative sets.",
	Frameworks: with(with(map[Framework][]string{},
		WellArch, "SEC02-BP02"), NIST80053, "AC-12"),
	Remediation: Remediation{
		Summary:   "Lower the permission set's session duration (for example PT4H for administrators, at most PT{{permission_set_max_session_hours}}H).",
		Console:   "IAM Identity Center console > Permission sets > select the set > Edit > Session duration.",
		CLI:       "aws sso-admin update-permission-set --instance-arn INSTANCE_ARN --permission-set-arn PS_ARN --session-duration PT4H\naws sso-admin provision-permission-set --instance-arn INSTANCE_ARN --permission-set-arn PS_ARN --target-type ALL_PROVISIONED_ACCOUNTS",
		Terraform: "aws_ssoadmin_permission_set: session_duration = \"PT4H\"",
	},
	References: []string{
		"https://docs.aws.amazon.com/singlesignon/latest/userguide/howtosessionduration.html",
	},
	Needs:        []snapshot.Input{snapshot.InputIdentityCenter},
	CheckAccount: checkPermissionSetSession,
}

func checkPermissionSetSession(r *Rule, ctx *Context, _ *snapshot.Snapshot, a *snapshot.Account) []Result {
	if a.IdentityCenter == nil || len(a.IdentityCenter.PermissionSets) == 0 {
		return []Result{r.accountResult(Pass, a, "No permission sets are defined from this account.")}
	}
	limit := time.Duration(ctx.Config.PermissionSetMaxSessionHours) * time.Hour
	var out []Result
	for _, ps := range a.IdentityCenter.PermissionSets {
		dur := ps.SessionDuration
		if dur == "" {
			dur = "PT1H" // AWS's default
		}
		d, err := parseISODuration(dur)
		switch {
		case err != nil:
			out = append(out, r.Result(Unknown, a.ID, TypePermSet, ps.ARN, ps.Name, "Permission set %s: %v.", ps.Name, err))
		case d > limit:
			out = append(out, r.Result(Fail, a.ID, TypePermSet, ps.ARN, ps.Name, "Permission set %s has a session duration of %s; the limit is %s.", ps.Name, wording.Duration(d), wording.Duration(limit)))
		default:
			out = append(out, r.Result(Pass, a.ID, TypePermSet, ps.ARN, ps.Name, "Permission set %s has a session duration of %s.", ps.Name, wording.Duration(d)))
		}
	}
	return out
}

// isAdminPermissionSet reports whether a permission set grants AdministratorAccess.
func isAdminPermissionSet(ps snapshot.PermissionSet) bool {
	if ps.Name == "AdministratorAccess" {
		return true
	}
	return slices.ContainsFunc(ps.ManagedPolicies, func(p snapshot.PolicyRef) bool {
		return p.Name == "AdministratorAccess" || strings.HasSuffix(p.ARN, ":policy/AdministratorAccess")
	})
}

// AdminAssignmentBroad fails administrator permission sets handed out widely.
var AdminAssignmentBroad = Rule{
	ID:       "identity-center-admin-assignment-broad",
	Title:    "Administrator permission set is assigned broadly",
	Severity: Low,
	Description: "An AdministratorAccess permission set given to a large group (more than {{admin_group_max_members}} " +
		"members, admin_group_max_members), or to one principal in many accounts (more than {{admin_max_accounts}}, " +
		"admin_max_accounts), makes full control of those accounts the everyday default. Give most people " +
		"narrower sets, and keep administrator access to a small group, or grant it only when needed.",
	Frameworks: with(with(map[Framework][]string{},
		WellArch, "SEC03-BP02"), NIST80053, "AC-6", "AC-6(5)"),
	Remediation: Remediation{
		Summary: "Assign AdministratorAccess only to a small administrators group in the accounts they run; give everyone else a job-specific permission set.",
		Console: "IAM Identity Center console > AWS accounts > select the account > Assigned users and groups: Remove access for the broad group, then assign a narrower permission set.",
		CLI:     "aws sso-admin delete-account-assignment --instance-arn INSTANCE_ARN --target-id ACCOUNT_ID --target-type AWS_ACCOUNT --permission-set-arn PS_ARN --principal-type GROUP --principal-id GROUP_ID",
	},
	References: []string{
		"https://docs.aws.amazon.com/singlesignon/latest/userguide/permissionsetsconcept.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
	},
	Needs:        []snapshot.Input{snapshot.InputIdentityCenter},
	CheckAccount: checkAdminAssignmentBroad,
}

func checkAdminAssignmentBroad(r *Rule, ctx *Context, _ *snapshot.Snapshot, a *snapshot.Account) []Result {
	ic := a.IdentityCenter
	if ic == nil || len(ic.PermissionSets) == 0 {
		return []Result{r.accountResult(Pass, a, "No permission sets are defined from this account.")}
	}
	members := map[string]int{}
	for _, m := range ic.Memberships {
		members[m.GroupID]++
	}
	groupName := map[string]string{}
	for _, g := range ic.Groups {
		groupName[g.ID] = g.DisplayName
	}
	var out []Result
	for _, ps := range ic.PermissionSets {
		if !isAdminPermissionSet(ps) {
			continue
		}
		accounts := map[string]map[string]bool{}
		var problems []string
		seenGroup := map[string]bool{}
		for _, as := range ic.Assignments {
			if as.PermissionSetARN != ps.ARN {
				continue
			}
			if accounts[as.PrincipalID] == nil {
				accounts[as.PrincipalID] = map[string]bool{}
			}
			accounts[as.PrincipalID][as.AccountID] = true
			if as.PrincipalType == "GROUP" && !seenGroup[as.PrincipalID] && members[as.PrincipalID] > ctx.Config.AdminGroupMaxMembers {
				seenGroup[as.PrincipalID] = true
				name := cmpOr(groupName[as.PrincipalID], as.PrincipalID)
				problems = append(problems, fmt.Sprintf("group %s has %s (limit %d)", name, wording.Count(members[as.PrincipalID], "member"), ctx.Config.AdminGroupMaxMembers))
			}
		}
		ids := make([]string, 0, len(accounts))
		for id := range accounts {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			if n := len(accounts[id]); n > ctx.Config.AdminMaxAccounts {
				problems = append(problems, fmt.Sprintf("%s is assigned in %s (limit %d)", cmpOr(groupName[id], id), wording.Count(n, "account"), ctx.Config.AdminMaxAccounts))
			}
		}
		if len(problems) > 0 {
			out = append(out, r.Result(Fail, a.ID, TypePermSet, ps.ARN, ps.Name, "Administrator permission set %s is assigned broadly: %s.", ps.Name, joinList(problems)))
		} else {
			out = append(out, r.Result(Pass, a.ID, TypePermSet, ps.ARN, ps.Name, "Administrator permission set %s is assigned to small groups in few accounts.", ps.Name))
		}
	}
	if len(out) == 0 {
		out = append(out, r.accountResult(Pass, a, "No administrator permission set is defined from this account."))
	}
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// OIDCProviderUnused fails OIDC providers that no role trusts.
var OIDCProviderUnused = Rule{
	ID:       "oidc-provider-unused",
	Title:    "OIDC identity provider is not trusted by any role",
	Severity: Low,
	Description: "An OIDC provider that no role trusts does nothing today, but it is a ready-made entry " +
		"point: anyone who later writes a loose trust policy for it opens the account to that issuer's " +
		"tokens. Remove providers that are no longer used.",
	Frameworks: with(with(map[Framework][]string{},
		WellArch, "SEC03-BP04"), NIST80053, "AC-2"),
	Remediation: Remediation{
		Summary:   "Confirm no role or pipeline needs it, then delete the provider.",
		Console:   "IAM console > Identity providers > select the provider > Delete.",
		CLI:       "aws iam delete-open-id-connect-provider --open-id-connect-provider-arn ARN",
		Terraform: "Remove the aws_iam_openid_connect_provider resource.",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html",
	},
	Needs:        []snapshot.Input{snapshot.InputOIDCProviders, snapshot.InputAuthorizationDetails},
	CheckAccount: checkOIDCProviderUnused,
}

func checkOIDCProviderUnused(r *Rule, _ *Context, _ *snapshot.Snapshot, a *snapshot.Account) []Result {
	if len(a.OIDCProviders) == 0 {
		return []Result{r.accountResult(Pass, a, "The account has no OIDC identity providers.")}
	}
	trusted := map[string][]string{}
	for _, role := range a.Roles {
		doc, err := policy.Parse(role.TrustPolicy)
		if err != nil {
			continue
		}
		for _, st := range doc.Statements {
			if st.Effect != policy.Allow || st.Principal == nil {
				continue
			}
			for _, p := range st.Principal.Federated {
				trusted[p] = append(trusted[p], role.Name)
			}
		}
	}
	var out []Result
	for _, p := range a.OIDCProviders {
		name := p.Host()
		if roles := trusted[p.ARN]; len(roles) > 0 {
			out = append(out, r.Result(Pass, a.ID, TypeOIDC, p.ARN, name, "OIDC provider %s is trusted by %s.", name, joinList(roles)))
		} else {
			out = append(out, r.Result(Fail, a.ID, TypeOIDC, p.ARN, name, "OIDC provider %s is not trusted by any role.", name))
		}
	}
	return out
}

// SAMLProviderExpiring fails SAML providers whose metadata has expired or soon will.
var SAMLProviderExpiring = Rule{
	ID:       "saml-provider-expiring",
	Title:    "SAML provider metadata has expired or expires soon",
	Severity: Medium,
	Description: "When a SAML provider's metadata expires, AWS rejects its assertions and everyone who " +
		"signs in through it is locked out, often at the worst moment. Renewing the IdP certificate and " +
		"uploading new metadata ahead of time avoids the outage and the emergency workarounds it invites.",
	Frameworks: with(with(map[Framework][]string{},
		WellArch, "SEC02-BP04"), NIST80053, "IA-5", "IA-5(2)"),
	Remediation: Remediation{
		Summary:   "Download fresh metadata from the identity provider (after rotating its signing certificate if needed) and upload it to the SAML provider.",
		Console:   "IAM console > Identity providers > select the provider > Replace metadata.",
		CLI:       "aws iam update-saml-provider --saml-provider-arn ARN --saml-metadata-document file://metadata.xml",
		Terraform: "aws_iam_saml_provider: update saml_metadata_document.",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_saml_3rd-party.html",
	},
	Needs:        []snapshot.Input{snapshot.InputSAMLProviders},
	CheckAccount: checkSAMLExpiring,
}

func checkSAMLExpiring(r *Rule, ctx *Context, s *snapshot.Snapshot, a *snapshot.Account) []Result {
	if len(a.SAMLProviders) == 0 {
		return []Result{r.accountResult(Pass, a, "The account has no SAML identity providers.")}
	}
	now, warn := ctx.Now(s, a), ctx.Config.SAMLExpiryWarningDays
	var out []Result
	for _, p := range a.SAMLProviders {
		name := cmpOr(p.Name, p.ARN)
		switch {
		case p.ValidUntil == nil:
			res := r.Result(Unknown, a.ID, TypeSAML, p.ARN, name, "SAML provider %s: its metadata expiry date was not collected.", name)
			res.MissingInputs = inputNames(snapshot.InputSAMLProviders)
			out = append(out, res)
		case !p.ValidUntil.After(now):
			out = append(out, r.Result(Fail, a.ID, TypeSAML, p.ARN, name, "SAML provider %s: its metadata expired on %s.", name, day(*p.ValidUntil)))
		case daysBetween(now, *p.ValidUntil) < warn:
			out = append(out, r.Result(Fail, a.ID, TypeSAML, p.ARN, name, "SAML provider %s: its metadata expires in %s (%s).", name, wording.Days(daysBetween(now, *p.ValidUntil)), day(*p.ValidUntil)))
		default:
			out = append(out, r.Result(Pass, a.ID, TypeSAML, p.ARN, name, "SAML provider %s: its metadata is valid until %s.", name, day(*p.ValidUntil)))
		}
	}
	return out
}
