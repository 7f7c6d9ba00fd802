package apply

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamspect/iamspect/internal/remediate/fixplan"
	"github.com/iamspect/iamspect/internal/remediate/plan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// reader re-reads live state for precondition checks.
type reader struct {
	cl  *iam.Client
	cfg aws.Config // for the migration checks (migrate_ops.go)
}

func notFound(err error) bool { return ErrorCode(err) == "NoSuchEntity" }

func split2(s string) (string, string) {
	a, b, _ := strings.Cut(s, "/")
	return a, b
}

// observe reads what a check is about; "absent" when the resource is gone.
func (r *reader) observe(ctx context.Context, c plan.Check) (string, error) {
	if v, ok, err := r.observeMigrate(ctx, c); ok {
		return v, err
	}
	switch c.Kind {
	case "access-key":
		user, id := split2(c.Resource)
		if c.Field == "LastUsedBefore" {
			out, err := r.cl.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(id)})
			if err != nil {
				return "", err
			}
			if out.AccessKeyLastUsed == nil || out.AccessKeyLastUsed.LastUsedDate == nil {
				return "never", nil
			}
			return out.AccessKeyLastUsed.LastUsedDate.UTC().Format(time.RFC3339), nil
		}
		out, err := r.cl.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(user)})
		if notFound(err) {
			return "absent", nil
		}
		if err != nil {
			return "", err
		}
		for _, k := range out.AccessKeyMetadata {
			if aws.ToString(k.AccessKeyId) == id {
				return string(k.Status), nil
			}
		}
		return "absent", nil
	case "user":
		_, err := r.cl.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(c.Resource)})
		return exists(err)
	case "login-profile":
		if c.Field == "LastUsedBefore" {
			out, err := r.cl.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(c.Resource)})
			if err != nil {
				return "", err
			}
			if out.User.PasswordLastUsed == nil {
				return "never", nil
			}
			return out.User.PasswordLastUsed.UTC().Format(time.RFC3339), nil
		}
		_, err := r.cl.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String(c.Resource)})
		return exists(err)
	case "permissions-boundary":
		out, err := r.cl.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(c.Resource)})
		if notFound(err) {
			return "absent", nil
		}
		if err != nil {
			return "", err
		}
		if out.User.PermissionsBoundary == nil {
			return "absent", nil
		}
		return aws.ToString(out.User.PermissionsBoundary.PermissionsBoundaryArn), nil
	case "signing-certificate":
		user, id := split2(c.Resource)
		out, err := r.cl.ListSigningCertificates(ctx, &iam.ListSigningCertificatesInput{UserName: aws.String(user)})
		if notFound(err) {
			return "absent", nil
		}
		if err != nil {
			return "", err
		}
		for _, x := range out.Certificates {
			if aws.ToString(x.CertificateId) == id {
				return string(x.Status), nil
			}
		}
		return "absent", nil
	case "ssh-public-key":
		user, id := split2(c.Resource)
		out, err := r.cl.ListSSHPublicKeys(ctx, &iam.ListSSHPublicKeysInput{UserName: aws.String(user)})
		if notFound(err) {
			return "absent", nil
		}
		if err != nil {
			return "", err
		}
		for _, x := range out.SSHPublicKeys {
			if aws.ToString(x.SSHPublicKeyId) == id {
				return string(x.Status), nil
			}
		}
		return "absent", nil
	case "service-specific-credential":
		user, id := split2(c.Resource)
		out, err := r.cl.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{UserName: aws.String(user)})
		if notFound(err) {
			return "absent", nil
		}
		if err != nil {
			return "", err
		}
		for _, x := range out.ServiceSpecificCredentials {
			if aws.ToString(x.ServiceSpecificCredentialId) == id {
				return string(x.Status), nil
			}
		}
		return "absent", nil
	case "mfa-device":
		user, serial := split2(c.Resource)
		out, err := r.cl.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String(user)})
		if notFound(err) {
			return "false", nil
		}
		if err != nil {
			return "", err
		}
		for _, d := range out.MFADevices {
			if aws.ToString(d.SerialNumber) == serial {
				return "true", nil
			}
		}
		return "false", nil
	case "group-membership":
		user, group := split2(c.Resource)
		out, err := r.cl.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String(user)})
		if notFound(err) {
			return "false", nil
		}
		if err != nil {
			return "", err
		}
		for _, g := range out.Groups {
			if aws.ToString(g.GroupName) == group {
				return "true", nil
			}
		}
		return "false", nil
	case "policy-attachment":
		parts := strings.SplitN(c.Resource, "/", 3)
		if len(parts) != 3 {
			return "", fmt.Errorf("policy-attachment resource %q: want KIND/NAME/POLICYARN", c.Resource)
		}
		return r.attached(ctx, parts[0], parts[1], parts[2])
	case "inline-policy":
		parts := strings.SplitN(c.Resource, "/", 3)
		if len(parts) != 3 {
			return "", fmt.Errorf("inline-policy resource %q: want user|group|role/NAME/POLICYNAME", c.Resource)
		}
		var names []string
		var err error
		switch parts[0] {
		case "user":
			var out *iam.ListUserPoliciesOutput
			if out, err = r.cl.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String(parts[1])}); err == nil {
				names = out.PolicyNames
			}
		case "group":
			var out *iam.ListGroupPoliciesOutput
			if out, err = r.cl.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: aws.String(parts[1])}); err == nil {
				names = out.PolicyNames
			}
		case "role":
			var out *iam.ListRolePoliciesOutput
			if out, err = r.cl.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String(parts[1])}); err == nil {
				names = out.PolicyNames
			}
		default:
			return "", fmt.Errorf("inline-policy resource %q: want user|group|role/NAME/POLICYNAME", c.Resource)
		}
		if notFound(err) {
			return "false", nil
		}
		if err != nil {
			return "", err
		}
		for _, n := range names {
			if n == parts[2] {
				return "true", nil
			}
		}
		return "false", nil
	case "group":
		out, err := r.cl.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String(c.Resource)})
		if c.Field == "Exists" {
			return exists(err)
		}
		if notFound(err) {
			return "absent", nil
		}
		if err != nil {
			return "", err
		}
		return strconv.Itoa(len(out.Users)), nil
	case "role":
		out, err := r.cl.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(c.Resource)})
		if c.Field == "Exists" {
			return exists(err)
		}
		if notFound(err) {
			return "absent", nil
		}
		if err != nil {
			return "", err
		}
		if out.Role.RoleLastUsed == nil || out.Role.RoleLastUsed.LastUsedDate == nil {
			return "never", nil
		}
		return out.Role.RoleLastUsed.LastUsedDate.UTC().Format(time.RFC3339), nil
	case "trust-policy":
		out, err := r.cl.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(c.Resource)})
		if notFound(err) {
			return "absent", nil
		}
		if err != nil {
			return "", err
		}
		doc, err := url.QueryUnescape(aws.ToString(out.Role.AssumeRolePolicyDocument))
		if err != nil {
			doc = aws.ToString(out.Role.AssumeRolePolicyDocument)
		}
		return fixplan.CanonicalSHA256([]byte(doc)), nil
	case "password-policy":
		out, err := r.cl.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
		if notFound(err) {
			return "absent", nil
		}
		if err != nil {
			return "", err
		}
		p := out.PasswordPolicy
		pp := snapshot.PasswordPolicy{MinimumPasswordLength: int(aws.ToInt32(p.MinimumPasswordLength)),
			RequireSymbols: p.RequireSymbols, RequireNumbers: p.RequireNumbers,
			RequireUppercaseCharacters: p.RequireUppercaseCharacters, RequireLowercaseCharacters: p.RequireLowercaseCharacters,
			AllowUsersToChangePassword: p.AllowUsersToChangePassword, ExpirePasswords: p.ExpirePasswords,
			MaxPasswordAge: int(aws.ToInt32(p.MaxPasswordAge)), PasswordReusePrevention: int(aws.ToInt32(p.PasswordReusePrevention)),
			HardExpiry: aws.ToBool(p.HardExpiry)}
		return fixplan.CanonicalSHA256(fixplan.PasswordPolicyDoc(&pp)), nil
	case "oidc-provider":
		_, err := r.cl.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(c.Resource)})
		return exists(err)
	case "server-certificate":
		out, err := r.cl.ListServerCertificates(ctx, &iam.ListServerCertificatesInput{})
		if err != nil {
			return "", err
		}
		for _, m := range out.ServerCertificateMetadataList {
			if aws.ToString(m.ServerCertificateName) == c.Resource {
				if c.Field == "Expiration" && m.Expiration != nil {
					return m.Expiration.UTC().Format(time.RFC3339), nil
				}
				return "true", nil
			}
		}
		return "false", nil
	}
	return "", fmt.Errorf("check kind %q: this build cannot read it", c.Kind)
}

func exists(err error) (string, error) {
	if notFound(err) {
		return "false", nil
	}
	if err != nil {
		return "", err
	}
	return "true", nil
}

func (r *reader) attached(ctx context.Context, kind, name, arn string) (string, error) {
	var refs []string
	switch kind {
	case "user":
		out, err := r.cl.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String(name)})
		if notFound(err) {
			return "false", nil
		}
		if err != nil {
			return "", err
		}
		for _, p := range out.AttachedPolicies {
			refs = append(refs, aws.ToString(p.PolicyArn))
		}
	case "group":
		out, err := r.cl.ListAttachedGroupPolicies(ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String(name)})
		if notFound(err) {
			return "false", nil
		}
		if err != nil {
			return "", err
		}
		for _, p := range out.AttachedPolicies {
			refs = append(refs, aws.ToString(p.PolicyArn))
		}
	case "role":
		out, err := r.cl.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(name)})
		if notFound(err) {
			return "false", nil
		}
		if err != nil {
			return "", err
		}
		for _, p := range out.AttachedPolicies {
			refs = append(refs, aws.ToString(p.PolicyArn))
		}
	default:
		return "", fmt.Errorf("policy-attachment kind %q", kind)
	}
	for _, r := range refs {
		if r == arn {
			return "true", nil
		}
	}
	return "false", nil
}

// holds compares an observation with a check's expectation. Dates under
// LastUsedBefore/LastUsedDate hold when the resource was not used after the
// expected time (a minute's slack for rounding).
func holds(c plan.Check, got string) bool {
	switch c.Field {
	case "UsedSince": // a role used after the time (migrations)
		want, err1 := time.Parse(time.RFC3339, c.Expect)
		have, err2 := time.Parse(time.RFC3339, got)
		return err1 == nil && err2 == nil && have.After(want)
	case "LastUsedBefore", "LastUsedDate":
		if got == "never" || got == "absent" {
			return true
		}
		if c.Expect == "never" {
			return false
		}
		want, err1 := time.Parse(time.RFC3339, c.Expect)
		have, err2 := time.Parse(time.RFC3339, got)
		return err1 == nil && err2 == nil && !have.After(want.Add(time.Minute))
	}
	return got == c.Expect
}

// postconditions say what the world looks like once a call took effect, so
// that an interrupted or retried call can be recognised as done.
func postconditions(c *plan.Call) []plan.Check {
	if c == nil || c.Service != "iam" {
		return nil
	}
	s := c.Str
	switch c.Operation {
	case "UpdateAccessKey":
		return []plan.Check{{Kind: "access-key", Resource: s("UserName") + "/" + s("AccessKeyId"), Field: "Status", Expect: s("Status")}}
	case "DeleteAccessKey":
		return []plan.Check{{Kind: "access-key", Resource: s("UserName") + "/" + s("AccessKeyId"), Field: "Status", Expect: "absent"}}
	case "DeleteLoginProfile":
		return []plan.Check{{Kind: "login-profile", Resource: s("UserName"), Field: "Exists", Expect: "false"}}
	case "CreateLoginProfile":
		return []plan.Check{{Kind: "login-profile", Resource: s("UserName"), Field: "Exists", Expect: "true"}}
	case "UpdateSigningCertificate":
		return []plan.Check{{Kind: "signing-certificate", Resource: s("UserName") + "/" + s("CertificateId"), Field: "Status", Expect: s("Status")}}
	case "DeleteSigningCertificate":
		return []plan.Check{{Kind: "signing-certificate", Resource: s("UserName") + "/" + s("CertificateId"), Field: "Status", Expect: "absent"}}
	case "DeleteSSHPublicKey":
		return []plan.Check{{Kind: "ssh-public-key", Resource: s("UserName") + "/" + s("SSHPublicKeyId"), Field: "Status", Expect: "absent"}}
	case "DeleteServiceSpecificCredential":
		return []plan.Check{{Kind: "service-specific-credential", Resource: s("UserName") + "/" + s("ServiceSpecificCredentialId"), Field: "Status", Expect: "absent"}}
	case "DeactivateMFADevice":
		return []plan.Check{{Kind: "mfa-device", Resource: s("UserName") + "/" + s("SerialNumber"), Field: "Exists", Expect: "false"}}
	case "RemoveUserFromGroup":
		return []plan.Check{{Kind: "group-membership", Resource: s("UserName") + "/" + s("GroupName"), Field: "Exists", Expect: "false"}}
	case "AddUserToGroup":
		return []plan.Check{{Kind: "group-membership", Resource: s("UserName") + "/" + s("GroupName"), Field: "Exists", Expect: "true"}}
	case "DetachUserPolicy", "AttachUserPolicy":
		return []plan.Check{{Kind: "policy-attachment", Resource: "user/" + s("UserName") + "/" + s("PolicyArn"), Field: "Exists", Expect: strconv.FormatBool(strings.HasPrefix(c.Operation, "Attach"))}}
	case "DetachGroupPolicy", "AttachGroupPolicy":
		return []plan.Check{{Kind: "policy-attachment", Resource: "group/" + s("GroupName") + "/" + s("PolicyArn"), Field: "Exists", Expect: strconv.FormatBool(strings.HasPrefix(c.Operation, "Attach"))}}
	case "DetachRolePolicy", "AttachRolePolicy":
		return []plan.Check{{Kind: "policy-attachment", Resource: "role/" + s("RoleName") + "/" + s("PolicyArn"), Field: "Exists", Expect: strconv.FormatBool(strings.HasPrefix(c.Operation, "Attach"))}}
	case "DeleteUserPolicy":
		return []plan.Check{{Kind: "inline-policy", Resource: "user/" + s("UserName") + "/" + s("PolicyName"), Field: "Exists", Expect: "false"}}
	case "PutUserPolicy":
		return []plan.Check{{Kind: "inline-policy", Resource: "user/" + s("UserName") + "/" + s("PolicyName"), Field: "Exists", Expect: "true"}}
	case "DeleteGroupPolicy", "PutGroupPolicy":
		return []plan.Check{{Kind: "inline-policy", Resource: "group/" + s("GroupName") + "/" + s("PolicyName"), Field: "Exists", Expect: strconv.FormatBool(strings.HasPrefix(c.Operation, "Put"))}}
	case "DeleteRolePolicy", "PutRolePolicy":
		return []plan.Check{{Kind: "inline-policy", Resource: "role/" + s("RoleName") + "/" + s("PolicyName"), Field: "Exists", Expect: strconv.FormatBool(strings.HasPrefix(c.Operation, "Put"))}}
	case "DeleteUserPermissionsBoundary":
		return []plan.Check{{Kind: "permissions-boundary", Resource: s("UserName"), Field: "Arn", Expect: "absent"}}
	case "PutUserPermissionsBoundary":
		return []plan.Check{{Kind: "permissions-boundary", Resource: s("UserName"), Field: "Arn", Expect: s("PermissionsBoundary")}}
	case "DeleteUser":
		return []plan.Check{{Kind: "user", Resource: s("UserName"), Field: "Exists", Expect: "false"}}
	case "DeleteGroup":
		return []plan.Check{{Kind: "group", Resource: s("GroupName"), Field: "Exists", Expect: "false"}}
	case "DeleteRole":
		return []plan.Check{{Kind: "role", Resource: s("RoleName"), Field: "Exists", Expect: "false"}}
	case "DeleteOpenIDConnectProvider":
		return []plan.Check{{Kind: "oidc-provider", Resource: s("OpenIDConnectProviderArn"), Field: "Exists", Expect: "false"}}
	case "DeleteServerCertificate":
		return []plan.Check{{Kind: "server-certificate", Resource: s("ServerCertificateName"), Field: "Exists", Expect: "false"}}
	case "UpdateAssumeRolePolicy":
		return []plan.Check{{Kind: "trust-policy", Resource: s("RoleName"), Field: "SHA256", Expect: fixplan.CanonicalSHA256([]byte(s("PolicyDocument")))}}
	case "UpdateAccountPasswordPolicy":
		return []plan.Check{{Kind: "password-policy", Resource: "account", Field: "SHA256", Expect: fixplan.CanonicalSHA256(fixplan.PasswordPolicyDoc(passwordPolicyOf(c)))}}
	case "DeleteAccountPasswordPolicy":
		return []plan.Check{{Kind: "password-policy", Resource: "account", Field: "SHA256", Expect: "absent"}}
	}
	return nil
}

// passwordPolicyOf is the policy an UpdateAccountPasswordPolicy call sets
// (AWS's defaults for what it leaves out).
func passwordPolicyOf(c *plan.Call) *snapshot.PasswordPolicy {
	var in struct {
		MinimumPasswordLength                                              *int
		RequireSymbols, RequireNumbers, RequireUppercaseCharacters         bool
		RequireLowercaseCharacters, AllowUsersToChangePassword, HardExpiry bool
		MaxPasswordAge, PasswordReusePrevention                            int
	}
	_ = json.Unmarshal(c.Params, &in)
	p := &snapshot.PasswordPolicy{MinimumPasswordLength: 6, RequireSymbols: in.RequireSymbols, RequireNumbers: in.RequireNumbers,
		RequireUppercaseCharacters: in.RequireUppercaseCharacters, RequireLowercaseCharacters: in.RequireLowercaseCharacters,
		AllowUsersToChangePassword: in.AllowUsersToChangePassword, HardExpiry: in.HardExpiry,
		MaxPasswordAge: in.MaxPasswordAge, PasswordReusePrevention: in.PasswordReusePrevention, ExpirePasswords: in.MaxPasswordAge > 0}
	if in.MinimumPasswordLength != nil {
		p.MinimumPasswordLength = *in.MinimumPasswordLength
	}
	return p
}

// checkReads lists the read calls observe makes, per check kind.
var checkReads = map[string][]string{
	"access-key":                  {"iam:ListAccessKeys", "iam:GetAccessKeyLastUsed"},
	"user":                        {"iam:GetUser"},
	"login-profile":               {"iam:GetLoginProfile", "iam:GetUser"},
	"permissions-boundary":        {"iam:GetUser"},
	"signing-certificate":         {"iam:ListSigningCertificates"},
	"ssh-public-key":              {"iam:ListSSHPublicKeys"},
	"service-specific-credential": {"iam:ListServiceSpecificCredentials"},
	"mfa-device":                  {"iam:ListMFADevices"},
	"group-membership":            {"iam:ListGroupsForUser"},
	"policy-attachment":           {"iam:ListAttachedUserPolicies", "iam:ListAttachedGroupPolicies", "iam:ListAttachedRolePolicies"},
	"inline-policy":               {"iam:ListUserPolicies", "iam:ListGroupPolicies", "iam:ListRolePolicies"},
	"group":                       {"iam:GetGroup"},
	"role":                        {"iam:GetRole"},
	"trust-policy":                {"iam:GetRole"},
	"password-policy":             {"iam:GetAccountPasswordPolicy"},
	"oidc-provider":               {"iam:GetOpenIDConnectProvider"},
	"server-certificate":          {"iam:ListServerCertificates"},
	"last-administrator guard":    {"iam:ListEntitiesForPolicy", "iam:GetGroup"},
}

// ReadsChecks reports whether a precondition check may make the call.
func ReadsChecks(action string) bool {
	for _, as := range checkReads {
		for _, a := range as {
			if a == action {
				return true
			}
		}
	}
	return false
}
