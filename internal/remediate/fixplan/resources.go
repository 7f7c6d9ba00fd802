package fixplan

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/remediate/plan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// PasswordPolicyDoc is the JSON a password-policy precondition hashes.
func PasswordPolicyDoc(p *snapshot.PasswordPolicy) []byte {
	if p == nil {
		return nil
	}
	b, _ := json.Marshal(p)
	return b
}

func passwordPolicyCall(p snapshot.PasswordPolicy) *plan.Call {
	kv := []any{"MinimumPasswordLength", p.MinimumPasswordLength,
		"RequireSymbols", p.RequireSymbols, "RequireNumbers", p.RequireNumbers,
		"RequireUppercaseCharacters", p.RequireUppercaseCharacters, "RequireLowercaseCharacters", p.RequireLowercaseCharacters,
		"AllowUsersToChangePassword", p.AllowUsersToChangePassword}
	if p.MaxPasswordAge > 0 {
		kv = append(kv, "MaxPasswordAge", p.MaxPasswordAge)
	}
	if p.PasswordReusePrevention > 0 {
		kv = append(kv, "PasswordReusePrevention", p.PasswordReusePrevention)
	}
	kv = append(kv, "HardExpiry", p.HardExpiry)
	return plan.NewCall("iam", "UpdateAccountPasswordPolicy", kv...)
}

// planPasswordPolicy sets the account's policy to the thresholds in use,
// keeping whatever is already stricter; one action resolves every
// password-policy finding of the account.
func (b *builder) planPasswordPolicy(a *snapshot.Account) {
	cfg := b.o.Config
	var cur snapshot.PasswordPolicy
	if a.PasswordPolicy != nil {
		cur = *a.PasswordPolicy
	}
	next := cur
	next.MinimumPasswordLength = max(cur.MinimumPasswordLength, cfg.MinPasswordLength)
	next.PasswordReusePrevention = max(cur.PasswordReusePrevention, cfg.PasswordReusePrevention)
	if cur.MaxPasswordAge <= 0 || cur.MaxPasswordAge > cfg.MaxPasswordAgeDays {
		next.MaxPasswordAge = cfg.MaxPasswordAgeDays
	}
	next.ExpirePasswords = next.MaxPasswordAge > 0
	next.RequireSymbols, next.RequireNumbers = true, true
	next.RequireUppercaseCharacters, next.RequireLowercaseCharacters = true, true
	next.AllowUsersToChangePassword = true
	var resolves []plan.FindingRef
	for _, r := range b.byRes[a.ID+"|"+a.RootARN()] {
		if strings.HasPrefix(r.RuleID, "password-policy-") {
			resolves = append(resolves, ref(r))
		}
	}
	inverse := plan.NewCall("iam", "DeleteAccountPasswordPolicy")
	if a.PasswordPolicy != nil {
		inverse = passwordPolicyCall(cur)
	}
	b.add(plan.Action{Stage: plan.StageDeactivate, AccountID: a.ID,
		Title:    fmt.Sprintf("set the password policy to the thresholds in use (length %d, reuse %d, expiry %d days, every character type)", next.MinimumPasswordLength, next.PasswordReusePrevention, next.MaxPasswordAge),
		Resolves: resolves,
		Call:     passwordPolicyCall(next),
		Precond: &plan.Precondition{Description: "the password policy is as scanned",
			Checks: []plan.Check{{Kind: "password-policy", Resource: "account", Field: "SHA256", Expect: canonicalSHA(PasswordPolicyDoc(a.PasswordPolicy))}}},
		Reversible: true, Inverse: inverse,
		Risk: "existing passwords keep working; users must meet the new policy at their next change, and expiry starts counting"})
}

// isLastAdmin reports whether arn is the account's only principal that
// principal-admin-access fails on (counted once per account).
func (b *builder) isLastAdmin(a *snapshot.Account, arn string) bool {
	if b.admins == nil {
		b.admins = map[string][]string{}
		for _, rs := range b.byRes {
			for _, r := range rs {
				if r.RuleID == "principal-admin-access" {
					b.admins[r.AccountID] = append(b.admins[r.AccountID], r.ResourceARN)
				}
			}
		}
	}
	admins := b.admins[a.ID]
	return len(admins) == 1 && admins[0] == arn
}

func (b *builder) planGroupDeletion(a *snapshot.Account, r finding.Result) {
	g := a.Group(r.ResourceName)
	if g == nil || g.ARN != r.ResourceARN {
		b.unplanned(r, "the group is not in the snapshot")
		return
	}
	var deps []string
	for _, p := range g.AttachedPolicies {
		deps = append(deps, b.add(plan.Action{Stage: plan.StageDeactivate, AccountID: a.ID,
			Title: "detach " + p.ARN + " from group " + g.Name,
			Call:  plan.NewCall("iam", "DetachGroupPolicy", "GroupName", g.Name, "PolicyArn", p.ARN),
			Precond: &plan.Precondition{Description: "the policy is attached and the group has no members",
				Checks: []plan.Check{{Kind: "policy-attachment", Resource: "group/" + g.Name + "/" + p.ARN, Field: "Exists", Expect: "true"},
					{Kind: "group", Resource: g.Name, Field: "MemberCount", Expect: "0"}}},
			Reversible: true, Inverse: plan.NewCall("iam", "AttachGroupPolicy", "GroupName", g.Name, "PolicyArn", p.ARN)}))
	}
	for _, p := range g.InlinePolicies {
		deps = append(deps, b.add(plan.Action{Stage: plan.StageDelete, AccountID: a.ID,
			Title: "delete inline policy " + p.Name + " of group " + g.Name, DependsOn: depsCopy(deps),
			Call: plan.NewCall("iam", "DeleteGroupPolicy", "GroupName", g.Name, "PolicyName", p.Name),
			Precond: &plan.Precondition{Description: "the inline policy exists",
				Checks: []plan.Check{{Kind: "inline-policy", Resource: "group/" + g.Name + "/" + p.Name, Field: "Exists", Expect: "true"}}},
			Reversible: true, Inverse: plan.NewCall("iam", "PutGroupPolicy", "GroupName", g.Name, "PolicyName", p.Name, "PolicyDocument", string(p.Document))}))
	}
	b.add(plan.Action{Stage: plan.StageDelete, AccountID: a.ID, Title: "delete unused group " + g.Name,
		Resolves: b.resolvesAll(a.ID, g.ARN), DependsOn: deps,
		Call: plan.NewCall("iam", "DeleteGroup", "GroupName", g.Name),
		Precond: &plan.Precondition{Description: "group " + g.Name + " exists and has no members",
			Checks: []plan.Check{{Kind: "group", Resource: g.Name, Field: "MemberCount", Expect: "0"}}},
		Risk: "irreversible: a new group of the same name gets a new ID"})
}

func (b *builder) planRoleDeletion(a *snapshot.Account, r finding.Result) {
	role := a.Role(r.ResourceName)
	if role == nil || role.ARN != r.ResourceARN {
		b.unplanned(r, "the role is not in the snapshot")
		return
	}
	if role.ServiceLinked() {
		b.unplanned(r, "a service-linked role is deleted through its service")
		return
	}
	if b.isLastAdmin(a, role.ARN) {
		b.unplanned(r, role.Name+" is the last principal with administrator access in the account")
		return
	}
	last := "never"
	if role.LastUsed != nil {
		last = role.LastUsed.Date.UTC().Format("2006-01-02T15:04:05Z")
	}
	used := plan.Check{Kind: "role", Resource: role.Name, Field: "LastUsedDate", Expect: last}
	var deps []string
	for _, p := range role.AttachedPolicies {
		deps = append(deps, b.add(plan.Action{Stage: plan.StageDeactivate, AccountID: a.ID,
			Title: "detach " + p.ARN + " from unused role " + role.Name,
			Call:  plan.NewCall("iam", "DetachRolePolicy", "RoleName", role.Name, "PolicyArn", p.ARN),
			Precond: &plan.Precondition{Description: "the policy is attached and the role unused since " + last,
				Checks: []plan.Check{{Kind: "policy-attachment", Resource: "role/" + role.Name + "/" + p.ARN, Field: "Exists", Expect: "true"}, used}},
			Reversible: true, Inverse: plan.NewCall("iam", "AttachRolePolicy", "RoleName", role.Name, "PolicyArn", p.ARN)}))
	}
	for _, p := range role.InlinePolicies {
		deps = append(deps, b.add(plan.Action{Stage: plan.StageDelete, AccountID: a.ID,
			Title: "delete inline policy " + p.Name + " of role " + role.Name, DependsOn: depsCopy(deps),
			Call: plan.NewCall("iam", "DeleteRolePolicy", "RoleName", role.Name, "PolicyName", p.Name),
			Precond: &plan.Precondition{Description: "the inline policy exists and the role is unused since " + last,
				Checks: []plan.Check{{Kind: "inline-policy", Resource: "role/" + role.Name + "/" + p.Name, Field: "Exists", Expect: "true"}, used}},
			Reversible: true, Inverse: plan.NewCall("iam", "PutRolePolicy", "RoleName", role.Name, "PolicyName", p.Name, "PolicyDocument", string(p.Document))}))
	}
	for _, ip := range role.InstanceProfiles {
		name := ip[strings.LastIndex(ip, "/")+1:] // the snapshot keeps ARNs; the API takes names
		deps = append(deps, b.add(plan.Action{Stage: plan.StageDelete, AccountID: a.ID,
			Title: "remove role " + role.Name + " from instance profile " + name, DependsOn: depsCopy(deps),
			Call: plan.NewCall("iam", "RemoveRoleFromInstanceProfile", "InstanceProfileName", name, "RoleName", role.Name),
			Risk: "instances launched with the profile lose the role's credentials"}))
	}
	b.add(plan.Action{Stage: plan.StageDelete, AccountID: a.ID, Title: "delete unused role " + role.Name,
		Resolves: b.resolvesAll(a.ID, role.ARN), DependsOn: deps,
		Call:    plan.NewCall("iam", "DeleteRole", "RoleName", role.Name),
		Precond: &plan.Precondition{Description: "role " + role.Name + " exists, unused since " + last, Checks: []plan.Check{{Kind: "role", Resource: role.Name, Field: "Exists", Expect: "true"}, used}},
		Risk:    "irreversible: a new role of the same name gets a new ID; trust policies elsewhere that named it stop matching"})
}

func (b *builder) planOIDCDeletion(a *snapshot.Account, r finding.Result) {
	b.add(plan.Action{Stage: plan.StageDelete, AccountID: a.ID, Title: "delete unused OIDC provider " + r.ResourceName,
		Resolves: b.resolvesAll(a.ID, r.ResourceARN),
		Call:     plan.NewCall("iam", "DeleteOpenIDConnectProvider", "OpenIDConnectProviderArn", r.ResourceARN),
		Precond:  &plan.Precondition{Description: "the provider exists", Checks: []plan.Check{{Kind: "oidc-provider", Resource: r.ResourceARN, Field: "Exists", Expect: "true"}}},
		Risk:     "irreversible here: recreate it with create-open-id-connect-provider (URL, audiences, thumbprints) if a role needs it again"})
}

func (b *builder) planServerCertDeletion(a *snapshot.Account, r finding.Result) {
	name := r.ResourceName
	for _, c := range a.ServerCertificates {
		if c.ARN == r.ResourceARN {
			name = c.Name
		}
	}
	b.add(plan.Action{Stage: plan.StageDelete, AccountID: a.ID, Title: "delete expired server certificate " + name,
		Resolves: b.resolvesAll(a.ID, r.ResourceARN),
		Call:     plan.NewCall("iam", "DeleteServerCertificate", "ServerCertificateName", name),
		Precond:  &plan.Precondition{Description: "the certificate exists", Checks: []plan.Check{{Kind: "server-certificate", Resource: name, Field: "Exists", Expect: "true"}}},
		Risk:     "irreversible: the private key is not kept by iamspect; a load balancer still using it would lose it"})
}

const (
	adminPolicyARN      = "arn:aws:iam::aws:policy/AdministratorAccess"
	cloudShellPolicyARN = "arn:aws:iam::aws:policy/AWSCloudShellFullAccess"
)

func (b *builder) planAdminDetach(a *snapshot.Account, r finding.Result) {
	if r.ResourceType != finding.TypeUser {
		b.unplanned(r, "administrator policies on groups and roles are detached by hand after deciding who keeps administrator access")
		return
	}
	u := b.userOf(a, r)
	if u == nil {
		return
	}
	if b.isLastAdmin(a, u.ARN) {
		b.unplanned(r, u.Name+" is the last principal with administrator access in the account")
		return
	}
	for _, p := range u.AttachedPolicies {
		if p.ARN == adminPolicyARN || (r.Evidence != nil && r.Evidence.Policy == p.ARN) {
			b.detach(a, "user", u.Name, p.ARN, []plan.FindingRef{ref(r)})
		}
	}
}

func (b *builder) detach(a *snapshot.Account, kind, name, arn string, resolves []plan.FindingRef) {
	op := map[string]string{"user": "User", "group": "Group", "role": "Role"}[kind]
	param := op + "Name"
	b.add(plan.Action{Stage: plan.StageDeactivate, AccountID: a.ID, Title: "detach " + arn + " from " + kind + " " + name,
		Resolves: resolves,
		Call:     plan.NewCall("iam", "Detach"+op+"Policy", param, name, "PolicyArn", arn),
		Precond: &plan.Precondition{Description: "the policy is attached",
			Checks: []plan.Check{{Kind: "policy-attachment", Resource: kind + "/" + name + "/" + arn, Field: "Exists", Expect: "true"}}},
		Reversible: true, Inverse: plan.NewCall("iam", "Attach"+op+"Policy", param, name, "PolicyArn", arn)})
}

func (b *builder) planCloudShellDetach(a *snapshot.Account, r finding.Result) {
	kind := map[string]string{finding.TypeUser: "user", finding.TypeGroup: "group", finding.TypeRole: "role"}[r.ResourceType]
	if kind == "" {
		b.unplanned(r, "the finding is not on a user, group or role")
		return
	}
	b.detach(a, kind, r.ResourceName, cloudShellPolicyARN, []plan.FindingRef{ref(r)})
}

var rootSteps = map[string][]string{
	"root-access-keys": {"Sign in as the root user > Security credentials > Access keys: deactivate, then delete each root access key.",
		"Or, in an organisation with centralised root access: aws iam delete-root-login-profile / organizations' root access management (from the management account)."},
	"root-mfa-disabled":         {"Sign in as the root user > Security credentials > Multi-factor authentication: assign an MFA device (a hardware key preferred)."},
	"root-no-hardware-mfa":      {"Sign in as the root user > Security credentials: register a FIDO security key or hardware TOTP token, then remove the virtual device."},
	"root-signing-certificates": {"Sign in as the root user > Security credentials > X.509 certificates: deactivate and delete each certificate."},
	"root-recently-used":        {"Review CloudTrail for the root user's recent sign-ins; move the tasks to an administrator role and lock the root credentials away."},
}

// planRoot gives console steps: root credentials cannot be changed through
// the IAM API with other credentials.
func (b *builder) planRoot(a *snapshot.Account, r finding.Result) {
	b.add(plan.Action{Stage: plan.StageManual, AccountID: a.ID, Title: "root user: " + r.RuleID,
		Resolves: []plan.FindingRef{ref(r)}, Console: rootSteps[r.RuleID],
		Risk: "no API call: the root user's own credentials are needed"})
}
