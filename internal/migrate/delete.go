package migrate

import (
	"strings"

	"github.com/iamspect/iamspect/internal/remediate/plan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// DeleteUserActions are the calls that delete an IAM user, in the order AWS
// requires (DeleteUser fails with DeleteConflict while anything is left):
// login profile, access keys, signing certificates, SSH public keys,
// service-specific credentials, MFA devices (deactivated, then virtual ones
// deleted), group memberships, attached and inline policies, the
// permissions boundary, then the user. Every action is in the delete stage
// and irreversible (a deleted key or password cannot be restored); why says
// what the deletion follows from.
func DeleteUserActions(a *snapshot.Account, u *snapshot.User, why string) []plan.Action {
	var out []plan.Action
	add := func(title string, c *plan.Call, pre *plan.Precondition, risk string) {
		out = append(out, plan.Action{Stage: plan.StageDelete, AccountID: a.ID, Title: title, Call: c, Precond: pre, Risk: risk})
	}
	exists := func(kind, res, field, expect, desc string) *plan.Precondition {
		return &plan.Precondition{Description: desc, Checks: []plan.Check{{Kind: kind, Resource: res, Field: field, Expect: expect}}}
	}
	n := u.Name
	// Credentials the snapshot names without an ID (a credential report
	// shows key slots, not key IDs): the deletion cannot be planned.
	var unnamed []string
	for _, k := range u.AccessKeys {
		if k.ID == "" {
			unnamed = append(unnamed, k.Label())
		}
	}
	for _, c := range u.SigningCertificates {
		if c.ID == "" {
			unnamed = append(unnamed, "a signing certificate")
		}
	}
	for _, d := range u.MFADevices {
		if d.Serial == "" {
			unnamed = append(unnamed, "an MFA device")
		}
	}
	if len(u.NotIn) > 0 {
		var ins []string
		for _, in := range u.NotIn {
			ins = append(ins, string(in))
		}
		return []plan.Action{{Stage: plan.StageDelete, AccountID: a.ID, Title: "delete IAM user " + n,
			NeedsInput: "a complete view of " + n + ": the inputs " + strings.Join(ins, ", ") + " did not list it, so what it holds is unknown"}}
	}
	if len(unnamed) > 0 {
		return []plan.Action{{Stage: plan.StageDelete, AccountID: a.ID, Title: "delete IAM user " + n,
			NeedsInput: "the IDs of " + strings.Join(unnamed, ", ") + " of " + n + ": the input holds the credential report's slots only; " +
				"plan from a live collection (which reads them per user) or an export with list-access-keys, list-signing-certificates and list-mfa-devices"}}
	}
	if u.HasConsolePassword() {
		add("delete the console password of "+n, plan.NewCall("iam", "DeleteLoginProfile", "UserName", n),
			exists("login-profile", n, "Exists", "true", n+" still has a console password"), "the password cannot be recovered; "+why)
	}
	for _, k := range u.AccessKeys {
		if k.ID == "" {
			continue
		}
		add("delete access key "+k.ID+" of "+n, plan.NewCall("iam", "DeleteAccessKey", "UserName", n, "AccessKeyId", k.ID),
			exists("access-key", n+"/"+k.ID, "Status", "Inactive", "the key was deactivated first"), "a deleted key cannot be restored; "+why)
	}
	for _, c := range u.SigningCertificates {
		if c.ID == "" {
			continue
		}
		add("delete signing certificate "+c.ID+" of "+n, plan.NewCall("iam", "DeleteSigningCertificate", "UserName", n, "CertificateId", c.ID), nil, "irreversible; "+why)
	}
	for _, k := range u.SSHKeys {
		add("delete SSH public key "+k.ID+" of "+n, plan.NewCall("iam", "DeleteSSHPublicKey", "UserName", n, "SSHPublicKeyId", k.ID), nil, "irreversible; "+why)
	}
	for _, c := range u.ServiceCredentials {
		add("delete service-specific credential "+c.ID+" of "+n, plan.NewCall("iam", "DeleteServiceSpecificCredential", "UserName", n, "ServiceSpecificCredentialId", c.ID), nil, "irreversible; "+why)
	}
	for _, d := range u.MFADevices {
		if d.Serial == "" {
			continue
		}
		add("deactivate MFA device "+d.Serial+" of "+n, plan.NewCall("iam", "DeactivateMFADevice", "UserName", n, "SerialNumber", d.Serial), nil, "the device must be enrolled again to be reused; "+why)
		if d.Type == snapshot.MFAVirtual {
			add("delete virtual MFA device "+d.Serial, plan.NewCall("iam", "DeleteVirtualMFADevice", "SerialNumber", d.Serial), nil, "irreversible; "+why)
		}
	}
	for _, g := range u.Groups {
		out = append(out, plan.Action{Stage: plan.StageDelete, AccountID: a.ID, Title: "remove " + n + " from group " + g,
			Call: plan.NewCall("iam", "RemoveUserFromGroup", "GroupName", g, "UserName", n), Reversible: true,
			Inverse: plan.NewCall("iam", "AddUserToGroup", "GroupName", g, "UserName", n)})
	}
	for _, p := range u.AttachedPolicies {
		out = append(out, plan.Action{Stage: plan.StageDelete, AccountID: a.ID, Title: "detach " + p.Name + " from " + n,
			Call: plan.NewCall("iam", "DetachUserPolicy", "UserName", n, "PolicyArn", p.ARN), Reversible: true,
			Inverse: plan.NewCall("iam", "AttachUserPolicy", "UserName", n, "PolicyArn", p.ARN)})
	}
	for _, p := range u.InlinePolicies {
		out = append(out, plan.Action{Stage: plan.StageDelete, AccountID: a.ID, Title: "delete inline policy " + p.Name + " of " + n,
			Call: plan.NewCall("iam", "DeleteUserPolicy", "UserName", n, "PolicyName", p.Name), Reversible: true,
			Inverse: plan.NewCall("iam", "PutUserPolicy", "UserName", n, "PolicyName", p.Name, "PolicyDocument", string(p.Document))})
	}
	if u.PermissionsBoundary != nil {
		out = append(out, plan.Action{Stage: plan.StageDelete, AccountID: a.ID, Title: "remove the permissions boundary of " + n,
			Call: plan.NewCall("iam", "DeleteUserPermissionsBoundary", "UserName", n), Reversible: true,
			Inverse: plan.NewCall("iam", "PutUserPermissionsBoundary", "UserName", n, "PermissionsBoundary", u.PermissionsBoundary.ARN)})
	}
	add("delete IAM user "+n, plan.NewCall("iam", "DeleteUser", "UserName", n),
		exists("user", n, "Exists", "true", n+" still exists"), "the user, its ARN and unique ID are gone for good; "+why)
	return out
}

// Finish gives every action its ID and makes each action of a stage depend
// on nothing it references that is missing.
func Finish(pl *plan.Plan) {
	for i := range pl.Actions {
		if pl.Actions[i].ID == "" {
			pl.Actions[i].ID = plan.ActionID(&pl.Actions[i])
		}
	}
}
