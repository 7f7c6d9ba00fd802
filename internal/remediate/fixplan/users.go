package fixplan

import (
	"fmt"
	"slices"
	"time"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/remediate/plan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

type timeT = time.Time

const missingKeyIDs = "the access key IDs of user %s (the snapshot has only the credential report's key slots): plan live, or from a snapshot of 'iamspect collect --credential-ids', which read them with iam:ListAccessKeys (AWS CLI exports do not carry them yet)"

func keyCheck(u *snapshot.User, k snapshot.AccessKey, status string) []plan.Check {
	res := u.Name + "/" + k.ID
	return []plan.Check{
		{Kind: "access-key", Resource: res, Field: "Status", Expect: status},
		{Kind: "access-key", Resource: res, Field: "LastUsedBefore", Expect: dateOrNever(k.LastUsed)},
	}
}

// deactivateKey plans UpdateAccessKey Inactive (and, unless keep, the
// later DeleteAccessKey). It returns the IDs planned.
func (b *builder) deactivateKey(a *snapshot.Account, u *snapshot.User, k snapshot.AccessKey, resolves []plan.FindingRef, why string, withDelete bool) []string {
	if k.ID == "" {
		return []string{b.add(plan.Action{Stage: plan.StageDeactivate, AccountID: a.ID,
			Title: fmt.Sprintf("deactivate %s of %s", k.Label(), u.Name), Resolves: resolves,
			NeedsInput: fmt.Sprintf(missingKeyIDs, u.Name)})}
	}
	if !k.Active() {
		return nil
	}
	deact := b.add(plan.Action{Stage: plan.StageDeactivate, AccountID: a.ID,
		Title:    fmt.Sprintf("deactivate access key %s of %s", k.ID, u.Name),
		Resolves: resolves, CaseReason: why,
		Call: plan.NewCall("iam", "UpdateAccessKey", "UserName", u.Name, "AccessKeyId", k.ID, "Status", "Inactive"),
		Precond: &plan.Precondition{Description: fmt.Sprintf("key %s is Active and was last used %s", k.ID, dateOrNever(k.LastUsed)),
			Checks: keyCheck(u, k, "Active")},
		Reversible: true,
		Inverse:    plan.NewCall("iam", "UpdateAccessKey", "UserName", u.Name, "AccessKeyId", k.ID, "Status", "Active"),
		Risk:       "a program still using the key fails with InvalidClientTokenId until it is reactivated"})
	ids := []string{deact}
	if withDelete {
		ids = append(ids, b.deleteKey(a, u, k, []string{deact}))
	}
	return ids
}

func (b *builder) deleteKey(a *snapshot.Account, u *snapshot.User, k snapshot.AccessKey, deps []string) string {
	return b.add(plan.Action{Stage: plan.StageDelete, AccountID: a.ID,
		Title: fmt.Sprintf("delete access key %s of %s", k.ID, u.Name),
		Call:  plan.NewCall("iam", "DeleteAccessKey", "UserName", u.Name, "AccessKeyId", k.ID),
		Precond: &plan.Precondition{Description: fmt.Sprintf("key %s is Inactive and unused since %s", k.ID, dateOrNever(k.LastUsed)),
			Checks: keyCheck(u, k, "Inactive")},
		DependsOn: deps,
		Risk:      "irreversible: the secret is gone; a new key must be created and distributed"})
}

// consoleRules and keyRules fail only while a user has a console password,
// or active access keys: removing the password (all the keys) resolves them.
var (
	consoleRules = []string{"iam-user-console-without-mfa", "iam-console-password-unused", "iam-user-password-and-access-keys", "iam-user-no-hardware-mfa"}
	keyRules     = []string{"iam-access-key-unused", "iam-access-key-not-rotated", "iam-access-key-created-at-setup", "iam-user-multiple-active-keys", "iam-user-password-and-access-keys"}
)

// alsoResolved adds the user's failing findings of the rules to refs.
func (b *builder) alsoResolved(a *snapshot.Account, u *snapshot.User, refs []plan.FindingRef, ruleIDs []string) []plan.FindingRef {
	for _, r := range b.byRes[a.ID+"|"+u.ARN] {
		if slices.Contains(ruleIDs, r.RuleID) && !slices.Contains(refs, ref(r)) {
			refs = append(refs, ref(r))
		}
	}
	return refs
}

func (b *builder) removePassword(a *snapshot.Account, u *snapshot.User, resolves []plan.FindingRef, why string) string {
	resolves = b.alsoResolved(a, u, resolves, consoleRules)
	var last *timeT
	if u.Password != nil {
		last = u.Password.LastUsed
	}
	return b.add(plan.Action{Stage: plan.StageDeactivate, AccountID: a.ID,
		Title:    "remove the console password of " + u.Name,
		Resolves: resolves, CaseReason: why,
		Call: plan.NewCall("iam", "DeleteLoginProfile", "UserName", u.Name),
		Precond: &plan.Precondition{Description: fmt.Sprintf("%s has a console password, last used %s", u.Name, dateOrNever(last)),
			Checks: []plan.Check{{Kind: "login-profile", Resource: u.Name, Field: "Exists", Expect: "true"},
				{Kind: "login-profile", Resource: u.Name, Field: "LastUsedBefore", Expect: dateOrNever(last)}}},
		Risk: "not reversible as it was: the password is unknown to AWS's API; restoring console access means setting a new password (create-login-profile)"})
}

// planPasswordAndKeys chooses Case A (remove the keys of a person who uses
// the console) or Case B (remove the password of a program that uses keys).
func (b *builder) planPasswordAndKeys(a *snapshot.Account, r finding.Result) {
	u := b.userOf(a, r)
	if u == nil {
		return
	}
	now, limit := b.now(a), b.o.Config.UnusedCredentialDays
	var pwUsed *timeT
	if u.Password != nil {
		pwUsed = u.Password.LastUsed
	}
	pwRecent := usedWithin(pwUsed, now, limit)
	keyRecent := false
	for _, k := range u.ActiveAccessKeys() {
		keyRecent = keyRecent || usedWithin(k.LastUsed, now, limit)
	}
	c, why := b.o.Case, "forced with --case"
	if c == "" {
		switch {
		case pwRecent && keyRecent:
			b.unplanned(r, fmt.Sprintf("both the console password and an access key of %s were used within %d days: a person and a program share the user; split it (a person in IAM Identity Center, a role for the program) with iamspect migrate identity-center and iamspect migrate github-oidc", u.Name, limit))
			return
		case keyRecent:
			c, why = "b", fmt.Sprintf("an access key was used within %d days and the console password was not (last %s)", limit, dateOrNever(pwUsed))
		default:
			c, why = "a", fmt.Sprintf("the console password was used %s and no access key within %d days", dateOrNever(pwUsed), limit)
			if !pwRecent {
				why = fmt.Sprintf("neither credential was used within %d days: the keys go first (Case A)", limit)
			}
		}
	}
	if c == "b" {
		id := b.removePassword(a, u, []plan.FindingRef{ref(r)}, why)
		b.setCase(id, "B", why)
		return
	}
	refs := b.alsoResolved(a, u, []plan.FindingRef{ref(r)}, keyRules)
	for _, k := range u.ActiveAccessKeys() {
		for _, id := range b.deactivateKey(a, u, k, refs, why, true) {
			b.setCase(id, "A", why)
		}
	}
}

func (b *builder) setCase(id, c, why string) {
	if i, ok := b.index[id]; ok {
		b.p.Actions[i].Case, b.p.Actions[i].CaseReason = c, why
	}
}

// planKeys deactivates (then deletes) the keys a key rule fails on when
// they are unused; a key in use needs a rotation, which is manual.
func (b *builder) planKeys(a *snapshot.Account, r finding.Result) {
	u := b.userOf(a, r)
	if u == nil {
		return
	}
	now := b.now(a)
	limit := b.o.Config.UnusedCredentialDays
	var stale, used []snapshot.AccessKey
	for _, k := range u.ActiveAccessKeys() {
		since := k.LastUsed
		if since == nil {
			since = k.CreatedAt
		}
		switch r.RuleID {
		case "iam-access-key-created-at-setup":
			if k.LastUsed == nil {
				stale = append(stale, k)
			}
		default:
			if since != nil && !usedWithin(since, now, limit) {
				stale = append(stale, k)
			} else {
				used = append(used, k)
			}
		}
	}
	if r.RuleID == "iam-user-multiple-active-keys" && len(stale) == 0 {
		b.manualRotate(a, u, r, "finish the rotation: once nothing uses the older key, deactivate it (every active key of "+u.Name+" was used within "+days(limit)+")")
		return
	}
	if r.RuleID == "iam-access-key-not-rotated" && len(used) > 0 {
		b.manualRotate(a, u, r, "rotate: create a new access key for "+u.Name+", move the program to it, then plan again to deactivate the old key (it is in use, so iamspect does not deactivate it)")
		return
	}
	if len(stale) == 0 {
		b.unplanned(r, "no active key of the user is unused in the snapshot")
		return
	}
	why := fmt.Sprintf("unused for %d days or more", limit)
	if r.RuleID == "iam-access-key-created-at-setup" {
		why = "created with the user and never used"
	}
	refs := []plan.FindingRef{ref(r)}
	if len(stale) == len(u.ActiveAccessKeys()) {
		refs = b.alsoResolved(a, u, refs, keyRules)
	}
	for _, k := range stale {
		b.deactivateKey(a, u, k, refs, why, true)
	}
}

func (b *builder) manualRotate(a *snapshot.Account, u *snapshot.User, r finding.Result, step string) {
	b.add(plan.Action{Stage: plan.StageManual, AccountID: a.ID, Title: "rotate the access keys of " + u.Name,
		Resolves: []plan.FindingRef{ref(r)}, Console: []string{step}})
}

func (b *builder) planSigningCerts(a *snapshot.Account, r finding.Result) {
	u := b.userOf(a, r)
	if u == nil {
		return
	}
	for _, c := range u.SigningCertificates {
		if c.Status != snapshot.StatusActive {
			continue
		}
		if c.ID == "" {
			b.add(plan.Action{Stage: plan.StageDeactivate, AccountID: a.ID, Title: "deactivate a signing certificate of " + u.Name,
				Resolves:   []plan.FindingRef{ref(r)},
				NeedsInput: "the signing certificate IDs of user " + u.Name + ": plan live, or from a snapshot of 'iamspect collect --credential-ids' (iam:ListSigningCertificates)"})
			continue
		}
		chk := []plan.Check{{Kind: "signing-certificate", Resource: u.Name + "/" + c.ID, Field: "Status", Expect: "Active"}}
		d := b.add(plan.Action{Stage: plan.StageDeactivate, AccountID: a.ID,
			Title: "deactivate signing certificate " + c.ID + " of " + u.Name, Resolves: []plan.FindingRef{ref(r)},
			Call:       plan.NewCall("iam", "UpdateSigningCertificate", "UserName", u.Name, "CertificateId", c.ID, "Status", "Inactive"),
			Precond:    &plan.Precondition{Description: "certificate " + c.ID + " is Active", Checks: chk},
			Reversible: true,
			Inverse:    plan.NewCall("iam", "UpdateSigningCertificate", "UserName", u.Name, "CertificateId", c.ID, "Status", "Active")})
		b.add(plan.Action{Stage: plan.StageDelete, AccountID: a.ID,
			Title:     "delete signing certificate " + c.ID + " of " + u.Name,
			Call:      plan.NewCall("iam", "DeleteSigningCertificate", "UserName", u.Name, "CertificateId", c.ID),
			Precond:   &plan.Precondition{Description: "certificate " + c.ID + " is Inactive", Checks: []plan.Check{{Kind: "signing-certificate", Resource: u.Name + "/" + c.ID, Field: "Status", Expect: "Inactive"}}},
			DependsOn: []string{d}, Risk: "irreversible: the certificate must be uploaded again"})
	}
}

// planUserDeletion removes an unused user: its keys are deactivated first
// (reversible), then every dependency is removed in the order AWS requires
// and the user deleted.
func (b *builder) planUserDeletion(a *snapshot.Account, r finding.Result) {
	u := b.userOf(a, r)
	if u == nil {
		return
	}
	if len(u.NotIn) > 0 {
		b.unplanned(r, fmt.Sprintf("%s is not in every input (%v): what it holds is unknown, so no deletion is planned", u.Name, u.NotIn))
		return
	}
	now, limit := b.now(a), b.o.Config.UnusedCredentialDays
	if r.RuleID == "iam-user-unnecessary" {
		recent := u.Password != nil && usedWithin(u.Password.LastUsed, now, limit)
		for _, k := range u.ActiveAccessKeys() {
			recent = recent || usedWithin(k.LastUsed, now, limit)
		}
		if recent || (u.Password == nil || u.Password.LastUsed == nil) && len(u.AccessKeys) == 0 && now.Sub(u.CreatedAt) < time.Duration(limit)*24*time.Hour {
			b.unplanned(r, fmt.Sprintf("%s was used within %d days: move its person to IAM Identity Center or its program to a role (iamspect migrate identity-center, iamspect migrate github-oidc), then delete it", u.Name, limit))
			return
		}
	}
	if b.isLastAdmin(a, u.ARN) {
		b.unplanned(r, u.Name+" is the last principal with administrator access in the account")
		return
	}
	all := b.resolvesAll(a.ID, u.ARN)
	if missing := a.Missing(snapshot.InputSSHKeys, snapshot.InputServiceCredentials); len(missing) > 0 {
		// AWS refuses DeleteUser while any is left: plan nothing unseen.
		b.add(plan.Action{Stage: plan.StageDelete, AccountID: a.ID, Title: "delete user " + u.Name, Resolves: all,
			NeedsInput: fmt.Sprintf("the user's SSH public keys and service-specific credentials (%v were not collected): plan live, or from a snapshot of 'iamspect collect --credential-ids'", missing)})
		return
	}
	var deps []string
	for _, k := range u.AccessKeys {
		if k.ID == "" {
			b.add(plan.Action{Stage: plan.StageDelete, AccountID: a.ID, Title: "delete user " + u.Name,
				Resolves: all, NeedsInput: fmt.Sprintf(missingKeyIDs, u.Name)})
			return
		}
	}
	// Deactivating every active key resolves the key findings at once; the
	// deletion resolves the rest.
	var keyRefs []plan.FindingRef
	if len(u.ActiveAccessKeys()) > 0 {
		keyRefs = b.alsoResolved(a, u, nil, keyRules)
	}
	for _, k := range u.AccessKeys {
		if k.Active() {
			deps = append(deps, b.deactivateKey(a, u, k, keyRefs, "the user is deleted later", false)...)
		}
	}
	all = slices.DeleteFunc(all, func(r plan.FindingRef) bool { return slices.Contains(keyRefs, r) })
	del := func(title string, call *plan.Call, inverse *plan.Call, checks []plan.Check, risk string) {
		act := plan.Action{Stage: plan.StageDelete, AccountID: a.ID, Title: title, Call: call, DependsOn: depsCopy(deps),
			Precond: &plan.Precondition{Description: title + ": the dependency still exists", Checks: checks}, Risk: risk}
		if inverse != nil {
			act.Reversible, act.Inverse = true, inverse
		}
		deps = append(deps, b.add(act))
	}
	if u.HasConsolePassword() {
		del("remove the console password of "+u.Name, plan.NewCall("iam", "DeleteLoginProfile", "UserName", u.Name), nil,
			[]plan.Check{{Kind: "login-profile", Resource: u.Name, Field: "Exists", Expect: "true"}}, "irreversible: the password cannot be restored")
	}
	for _, k := range u.AccessKeys {
		del("delete access key "+k.ID+" of "+u.Name, plan.NewCall("iam", "DeleteAccessKey", "UserName", u.Name, "AccessKeyId", k.ID), nil,
			keyCheck(u, k, snapshot.StatusInactive), "irreversible: the secret is gone")
	}
	for _, c := range u.SigningCertificates {
		if c.ID == "" {
			b.add(plan.Action{Stage: plan.StageDelete, AccountID: a.ID, Title: "delete user " + u.Name, Resolves: all,
				NeedsInput: "the signing certificate IDs of user " + u.Name + " (iam:ListSigningCertificates): plan live, or from a snapshot of 'iamspect collect --credential-ids'"})
			return
		}
		del("delete signing certificate "+c.ID+" of "+u.Name, plan.NewCall("iam", "DeleteSigningCertificate", "UserName", u.Name, "CertificateId", c.ID), nil,
			[]plan.Check{{Kind: "signing-certificate", Resource: u.Name + "/" + c.ID, Field: "Status", Expect: c.Status}}, "irreversible")
	}
	for _, k := range u.SSHKeys {
		del("delete SSH public key "+k.ID+" of "+u.Name, plan.NewCall("iam", "DeleteSSHPublicKey", "UserName", u.Name, "SSHPublicKeyId", k.ID), nil,
			[]plan.Check{{Kind: "ssh-public-key", Resource: u.Name + "/" + k.ID, Field: "Status", Expect: k.Status}}, "irreversible: the key must be uploaded again")
	}
	for _, c := range u.ServiceCredentials {
		del("delete service-specific credential "+c.ID+" of "+u.Name, plan.NewCall("iam", "DeleteServiceSpecificCredential", "UserName", u.Name, "ServiceSpecificCredentialId", c.ID), nil,
			[]plan.Check{{Kind: "service-specific-credential", Resource: u.Name + "/" + c.ID, Field: "Status", Expect: c.Status}}, "irreversible: the credential's use is not recorded by AWS; whatever uses it stops working")
	}
	for _, d := range u.MFADevices {
		if d.Serial == "" {
			b.add(plan.Action{Stage: plan.StageDelete, AccountID: a.ID, Title: "delete user " + u.Name, Resolves: all,
				NeedsInput: "the MFA device serial numbers of user " + u.Name + " (iam:ListMFADevices): plan live, or from a snapshot of 'iamspect collect --credential-ids'"})
			return
		}
		chk := []plan.Check{{Kind: "mfa-device", Resource: u.Name + "/" + d.Serial, Field: "Exists", Expect: "true"}}
		del("deactivate MFA device "+d.Serial+" of "+u.Name, plan.NewCall("iam", "DeactivateMFADevice", "UserName", u.Name, "SerialNumber", d.Serial), nil, chk,
			"irreversible without the device: re-enabling needs two codes from it")
		if d.Type == snapshot.MFAVirtual {
			del("delete virtual MFA device "+d.Serial, plan.NewCall("iam", "DeleteVirtualMFADevice", "SerialNumber", d.Serial), nil, nil, "irreversible: the seed is gone")
		}
	}
	for _, g := range u.Groups {
		del("remove "+u.Name+" from group "+g, plan.NewCall("iam", "RemoveUserFromGroup", "GroupName", g, "UserName", u.Name),
			plan.NewCall("iam", "AddUserToGroup", "GroupName", g, "UserName", u.Name),
			[]plan.Check{{Kind: "group-membership", Resource: u.Name + "/" + g, Field: "Exists", Expect: "true"}}, "")
	}
	for _, p := range u.AttachedPolicies {
		del("detach "+p.ARN+" from "+u.Name, plan.NewCall("iam", "DetachUserPolicy", "UserName", u.Name, "PolicyArn", p.ARN),
			plan.NewCall("iam", "AttachUserPolicy", "UserName", u.Name, "PolicyArn", p.ARN),
			[]plan.Check{{Kind: "policy-attachment", Resource: "user/" + u.Name + "/" + p.ARN, Field: "Exists", Expect: "true"}}, "")
	}
	for _, p := range u.InlinePolicies {
		del("delete inline policy "+p.Name+" of "+u.Name, plan.NewCall("iam", "DeleteUserPolicy", "UserName", u.Name, "PolicyName", p.Name),
			plan.NewCall("iam", "PutUserPolicy", "UserName", u.Name, "PolicyName", p.Name, "PolicyDocument", string(p.Document)),
			[]plan.Check{{Kind: "inline-policy", Resource: "user/" + u.Name + "/" + p.Name, Field: "Exists", Expect: "true"}}, "")
	}
	if u.PermissionsBoundary != nil {
		del("remove the permissions boundary of "+u.Name, plan.NewCall("iam", "DeleteUserPermissionsBoundary", "UserName", u.Name),
			plan.NewCall("iam", "PutUserPermissionsBoundary", "UserName", u.Name, "PermissionsBoundary", u.PermissionsBoundary.ARN),
			[]plan.Check{{Kind: "permissions-boundary", Resource: u.Name, Field: "Arn", Expect: u.PermissionsBoundary.ARN}}, "")
	}
	b.add(plan.Action{Stage: plan.StageDelete, AccountID: a.ID, Title: "delete user " + u.Name, Resolves: all,
		CaseReason: r.Message,
		Call:       plan.NewCall("iam", "DeleteUser", "UserName", u.Name),
		Precond:    &plan.Precondition{Description: "user " + u.Name + " exists", Checks: []plan.Check{{Kind: "user", Resource: u.Name, Field: "Exists", Expect: "true"}}},
		DependsOn:  deps,
		Risk:       "irreversible: a new user of the same name gets a new unique ID, so policies that name the old one by ID no longer match"})
}

func depsCopy(d []string) []string { return append([]string(nil), d...) }
