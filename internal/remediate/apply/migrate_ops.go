package apply

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	idstypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	"github.com/aws/smithy-go/middleware"

	"github.com/iamspect/iamspect/internal/remediate/plan"
)

// The calls of the migration plans (migrate identity-center, migrate
// github-oidc) that the IAM-only dispatch of exec.go does not hold: the
// Identity Store and SSO Admin writes, and the IAM creations. Each returns
// its response's fields as outputs (dotted paths, e.g.
// PermissionSet.PermissionSetArn), which the journal keeps so later
// actions' references (plan.Ref) resolve — in this run, a resumed one and a
// rollback.

// outExec runs one call and returns its request ID and outputs.
type outExec func(ctx context.Context, cfg aws.Config, params json.RawMessage) (string, map[string]string, error)

func decode[In any](params json.RawMessage) (*In, error) {
	in := new(In)
	if len(params) > 0 {
		if err := json.Unmarshal(params, in); err != nil {
			return nil, fmt.Errorf("parameters: %w", err)
		}
	}
	return in, nil
}

// outputs flattens a response struct's string and number fields into
// dotted paths.
func outputs(v any) map[string]string {
	out := map[string]string{}
	var walk func(prefix string, rv reflect.Value)
	walk = func(prefix string, rv reflect.Value) {
		for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
			if rv.IsNil() {
				return
			}
			rv = rv.Elem()
		}
		switch rv.Kind() {
		case reflect.Struct:
			t := rv.Type()
			for i := 0; i < rv.NumField(); i++ {
				f := t.Field(i)
				if !f.IsExported() || f.Name == "ResultMetadata" {
					continue
				}
				p := f.Name
				if prefix != "" {
					p = prefix + "." + f.Name
				}
				walk(p, rv.Field(i))
			}
		case reflect.String:
			out[prefix] = rv.String()
		case reflect.Int, reflect.Int32, reflect.Int64:
			out[prefix] = strconv.FormatInt(rv.Int(), 10)
		}
	}
	walk("", reflect.ValueOf(v))
	return out
}

func done[Out any](out *Out, err error, meta func(*Out) middleware.Metadata) (string, map[string]string, error) {
	if err != nil {
		return requestIDOf(err), nil, err
	}
	id, _ := awsmiddleware.GetRequestIDMetadata(meta(out))
	return id, outputs(out), nil
}

// ids runs an Identity Store call.
func ids[In any, Out any](f func(*identitystore.Client, context.Context, *In) (*Out, error), meta func(*Out) middleware.Metadata) outExec {
	return func(ctx context.Context, cfg aws.Config, params json.RawMessage) (string, map[string]string, error) {
		in, err := decode[In](params)
		if err != nil {
			return "", nil, err
		}
		out, err := f(identitystore.NewFromConfig(cfg), ctx, in)
		return done(out, err, meta)
	}
}

// sso runs an SSO Admin call.
func sso[In any, Out any](f func(*ssoadmin.Client, context.Context, *In) (*Out, error), meta func(*Out) middleware.Metadata) outExec {
	return func(ctx context.Context, cfg aws.Config, params json.RawMessage) (string, map[string]string, error) {
		in, err := decode[In](params)
		if err != nil {
			return "", nil, err
		}
		out, err := f(ssoadmin.NewFromConfig(cfg), ctx, in)
		return done(out, err, meta)
	}
}

// iamOut runs an IAM creation whose response the plan refers to.
func iamOut[In any, Out any](f func(*iam.Client, context.Context, *In) (*Out, error), meta func(*Out) middleware.Metadata) outExec {
	return func(ctx context.Context, cfg aws.Config, params json.RawMessage) (string, map[string]string, error) {
		in, err := decode[In](params)
		if err != nil {
			return "", nil, err
		}
		out, err := f(iam.NewFromConfig(cfg), ctx, in)
		return done(out, err, meta)
	}
}

// createGroupMembership decodes MemberId {"UserId": ...}, a union in the SDK.
func createGroupMembership(ctx context.Context, cfg aws.Config, params json.RawMessage) (string, map[string]string, error) {
	var in struct {
		IdentityStoreId, GroupId string
		MemberId                 struct{ UserId string }
	}
	if err := json.Unmarshal(params, &in); err != nil {
		return "", nil, fmt.Errorf("parameters: %w", err)
	}
	out, err := identitystore.NewFromConfig(cfg).CreateGroupMembership(ctx, &identitystore.CreateGroupMembershipInput{
		IdentityStoreId: aws.String(in.IdentityStoreId), GroupId: aws.String(in.GroupId),
		MemberId: &idstypes.MemberIdMemberUserId{Value: in.MemberId.UserId}})
	return done(out, err, func(o *identitystore.CreateGroupMembershipOutput) middleware.Metadata { return o.ResultMetadata })
}

var migrateOps = map[string]outExec{
	"identitystore:CreateUser": ids(func(c *identitystore.Client, ctx context.Context, in *identitystore.CreateUserInput) (*identitystore.CreateUserOutput, error) {
		return c.CreateUser(ctx, in)
	}, func(o *identitystore.CreateUserOutput) middleware.Metadata { return o.ResultMetadata }),
	"identitystore:DeleteUser": ids(func(c *identitystore.Client, ctx context.Context, in *identitystore.DeleteUserInput) (*identitystore.DeleteUserOutput, error) {
		return c.DeleteUser(ctx, in)
	}, func(o *identitystore.DeleteUserOutput) middleware.Metadata { return o.ResultMetadata }),
	"identitystore:CreateGroup": ids(func(c *identitystore.Client, ctx context.Context, in *identitystore.CreateGroupInput) (*identitystore.CreateGroupOutput, error) {
		return c.CreateGroup(ctx, in)
	}, func(o *identitystore.CreateGroupOutput) middleware.Metadata { return o.ResultMetadata }),
	"identitystore:DeleteGroup": ids(func(c *identitystore.Client, ctx context.Context, in *identitystore.DeleteGroupInput) (*identitystore.DeleteGroupOutput, error) {
		return c.DeleteGroup(ctx, in)
	}, func(o *identitystore.DeleteGroupOutput) middleware.Metadata { return o.ResultMetadata }),
	"identitystore:CreateGroupMembership": createGroupMembership,
	"identitystore:DeleteGroupMembership": ids(func(c *identitystore.Client, ctx context.Context, in *identitystore.DeleteGroupMembershipInput) (*identitystore.DeleteGroupMembershipOutput, error) {
		return c.DeleteGroupMembership(ctx, in)
	}, func(o *identitystore.DeleteGroupMembershipOutput) middleware.Metadata { return o.ResultMetadata }),
	"sso-admin:CreatePermissionSet": sso(func(c *ssoadmin.Client, ctx context.Context, in *ssoadmin.CreatePermissionSetInput) (*ssoadmin.CreatePermissionSetOutput, error) {
		return c.CreatePermissionSet(ctx, in)
	}, func(o *ssoadmin.CreatePermissionSetOutput) middleware.Metadata { return o.ResultMetadata }),
	"sso-admin:DeletePermissionSet": sso(func(c *ssoadmin.Client, ctx context.Context, in *ssoadmin.DeletePermissionSetInput) (*ssoadmin.DeletePermissionSetOutput, error) {
		return c.DeletePermissionSet(ctx, in)
	}, func(o *ssoadmin.DeletePermissionSetOutput) middleware.Metadata { return o.ResultMetadata }),
	"sso-admin:AttachManagedPolicyToPermissionSet": sso(func(c *ssoadmin.Client, ctx context.Context, in *ssoadmin.AttachManagedPolicyToPermissionSetInput) (*ssoadmin.AttachManagedPolicyToPermissionSetOutput, error) {
		return c.AttachManagedPolicyToPermissionSet(ctx, in)
	}, func(o *ssoadmin.AttachManagedPolicyToPermissionSetOutput) middleware.Metadata {
		return o.ResultMetadata
	}),
	"sso-admin:DetachManagedPolicyFromPermissionSet": sso(func(c *ssoadmin.Client, ctx context.Context, in *ssoadmin.DetachManagedPolicyFromPermissionSetInput) (*ssoadmin.DetachManagedPolicyFromPermissionSetOutput, error) {
		return c.DetachManagedPolicyFromPermissionSet(ctx, in)
	}, func(o *ssoadmin.DetachManagedPolicyFromPermissionSetOutput) middleware.Metadata {
		return o.ResultMetadata
	}),
	"sso-admin:AttachCustomerManagedPolicyReferenceToPermissionSet": sso(func(c *ssoadmin.Client, ctx context.Context, in *ssoadmin.AttachCustomerManagedPolicyReferenceToPermissionSetInput) (*ssoadmin.AttachCustomerManagedPolicyReferenceToPermissionSetOutput, error) {
		return c.AttachCustomerManagedPolicyReferenceToPermissionSet(ctx, in)
	}, func(o *ssoadmin.AttachCustomerManagedPolicyReferenceToPermissionSetOutput) middleware.Metadata {
		return o.ResultMetadata
	}),
	"sso-admin:PutInlinePolicyToPermissionSet": sso(func(c *ssoadmin.Client, ctx context.Context, in *ssoadmin.PutInlinePolicyToPermissionSetInput) (*ssoadmin.PutInlinePolicyToPermissionSetOutput, error) {
		return c.PutInlinePolicyToPermissionSet(ctx, in)
	}, func(o *ssoadmin.PutInlinePolicyToPermissionSetOutput) middleware.Metadata { return o.ResultMetadata }),
	"sso-admin:PutPermissionsBoundaryToPermissionSet": sso(func(c *ssoadmin.Client, ctx context.Context, in *ssoadmin.PutPermissionsBoundaryToPermissionSetInput) (*ssoadmin.PutPermissionsBoundaryToPermissionSetOutput, error) {
		return c.PutPermissionsBoundaryToPermissionSet(ctx, in)
	}, func(o *ssoadmin.PutPermissionsBoundaryToPermissionSetOutput) middleware.Metadata {
		return o.ResultMetadata
	}),
	"sso-admin:CreateAccountAssignment": sso(func(c *ssoadmin.Client, ctx context.Context, in *ssoadmin.CreateAccountAssignmentInput) (*ssoadmin.CreateAccountAssignmentOutput, error) {
		return c.CreateAccountAssignment(ctx, in)
	}, func(o *ssoadmin.CreateAccountAssignmentOutput) middleware.Metadata { return o.ResultMetadata }),
	"sso-admin:DeleteAccountAssignment": sso(func(c *ssoadmin.Client, ctx context.Context, in *ssoadmin.DeleteAccountAssignmentInput) (*ssoadmin.DeleteAccountAssignmentOutput, error) {
		return c.DeleteAccountAssignment(ctx, in)
	}, func(o *ssoadmin.DeleteAccountAssignmentOutput) middleware.Metadata { return o.ResultMetadata }),
	"sso-admin:ProvisionPermissionSet": sso(func(c *ssoadmin.Client, ctx context.Context, in *ssoadmin.ProvisionPermissionSetInput) (*ssoadmin.ProvisionPermissionSetOutput, error) {
		return c.ProvisionPermissionSet(ctx, in)
	}, func(o *ssoadmin.ProvisionPermissionSetOutput) middleware.Metadata { return o.ResultMetadata }),
	"iam:CreateRole": iamOut(func(c *iam.Client, ctx context.Context, in *iam.CreateRoleInput) (*iam.CreateRoleOutput, error) {
		return c.CreateRole(ctx, in)
	}, func(o *iam.CreateRoleOutput) middleware.Metadata { return o.ResultMetadata }),
	"iam:CreatePolicy": iamOut(func(c *iam.Client, ctx context.Context, in *iam.CreatePolicyInput) (*iam.CreatePolicyOutput, error) {
		return c.CreatePolicy(ctx, in)
	}, func(o *iam.CreatePolicyOutput) middleware.Metadata { return o.ResultMetadata }),
	"iam:DeletePolicy": iamOut(func(c *iam.Client, ctx context.Context, in *iam.DeletePolicyInput) (*iam.DeletePolicyOutput, error) {
		return c.DeletePolicy(ctx, in)
	}, func(o *iam.DeletePolicyOutput) middleware.Metadata { return o.ResultMetadata }),
	"iam:CreateOpenIDConnectProvider": iamOut(func(c *iam.Client, ctx context.Context, in *iam.CreateOpenIDConnectProviderInput) (*iam.CreateOpenIDConnectProviderOutput, error) {
		return c.CreateOpenIDConnectProvider(ctx, in)
	}, func(o *iam.CreateOpenIDConnectProviderOutput) middleware.Metadata { return o.ResultMetadata }),
}

func migrateSupported(c *plan.Call) bool {
	_, ok := migrateOps[c.Service+":"+c.Operation]
	return ok
}

// runCall resolves the call's references from earlier outputs and runs it
// (the migration calls here, the rest through run), returning its outputs.
func runCall(ctx context.Context, cfg aws.Config, c *plan.Call, st state) (string, map[string]string, error) {
	resolved, missing := plan.ResolveRefs(c, st.outputs())
	if missing != "" {
		return "", nil, fmt.Errorf("%s:%s refers to %s, the response of an action that is not done", c.Service, c.Operation, missing)
	}
	if f, ok := migrateOps[c.Service+":"+c.Operation]; ok {
		id, outs, err := f(ctx, cfg, resolved.Params)
		if err != nil {
			if found, ok := adopt(ctx, cfg, resolved, err); ok {
				return id, found, nil
			}
		}
		return id, outs, err
	}
	id, err := run(ctx, cfg, resolved)
	return id, nil, err
}

// outputs gathers the journal's recorded outputs by action ID.
func (st state) outputs() map[string]map[string]string {
	out := map[string]map[string]string{}
	for id, e := range st.done {
		if len(e.Outputs) > 0 {
			out[id] = e.Outputs
		}
	}
	return out
}

// observeMigrate reads the migration check kinds.
func (r *reader) observeMigrate(ctx context.Context, c plan.Check) (string, bool, error) {
	if c.Kind != "identity-center-instance" {
		return "", false, nil
	}
	out, err := ssoadmin.NewFromConfig(r.cfg).ListInstances(ctx, &ssoadmin.ListInstancesInput{})
	if err != nil {
		return "", true, err
	}
	for _, in := range out.Instances {
		if aws.ToString(in.InstanceArn) == c.Resource {
			return "true", true, nil
		}
	}
	return "false", true, nil
}

// adopters find what a creation made when it answers that the thing exists
// already: an apply resumed after a crash between the call and its journal
// entry (or re-run with a lost journal) adopts it, with the outputs later
// actions need, instead of stopping. The planners reuse what existed before
// the plan, so an existing name found at apply time is the plan's own.
var adopters = map[string]func(ctx context.Context, cfg aws.Config, params json.RawMessage) (map[string]string, bool){
	"identitystore:CreateUser": func(ctx context.Context, cfg aws.Config, params json.RawMessage) (map[string]string, bool) {
		var in struct{ IdentityStoreId, UserName string }
		if json.Unmarshal(params, &in) != nil {
			return nil, false
		}
		p := identitystore.NewListUsersPaginator(identitystore.NewFromConfig(cfg), &identitystore.ListUsersInput{IdentityStoreId: aws.String(in.IdentityStoreId)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return nil, false
			}
			for _, u := range out.Users {
				if strings.EqualFold(aws.ToString(u.UserName), in.UserName) {
					return map[string]string{"UserId": aws.ToString(u.UserId), "IdentityStoreId": in.IdentityStoreId}, true
				}
			}
		}
		return nil, false
	},
	"identitystore:CreateGroup": func(ctx context.Context, cfg aws.Config, params json.RawMessage) (map[string]string, bool) {
		var in struct{ IdentityStoreId, DisplayName string }
		if json.Unmarshal(params, &in) != nil {
			return nil, false
		}
		p := identitystore.NewListGroupsPaginator(identitystore.NewFromConfig(cfg), &identitystore.ListGroupsInput{IdentityStoreId: aws.String(in.IdentityStoreId)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return nil, false
			}
			for _, g := range out.Groups {
				if aws.ToString(g.DisplayName) == in.DisplayName {
					return map[string]string{"GroupId": aws.ToString(g.GroupId), "IdentityStoreId": in.IdentityStoreId}, true
				}
			}
		}
		return nil, false
	},
	"identitystore:CreateGroupMembership": func(ctx context.Context, cfg aws.Config, params json.RawMessage) (map[string]string, bool) {
		var in struct {
			IdentityStoreId, GroupId string
			MemberId                 struct{ UserId string }
		}
		if json.Unmarshal(params, &in) != nil {
			return nil, false
		}
		p := identitystore.NewListGroupMembershipsPaginator(identitystore.NewFromConfig(cfg), &identitystore.ListGroupMembershipsInput{
			IdentityStoreId: aws.String(in.IdentityStoreId), GroupId: aws.String(in.GroupId)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return nil, false
			}
			for _, m := range out.GroupMemberships {
				if u, ok := m.MemberId.(*idstypes.MemberIdMemberUserId); ok && u.Value == in.MemberId.UserId {
					return map[string]string{"MembershipId": aws.ToString(m.MembershipId), "IdentityStoreId": in.IdentityStoreId}, true
				}
			}
		}
		return nil, false
	},
	"sso-admin:CreatePermissionSet": func(ctx context.Context, cfg aws.Config, params json.RawMessage) (map[string]string, bool) {
		var in struct{ InstanceArn, Name string }
		if json.Unmarshal(params, &in) != nil {
			return nil, false
		}
		cl := ssoadmin.NewFromConfig(cfg)
		p := ssoadmin.NewListPermissionSetsPaginator(cl, &ssoadmin.ListPermissionSetsInput{InstanceArn: aws.String(in.InstanceArn)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return nil, false
			}
			for _, arn := range out.PermissionSets {
				d, err := cl.DescribePermissionSet(ctx, &ssoadmin.DescribePermissionSetInput{InstanceArn: aws.String(in.InstanceArn), PermissionSetArn: aws.String(arn)})
				if err == nil && d.PermissionSet != nil && aws.ToString(d.PermissionSet.Name) == in.Name {
					return outputs(d), true
				}
			}
		}
		return nil, false
	},
	// An assignment or an attachment that exists is done; nothing refers
	// to its response.
	"sso-admin:CreateAccountAssignment":                             func(context.Context, aws.Config, json.RawMessage) (map[string]string, bool) { return nil, true },
	"sso-admin:AttachManagedPolicyToPermissionSet":                  func(context.Context, aws.Config, json.RawMessage) (map[string]string, bool) { return nil, true },
	"sso-admin:AttachCustomerManagedPolicyReferenceToPermissionSet": func(context.Context, aws.Config, json.RawMessage) (map[string]string, bool) { return nil, true },
	"iam:CreateRole": func(ctx context.Context, cfg aws.Config, params json.RawMessage) (map[string]string, bool) {
		var in struct{ RoleName string }
		if json.Unmarshal(params, &in) != nil {
			return nil, false
		}
		out, err := iam.NewFromConfig(cfg).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(in.RoleName)})
		if err != nil {
			return nil, false
		}
		return outputs(out), true
	},
	"iam:CreateOpenIDConnectProvider": func(context.Context, aws.Config, json.RawMessage) (map[string]string, bool) { return nil, true },
}

// adopt answers a creation's "already exists" with what exists.
func adopt(ctx context.Context, cfg aws.Config, c *plan.Call, err error) (map[string]string, bool) {
	switch ErrorCode(err) {
	case "ConflictException", "EntityAlreadyExists":
	default:
		return nil, false
	}
	f, ok := adopters[c.Service+":"+c.Operation]
	if !ok {
		return nil, false
	}
	return f(ctx, cfg, c.Params)
}

func init() {
	checkReads["identity-center-instance"] = []string{"sso:ListInstances"} // observeMigrate
}
