package plan

import (
	"fmt"
	"sort"
)

// Param types of the operation registry.
const (
	TString = "string"
	TInt    = "int"
	TBool   = "bool"
	// TPolicy is a JSON policy document carried as a string (as AWS takes it).
	TPolicy = "policy-document"
	TObject = "object"
	TArray  = "array"
)

// Param is one parameter of an operation.
type Param struct {
	Name     string
	Type     string
	Required bool
	// Enum lists the allowed values of a string parameter, when fixed.
	Enum []string
}

// Operation is an AWS API call a plan may hold.
type Operation struct {
	Service string
	Name    string
	Params  []Param
	// Write is false for the few reads a plan may hold (none today).
	Write bool
	// CLI is the AWS CLI command ("iam update-access-key").
	CLI string
}

func p(name, typ string) Param   { return Param{Name: name, Type: typ} }
func req(name, typ string) Param { return Param{Name: name, Type: typ, Required: true} }
func enum(name string, v ...string) Param {
	return Param{Name: name, Type: TString, Required: true, Enum: v}
}

// operations is the one allow-list of calls a plan may hold. Add an
// operation here (and to the applier's dispatch and the sandbox) to let
// planners emit it.
var operations = []Operation{
	// IAM: the fix planner.
	{Service: "iam", Name: "UpdateAccessKey", Params: []Param{req("UserName", TString), req("AccessKeyId", TString), enum("Status", "Active", "Inactive")}},
	{Service: "iam", Name: "DeleteAccessKey", Params: []Param{req("UserName", TString), req("AccessKeyId", TString)}},
	{Service: "iam", Name: "DeleteLoginProfile", Params: []Param{req("UserName", TString)}},
	{Service: "iam", Name: "CreateLoginProfile", Params: []Param{req("UserName", TString), req("Password", TString), p("PasswordResetRequired", TBool)}},
	{Service: "iam", Name: "UpdateSigningCertificate", Params: []Param{req("UserName", TString), req("CertificateId", TString), enum("Status", "Active", "Inactive")}},
	{Service: "iam", Name: "DeleteSigningCertificate", Params: []Param{req("UserName", TString), req("CertificateId", TString)}},
	{Service: "iam", Name: "DeleteSSHPublicKey", Params: []Param{req("UserName", TString), req("SSHPublicKeyId", TString)}},
	{Service: "iam", Name: "DeleteServiceSpecificCredential", Params: []Param{req("UserName", TString), req("ServiceSpecificCredentialId", TString)}},
	{Service: "iam", Name: "DeactivateMFADevice", Params: []Param{req("UserName", TString), req("SerialNumber", TString)}},
	{Service: "iam", Name: "DeleteVirtualMFADevice", Params: []Param{req("SerialNumber", TString)}},
	{Service: "iam", Name: "RemoveUserFromGroup", Params: []Param{req("GroupName", TString), req("UserName", TString)}},
	{Service: "iam", Name: "AddUserToGroup", Params: []Param{req("GroupName", TString), req("UserName", TString)}},
	{Service: "iam", Name: "DetachUserPolicy", Params: []Param{req("UserName", TString), req("PolicyArn", TString)}},
	{Service: "iam", Name: "AttachUserPolicy", Params: []Param{req("UserName", TString), req("PolicyArn", TString)}},
	{Service: "iam", Name: "DetachGroupPolicy", Params: []Param{req("GroupName", TString), req("PolicyArn", TString)}},
	{Service: "iam", Name: "AttachGroupPolicy", Params: []Param{req("GroupName", TString), req("PolicyArn", TString)}},
	{Service: "iam", Name: "DetachRolePolicy", Params: []Param{req("RoleName", TString), req("PolicyArn", TString)}},
	{Service: "iam", Name: "AttachRolePolicy", Params: []Param{req("RoleName", TString), req("PolicyArn", TString)}},
	{Service: "iam", Name: "DeleteUserPolicy", Params: []Param{req("UserName", TString), req("PolicyName", TString)}},
	{Service: "iam", Name: "PutUserPolicy", Params: []Param{req("UserName", TString), req("PolicyName", TString), req("PolicyDocument", TPolicy)}},
	{Service: "iam", Name: "DeleteGroupPolicy", Params: []Param{req("GroupName", TString), req("PolicyName", TString)}},
	{Service: "iam", Name: "PutGroupPolicy", Params: []Param{req("GroupName", TString), req("PolicyName", TString), req("PolicyDocument", TPolicy)}},
	{Service: "iam", Name: "DeleteRolePolicy", Params: []Param{req("RoleName", TString), req("PolicyName", TString)}},
	{Service: "iam", Name: "PutRolePolicy", Params: []Param{req("RoleName", TString), req("PolicyName", TString), req("PolicyDocument", TPolicy)}},
	{Service: "iam", Name: "DeleteUserPermissionsBoundary", Params: []Param{req("UserName", TString)}},
	{Service: "iam", Name: "PutUserPermissionsBoundary", Params: []Param{req("UserName", TString), req("PermissionsBoundary", TString)}},
	{Service: "iam", Name: "DeleteUser", Params: []Param{req("UserName", TString)}},
	{Service: "iam", Name: "DeleteGroup", Params: []Param{req("GroupName", TString)}},
	{Service: "iam", Name: "DeleteRole", Params: []Param{req("RoleName", TString)}},
	{Service: "iam", Name: "DeleteInstanceProfile", Params: []Param{req("InstanceProfileName", TString)}},
	{Service: "iam", Name: "RemoveRoleFromInstanceProfile", Params: []Param{req("InstanceProfileName", TString), req("RoleName", TString)}},
	{Service: "iam", Name: "DeleteOpenIDConnectProvider", Params: []Param{req("OpenIDConnectProviderArn", TString)}},
	{Service: "iam", Name: "DeleteServerCertificate", Params: []Param{req("ServerCertificateName", TString)}},
	{Service: "iam", Name: "UpdateAssumeRolePolicy", Params: []Param{req("RoleName", TString), req("PolicyDocument", TPolicy)}},
	{Service: "iam", Name: "UpdateAccountPasswordPolicy", Params: []Param{
		p("MinimumPasswordLength", TInt), p("RequireSymbols", TBool), p("RequireNumbers", TBool),
		p("RequireUppercaseCharacters", TBool), p("RequireLowercaseCharacters", TBool),
		p("AllowUsersToChangePassword", TBool), p("MaxPasswordAge", TInt), p("PasswordReusePrevention", TInt),
		p("HardExpiry", TBool)}},
	{Service: "iam", Name: "DeleteAccountPasswordPolicy", Params: nil},
	// IAM: what the migration planners create.
	{Service: "iam", Name: "CreateRole", Params: []Param{req("RoleName", TString), req("AssumeRolePolicyDocument", TPolicy), p("Path", TString), p("Description", TString), p("MaxSessionDuration", TInt), p("PermissionsBoundary", TString), p("Tags", TArray)}},
	{Service: "iam", Name: "CreatePolicy", Params: []Param{req("PolicyName", TString), req("PolicyDocument", TPolicy), p("Path", TString), p("Description", TString), p("Tags", TArray)}},
	{Service: "iam", Name: "DeletePolicy", Params: []Param{req("PolicyArn", TString)}},
	{Service: "iam", Name: "CreateOpenIDConnectProvider", Params: []Param{req("Url", TString), p("ClientIDList", TArray), p("ThumbprintList", TArray), p("Tags", TArray)}},
	// Identity Store and SSO Admin: the Identity Center migration.
	{Service: "identitystore", Name: "CreateUser", Params: []Param{req("IdentityStoreId", TString), req("UserName", TString), p("DisplayName", TString), p("Name", TObject), p("Emails", TArray)}},
	{Service: "identitystore", Name: "DeleteUser", Params: []Param{req("IdentityStoreId", TString), req("UserId", TString)}},
	{Service: "identitystore", Name: "CreateGroup", Params: []Param{req("IdentityStoreId", TString), req("DisplayName", TString), p("Description", TString)}},
	{Service: "identitystore", Name: "DeleteGroup", Params: []Param{req("IdentityStoreId", TString), req("GroupId", TString)}},
	{Service: "identitystore", Name: "CreateGroupMembership", Params: []Param{req("IdentityStoreId", TString), req("GroupId", TString), req("MemberId", TObject)}},
	{Service: "identitystore", Name: "DeleteGroupMembership", Params: []Param{req("IdentityStoreId", TString), req("MembershipId", TString)}},
	{Service: "sso-admin", Name: "CreatePermissionSet", Params: []Param{req("InstanceArn", TString), req("Name", TString), p("Description", TString), p("SessionDuration", TString), p("RelayState", TString), p("Tags", TArray)}},
	{Service: "sso-admin", Name: "DeletePermissionSet", Params: []Param{req("InstanceArn", TString), req("PermissionSetArn", TString)}},
	{Service: "sso-admin", Name: "AttachManagedPolicyToPermissionSet", Params: []Param{req("InstanceArn", TString), req("PermissionSetArn", TString), req("ManagedPolicyArn", TString)}},
	{Service: "sso-admin", Name: "DetachManagedPolicyFromPermissionSet", Params: []Param{req("InstanceArn", TString), req("PermissionSetArn", TString), req("ManagedPolicyArn", TString)}},
	{Service: "sso-admin", Name: "AttachCustomerManagedPolicyReferenceToPermissionSet", Params: []Param{req("InstanceArn", TString), req("PermissionSetArn", TString), req("CustomerManagedPolicyReference", TObject)}},
	{Service: "sso-admin", Name: "PutInlinePolicyToPermissionSet", Params: []Param{req("InstanceArn", TString), req("PermissionSetArn", TString), req("InlinePolicy", TPolicy)}},
	{Service: "sso-admin", Name: "PutPermissionsBoundaryToPermissionSet", Params: []Param{req("InstanceArn", TString), req("PermissionSetArn", TString), req("PermissionsBoundary", TObject)}},
	{Service: "sso-admin", Name: "CreateAccountAssignment", Params: []Param{req("InstanceArn", TString), req("PermissionSetArn", TString), req("PrincipalId", TString), enum("PrincipalType", "USER", "GROUP"), req("TargetId", TString), enum("TargetType", "AWS_ACCOUNT")}},
	{Service: "sso-admin", Name: "DeleteAccountAssignment", Params: []Param{req("InstanceArn", TString), req("PermissionSetArn", TString), req("PrincipalId", TString), enum("PrincipalType", "USER", "GROUP"), req("TargetId", TString), enum("TargetType", "AWS_ACCOUNT")}},
	{Service: "sso-admin", Name: "ProvisionPermissionSet", Params: []Param{req("InstanceArn", TString), req("PermissionSetArn", TString), enum("TargetType", "AWS_ACCOUNT", "ALL_PROVISIONED_ACCOUNTS"), p("TargetId", TString)}},
}

var opIndex = func() map[string]*Operation {
	m := map[string]*Operation{}
	for i := range operations {
		op := &operations[i]
		op.Write = true
		key := op.Service + ":" + op.Name
		if m[key] != nil {
			panic("plan: operation registered twice: " + key)
		}
		m[key] = op
	}
	return m
}()

// Lookup returns the registered operation, or nil.
func Lookup(service, name string) *Operation { return opIndex[service+":"+name] }

// Operations lists every registered operation, sorted by service and name.
func Operations() []Operation {
	out := append([]Operation(nil), operations...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Service != out[j].Service {
			return out[i].Service < out[j].Service
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Services lists the services of the registry.
func Services() []string {
	seen := map[string]bool{}
	var out []string
	for _, op := range operations {
		if !seen[op.Service] {
			seen[op.Service] = true
			out = append(out, op.Service)
		}
	}
	sort.Strings(out)
	return out
}

// Check kinds: the resource a precondition check reads. Fields per kind are
// documented in docs/remediation.md; apply knows how to read each one.
var checkKinds = map[string][]string{
	// Resource "USER/KEYID": Status (Active|Inactive|absent), LastUsedDate
	// (date, "never" or a date not after which the key was used).
	"access-key": {"Status", "LastUsedDate", "LastUsedBefore"},
	// Resource "USER".
	"user":          {"Exists"},
	"login-profile": {"Exists", "LastUsedBefore"},
	// Resource "USER/CERTID", "USER/SSHKEYID", "USER/CREDID", "USER/SERIAL".
	"signing-certificate":         {"Status"},
	"ssh-public-key":              {"Status"},
	"service-specific-credential": {"Status"},
	"mfa-device":                  {"Exists"},
	// Resource "USER/GROUP".
	"group-membership": {"Exists"},
	// Resource "user/NAME/POLICYARN", "group/NAME/POLICYARN", "role/NAME/POLICYARN".
	"policy-attachment": {"Exists"},
	// Resource "user/NAME/POLICYNAME".
	"inline-policy":        {"Exists"},
	"permissions-boundary": {"Arn"},
	"group":                {"Exists", "MemberCount"},
	// UsedSince (migrations): the role was used after the expected time
	// (RFC 3339); "never" does not hold.
	"role": {"Exists", "LastUsedDate", "UsedSince"},
	// Resource: the provider ARN.
	"oidc-provider": {"Exists"},
	// Resource: the certificate name.
	"server-certificate": {"Exists", "Expiration"},
	// Resource "ROLE": TrustPolicySHA256 is the hash of the canonical JSON.
	"trust-policy": {"SHA256"},
	// Resource "account": SHA256 of the canonical JSON, or "absent".
	"password-policy": {"SHA256"},
	// Migrations.
	"identity-center-instance": {"Exists"},
}

// CheckKinds lists the known precondition check kinds.
func CheckKinds() []string {
	var out []string
	for k := range checkKinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func checkKnown(c Check) error {
	fields, ok := checkKinds[c.Kind]
	if !ok {
		return fmt.Errorf("unknown check kind %q", c.Kind)
	}
	for _, f := range fields {
		if f == c.Field {
			return nil
		}
	}
	return fmt.Errorf("check kind %q has no field %q (known: %v)", c.Kind, c.Field, fields)
}
