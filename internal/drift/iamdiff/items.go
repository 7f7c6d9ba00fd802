package iamdiff

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
)

func (c *comparer) users(a, b *snapshot.Account) {
	key := func(u *snapshot.User) string { return u.ARN }
	diffKeys(index(a.Users, key), index(b.Users, key),
		func(arn string, y *snapshot.User) {
			c.add(Item{AccountID: a.ID, Kind: KindUser, Change: Added, Resource: arn})
			c.memberships(a.ID, arn, nil, y.Groups)
			c.principalPolicies(a.ID, arn, nil, y.AttachedPolicies, nil, y.InlinePolicies, nil, y.PermissionsBoundary)
		},
		func(arn string, _ *snapshot.User) {
			c.add(Item{AccountID: a.ID, Kind: KindUser, Change: Removed, Resource: arn})
		},
		func(arn string, x, y *snapshot.User) {
			c.memberships(a.ID, arn, x.Groups, y.Groups)
			c.principalPolicies(a.ID, arn, x.AttachedPolicies, y.AttachedPolicies, x.InlinePolicies, y.InlinePolicies, x.PermissionsBoundary, y.PermissionsBoundary)
		})
}

func (c *comparer) memberships(acct, user string, old, new []string) {
	for _, g := range old {
		if !slices.Contains(new, g) {
			c.add(Item{AccountID: acct, Kind: KindGroupMembership, Change: Removed, Resource: user, Detail: g})
		}
	}
	for _, g := range new {
		if !slices.Contains(old, g) {
			c.add(Item{AccountID: acct, Kind: KindGroupMembership, Change: Added, Resource: user, Detail: g})
		}
	}
}

// principalPolicies compares a user's, group's or role's attached and
// inline policies and permissions boundary.
func (c *comparer) principalPolicies(acct, arn string, oldAtt, newAtt []snapshot.PolicyRef, oldIn, newIn []snapshot.InlinePolicy, oldB, newB *snapshot.PolicyRef) {
	refKey := func(p snapshot.PolicyRef) string { return p.ARN }
	diffKeys(index(oldAtt, refKey), index(newAtt, refKey),
		func(p string, _ snapshot.PolicyRef) {
			c.add(Item{AccountID: acct, Kind: KindPolicyAttachment, Change: Added, Resource: arn, Detail: p})
		},
		func(p string, _ snapshot.PolicyRef) {
			c.add(Item{AccountID: acct, Kind: KindPolicyAttachment, Change: Removed, Resource: arn, Detail: p})
		}, nil)
	inKey := func(p snapshot.InlinePolicy) string { return p.Name }
	diffKeys(index(oldIn, inKey), index(newIn, inKey),
		func(name string, _ snapshot.InlinePolicy) {
			c.add(Item{AccountID: acct, Kind: KindInlinePolicy, Change: Added, Resource: arn, Detail: name})
		},
		func(name string, _ snapshot.InlinePolicy) {
			c.add(Item{AccountID: acct, Kind: KindInlinePolicy, Change: Removed, Resource: arn, Detail: name})
		},
		func(name string, x, y snapshot.InlinePolicy) {
			if d := DiffDocuments(x.Document, y.Document); len(d) > 0 {
				c.add(Item{AccountID: acct, Kind: KindInlinePolicy, Change: Changed, Resource: arn, Detail: name, Document: d})
			}
		})
	ob, nb := refARN(oldB), refARN(newB)
	switch {
	case ob == nb:
	case ob == "":
		c.add(Item{AccountID: acct, Kind: KindPermissionsBoundary, Change: Added, Resource: arn, Detail: nb})
	case nb == "":
		c.add(Item{AccountID: acct, Kind: KindPermissionsBoundary, Change: Removed, Resource: arn, Detail: ob})
	default:
		c.add(Item{AccountID: acct, Kind: KindPermissionsBoundary, Change: Changed, Resource: arn,
			Fields: []FieldChange{{Field: "policy", Old: ob, New: nb}}})
	}
}

func refARN(p *snapshot.PolicyRef) string {
	if p == nil {
		return ""
	}
	return p.ARN
}

func (c *comparer) groups(a, b *snapshot.Account) {
	key := func(g *snapshot.Group) string { return g.ARN }
	diffKeys(index(a.Groups, key), index(b.Groups, key),
		func(arn string, y *snapshot.Group) {
			c.add(Item{AccountID: a.ID, Kind: KindGroup, Change: Added, Resource: arn})
			c.principalPolicies(a.ID, arn, nil, y.AttachedPolicies, nil, y.InlinePolicies, nil, nil)
		},
		func(arn string, _ *snapshot.Group) {
			c.add(Item{AccountID: a.ID, Kind: KindGroup, Change: Removed, Resource: arn})
		},
		func(arn string, x, y *snapshot.Group) {
			c.principalPolicies(a.ID, arn, x.AttachedPolicies, y.AttachedPolicies, x.InlinePolicies, y.InlinePolicies, nil, nil)
		})
}

func (c *comparer) roles(a, b *snapshot.Account) {
	key := func(r *snapshot.Role) string { return r.ARN }
	diffKeys(index(a.Roles, key), index(b.Roles, key),
		func(arn string, y *snapshot.Role) {
			c.add(Item{AccountID: a.ID, Kind: KindRole, Change: Added, Resource: arn})
			c.principalPolicies(a.ID, arn, nil, y.AttachedPolicies, nil, y.InlinePolicies, nil, y.PermissionsBoundary)
		},
		func(arn string, _ *snapshot.Role) {
			c.add(Item{AccountID: a.ID, Kind: KindRole, Change: Removed, Resource: arn})
		},
		func(arn string, x, y *snapshot.Role) {
			if d := DiffDocuments(x.TrustPolicy, y.TrustPolicy); len(d) > 0 {
				c.add(Item{AccountID: a.ID, Kind: KindTrustPolicy, Change: Changed, Resource: arn, Document: d})
			}
			c.principalPolicies(a.ID, arn, x.AttachedPolicies, y.AttachedPolicies, x.InlinePolicies, y.InlinePolicies, x.PermissionsBoundary, y.PermissionsBoundary)
		})
}

func (c *comparer) policies(a, b *snapshot.Account) {
	key := func(p *snapshot.ManagedPolicy) string { return p.ARN }
	diffKeys(index(a.Policies, key), index(b.Policies, key),
		func(arn string, _ *snapshot.ManagedPolicy) {
			c.add(Item{AccountID: a.ID, Kind: KindManagedPolicy, Change: Added, Resource: arn})
		},
		func(arn string, _ *snapshot.ManagedPolicy) {
			c.add(Item{AccountID: a.ID, Kind: KindManagedPolicy, Change: Removed, Resource: arn})
		},
		func(arn string, x, y *snapshot.ManagedPolicy) {
			d := DiffDocuments(x.Document, y.Document)
			if len(d) == 0 {
				return // a new default version with the same content is no drift
			}
			it := Item{AccountID: a.ID, Kind: KindManagedPolicy, Change: Changed, Resource: arn, Document: d}
			if x.DefaultVersionID != y.DefaultVersionID {
				it.Fields = []FieldChange{{Field: "default_version_id", Old: x.DefaultVersionID, New: y.DefaultVersionID}}
			}
			c.add(it)
		})
}

// accessKeys compares users' access keys (of users in both snapshots,
// listed in both credential reports, and of new users). A key is known by
// its ID, or — as the credential report names slots, not IDs — by its
// slot and creation time, so a rotated key is one removed and one added.
func (c *comparer) accessKeys(a, b *snapshot.Account) {
	olds := index(a.Users, func(u *snapshot.User) string { return u.ARN })
	for _, nu := range b.Users {
		if slices.Contains(nu.NotIn, snapshot.InputCredentialReport) {
			continue
		}
		var oldKeys []snapshot.AccessKey
		if ou, ok := olds[nu.ARN]; ok {
			if slices.Contains(ou.NotIn, snapshot.InputCredentialReport) {
				continue
			}
			oldKeys = ou.AccessKeys
		}
		diffKeys(index(oldKeys, keyID), index(nu.AccessKeys, keyID),
			func(id string, k snapshot.AccessKey) {
				c.add(Item{AccountID: a.ID, Kind: KindAccessKey, Change: Added, Resource: nu.ARN, Detail: id,
					Fields: []FieldChange{{Field: "status", New: k.Status}}})
			},
			func(id string, k snapshot.AccessKey) {
				c.add(Item{AccountID: a.ID, Kind: KindAccessKey, Change: Removed, Resource: nu.ARN, Detail: id})
			},
			func(id string, x, y snapshot.AccessKey) {
				if x.Status != y.Status {
					c.add(Item{AccountID: a.ID, Kind: KindAccessKey, Change: Changed, Resource: nu.ARN, Detail: id,
						Fields: []FieldChange{{Field: "status", Old: x.Status, New: y.Status}}})
				}
			})
	}
}

func keyID(k snapshot.AccessKey) string {
	if k.ID != "" {
		return k.ID
	}
	created := "unknown creation time"
	if k.CreatedAt != nil {
		created = "created " + k.CreatedAt.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("%s (%s)", k.Label(), created)
}

func (c *comparer) identityCenter(a, b *snapshot.Account) {
	oic, nic := a.IdentityCenter, b.IdentityCenter
	if oic == nil {
		oic = &snapshot.IdentityCenter{}
	}
	if nic == nil {
		nic = &snapshot.IdentityCenter{}
	}
	key := func(p snapshot.PermissionSet) string { return p.ARN }
	diffKeys(index(oic.PermissionSets, key), index(nic.PermissionSets, key),
		func(arn string, p snapshot.PermissionSet) {
			c.add(Item{AccountID: a.ID, Kind: KindPermissionSet, Change: Added, Resource: arn, Detail: p.Name})
		},
		func(arn string, p snapshot.PermissionSet) {
			c.add(Item{AccountID: a.ID, Kind: KindPermissionSet, Change: Removed, Resource: arn, Detail: p.Name})
		},
		func(arn string, x, y snapshot.PermissionSet) {
			it := Item{AccountID: a.ID, Kind: KindPermissionSet, Change: Changed, Resource: arn, Detail: y.Name}
			field := func(name, o, n string) {
				if o != n {
					it.Fields = append(it.Fields, FieldChange{Field: name, Old: o, New: n})
				}
			}
			field("session_duration", x.SessionDuration, y.SessionDuration)
			field("managed_policies", refList(x.ManagedPolicies), refList(y.ManagedPolicies))
			field("customer_managed_policies", refList(x.CustomerManaged), refList(y.CustomerManaged))
			field("permissions_boundary", refARN(x.PermissionsBoundary), refARN(y.PermissionsBoundary))
			switch {
			case len(x.InlinePolicy) == 0 && len(y.InlinePolicy) > 0:
				it.Document = []PathChange{{Change: Added, New: y.InlinePolicy}}
			case len(x.InlinePolicy) > 0 && len(y.InlinePolicy) == 0:
				it.Document = []PathChange{{Change: Removed, Old: x.InlinePolicy}}
			case len(x.InlinePolicy) > 0:
				it.Document = DiffDocuments(x.InlinePolicy, y.InlinePolicy)
			}
			if len(it.Fields) > 0 || len(it.Document) > 0 {
				c.add(it)
			}
		})
	names := map[string]string{}
	for _, ic := range []*snapshot.IdentityCenter{oic, nic} {
		for _, p := range ic.PermissionSets {
			names[p.ARN] = p.Name
		}
		for _, u := range ic.Users {
			names["USER "+u.ID] = u.UserName
		}
		for _, g := range ic.Groups {
			names["GROUP "+g.ID] = g.DisplayName
		}
	}
	akey := func(x snapshot.AccountAssignment) string {
		return x.PermissionSetARN + "|" + x.PrincipalType + "|" + x.PrincipalID + "|" + x.AccountID
	}
	describe := func(x snapshot.AccountAssignment) string {
		who := names[x.PrincipalType+" "+x.PrincipalID]
		if who == "" {
			who = x.PrincipalID
		}
		return fmt.Sprintf("%s %s in %s", x.PrincipalType, who, x.AccountID)
	}
	diffKeys(index(oic.Assignments, akey), index(nic.Assignments, akey),
		func(_ string, x snapshot.AccountAssignment) {
			c.add(Item{AccountID: a.ID, Kind: KindAssignment, Change: Added, Resource: x.PermissionSetARN, Detail: describe(x)})
		},
		func(_ string, x snapshot.AccountAssignment) {
			c.add(Item{AccountID: a.ID, Kind: KindAssignment, Change: Removed, Resource: x.PermissionSetARN, Detail: describe(x)})
		}, nil)
}

func refList(refs []snapshot.PolicyRef) string {
	var out []string
	for _, r := range refs {
		out = append(out, cmpOr(r.ARN, r.Name))
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// organization compares the service control policies of two organisation
// listings (when both snapshots listed the same organisation): each policy
// added, removed, or changed (document, targets attached and detached).
func (c *comparer) organization(a, b *snapshot.Organization, listedA, listedB bool) {
	if a == nil || b == nil || a.ID != b.ID {
		return
	}
	if !listedA || !listedB {
		missing := "both"
		switch {
		case listedA:
			missing = "new"
		case listedB:
			missing = "old"
		}
		c.notCompared = append(c.notCompared, NotCompared{AccountID: b.ManagementAccount, Input: snapshot.InputOrganization, MissingIn: missing})
		return
	}
	acct := b.ManagementAccount
	key := func(p snapshot.OrgPolicy) string { return cmpOr(p.ARN, p.ID) }
	diffKeys(index(a.Policies, key), index(b.Policies, key),
		func(k string, p snapshot.OrgPolicy) {
			c.add(Item{AccountID: acct, Kind: KindServiceControlPolicy, Change: Added, Resource: k, Detail: p.Name})
		},
		func(k string, p snapshot.OrgPolicy) {
			c.add(Item{AccountID: acct, Kind: KindServiceControlPolicy, Change: Removed, Resource: k, Detail: p.Name})
		},
		func(k string, x, y snapshot.OrgPolicy) {
			if d := DiffDocuments(x.Document, y.Document); len(d) > 0 {
				c.add(Item{AccountID: acct, Kind: KindServiceControlPolicy, Change: Changed, Resource: k, Detail: y.Name, Document: d})
			}
			for _, t := range x.Targets {
				if !slices.Contains(y.Targets, t) {
					c.add(Item{AccountID: acct, Kind: KindServiceControlPolicy, Change: Removed, Resource: k, Detail: "target " + t})
				}
			}
			for _, t := range y.Targets {
				if !slices.Contains(x.Targets, t) {
					c.add(Item{AccountID: acct, Kind: KindServiceControlPolicy, Change: Added, Resource: k, Detail: "target " + t})
				}
			}
		})
}
