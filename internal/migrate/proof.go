package migrate

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

// The proof both planners give: for an IAM user and the role that replaces
// it, compare what each can do with iamspect's policy engine, over the
// actions and resources of the user's own policies (docs/migration.md).

// MaxProofPairs bounds the (action, resource) pairs compared for one user;
// an administrator's "*" expands to every action of the catalogue once.
const MaxProofPairs = 200_000

// Proof is the access comparison for one user in one account.
type Proof struct {
	AccountID string
	User      string
	Compared  int // (action, resource) pairs evaluated
	Truncated bool
	Diffs     []plan.Difference
}

// Prover holds the snapshot's access models, built once per account, and
// the comparisons already made.
type Prover struct {
	s      *snapshot.Snapshot
	models map[string]*access.Model
	Cache  *policy.Cache
	now    time.Time
	memo   map[string]Proof
}

// NewProver prepares proofs over a snapshot, evaluated at its reference
// time.
func NewProver(s *snapshot.Snapshot) *Prover {
	pr := &Prover{s: s, models: map[string]*access.Model{}, Cache: policy.NewCache(), now: s.CollectedAt, memo: map[string]Proof{}}
	for _, a := range s.Accounts {
		if a.CredentialReportGeneratedAt != nil {
			pr.now = *a.CredentialReportGeneratedAt
		}
	}
	return pr
}

// Model is the account's access model.
func (pr *Prover) Model(a *snapshot.Account) *access.Model {
	if m := pr.models[a.ID]; m != nil {
		return m
	}
	m := access.Build(pr.s, a, pr.Cache)
	pr.models[a.ID] = m
	return m
}

// AWSManagedDoc finds an AWS managed policy's document in any account.
func (pr *Prover) AWSManagedDoc(arn string) []byte {
	for _, a := range pr.s.Accounts {
		if mp := a.Policy(arn); mp != nil && len(mp.Document) > 0 {
			return mp.Document
		}
	}
	return nil
}

// Replacement is the role that replaces a user: its policy set and the
// ARNs of the role and of a session of it.
type Replacement struct {
	Set        *policy.Set
	RoleARN    string
	SessionARN string
	// SessionName is the session's name (the part after the role in
	// aws:userid).
	SessionName string
	// Problems are policies the set could not take into account.
	Problems []string
	// Key, when set, names the replacement's policies: two users of one
	// account with the same policies and the same Key compare alike unless
	// a policy depends on who the principal is, so the comparison is made
	// once (an organisation of many administrators stays fast).
	Key string
}

// Prove compares the user with its replacement; replace builds the
// replacement from the user's principal (its policy set, SCPs included).
func (pr *Prover) Prove(a *snapshot.Account, u *snapshot.User, replace func(old *access.Principal) Replacement) Proof {
	pf := Proof{AccountID: a.ID, User: u.Name}
	old := pr.Model(a).Principal(u.ARN)
	if old == nil {
		pf.Diffs = append(pf.Diffs, plan.Difference{AccountID: a.ID, Principal: u.ARN, Kind: "unknown", Action: "*",
			Explanation: "the user is not in the access model: no comparison was possible"})
		return pf
	}
	nw := replace(old)
	memoKey := ""
	if nw.Key != "" && principalIndependent(old.Set) && principalIndependent(nw.Set) {
		memoKey = a.ID + "\x00" + nw.Key + "\x00" + sourcesKey(old)
		if m, ok := pr.memo[memoKey]; ok {
			pf.Compared, pf.Truncated = m.Compared, m.Truncated
			for _, d := range m.Diffs {
				d.Principal = u.ARN
				pf.Diffs = append(pf.Diffs, d)
			}
			pf.Diffs = append(pf.Diffs, pr.resourcePolicyDiffs(u)...)
			return pf
		}
	}
	for _, pb := range append(append([]string{}, old.Problems...), nw.Problems...) {
		pf.Diffs = append(pf.Diffs, plan.Difference{AccountID: a.ID, Principal: u.ARN, Kind: "unknown", Action: "*", Explanation: pb})
	}
	qs, truncated := questions(u, old.Set)
	pf.Compared, pf.Truncated = len(qs), truncated
	oldReq := policy.Request{Principal: u.ARN, Now: pr.now, Context: map[string][]string{
		"aws:PrincipalType": {"User"}, "aws:userid": {u.ID}}}.Prepare()
	newReq := policy.Request{Principal: nw.SessionARN, Now: pr.now, Absent: []string{"aws:username"}, Context: map[string][]string{
		"aws:PrincipalType": {"AssumedRole"}, "aws:userid": {"AROAIAMSPECTROLE00000:" + nw.SessionName},
		"aws:PrincipalArn": {nw.RoleARN}}}.Prepare()
	groups := map[diffKey][]string{}
	var order []diffKey
	for _, q := range qs {
		or, nr := oldReq, newReq
		or.Action, or.Resource = q.action, q.resource
		nr.Action, nr.Resource = q.action, q.resource
		ro, rn := old.Set.Evaluate(&or), nw.Set.Evaluate(&nr)
		vo, vn := verdictOf(ro), verdictOf(rn)
		if vo == vn {
			continue
		}
		k := diffKey{kind: "lost"}
		if vn > vo {
			k.kind = "gained"
		}
		k.explanation, k.explained = explain(k.kind, vo, vn, ro, rn)
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
	if truncated {
		pf.Diffs = append(pf.Diffs, plan.Difference{AccountID: a.ID, Principal: u.ARN, Kind: "unknown", Action: "*",
			Explanation: fmt.Sprintf("only the first %d action/resource pairs were compared", MaxProofPairs)})
	}
	if memoKey != "" {
		pr.memo[memoKey] = pf
	}
	pf.Diffs = append(pf.Diffs, pr.resourcePolicyDiffs(u)...)
	return pf
}

// sourcesKey names a principal's policies: their kinds, ARNs and names, and
// its problems.
func sourcesKey(p *access.Principal) string {
	var b strings.Builder
	for _, src := range p.Sources {
		fmt.Fprintf(&b, "%s|%s|%s|%s\x00", src.Kind, src.ARN, src.Name, src.Via)
	}
	for _, pb := range p.Problems {
		b.WriteString(pb + "\x00")
	}
	return b.String()
}

// principalIndependent reports whether no policy of the set depends on who
// the principal is: no policy variable and no condition on a principal key.
func principalIndependent(s *policy.Set) bool {
	var all []*policy.Policy
	all = append(all, s.Identity...)
	all = append(all, s.Boundary...)
	for _, lvl := range s.SCPs {
		all = append(all, lvl...)
	}
	for _, p := range all {
		if p == nil || p.Doc == nil {
			continue
		}
		for _, st := range p.Doc.Statements {
			for _, r := range append(append([]string{}, st.Resource...), st.NotResource...) {
				if strings.Contains(r, "${") {
					return false
				}
			}
			for _, c := range st.Conditions {
				k := strings.ToLower(c.Key)
				if strings.HasPrefix(k, "aws:principal") || k == "aws:username" || k == "aws:userid" || strings.HasPrefix(k, "aws:sourceidentity") {
					return false
				}
				for _, v := range c.Values {
					if strings.Contains(v, "${") {
						return false
					}
				}
			}
		}
	}
	return true
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
					if len(out) >= MaxProofPairs {
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

// explain names the cause of a difference from the statements that decide
// it: policy variables and condition keys a role session (an Identity
// Center session, an OIDC session) does not carry, or carries differently.
func explain(kind string, vo, vn verdict, ro, rn policy.Result) (string, bool) {
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
				return kind + ": " + st.Ref() + " names resources with ${aws:username}, which a role session does not have; use attributes for access control or session tags (${aws:PrincipalTag/...}) instead", true
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
				return kind + ": " + st.Ref() + " has a condition on aws:PrincipalArn, which changes from the user's ARN to the role's", true
			}
		}
	}
	if vo == vAllow && vn == vConditional || vo == vConditional && vn == vAllow {
		return kind + ": the decision now depends on different conditions", false
	}
	return kind + ": no statement explains the difference", false
}

// resourcePolicyDiffs finds role trust policies (the resource policies the
// snapshot holds) that name the user: the permission set's role is not
// named, so that path is lost.
func (pr *Prover) resourcePolicyDiffs(u *snapshot.User) []plan.Difference {
	var out []plan.Difference
	for _, a := range pr.s.Accounts {
		for _, r := range a.Roles {
			t := string(r.TrustPolicy)
			if strings.Contains(t, `"`+u.ARN+`"`) || (u.ID != "" && strings.Contains(t, `"`+u.ID+`"`)) {
				out = append(out, plan.Difference{AccountID: a.ID, Principal: u.ARN, Kind: "lost", Action: "sts:AssumeRole", Resource: r.ARN,
					Explanation: "lost: the role's trust policy names the IAM user; add the replacing role to it", Explained: true})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Resource < out[j].Resource })
	return out
}
