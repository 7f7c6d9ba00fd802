package apply

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/iamspect/iamspect/internal/remediate/plan"
)

// execFunc runs one call with the account's configuration. The
// parameters, under their AWS names, decode straight into the SDK's input
// struct (whose fields carry the same names).
type execFunc func(ctx context.Context, cfg aws.Config, params json.RawMessage) (requestID string, err error)

// sdkOp adapts one SDK client method: newClient builds the service client,
// method picks the operation, meta returns the output's metadata (for the
// request ID). Any service's client fits (IAM, SSO Admin, Identity Store).
func sdkOp[C any, In any, Out any, O any](newClient func(aws.Config) C, method func(C) func(context.Context, *In, ...O) (*Out, error), meta func(*Out) middleware.Metadata) execFunc {
	return func(ctx context.Context, cfg aws.Config, params json.RawMessage) (string, error) {
		in := new(In)
		if len(params) > 0 {
			if err := json.Unmarshal(params, in); err != nil {
				return "", fmt.Errorf("parameters: %w", err)
			}
		}
		out, err := method(newClient(cfg))(ctx, in)
		if err != nil {
			return requestIDOf(err), err
		}
		id, _ := awsmiddleware.GetRequestIDMetadata(meta(out))
		return id, nil
	}
}

func newIAM(cfg aws.Config) *iam.Client { return iam.NewFromConfig(cfg) }

// op is sdkOp for IAM.
func op[In any, Out any](f func(*iam.Client) func(context.Context, *In, ...func(*iam.Options)) (*Out, error), meta func(*Out) middleware.Metadata) execFunc {
	return sdkOp(newIAM, f, meta)
}

func requestIDOf(err error) string {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.ServiceRequestID()
	}
	return ""
}

// ErrorCode is the AWS error code of err, or "".
func ErrorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// ops is the applier's dispatch, keyed "service:Operation"; every key must
// be an operation of the plan registry (plan.Lookup). Planners of other
// services add their operations here with sdkOp.
var ops = map[string]execFunc{}

func init() {
	for name, f := range iamOps {
		ops["iam:"+name] = f
	}
}

var iamOps = map[string]execFunc{
	"UpdateAccessKey": op(func(c *iam.Client) func(context.Context, *iam.UpdateAccessKeyInput, ...func(*iam.Options)) (*iam.UpdateAccessKeyOutput, error) {
		return c.UpdateAccessKey
	}, func(o *iam.UpdateAccessKeyOutput) middleware.Metadata { return o.ResultMetadata }),
	"DeleteAccessKey": op(func(c *iam.Client) func(context.Context, *iam.DeleteAccessKeyInput, ...func(*iam.Options)) (*iam.DeleteAccessKeyOutput, error) {
		return c.DeleteAccessKey
	}, func(o *iam.DeleteAccessKeyOutput) middleware.Metadata { return o.ResultMetadata }),
	"DeleteLoginProfile": op(func(c *iam.Client) func(context.Context, *iam.DeleteLoginProfileInput, ...func(*iam.Options)) (*iam.DeleteLoginProfileOutput, error) {
		return c.DeleteLoginProfile
	}, func(o *iam.DeleteLoginProfileOutput) middleware.Metadata { return o.ResultMetadata }),
	"CreateLoginProfile": op(func(c *iam.Client) func(context.Context, *iam.CreateLoginProfileInput, ...func(*iam.Options)) (*iam.CreateLoginProfileOutput, error) {
		return c.CreateLoginProfile
	}, func(o *iam.CreateLoginProfileOutput) middleware.Metadata { return o.ResultMetadata }),
	"UpdateSigningCertificate": op(func(c *iam.Client) func(context.Context, *iam.UpdateSigningCertificateInput, ...func(*iam.Options)) (*iam.UpdateSigningCertificateOutput, error) {
		return c.UpdateSigningCertificate
	}, func(o *iam.UpdateSigningCertificateOutput) middleware.Metadata { return o.ResultMetadata }),
	"DeleteSigningCertificate": op(func(c *iam.Client) func(context.Context, *iam.DeleteSigningCertificateInput, ...func(*iam.Options)) (*iam.DeleteSigningCertificateOutput, error) {
		return c.DeleteSigningCertificate
	}, func(o *iam.DeleteSigningCertificateOutput) middleware.Metadata { return o.ResultMetadata }),
	"DeleteSSHPublicKey": op(func(c *iam.Client) func(context.Context, *iam.DeleteSSHPublicKeyInput, ...func(*iam.Options)) (*iam.DeleteSSHPublicKeyOutput, error) {
		return c.DeleteSSHPublicKey
	}, func(o *iam.DeleteSSHPublicKeyOutput) middleware.Metadata { return o.ResultMetadata }),
	"DeleteServiceSpecificCredential": op(func(c *iam.Client) func(context.Context, *iam.DeleteServiceSpecificCredentialInput, ...func(*iam.Options)) (*iam.DeleteServiceSpecificCredentialOutput, error) {
		return c.DeleteServiceSpecificCredential
	}, func(o *iam.DeleteServiceSpecificCredentialOutput) middleware.Metadata { return o.ResultMetadata }),
	"DeactivateMFADevice": op(func(c *iam.Client) func(context.Context, *iam.DeactivateMFADeviceInput, ...func(*iam.Options)) (*iam.DeactivateMFADeviceOutput, error) {
		return c.DeactivateMFADevice
	}, func(o *iam.DeactivateMFADeviceOutput) middleware.Metadata { return o.ResultMetadata }),
	"DeleteVirtualMFADevice": op(func(c *iam.Client) func(context.Context, *iam.DeleteVirtualMFADeviceInput, ...func(*iam.Options)) (*iam.DeleteVirtualMFADeviceOutput, error) {
		return c.DeleteVirtualMFADevice
	}, func(o *iam.DeleteVirtualMFADeviceOutput) middleware.Metadata { return o.ResultMetadata }),
	"RemoveUserFromGroup": op(func(c *iam.Client) func(context.Context, *iam.RemoveUserFromGroupInput, ...func(*iam.Options)) (*iam.RemoveUserFromGroupOutput, error) {
		return c.RemoveUserFromGroup
	}, func(o *iam.RemoveUserFromGroupOutput) middleware.Metadata { return o.ResultMetadata }),
	"AddUserToGroup": op(func(c *iam.Client) func(context.Context, *iam.AddUserToGroupInput, ...func(*iam.Options)) (*iam.AddUserToGroupOutput, error) {
		return c.AddUserToGroup
	}, func(o *iam.AddUserToGroupOutput) middleware.Metadata { return o.ResultMetadata }),
	"DetachUserPolicy": op(func(c *iam.Client) func(context.Context, *iam.DetachUserPolicyInput, ...func(*iam.Options)) (*iam.DetachUserPolicyOutput, error) {
		return c.DetachUserPolicy
	}, func(o *iam.DetachUserPolicyOutput) middleware.Metadata { return o.ResultMetadata }),
	"AttachUserPolicy": op(func(c *iam.Client) func(context.Context, *iam.AttachUserPolicyInput, ...func(*iam.Options)) (*iam.AttachUserPolicyOutput, error) {
		return c.AttachUserPolicy
	}, func(o *iam.AttachUserPolicyOutput) middleware.Metadata { return o.ResultMetadata }),
	"DetachGroupPolicy": op(func(c *iam.Client) func(context.Context, *iam.DetachGroupPolicyInput, ...func(*iam.Options)) (*iam.DetachGroupPolicyOutput, error) {
		return c.DetachGroupPolicy
	}, func(o *iam.DetachGroupPolicyOutput) middleware.Metadata { return o.ResultMetadata }),
	"AttachGroupPolicy": op(func(c *iam.Client) func(context.Context, *iam.AttachGroupPolicyInput, ...func(*iam.Options)) (*iam.AttachGroupPolicyOutput, error) {
		return c.AttachGroupPolicy
	}, func(o *iam.AttachGroupPolicyOutput) middleware.Metadata { return o.ResultMetadata }),
	"DetachRolePolicy": op(func(c *iam.Client) func(context.Context, *iam.DetachRolePolicyInput, ...func(*iam.Options)) (*iam.DetachRolePolicyOutput, error) {
		return c.DetachRolePolicy
	}, func(o *iam.DetachRolePolicyOutput) middleware.Metadata { return o.ResultMetadata }),
	"AttachRolePolicy": op(func(c *iam.Client) func(context.Context, *iam.AttachRolePolicyInput, ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error) {
		return c.AttachRolePolicy
	}, func(o *iam.AttachRolePolicyOutput) middleware.Metadata { return o.ResultMetadata }),
	"DeleteUserPolicy": op(func(c *iam.Client) func(context.Context, *iam.DeleteUserPolicyInput, ...func(*iam.Options)) (*iam.DeleteUserPolicyOutput, error) {
		return c.DeleteUserPolicy
	}, func(o *iam.DeleteUserPolicyOutput) middleware.Metadata { return o.ResultMetadata }),
	"PutUserPolicy": op(func(c *iam.Client) func(context.Context, *iam.PutUserPolicyInput, ...func(*iam.Options)) (*iam.PutUserPolicyOutput, error) {
		return c.PutUserPolicy
	}, func(o *iam.PutUserPolicyOutput) middleware.Metadata { return o.ResultMetadata }),
	"DeleteGroupPolicy": op(func(c *iam.Client) func(context.Context, *iam.DeleteGroupPolicyInput, ...func(*iam.Options)) (*iam.DeleteGroupPolicyOutput, error) {
		return c.DeleteGroupPolicy
	}, func(o *iam.DeleteGroupPolicyOutput) middleware.Metadata { return o.ResultMetadata }),
	"PutGroupPolicy": op(func(c *iam.Client) func(context.Context, *iam.PutGroupPolicyInput, ...func(*iam.Options)) (*iam.PutGroupPolicyOutput, error) {
		return c.PutGroupPolicy
	}, func(o *iam.PutGroupPolicyOutput) middleware.Metadata { return o.ResultMetadata }),
	"DeleteRolePolicy": op(func(c *iam.Client) func(context.Context, *iam.DeleteRolePolicyInput, ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error) {
		return c.DeleteRolePolicy
	}, func(o *iam.DeleteRolePolicyOutput) middleware.Metadata { return o.ResultMetadata }),
	"PutRolePolicy": op(func(c *iam.Client) func(context.Context, *iam.PutRolePolicyInput, ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error) {
		return c.PutRolePolicy
	}, func(o *iam.PutRolePolicyOutput) middleware.Metadata { return o.ResultMetadata }),
	"DeleteUserPermissionsBoundary": op(func(c *iam.Client) func(context.Context, *iam.DeleteUserPermissionsBoundaryInput, ...func(*iam.Options)) (*iam.DeleteUserPermissionsBoundaryOutput, error) {
		return c.DeleteUserPermissionsBoundary
	}, func(o *iam.DeleteUserPermissionsBoundaryOutput) middleware.Metadata { return o.ResultMetadata }),
	"PutUserPermissionsBoundary": op(func(c *iam.Client) func(context.Context, *iam.PutUserPermissionsBoundaryInput, ...func(*iam.Options)) (*iam.PutUserPermissionsBoundaryOutput, error) {
		return c.PutUserPermissionsBoundary
	}, func(o *iam.PutUserPermissionsBoundaryOutput) middleware.Metadata { return o.ResultMetadata }),
	"DeleteUser": op(func(c *iam.Client) func(context.Context, *iam.DeleteUserInput, ...func(*iam.Options)) (*iam.DeleteUserOutput, error) {
		return c.DeleteUser
	}, func(o *iam.DeleteUserOutput) middleware.Metadata { return o.ResultMetadata }),
	"DeleteGroup": op(func(c *iam.Client) func(context.Context, *iam.DeleteGroupInput, ...func(*iam.Options)) (*iam.DeleteGroupOutput, error) {
		return c.DeleteGroup
	}, func(o *iam.DeleteGroupOutput) middleware.Metadata { return o.ResultMetadata }),
	"DeleteRole": op(func(c *iam.Client) func(context.Context, *iam.DeleteRoleInput, ...func(*iam.Options)) (*iam.DeleteRoleOutput, error) {
		return c.DeleteRole
	}, func(o *iam.DeleteRoleOutput) middleware.Metadata { return o.ResultMetadata }),
	"RemoveRoleFromInstanceProfile": op(func(c *iam.Client) func(context.Context, *iam.RemoveRoleFromInstanceProfileInput, ...func(*iam.Options)) (*iam.RemoveRoleFromInstanceProfileOutput, error) {
		return c.RemoveRoleFromInstanceProfile
	}, func(o *iam.RemoveRoleFromInstanceProfileOutput) middleware.Metadata { return o.ResultMetadata }),
	"DeleteOpenIDConnectProvider": op(func(c *iam.Client) func(context.Context, *iam.DeleteOpenIDConnectProviderInput, ...func(*iam.Options)) (*iam.DeleteOpenIDConnectProviderOutput, error) {
		return c.DeleteOpenIDConnectProvider
	}, func(o *iam.DeleteOpenIDConnectProviderOutput) middleware.Metadata { return o.ResultMetadata }),
	"DeleteServerCertificate": op(func(c *iam.Client) func(context.Context, *iam.DeleteServerCertificateInput, ...func(*iam.Options)) (*iam.DeleteServerCertificateOutput, error) {
		return c.DeleteServerCertificate
	}, func(o *iam.DeleteServerCertificateOutput) middleware.Metadata { return o.ResultMetadata }),
	"UpdateAssumeRolePolicy": op(func(c *iam.Client) func(context.Context, *iam.UpdateAssumeRolePolicyInput, ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error) {
		return c.UpdateAssumeRolePolicy
	}, func(o *iam.UpdateAssumeRolePolicyOutput) middleware.Metadata { return o.ResultMetadata }),
	"UpdateAccountPasswordPolicy": op(func(c *iam.Client) func(context.Context, *iam.UpdateAccountPasswordPolicyInput, ...func(*iam.Options)) (*iam.UpdateAccountPasswordPolicyOutput, error) {
		return c.UpdateAccountPasswordPolicy
	}, func(o *iam.UpdateAccountPasswordPolicyOutput) middleware.Metadata { return o.ResultMetadata }),
	"DeleteAccountPasswordPolicy": op(func(c *iam.Client) func(context.Context, *iam.DeleteAccountPasswordPolicyInput, ...func(*iam.Options)) (*iam.DeleteAccountPasswordPolicyOutput, error) {
		return c.DeleteAccountPasswordPolicy
	}, func(o *iam.DeleteAccountPasswordPolicyOutput) middleware.Metadata { return o.ResultMetadata }),
}

// Supported reports whether this build's applier can run a call.
func Supported(c *plan.Call) bool {
	if c == nil {
		return false
	}
	if migrateSupported(c) { // migrate_ops.go: calls whose responses later actions use
		return true
	}
	_, ok := ops[c.Service+":"+c.Operation]
	return ok
}

func run(ctx context.Context, cfg aws.Config, c *plan.Call) (string, error) {
	f, ok := ops[c.Service+":"+c.Operation]
	if !ok {
		return "", fmt.Errorf("%s:%s: not an operation this build applies (%s)", c.Service, c.Operation, strings.Join(supportedNames(), ", "))
	}
	return f(ctx, cfg, c.Params)
}

func supportedNames() []string {
	var out []string
	for k := range ops {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
