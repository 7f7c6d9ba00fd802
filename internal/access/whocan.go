package access

import (
	"slices"
	"strings"

	"github.com/iamspect/iamspect/internal/policy"
)

// Permission is one principal's answer to "who can do this".
type Permission struct {
	ARN  string `json:"arn"`
	Name string `json:"name"`
	Kind Kind   `json:"kind"`
	// Conditional: allowed only when Conditions hold.
	Conditional bool   `json:"conditional,omitempty"`
	Conditions  string `json:"conditions,omitempty"`
	// Statements names the statements that allow the request.
	Statements []string `json:"statements"`
	// Admin: the principal is administrator (allowed everything).
	Admin bool `json:"admin,omitempty"`
	// ServiceLinked: a service-linked role, used only by its AWS service.
	ServiceLinked bool `json:"service_linked,omitempty"`
}

// WhoCan lists the users and roles allowed action on resource (empty
// resource: on some resource), unconditionally or under conditions, sorted
// unconditional first, then by ARN. For sts:AssumeRole on a role of the
// account, the role's trust policy takes part as the resource policy.
// Groups are not listed (they cannot act); their members are.
func (a *Analysis) WhoCan(action, resource string) []Permission {
	var role *Principal
	if strings.EqualFold(action, "sts:AssumeRole") && resource != "" {
		if r := a.Model.Principal(resource); r != nil && r.Kind == KindRole {
			role = r
		}
	}
	var out []Permission
	for _, p := range a.Model.Principals {
		if p.Kind == KindGroup {
			continue
		}
		s := a.state(p)
		var g Grant
		if role != nil {
			var ok bool
			if g, ok = a.assumeGrant(s, role); !ok || p == role {
				continue
			}
		} else {
			r := a.eval(s, p.Set, action, resource, "")
			if !a.allowed(r) {
				continue
			}
			g = a.grant(p, r, action, resource)
		}
		perm := Permission{ARN: p.ARN, Name: p.Name, Kind: p.Kind, Conditional: g.Conditional,
			Conditions: g.Conditions, Statements: g.Statements, Admin: a.IsAdmin(p)}
		perm.ServiceLinked = p.Kind == KindRole && p.Role.ServiceLinked()
		out = append(out, perm)
	}
	slices.SortStableFunc(out, func(x, y Permission) int {
		if x.Conditional != y.Conditional {
			if x.Conditional {
				return 1
			}
			return -1
		}
		return strings.Compare(x.ARN, y.ARN)
	})
	return out
}

// Becomer is a principal that can act as another: assume it, or take it
// over with an escalation method.
type Becomer struct {
	ARN         string `json:"arn"`
	Name        string `json:"name"`
	Kind        Kind   `json:"kind"`
	Via         string `json:"via"` // "sts:AssumeRole" or a method ID
	Conditional bool   `json:"conditional,omitempty"`
}

// WhoCanBecome lists the principals that can assume the target (a role) or
// use an escalation method whose target it is, sorted by ARN then method.
func (a *Analysis) WhoCanBecome(target *Principal) []Becomer {
	var out []Becomer
	for _, p := range a.Model.Principals {
		if p == target || p.Kind == KindGroup {
			continue
		}
		if target.Kind == KindRole {
			for _, as := range a.Assumable(p) {
				if as.Role == target {
					out = append(out, Becomer{ARN: p.ARN, Name: p.Name, Kind: p.Kind, Via: "sts:AssumeRole", Conditional: as.Conditional})
				}
			}
		}
		for _, f := range a.Escalations(p) {
			if f.TargetARN == target.ARN && f.Method.ID != "sts-001" {
				out = append(out, Becomer{ARN: p.ARN, Name: p.Name, Kind: p.Kind, Via: f.Method.ID, Conditional: f.Conditional()})
			}
		}
	}
	slices.SortStableFunc(out, func(x, y Becomer) int {
		if c := strings.Compare(x.ARN, y.ARN); c != 0 {
			return c
		}
		return strings.Compare(x.Via, y.Via)
	})
	return out
}

// Decision is exported for callers that ask a single question with the
// analysis's context (snapshot time, principal tags).
func (a *Analysis) Decision(p *Principal, action, resource string) policy.Result {
	return a.eval(a.state(p), p.Set, action, resource, "")
}
