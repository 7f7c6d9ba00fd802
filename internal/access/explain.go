package access

import (
	"slices"

	"github.com/iamspect/iamspect/internal/iamdata"
	"github.com/iamspect/iamspect/internal/policy"
)

// Explanation summarises one principal's effective permissions.
type Explanation struct {
	ARN   string `json:"arn"`
	Name  string `json:"name"`
	Kind  Kind   `json:"kind"`
	Admin bool   `json:"admin"`
	// ServiceLinked roles are used by their AWS service only.
	ServiceLinked bool            `json:"service_linked,omitempty"`
	Sources       []SourceSummary `json:"sources"`
	Problems      []string        `json:"problems,omitempty"`
	// Services lists the services in which the principal has write or
	// permissions-management access (all services when admin: left empty).
	Services []ServiceAccess `json:"services,omitempty"`
	// Escalations are the methods the principal can use; Chains its
	// shortest paths to administrator.
	Escalations []Finding `json:"escalations,omitempty"`
	Chains      []Chain   `json:"chains,omitempty"`
	// CanAssume: roles it can assume. BecomableBy: who can assume it or
	// take it over.
	CanAssume   []string  `json:"can_assume,omitempty"`
	BecomableBy []Becomer `json:"becomable_by,omitempty"`
}

// SourceSummary is one policy that applies to the principal.
type SourceSummary struct {
	Kind  string `json:"kind"`
	Name  string `json:"name"`
	ARN   string `json:"arn,omitempty"`
	Via   string `json:"via,omitempty"`
	Admin bool   `json:"admin,omitempty"` // the policy alone allows everything
}

// ServiceAccess counts the actions of one service the principal may call
// (on some resource, possibly under conditions) by access level.
type ServiceAccess struct {
	Service               string   `json:"service"`
	Write                 int      `json:"write"`
	PermissionsManagement int      `json:"permissions_management"`
	Conditional           int      `json:"conditional,omitempty"` // of those, allowed only under conditions
	Examples              []string `json:"examples,omitempty"`    // a few permissions-management (else write) actions
}

// Explain gathers everything iamspect knows about a principal's access.
// Counting service access evaluates every action of the catalogue once
// (tens of milliseconds); it is skipped for administrators.
func (a *Analysis) Explain(p *Principal) *Explanation {
	e := &Explanation{ARN: p.ARN, Name: p.Name, Kind: p.Kind, Admin: a.IsAdmin(p), Problems: p.Problems}
	if p.Role != nil {
		e.ServiceLinked = p.Role.ServiceLinked()
	}
	for _, s := range p.Sources {
		e.Sources = append(e.Sources, SourceSummary{Kind: s.Kind, Name: s.Name, ARN: s.ARN, Via: s.Via,
			Admin: s.Kind != SourceBoundary && s.Kind != SourceSCP && policy.IsAdminPolicy(s.Policy)})
	}
	if !e.Admin {
		e.Services = a.serviceAccess(p)
	}
	if p.Kind != KindGroup {
		e.Escalations = a.Escalations(p)
		e.Chains = a.AdminChains()[p.ARN]
		for _, as := range a.Assumable(p) {
			e.CanAssume = append(e.CanAssume, as.Role.ARN)
		}
		e.BecomableBy = a.WhoCanBecome(p)
	}
	return e
}

func (a *Analysis) serviceAccess(p *Principal) []ServiceAccess {
	s := a.state(p)
	var out []ServiceAccess
	for _, svc := range iamdata.Services() {
		sa := ServiceAccess{Service: svc}
		var pm, w []string
		for _, act := range iamdata.ServiceActions(svc) {
			if act.Level != iamdata.Write && act.Level != iamdata.PermissionsManagement {
				continue
			}
			r := a.eval(s, p.Set, act.String(), "", "")
			if !a.allowed(r) {
				continue
			}
			if r.Decision == policy.ConditionallyAllowed {
				sa.Conditional++
			}
			if act.Level == iamdata.Write {
				sa.Write++
				w = append(w, act.String())
			} else {
				sa.PermissionsManagement++
				pm = append(pm, act.String())
			}
		}
		if sa.Write+sa.PermissionsManagement == 0 {
			continue
		}
		sa.Examples = append(slices.Clip(pm), w...)
		if len(sa.Examples) > 3 {
			sa.Examples = sa.Examples[:3]
		}
		out = append(out, sa)
	}
	return out
}
