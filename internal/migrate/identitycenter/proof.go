package identitycenter

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/iamspect/iamspect/internal/access"
	"github.com/iamspect/iamspect/internal/policy"
	"github.com/iamspect/iamspect/internal/remediate/plan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// maxProofPairs bounds the (action, resource) pairs compared for one person
// in one account; an administrator's "*" expands to every action of the
// catalogue once.
const maxProofPairs = 200_000

// Proof is the access comparison for one person in one account.
type Proof struct {
	Person    string
	AccountID string
	User      string
	Compared  int // (action, resource) pairs evaluated
	Truncated bool
	Diffs     []plan.Difference
}

// prover compares an IAM user's effective permissions with a permission
// set's role's, with the snapshot's models.
type prover struct {
	s      *snapshot.Snapshot
	models map[string]*access.Model
	cache  *policy.Cache
	now    time.Time
}

func newProver(s *snapshot.Snapshot) *prover {
	pr := &prover{s: s, models: map[string]*access.Model{}, cache: policy.NewCache(), now: s.CollectedAt}
	for _, a := range s.Accounts {
		if a.CredentialReportGeneratedAt != nil {
			pr.now = *a.CredentialReportGeneratedAt
		}
	}
	return pr
}

func (pr *prover) model(a *snapshot.Account) *access.Model {
	if m := pr.models[a.ID]; m != nil {
		return m
	}
	m := access.Build(pr.s, a, pr.cache)
	pr.models[a.ID] = m
	return m
}

// awsManagedDoc finds an AWS managed policy's document in any account.
func (pr *prover) awsManagedDoc(arn string) []byte {
	for _, a := range pr.s.Accounts {
		if mp := a.Policy(arn); mp != nil && len(mp.Document) > 0 {
			return mp.Document
		}
	}
	return nil
}

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
		p, err := pr.cache.Compile(name, doc)
		if err != nil {
			problems = append(problems, name+" does not parse: "+err.Error())
			return nil
		}
		return p
	}
	for _, arn := range ps.AWSManaged {
		if p := add(arn, pr.awsManagedDoc(arn)); p != nil {
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
		if p := add(ps.BoundaryARN, pr.awsManagedDoc(ps.BoundaryARN)); p != nil {
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

var policyVar = regexp.MustCompile(`\$\{[^}]*\}`)

// pair is one (action, resource) question.
type pair struct{ action, resource string }

// questions lists the (action, resource) pairs of the user's identity
// policies: every catalogue action each statement names, on each resource
// it names (policy variables filled in with the user's values: the person's
// own resources stay the same).
func questions(u *snapshot.User, set *policy.Set) ([]pair, bool) {
	seen := map[pair]bool{}
	var out []pair
	truncated := false
	fill := func(r string) string {
		return policyVar.ReplaceAllStringFunc(r, func(v string) string {
			switch strings.ToLower(strings.Trim(v, "${}")) {
			case "aws:username":
				return u.Name
			case "aws:userid":
				return u.ID
			}
			return "x"
		})
	}
	for _, p := range set.Identity {
		if p == nil || p.Doc == nil {
			continue
		}
		for _, st := range p.Doc.Statements {
			if st.Effect != policy.Allow {
				continue
			}
			var actions []string
			pats := st.Action
			if len(st.NotAction) > 0 {
				pats = []string{"*"}
			}
			for _, pat := range pats {
				for _, a := range policy.ExpandActions(pat) {
					actions = append(actions, a.String())
				}
			}
			resources := []string{"*"}
			if len(st.Resource) > 0 {
				resources = nil
				for _, r := range st.Resource {
					resources = append(resources, fill(r))
				}
			}
			for _, a := range actions {
				for _, r := range resources {
					q := pair{a, r}
					if seen[q] {
						continue
					}
					if len(out) >= maxProofPairs {
						truncated = true
						break
					}
					seen[q] = true
					out = append(out, q)
				}
			}
		}
	}
	return out, truncated
}

type verdict int

const (
	vDeny verdict = iota
	vConditional
	vAllow
)

func verdictOf(r policy.Result) verdict {
	switch r.Decision {
	case policy.Allowed:
		return vAllow
	case policy.ConditionallyAllowed:
		return vConditional
	}
	return vDeny
}

// diffKey groups differences of one cause.
type diffKey struct {
	kind, explanation string
	explained         bool
}

// prove compares what the IAM user could do with what the permission
// set's role can do in the account.
func (pr *prover) prove(p *Person, a *snapshot.Account, u *snapshot.User, ps *PermissionSet, icUserName string) Proof {
	pf := Proof{Person: p.UserName, AccountID: a.ID, User: u.Name}
	m := pr.model(a)
	old := m.Principal(u.ARN)
	if old == nil {
		pf.Diffs = append(pf.Diffs, plan.Difference{AccountID: a.ID, Principal: u.ARN, Kind: "lost", Action: "*",
			Explanation: "the user is not in the access model: no comparison was possible"})
		return pf
	}
	newSet, problems := pr.roleSet(a, ps, old.Set.SCPs)
	for _, pb := range append(append([]string{}, old.Problems...), problems...) {
		pf.Diffs = append(pf.Diffs, plan.Difference{AccountID: a.ID, Principal: u.ARN, Kind: "unknown", Action: "*", Explanation: pb})
	}
	qs, truncated := questions(u, old.Set)
	pf.Compared, pf.Truncated = len(qs), truncated
	oldReq := policy.Request{Principal: u.ARN, Now: pr.now, Context: map[string][]string{
		"aws:PrincipalType": {"User"}, "aws:userid": {u.ID}}}.Prepare()
	session := ssoSessionARN(a, ps.Name, icUserName)
	newReq := policy.Request{Principal: session, Now: pr.now, Absent: []string{"aws:username"}, Context: map[string][]string{
		"aws:PrincipalType": {"AssumedRole"}, "aws:userid": {"AROAIAMSPECTSSOROLE00:" + icUserName},
		"aws:PrincipalArn": {ssoRoleARN(a, ps.Name)}}}.Prepare()
	groups := map[diffKey][]string{}
	var order []diffKey
	for _, q := range qs {
		or, nr := oldReq, newReq
		or.Action, or.Resource = q.action, q.resource
		nr.Action, nr.Resource = q.action, q.resource
		ro, rn := old.Set.Evaluate(&or), newSet.Evaluate(&nr)
		vo, vn := verdictOf(ro), verdictOf(rn)
		if vo == vn {
			continue
		}
		k := diffKey{kind: "lost"}
		cause := ro
		if vn > vo {
			k.kind = "gained"
			cause = rn
		}
		k.explanation, k.explained = explain(k.kind, vo, vn, ro, rn, cause)
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], q.action+" on "+q.resource)
	}
	for _, k := range order {
		items := groups[k]
		act := items[0]
		if len(items) > 1 {
			act = fmt.Sprintf("%s (and %d more)", items[0], len(items)-1)
		}
		pf.Diffs = append(pf.Diffs, plan.Difference{AccountID: a.ID, Principal: u.ARN, Kind: k.kind, Action: act,
			Explanation: k.explanation, Explained: k.explained})
	}
	pf.Diffs = append(pf.Diffs, pr.resourcePolicyDiffs(u)...)
	if truncated {
		pf.Diffs = append(pf.Diffs, plan.Difference{AccountID: a.ID, Principal: u.ARN, Kind: "unknown", Action: "*",
			Explanation: fmt.Sprintf("only the first %d action/resource pairs were compared", maxProofPairs)})
	}
	return pf
}

// explain names the cause of a difference from the statements that decide
// it: policy variables and condition keys an Identity Center session does
// not carry (or carries differently).
func explain(kind string, vo, vn verdict, ro, rn, cause policy.Result) (string, bool) {
	var stmts []*policy.Statement
	collect := func(ms []policy.Match) {
		for _, m := range ms {
			stmts = append(stmts, m.Statement)
		}
	}
	collect(ro.Allows)
	collect(rn.Allows)
	collect(ro.Denies)
	collect(rn.Denies)
	collect(ro.DenyIf)
	collect(rn.DenyIf)
	for _, c := range ro.AllowIf {
		collect(c)
	}
	for _, c := range rn.AllowIf {
		collect(c)
	}
	for _, st := range stmts {
		if st == nil {
			continue
		}
		for _, r := range append(append([]string{}, st.Resource...), st.NotResource...) {
			lr := strings.ToLower(r)
			if strings.Contains(lr, "${aws:username}") {
				return kind + ": " + st.Ref() + " names resources with ${aws:username}, which an Identity Center session does not have; use attributes for access control (${aws:PrincipalTag/...}) instead", true
			}
			if strings.Contains(lr, "${aws:userid}") {
				return kind + ": " + st.Ref() + " names resources with ${aws:userid}, which becomes ROLEID:user-name in a role session", true
			}
		}
		for _, c := range st.Conditions {
			switch strings.ToLower(c.Key) {
			case "aws:username":
				return kind + ": " + st.Ref() + " has a condition on aws:username, absent from role sessions", true
			case "aws:userid":
				return kind + ": " + st.Ref() + " has a condition on aws:userid, which changes from the user's ID to ROLEID:user-name", true
			case "aws:principaltype":
				return kind + ": " + st.Ref() + " has a condition on aws:PrincipalType, which changes from User to AssumedRole", true
			case "aws:principalarn":
				return kind + ": " + st.Ref() + " has a condition on aws:PrincipalArn, which changes from the user's ARN to the AWSReservedSSO role's", true
			}
		}
	}
	if vo == vAllow && vn == vConditional || vo == vConditional && vn == vAllow {
		return kind + ": the decision now depends on different conditions", false
	}
	_ = cause
	return kind + ": no statement explains the difference", false
}

// resourcePolicyDiffs finds role trust policies (the resource policies the
// snapshot holds) that name the user: the permission set's role is not
// named, so that path is lost.
func (pr *prover) resourcePolicyDiffs(u *snapshot.User) []plan.Difference {
	var out []plan.Difference
	for _, a := range pr.s.Accounts {
		for _, r := range a.Roles {
			t := string(r.TrustPolicy)
			if strings.Contains(t, `"`+u.ARN+`"`) || (u.ID != "" && strings.Contains(t, `"`+u.ID+`"`)) {
				out = append(out, plan.Difference{AccountID: a.ID, Principal: u.ARN, Kind: "lost", Action: "sts:AssumeRole", Resource: r.ARN,
					Explanation: "lost: the role's trust policy names the IAM user; add the permission set's AWSReservedSSO role (or the person's session) to it", Explained: true})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Resource < out[j].Resource })
	return out
}
