// Package synth generates large IAM accounts of several shapes, seeded and
// deterministic, for benchmarks and `iamspect bench`: as snapshots, and as
// the AWS CLI files `iamspect scan --from` reads (files.go). The shapes
// differ on purpose: a benchmark that only measures accounts shaped like its
// own generator's flatters the code it measures.
package synth

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// AccountID is the ID of every generated single account.
const AccountID = "123456789012"

// Reference is the generated accounts' collection and credential report
// time: fixed, so that two runs give the same results.
var Reference = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// Size is an account's size: users, roles and customer managed policies.
type Size struct{ Users, Roles, Policies int }

// SizeOf is the size used for N principals per kind: N users, N roles and
// N/2 customer managed policies (the 10k+10k+5k).
func SizeOf(n int) Size { return Size{Users: n, Roles: n, Policies: max(1, n/2)} }

func (s Size) String() string { return fmt.Sprintf("%d+%d+%d", s.Users, s.Roles, s.Policies) }

// Shape is one kind of generated account.
type Shape struct {
	Name        string
	Description string
	knobs       knobs
}

// knobs are what distinguishes the shapes.
type knobs struct {
	trust          trustMode
	groups         int // groups in the account
	groupsPerUser  int
	policiesPerGrp int
	templates      int // distinct policy templates; 0 means every policy differs
	addToGroup     int // percent of users allowed iam:AddUserToGroup
}

type trustMode int

const (
	trustMixed trustMode = iota // services, the account root, users, partners
	trustAnyone
	trustRoot
)

// Shapes lists the generated shapes, in the order the bench runs them.
func Shapes() []Shape {
	return []Shape{
		{Name: "demo", Description: "demo-like: 50 groups, policies from 8 templates per team, roles trusting services, the account root or a user",
			knobs: knobs{trust: trustMixed, groups: 50, groupsPerUser: 1, policiesPerGrp: 2, templates: 8, addToGroup: 5}},
		{Name: "customer", Description: "many small distinct customer policies (service wildcards, resource ARNs, conditions, NotAction, Deny), 200 groups, 60% of users allowed iam:AddUserToGroup",
			knobs: knobs{trust: trustMixed, groups: 200, groupsPerUser: 2, policiesPerGrp: 2, addToGroup: 60}},
		{Name: "trust-anyone", Description: "the customer shape with every role trusting \"*\"",
			knobs: knobs{trust: trustAnyone, groups: 200, groupsPerUser: 2, policiesPerGrp: 2, addToGroup: 60}},
		{Name: "trust-root", Description: "the customer shape with every role trusting the account root",
			knobs: knobs{trust: trustRoot, groups: 200, groupsPerUser: 2, policiesPerGrp: 2, addToGroup: 60}},
		{Name: "deep-groups", Description: "users in 10 of 200 groups, every group with 10 policies, no policy on users",
			knobs: knobs{trust: trustMixed, groups: 200, groupsPerUser: 10, policiesPerGrp: 10, addToGroup: 0}},
	}
}

// ShapeByName returns the named shape.
func ShapeByName(name string) (Shape, bool) {
	for _, s := range Shapes() {
		if s.Name == name {
			return s, true
		}
	}
	return Shape{}, false
}

// ShapeNames lists the shapes' names.
func ShapeNames() []string {
	var out []string
	for _, s := range Shapes() {
		out = append(out, s.Name)
	}
	return out
}

// Snapshot generates one account of the shape and size as a file import
// would produce it (authorization details and credential report collected),
// from seed.
func (sh Shape) Snapshot(size Size, seed uint64) *snapshot.Snapshot {
	a := sh.Account(AccountID, size, seed)
	return &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, CollectedAt: Reference,
		Source: snapshot.Source{Kind: "synth"}, Accounts: []*snapshot.Account{a}}
}

// Account generates one account of the shape and size with the given ID.
func (sh Shape) Account(id string, size Size, seed uint64) *snapshot.Account {
	g := &gen{k: sh.knobs, id: id, rng: rand.New(rand.NewPCG(seed, uint64(len(sh.Name)))),
		a: &snapshot.Account{ID: id, Partition: "aws", Regions: []string{"us-east-1"}, CredentialReportGeneratedAt: &Reference}}
	g.a.MarkCollected(snapshot.InputAuthorizationDetails)
	g.a.MarkCollected(snapshot.InputCredentialReport)
	g.root()
	g.policies(size.Policies)
	g.groups()
	g.users(size.Users)
	g.roles(size.Roles)
	return g.a
}

// gen builds one account.
type gen struct {
	k   knobs
	id  string
	rng *rand.Rand
	a   *snapshot.Account
	// customer is the customer managed policies, in creation order.
	customer []*snapshot.ManagedPolicy
	aws      map[string]*snapshot.ManagedPolicy // AWS managed policies attached, by name
}

func (g *gen) arn(kind, name string) string { return "arn:aws:iam::" + g.id + ":" + kind + "/" + name }

func (g *gen) ago(days int) *time.Time {
	t := Reference.Add(-time.Duration(days) * 24 * time.Hour)
	return &t
}

func (g *gen) root() {
	g.a.Root = &snapshot.Root{ARN: snapshot.RootARN("aws", g.id), CreatedAt: g.ago(2000), MFAActive: true,
		MFADevices: []snapshot.MFADevice{{Type: snapshot.MFAHardware}}}
	f := false
	g.a.Root.PasswordEnabled = &f
}

// team is the team a principal or policy belongs to: one in 100.
func (g *gen) team(i int) int { return i % 100 }

func (g *gen) policies(n int) {
	for i := range n {
		name := fmt.Sprintf("team-%02d-policy-%d", g.team(i), i)
		doc := g.policyDoc(i)
		p := &snapshot.ManagedPolicy{Name: name, ID: fmt.Sprintf("ANPASYNTH%011d", i), ARN: g.arn("policy", name), Path: "/",
			DefaultVersionID: "v1", IsAttachable: true, CreatedAt: g.ago(900), UpdatedAt: g.ago(30 + i%300), Document: snapshot.RawJSON(doc)}
		g.customer = append(g.customer, p)
		g.a.Policies = append(g.a.Policies, p)
	}
}

// attachAWS attaches the named AWS managed policy, adding it to the
// account's policies the first time.
func (g *gen) attachAWS(name string) snapshot.PolicyRef {
	arn := "arn:aws:iam::aws:policy/" + name
	if g.aws == nil {
		g.aws = map[string]*snapshot.ManagedPolicy{}
	}
	p := g.aws[name]
	if p == nil {
		p = &snapshot.ManagedPolicy{Name: name, ID: "ANPAAWS" + strings.ToUpper(name)[:min(len(name), 13)], ARN: arn, Path: "/",
			DefaultVersionID: "v1", IsAttachable: true, CreatedAt: g.ago(3000), UpdatedAt: g.ago(100), Document: snapshot.RawJSON(awsManaged[name])}
		g.aws[name] = p
		g.a.Policies = append(g.a.Policies, p)
	}
	p.AttachmentCount++
	return snapshot.PolicyRef{Name: name, ARN: arn}
}

// attach attaches customer policy i.
func (g *gen) attach(i int) snapshot.PolicyRef {
	p := g.customer[i%len(g.customer)]
	p.AttachmentCount++
	return snapshot.PolicyRef{Name: p.Name, ARN: p.ARN}
}

func (g *gen) groups() {
	for i := range g.k.groups {
		name := fmt.Sprintf("team-%02d-group-%d", g.team(i), i)
		gr := &snapshot.Group{Name: name, ID: fmt.Sprintf("AGPASYNTH%011d", i), ARN: g.arn("group", name), Path: "/", CreatedAt: *g.ago(1000)}
		for j := range g.k.policiesPerGrp {
			gr.AttachedPolicies = appendRef(gr.AttachedPolicies, g.attach(i*g.k.policiesPerGrp+j))
		}
		if i%40 == 0 {
			gr.AttachedPolicies = appendRef(gr.AttachedPolicies, g.attachAWS("ReadOnlyAccess"))
		}
		g.a.Groups = append(g.a.Groups, gr)
	}
}

// appendRef appends ref unless the list holds it (AWS attaches a policy
// once).
func appendRef(refs []snapshot.PolicyRef, ref snapshot.PolicyRef) []snapshot.PolicyRef {
	if slices.ContainsFunc(refs, func(r snapshot.PolicyRef) bool { return r.ARN == ref.ARN }) {
		return refs
	}
	return append(refs, ref)
}

func (g *gen) users(n int) {
	for i := range n {
		name := fmt.Sprintf("team-%02d-user-%d", g.team(i), i)
		u := &snapshot.User{Name: name, ID: fmt.Sprintf("AIDASYNTH%011d", i), ARN: g.arn("user", name), Path: "/",
			CreatedAt: *g.ago(30 + g.rng.IntN(1500))}
		for j := range g.k.groupsPerUser {
			gi := (i*7 + j*31) % g.k.groups
			if !slices.Contains(u.Groups, g.a.Groups[gi].Name) {
				u.Groups = append(u.Groups, g.a.Groups[gi].Name)
			}
		}
		if g.k.groupsPerUser <= 2 && len(g.customer) > 0 {
			for range 1 + g.rng.IntN(2) {
				u.AttachedPolicies = appendRef(u.AttachedPolicies, g.attach(g.rng.IntN(len(g.customer))))
			}
		}
		if i%100 == 7 {
			u.AttachedPolicies = appendRef(u.AttachedPolicies, g.attachAWS("AdministratorAccess"))
		}
		if g.rng.IntN(100) < g.k.addToGroup {
			u.InlinePolicies = append(u.InlinePolicies, snapshot.InlinePolicy{Name: "group-self-service",
				Document: snapshot.RawJSON(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:AddUserToGroup","iam:GetGroup","iam:ListGroups"],"Resource":"arn:aws:iam::%s:group/team-%02d-*"}]}`, g.id, g.team(i)))})
		}
		g.credentials(u)
		g.a.Users = append(g.a.Users, u)
	}
}

// credentials gives a user the credential report's side: console users
// with and without MFA, access keys of various ages and uses.
func (g *gen) credentials(u *snapshot.User) {
	no, yes := false, true
	u.MFAActive = &no
	u.Password = &snapshot.Password{}
	switch g.rng.IntN(5) {
	case 0: // console user with MFA
		u.Password = &snapshot.Password{Enabled: true, LastUsed: g.ago(g.rng.IntN(30)), LastChanged: g.ago(60 + g.rng.IntN(200))}
		u.MFAActive = &yes
	case 1: // console user without MFA, maybe dormant
		u.Password = &snapshot.Password{Enabled: true, LastUsed: g.ago(g.rng.IntN(400)), LastChanged: g.ago(400)}
	case 2: // an active key, used
		u.AccessKeys = []snapshot.AccessKey{{Slot: 1, Status: snapshot.StatusActive, CreatedAt: g.ago(20 + g.rng.IntN(700)),
			LastUsed: g.ago(g.rng.IntN(10)), LastUsedService: "s3", LastUsedRegion: "us-east-1"}}
	case 3: // two keys, one never used
		u.AccessKeys = []snapshot.AccessKey{
			{Slot: 1, Status: snapshot.StatusActive, CreatedAt: g.ago(500), LastUsed: g.ago(200), LastUsedService: "ec2", LastUsedRegion: "eu-west-1"},
			{Slot: 2, Status: snapshot.StatusActive, CreatedAt: g.ago(10)}}
	default: // no credential at all
	}
}

func (g *gen) roles(n int) {
	for i := range n {
		name := fmt.Sprintf("team-%02d-role-%d", g.team(i), i)
		ro := &snapshot.Role{Name: name, ID: fmt.Sprintf("AROASYNTH%011d", i), ARN: g.arn("role", name), Path: "/",
			CreatedAt: *g.ago(100 + g.rng.IntN(1000)), MaxSessionDuration: 3600, TrustPolicy: snapshot.RawJSON(g.trustDoc(i))}
		if len(g.customer) > 0 {
			for range 1 + g.rng.IntN(3) {
				ro.AttachedPolicies = appendRef(ro.AttachedPolicies, g.attach(g.rng.IntN(len(g.customer))))
			}
		}
		switch {
		case i%50 == 3:
			ro.AttachedPolicies = appendRef(ro.AttachedPolicies, g.attachAWS("AdministratorAccess"))
		case i%10 == 4:
			ro.AttachedPolicies = appendRef(ro.AttachedPolicies, g.attachAWS("ReadOnlyAccess"))
		case i%4 == 1:
			ro.InlinePolicies = append(ro.InlinePolicies, snapshot.InlinePolicy{Name: "inline", Document: snapshot.RawJSON(g.statements(i, 1+g.rng.IntN(2)))})
		}
		if strings.Contains(string(ro.TrustPolicy), "ec2.amazonaws.com") {
			ro.InstanceProfiles = []string{g.arn("instance-profile", name)}
		}
		if g.rng.IntN(3) > 0 {
			ro.LastUsed = &snapshot.RoleLastUsed{Date: *g.ago(g.rng.IntN(300)), Region: "us-east-1"}
		}
		g.a.Roles = append(g.a.Roles, ro)
	}
}
