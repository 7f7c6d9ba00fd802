package rules

import (
	"strings"

	"github.com/iamspect/iamspect/internal/access"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// roleTrustRules lists the roles the trust rules judge: all but
// service-linked roles.
func trustRoles(a *snapshot.Account) []*snapshot.Role {
	var out []*snapshot.Role
	for _, ro := range a.Roles {
		if !ro.ServiceLinked() {
			out = append(out, ro)
		}
	}
	return out
}

// roleResult builds a result about a role.
func (r *Rule) roleResult(status Status, a *snapshot.Account, ro *snapshot.Role, format string, args ...any) Result {
	res := r.Result(status, a.ID, TypeRole, ro.ARN, ro.Name, format, args...)
	res.Tags = tagMap(ro.Tags)
	return res
}

// trustCheck runs judge over every non-service-linked role with a readable
// trust policy: judge returns the failure reasons (empty = pass) and the
// pass message.
func trustCheck(judge func(ctx *Context, s *snapshot.Snapshot, a *snapshot.Account, t access.Trust) (fails []string, pass string)) func(r *Rule, ctx *Context, s *snapshot.Snapshot, a *snapshot.Account) []Result {
	return func(r *Rule, ctx *Context, s *snapshot.Snapshot, a *snapshot.Account) []Result {
		roles := trustRoles(a)
		out := make([]Result, 0, max(1, len(roles))) // a result per role, or the account's one
		for _, ro := range roles {
			t := trustOf(ctx, s, a, ro)
			switch {
			case t.Err != nil:
				out = append(out, r.roleResult(Unknown, a, ro, "The trust policy of role %s does not parse (%v); see policy-invalid.", ro.Name, t.Err))
				continue
			case t.Doc == nil:
				out = append(out, r.roleResult(Unknown, a, ro, "The snapshot holds no trust policy for role %s.", ro.Name))
				continue
			}
			fails, pass := judge(ctx, s, a, t)
			if len(fails) > 0 {
				out = append(out, r.roleResult(Fail, a, ro, "Role %s: %s.", ro.Name, strings.Join(fails, "; ")))
			} else {
				out = append(out, r.roleResult(Pass, a, ro, "Role %s: %s.", ro.Name, pass))
			}
		}
		if len(out) == 0 {
			out = append(out, r.accountResult(Pass, a, "The account has no role other than service-linked roles."))
		}
		return out
	}
}

// trustOf parses a role's trust policy through the scan's policy cache.
func trustOf(ctx *Context, s *snapshot.Snapshot, a *snapshot.Account, ro *snapshot.Role) access.Trust {
	return access.TrustOf(ctx.model(s, a).Cache, ro)
}
