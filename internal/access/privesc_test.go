package access

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/policy"
	"github.com/iamspect/iamspect/internal/snapshot"
)

const acct = "123456789012"

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func iamARN(kind, name string) string { return "arn:aws:iam::" + acct + ":" + kind + "/" + name }

const (
	adminDoc    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	harmlessDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`
	adminARN    = "arn:aws:iam::aws:policy/AdministratorAccess"
)

func trustService(svc string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + svc + `"},"Action":"sts:AssumeRole"}]}`
}

var trustAccount = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"sts:AssumeRole"}]}`

// stmt is one statement written as a Go map.
type stmt map[string]any

func doc(sts ...stmt) snapshot.RawJSON {
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": sts})
	if err != nil {
		panic(err)
	}
	return b
}

// fixture is a minimal account in which one method of the catalogue is
// usable by the principal "attacker": every step's action is granted by its
// own inline policy ("step-N", so that the method needs several policies
// together), on exactly the resource the step needs.
type fixture struct {
	m        *Method
	b        *snapshot.Builder
	attacker string // ARN
	victim   string // ARN of the target principal, if any
	steps    []stmt // one statement per step, editable before build()
	extra    []stmt // extra statements in an inline policy "extra"
	victimOK bool   // false: the target is made unprivileged
}

func newFixture(m *Method) *fixture {
	f := &fixture{m: m, b: snapshot.NewBuilder(acct, now), victimOK: true}
	kind := "user"
	if !m.AppliesTo("user") {
		kind = "role"
	}
	f.attacker = iamARN(kind, "attacker")
	for i, st := range m.Steps {
		s := stmt{"Sid": fmt.Sprintf("Step%d", i), "Effect": "Allow", "Action": st.Action, "Resource": f.resource(st.On)}
		if st.On == OnPassRole {
			s["Condition"] = map[string]any{"StringEquals": map[string]any{"iam:PassedToService": m.Services[0]}}
		}
		f.steps = append(f.steps, s)
	}
	return f
}

func (f *fixture) resource(on On) string {
	switch on {
	case OnSelf:
		return f.attacker
	case OnSelfPolicy:
		return iamARN("policy", "attacker-managed")
	case OnSelfGroup:
		return iamARN("group", "team")
	case OnTarget, OnPassRole, OnAssume:
		switch f.m.Target {
		case TargetUser:
			return iamARN("user", "victim")
		case TargetGroup:
			return iamARN("group", "admins")
		}
		return iamARN("role", "victim")
	case OnTargetPolicy:
		return iamARN("policy", "victim-managed")
	}
	return "*"
}

func (f *fixture) build() (*Analysis, *Principal) {
	a := f.b.Account()
	a.Policies = append(a.Policies,
		&snapshot.ManagedPolicy{Name: "attacker-managed", ARN: iamARN("policy", "attacker-managed"), Document: snapshot.RawJSON(harmlessDoc), IsAttachable: true},
		&snapshot.ManagedPolicy{Name: "victim-managed", ARN: iamARN("policy", "victim-managed"), Document: snapshot.RawJSON(harmlessDoc), IsAttachable: true},
		&snapshot.ManagedPolicy{Name: "AdministratorAccess", ARN: adminARN, Document: snapshot.RawJSON(adminDoc), IsAttachable: true},
		&snapshot.ManagedPolicy{Name: "harmless", ARN: iamARN("policy", "harmless"), Document: snapshot.RawJSON(harmlessDoc), IsAttachable: true},
	)
	var inline []snapshot.InlinePolicy
	for i, s := range f.steps {
		inline = append(inline, snapshot.InlinePolicy{Name: fmt.Sprintf("step-%d", i), Document: doc(s)})
	}
	if len(f.extra) > 0 {
		inline = append(inline, snapshot.InlinePolicy{Name: "extra", Document: doc(f.extra...)})
	}
	own := []snapshot.PolicyRef{{Name: "attacker-managed", ARN: iamARN("policy", "attacker-managed")}}
	victimPolicy := snapshot.PolicyRef{Name: "AdministratorAccess", ARN: adminARN}
	if !f.victimOK {
		victimPolicy = snapshot.PolicyRef{Name: "harmless", ARN: iamARN("policy", "harmless")}
	}
	if strings.Contains(f.attacker, ":user/") {
		u := f.b.User("attacker", now.AddDate(-1, 0, 0)).User
		u.InlinePolicies, u.AttachedPolicies, u.Groups = inline, own, []string{"team"}
		a.Groups = append(a.Groups, &snapshot.Group{Name: "team", ARN: iamARN("group", "team"), Path: "/"})
	} else {
		r := f.b.Role("attacker", trustService("backup.amazonaws.com"))
		r.InlinePolicies, r.AttachedPolicies = inline, own
	}
	if f.m.Prereq == PrereqBoundary && f.m.Target == TargetSelf {
		// The boundary lets the attacker remove it, and holds it back from
		// everything else.
		a.Policies = append(a.Policies, &snapshot.ManagedPolicy{Name: "fence", ARN: iamARN("policy", "fence"), IsAttachable: true,
			Document: doc(stmt{"Effect": "Allow", "Action": "iam:DeleteUserPermissionsBoundary", "Resource": "*"})})
		a.Users[0].PermissionsBoundary = &snapshot.PolicyRef{Name: "fence", ARN: iamARN("policy", "fence")}
		if !f.victimOK {
			a.Users[0].PermissionsBoundary = nil
		}
	}
	switch f.m.Target {
	case TargetUser:
		u := f.b.User("victim", now.AddDate(-1, 0, 0))
		u.User.AttachedPolicies = []snapshot.PolicyRef{victimPolicy}
		switch f.m.Prereq {
		case PrereqPassword:
			u.Password(now.AddDate(0, -1, 0), nil)
		case PrereqTwoKeys:
			u.AccessKey(now.AddDate(0, -1, 0), nil).AccessKey(now.AddDate(0, -1, 0), nil)
		}
		f.victim = u.User.ARN
	case TargetGroup:
		a.Groups = append(a.Groups, &snapshot.Group{Name: "admins", ARN: iamARN("group", "admins"), Path: "/",
			AttachedPolicies: []snapshot.PolicyRef{victimPolicy}})
		f.victim = iamARN("group", "admins")
	case TargetRole, TargetAssumableRole, TargetPassRole, TargetServiceRole:
		trust := trustService("backup.amazonaws.com")
		switch f.m.Target {
		case TargetAssumableRole:
			trust = trustAccount
		case TargetPassRole, TargetServiceRole:
			trust = trustService(f.m.Services[0])
		}
		r := f.b.Role("victim", trust)
		r.AttachedPolicies = []snapshot.PolicyRef{victimPolicy}
		if len(f.m.Services) > 0 && f.m.Services[0] == "ec2.amazonaws.com" {
			r.InstanceProfiles = []string{iamARN("instance-profile", "victim")}
		}
		if f.m.onTargetPolicy() {
			// The admin grant comes from elsewhere; the rewritable policy is
			// a harmless customer one.
			r.AttachedPolicies = []snapshot.PolicyRef{{Name: "victim-managed", ARN: iamARN("policy", "victim-managed")}}
		}
		if f.m.Prereq == PrereqBoundary {
			a.Policies = append(a.Policies, &snapshot.ManagedPolicy{Name: "fence", ARN: iamARN("policy", "fence"), IsAttachable: true,
				Document: snapshot.RawJSON(harmlessDoc)})
			r.PermissionsBoundary = &snapshot.PolicyRef{Name: "fence", ARN: iamARN("policy", "fence")}
		}
		f.victim = r.ARN
	}
	if f.m.Target == TargetIdentityCenter && f.victimOK {
		a.IdentityCenter = &snapshot.IdentityCenter{Instances: []snapshot.IdentityCenterInstance{
			{ARN: "arn:aws:sso:::instance/ssoins-1111", IdentityStoreID: "d-1111", OwnerAccountID: acct}}}
	}
	m := Build(f.b.Build(), a, nil)
	an := Analyze(m, now)
	an.IncludeRetired = true
	return an, m.Principal(f.attacker)
}

func (f *fixture) findings() []Finding {
	an, p := f.build()
	var out []Finding
	for _, x := range an.Escalations(p) {
		if x.Method == f.m {
			out = append(out, x)
		}
	}
	return out
}

// firstTargetStep returns the index of the first step that is not OnAny, or
// -1. (For OnAssume, the identity statement is limited: the target's trust
// names the account root, so the identity allow is needed.)
func (f *fixture) firstTargetStep() int {
	for i, s := range f.m.Steps {
		if s.On != OnAny {
			return i
		}
	}
	return -1
}

// TestEveryMethod reproduces each catalogue method with a minimal allowed
// case and checks that non-exploitable twins do not fire: the same grants
// cancelled by an explicit Deny, limited to another resource, or under a
// condition that can never be true, and (where the method has a target)
// with a target that is not more privileged.
func TestEveryMethod(t *testing.T) {
	for _, m := range Methods {
		t.Run(m.ID, func(t *testing.T) {
			// The allowed case.
			f := newFixture(m)
			got := f.findings()
			if len(got) == 0 {
				t.Fatalf("method does not fire on its minimal case")
			}
			fd := got[0]
			if f.victim != "" && fd.TargetARN != f.victim && fd.TargetARN != iamARN("policy", "attacker-managed") && m.Target != TargetSelf && m.Target != TargetSelfGroup {
				t.Errorf("target %s, want %s", fd.TargetARN, f.victim)
			}
			if len(fd.Grants) != len(m.Steps) {
				t.Fatalf("%d grants for %d steps: %+v", len(fd.Grants), len(m.Steps), fd.Grants)
			}
			for i, g := range fd.Grants {
				if g.Conditional {
					t.Errorf("step %d is conditional: %s", i, g.Conditions)
				}
				want := fmt.Sprintf(`inline policy "step-%d" Statement[0] (Sid "Step%d")`, i, i)
				if m.Steps[i].On == OnAssume {
					// Trust naming the account root: the identity allow
					// and the trust statement both take part.
					want = fmt.Sprintf(`inline policy "step-%d"`, i)
				}
				if !slices.ContainsFunc(g.Statements, func(s string) bool { return strings.HasPrefix(s, want) }) {
					t.Errorf("step %d (%s) statements %q lack %q", i, g.Action, g.Statements, want)
				}
			}

			// Twin 1: an explicit Deny of the first step's action.
			f = newFixture(m)
			f.extra = []stmt{{"Effect": "Deny", "Action": m.Steps[0].Action, "Resource": "*"}}
			if got := f.findings(); len(got) > 0 {
				t.Errorf("fires despite an explicit Deny: %+v", got[0].Grants)
			}

			// Twin 2: a condition that can never be true (the snapshot's
			// time is after the date), on the last step.
			f = newFixture(m)
			last := len(f.steps) - 1
			f.steps[last]["Condition"] = map[string]any{"DateLessThan": map[string]any{"aws:CurrentTime": "2001-01-01T00:00:00Z"}}
			if got := f.findings(); len(got) > 0 {
				t.Errorf("fires under a condition that is always false: %+v", got[0].Grants)
			}
			// ...and its mirror: a date condition already true grants.
			f = newFixture(m)
			f.steps[last]["Condition"] = map[string]any{"DateGreaterThan": map[string]any{"aws:CurrentTime": "2001-01-01T00:00:00Z"}}
			if got := f.findings(); len(got) == 0 || got[0].Conditional() {
				t.Errorf("does not fire unconditionally under a condition already true: %+v", got)
			}

			// Twin 3: the target-dependent step limited to another resource.
			if i := f.firstTargetStep(); i >= 0 {
				f = newFixture(m)
				other := iamARN("role", "someone-else")
				if m.Steps[i].On == OnSelfPolicy {
					// AWS managed policies cannot be rewritten by customers.
					other = "arn:aws:iam::aws:policy/*"
				}
				f.steps[i]["Resource"] = other
				if got := f.findings(); len(got) > 0 {
					t.Errorf("fires with step %d limited to %s: %+v", i, other, got[0].Grants)
				}
			}

			// Twin 4: a target that holds nothing more than the attacker.
			if m.Target != TargetNone && m.Target != TargetSelfPolicy && m.Target != TargetSelfGroup &&
				!(m.Target == TargetSelf && m.Prereq == PrereqNone) && !(m.grantsTarget() && m.Prereq == PrereqNone) {
				f = newFixture(m)
				f.victimOK = false
				if got := f.findings(); len(got) > 0 {
					t.Errorf("fires on a target that is not more privileged: %+v", got[0])
				}
			}
		})
	}
}

// Retired methods stay in the catalogue but are not reported by default.
func TestRetiredMethodsSkipped(t *testing.T) {
	n := 0
	for _, m := range Methods {
		if m.Retired == "" {
			continue
		}
		n++
		an, p := newFixture(m).build()
		an.IncludeRetired = false
		for _, f := range an.Escalations(p) {
			if f.Method == m {
				t.Errorf("%s is retired (%s) but reported", m.ID, m.Retired)
			}
		}
	}
	if n != 3 {
		t.Errorf("%d retired methods, want the 3 CodeStar ones", n)
	}
}

// TestSourcesCovered checks that the catalogue accounts for every entry of
// the five source catalogues.
func TestSourcesCovered(t *testing.T) {
	seen := map[Ref]bool{}
	for _, m := range Methods {
		for _, r := range m.Sources {
			if seen[r] {
				t.Errorf("%s: source %v listed twice", m.ID, r)
			}
			seen[r] = true
		}
	}
	for _, s := range Subsumed {
		seen[s.Ref] = true
	}
	want := loadSources(t)
	for _, r := range want {
		if !seen[r] {
			t.Errorf("source entry %v is in no method", r)
		}
	}
	counts := map[string]int{}
	for r := range seen {
		counts[r.Tool]++
	}
	for tool, n := range map[string]int{pf: 65, cs: 59, pr: 101, pa: 22, rh: 28} {
		if counts[tool] != n {
			t.Errorf("%s: %d entries referenced, want %d", tool, counts[tool], n)
		}
	}
}

func TestCatalogueShape(t *testing.T) {
	ids := map[string]bool{}
	for i, m := range Methods {
		if ids[m.ID] {
			t.Errorf("duplicate ID %s", m.ID)
		}
		ids[m.ID] = true
		if i > 0 && Methods[i-1].ID >= m.ID {
			t.Errorf("not sorted at %s", m.ID)
		}
		if m.Name == "" || m.Summary == "" || len(m.Steps) == 0 || len(m.Sources) == 0 {
			t.Errorf("%s: incomplete", m.ID)
		}
		for _, s := range m.Steps {
			// CodeStar's CreateProjectFromTemplate left the IAM catalogue
			// with the service; Rhino still lists it, and old policies may
			// still name it.
			if _, ok := policyLookup(s.Action); !ok && s.Action != "codestar:CreateProjectFromTemplate" {
				t.Errorf("%s: action %s is not in the IAM catalogue", m.ID, s.Action)
			}
		}
		if (m.Target == TargetPassRole || m.Target == TargetServiceRole) && len(m.Services) == 0 {
			t.Errorf("%s: no service", m.ID)
		}
	}
	if MethodByID("iam-001") == nil || MethodByID("nope") != nil {
		t.Error("MethodByID")
	}
}

func policyLookup(action string) (string, bool) {
	got := policy.ExpandActions(action)
	if len(got) != 1 {
		return "", false
	}
	return got[0].String(), true
}
