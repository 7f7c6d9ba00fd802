package access_test

import (
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/access"
	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/policy"
	"github.com/iamspect/iamspect/internal/snapshot"
)

const (
	acct     = "123456789012"
	adminDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	s3Doc    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
)

func mp(name, doc string) *snapshot.ManagedPolicy {
	return &snapshot.ManagedPolicy{Name: name, ARN: "arn:aws:iam::" + acct + ":policy/" + name, Document: snapshot.RawJSON(doc)}
}

func ref(name string) snapshot.PolicyRef {
	return snapshot.PolicyRef{Name: name, ARN: "arn:aws:iam::" + acct + ":policy/" + name}
}

func build(t *testing.T) (*snapshot.Builder, *snapshot.Account) {
	t.Helper()
	b := snapshot.NewBuilder(acct, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	a := b.Account()
	a.Policies = []*snapshot.ManagedPolicy{mp("admin", adminDoc), mp("s3", s3Doc), mp("broken", `{"Statement":`)}
	a.Groups = []*snapshot.Group{{Name: "ops", ARN: "arn:aws:iam::" + acct + ":group/ops",
		AttachedPolicies: []snapshot.PolicyRef{ref("admin")},
		InlinePolicies:   []snapshot.InlinePolicy{{Name: "g-inline", Document: snapshot.RawJSON(s3Doc)}}}}
	b.User("alice", time.Time{})
	a.Users[0].Groups = []string{"ops", "ghost"}
	a.Users[0].InlinePolicies = []snapshot.InlinePolicy{{Name: "u-inline", Document: snapshot.RawJSON(s3Doc)}}
	b.User("bob", time.Time{})
	a.Users[1].AttachedPolicies = []snapshot.PolicyRef{ref("admin"), ref("missing"), ref("broken")}
	a.Users[1].PermissionsBoundary = &snapshot.PolicyRef{Name: "s3", ARN: ref("s3").ARN}
	r := b.Role("deployer", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	r.AttachedPolicies = []snapshot.PolicyRef{ref("admin")}
	return b, a
}

func TestBuildSources(t *testing.T) {
	b, a := build(t)
	cache := policy.NewCache()
	m := access.Build(b.Build(), a, cache)
	if len(m.Principals) != 4 {
		t.Fatalf("%d principals, want 4 (2 users, 1 group, 1 role)", len(m.Principals))
	}
	alice := m.Principal(a.Users[0].ARN)
	if alice == nil || alice.Kind != access.KindUser || alice.User != a.Users[0] {
		t.Fatalf("alice: %+v", alice)
	}
	var kinds []string
	for _, s := range alice.Sources {
		kinds = append(kinds, s.Kind+":"+s.Name+":"+s.Via)
	}
	if got := strings.Join(kinds, ","); got != "inline:u-inline:,group-inline:g-inline:ops,group-managed:admin:ops" {
		t.Errorf("alice sources %s", got)
	}
	if !alice.Set.IsAdmin() {
		t.Error("alice is admin through group ops")
	}
	if len(alice.Problems) != 1 || !strings.Contains(alice.Problems[0], "ghost") {
		t.Errorf("alice problems %v", alice.Problems)
	}
	bob := m.Principal(a.Users[1].ARN)
	if bob.Set.IsAdmin() {
		t.Error("bob's s3 boundary must cap the admin policy")
	}
	if !bob.Set.AllowsUnconditionally("s3:GetObject", "arn:aws:s3:::b/k") || bob.Set.AllowsSomehow("ec2:RunInstances", "*") {
		t.Error("bob: boundary intersection wrong")
	}
	if len(bob.Problems) != 2 {
		t.Errorf("bob problems %v, want missing + broken", bob.Problems)
	}
	if last := bob.Sources[len(bob.Sources)-1]; last.Kind != access.SourceBoundary {
		t.Errorf("boundary source last, got %+v", last)
	}
	g := m.Principal(a.Groups[0].ARN)
	if g.Kind != access.KindGroup || !g.Set.IsAdmin() || g.Group == nil {
		t.Errorf("group %+v", g)
	}
	role := m.Principal(a.Roles[0].ARN)
	if role.Role == nil || !role.Set.IsAdmin() {
		t.Errorf("role %+v", role)
	}
	if m.Principal("arn:aws:iam::1:user/nobody") != nil {
		t.Error("unknown ARN found")
	}
	// admin, s3, broken, and the two inline documents (same text, names differ).
	if cache.Len() != 5 {
		t.Errorf("cache holds %d documents, want 5 (each distinct document once)", cache.Len())
	}
}

func TestBuildSCPs(t *testing.T) {
	b, a := build(t)
	s := b.Build()
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}`
	s.Organization = &snapshot.Organization{ID: "o-1", ManagementAccount: "999999999999",
		Accounts: []snapshot.OrgAccount{{ID: acct, ParentID: "ou-b"}, {ID: "999999999999", ParentID: "r-1"}},
		Units:    []snapshot.OrgUnit{{ID: "r-1"}, {ID: "ou-a", ParentID: "r-1"}, {ID: "ou-b", ParentID: "ou-a"}},
		Policies: []snapshot.OrgPolicy{
			{ID: "p-full", Name: "FullAWSAccess", Type: "SERVICE_CONTROL_POLICY", Targets: []string{"r-1", "ou-a", "ou-b", acct}, Document: snapshot.RawJSON(adminDoc)},
			{ID: "p-deny", Name: "deny-iam", Type: "SERVICE_CONTROL_POLICY", Targets: []string{"ou-a"}, Document: snapshot.RawJSON(deny)},
			{ID: "p-tag", Name: "tags", Type: "TAG_POLICY", Targets: []string{acct}, Document: snapshot.RawJSON(`{}`)},
		}}
	m := access.Build(s, a, nil)
	role := m.Principal(a.Roles[0].ARN)
	if n := len(role.Set.SCPs); n != 4 {
		t.Fatalf("%d SCP levels, want 4 (root, ou-a, ou-b, account)", n)
	}
	if role.Set.IsAdmin() || role.Set.AllowsSomehow("iam:PassRole", "*") {
		t.Error("the OU's deny-iam SCP must remove iam:*")
	}
	var vias []string
	for _, src := range role.Sources {
		if src.Kind == access.SourceSCP {
			vias = append(vias, src.Via)
		}
	}
	if got := strings.Join(vias, ","); got != "r-1,ou-a,ou-a,ou-b,"+acct {
		t.Errorf("SCP sources from the root down: %s", got)
	}
	if g := m.Principal(a.Groups[0].ARN); g.Set.SCPs != nil {
		t.Error("a group's set holds its own policies only")
	}

	// The management account is never limited by SCPs.
	s.Organization.ManagementAccount = acct
	if m := access.Build(s, a, nil); m.Principal(a.Roles[0].ARN).Set.SCPs != nil {
		t.Error("SCPs applied to the management account")
	}
}

func TestBuildDemo(t *testing.T) {
	s := demo.Snapshot()
	for _, a := range s.Accounts {
		m := access.Build(s, a, nil)
		for _, p := range m.Principals {
			for _, pr := range p.Problems {
				if !strings.Contains(pr, "PowerUserAccess") && !strings.Contains(pr, "AWSSupportServiceRolePolicy") {
					t.Errorf("%s: %s", p.Name, pr)
				}
			}
		}
	}
	m := access.Build(s, s.Accounts[0], nil)
	if p := m.Principal("arn:aws:iam::111122223333:user/carol.ops"); p == nil || !p.Set.IsAdmin() {
		t.Error("carol.ops is admin through group Admins")
	}
}

// Users holding the same policies share one set; a boundary, another
// group order or one more policy makes another.
func TestBuildSharesSetsOfAlikeUsers(t *testing.T) {
	b := snapshot.NewBuilder(acct, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	a := b.Account()
	a.Policies = []*snapshot.ManagedPolicy{mp("admin", adminDoc), mp("s3", s3Doc)}
	for _, g := range []string{"ops", "dev"} {
		a.Groups = append(a.Groups, &snapshot.Group{Name: g, ARN: "arn:aws:iam::" + acct + ":group/" + g,
			AttachedPolicies: []snapshot.PolicyRef{ref(map[string]string{"ops": "admin", "dev": "s3"}[g])}})
	}
	users := map[string]func(u *snapshot.User){
		"ann": func(u *snapshot.User) { u.Groups = []string{"ops", "dev"} },
		"amy": func(u *snapshot.User) { u.Groups = []string{"ops", "dev"} },
		"ben": func(u *snapshot.User) { u.Groups = []string{"dev", "ops"} },
		"bob": func(u *snapshot.User) {
			u.Groups = []string{"ops", "dev"}
			u.PermissionsBoundary = &snapshot.PolicyRef{Name: "s3", ARN: ref("s3").ARN}
		},
		"cat": func(u *snapshot.User) {
			u.Groups = []string{"ops", "dev"}
			u.AttachedPolicies = []snapshot.PolicyRef{ref("s3")}
		},
	}
	for _, name := range []string{"ann", "amy", "ben", "bob", "cat"} {
		b.User(name, time.Time{})
		users[name](a.Users[len(a.Users)-1])
	}
	m := access.Build(b.Build(), a, nil)
	set := func(name string) *policy.Set { return m.Principal("arn:aws:iam::" + acct + ":user/" + name).Set }
	if set("ann") != set("amy") {
		t.Error("ann and amy hold the same policies but not the same set")
	}
	for _, other := range []string{"ben", "bob", "cat"} {
		if set(other) == set("ann") {
			t.Errorf("%s shares ann's set, but holds other policies (or a boundary)", other)
		}
	}
	if !set("ann").IsAdmin() || set("bob").IsAdmin() {
		t.Errorf("IsAdmin: ann %v (want true), bob %v (want false: bounded by s3)", set("ann").IsAdmin(), set("bob").IsAdmin())
	}
}
