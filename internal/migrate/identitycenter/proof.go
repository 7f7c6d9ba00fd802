package identitycenter

import (
	"github.com/iamspect/iamspect/internal/access"
	"github.com/iamspect/iamspect/internal/migrate"
	"github.com/iamspect/iamspect/internal/policy"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// Proof is the access comparison for one person in one account.
type Proof struct {
	Person string
	migrate.Proof
}

// prover compares an IAM user's effective permissions with a permission
// set's role's (migrate.Prover).
type prover struct{ *migrate.Prover }

func newProver(s *snapshot.Snapshot) *prover { return &prover{migrate.NewProver(s)} }

// roleSet is what the permission set's role in the account can do: its
// policies (customer managed ones as the account holds them, or as the plan
// creates them), its boundary, and the account's SCPs.
func (pr *prover) roleSet(a *snapshot.Account, ps *PermissionSet, scps [][]*policy.Policy) (*policy.Set, []string) {
	set := &policy.Set{SCPs: scps}
	var problems []string
	add := func(name string, doc []byte) *policy.Policy {
		if len(doc) == 0 {
			problems = append(problems, "the document of "+name+" is not in the snapshot: the proof does not count it")
			return nil
		}
		p, err := pr.Cache.Compile(name, doc)
		if err != nil {
			problems = append(problems, name+" does not parse: "+err.Error())
			return nil
		}
		return p
	}
	for _, arn := range ps.AWSManaged {
		if p := add(arn, pr.AWSManagedDoc(arn)); p != nil {
			set.Identity = append(set.Identity, p)
		}
	}
	custDoc := func(r CMRef) []byte {
		if mp := a.Policy(policyARN(a, r)); mp != nil && len(mp.Document) > 0 {
			return mp.Document
		}
		return []byte(ps.docs[r.key()])
	}
	for _, r := range ps.Customer {
		if p := add(r.key(), custDoc(r)); p != nil {
			set.Identity = append(set.Identity, p)
		}
	}
	if ps.Inline != "" {
		if p := add("inline policy of permission set "+ps.Name, []byte(ps.Inline)); p != nil {
			set.Identity = append(set.Identity, p)
		}
	}
	switch {
	case ps.BoundaryARN != "":
		if p := add(ps.BoundaryARN, pr.AWSManagedDoc(ps.BoundaryARN)); p != nil {
			set.Boundary = []*policy.Policy{p}
		}
	case ps.BoundaryRef != nil:
		if p := add(ps.BoundaryRef.key(), custDoc(*ps.BoundaryRef)); p != nil {
			set.Boundary = []*policy.Policy{p}
		}
	}
	return set, problems
}

func policyARN(a *snapshot.Account, r CMRef) string {
	part := a.Partition
	if part == "" {
		part = "aws"
	}
	return "arn:" + part + ":iam::" + a.ID + ":policy" + r.Path + r.Name
}

// ssoRoleARN and ssoSessionARN are the names AWS gives the role Identity
// Center provisions for a permission set, and a person's session of it.
func ssoRoleARN(a *snapshot.Account, psName string) string {
	return "arn:" + partition(a) + ":iam::" + a.ID + ":role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_" + psName + "_0123456789abcdef"
}

func ssoSessionARN(a *snapshot.Account, psName, user string) string {
	return "arn:" + partition(a) + ":sts::" + a.ID + ":assumed-role/AWSReservedSSO_" + psName + "_0123456789abcdef/" + user
}

func partition(a *snapshot.Account) string {
	if a.Partition == "" {
		return "aws"
	}
	return a.Partition
}

// prove compares what the IAM user could do with what the permission
// set's role can do in the account, as the person's session.
func (pr *prover) prove(p *Person, a *snapshot.Account, u *snapshot.User, ps *PermissionSet, icUserName string) Proof {
	pf := pr.Prove(a, u, func(old *access.Principal) migrate.Replacement {
		set, problems := pr.roleSet(a, ps, old.Set.SCPs)
		return migrate.Replacement{Set: set, RoleARN: ssoRoleARN(a, ps.Name), SessionARN: ssoSessionARN(a, ps.Name, icUserName),
			SessionName: icUserName, Problems: problems, Key: ps.Signature}
	})
	return Proof{Person: p.UserName, Proof: pf}
}
