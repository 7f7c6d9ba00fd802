package iamdiff_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/drift/iamdiff"
	"github.com/iamspect/iamspect/internal/snapshot"
)

var (
	t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	t1 = t0.Add(24 * time.Hour)
)

const acct = "111122223333"

func arn(kind, name string) string { return "arn:aws:iam::" + acct + ":" + kind + "/" + name }

const (
	trustLambda = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	policyS3    = `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"},{"Sid":"Write","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}]}`
)

// base builds the "old" account: a user in a group with a key, a role, a
// managed policy, an inline policy, and Identity Center with one assignment.
func base(at time.Time) *snapshot.Snapshot {
	b := snapshot.NewBuilder(acct, at).With(snapshot.InputIdentityCenter)
	b.User("alice", t0.AddDate(-1, 0, 0)).Password(t0, nil).AccessKey(t0.AddDate(0, -3, 0), nil)
	alice := b.Account().Users[0]
	alice.Groups = []string{"devs"}
	alice.InlinePolicies = []snapshot.InlinePolicy{{Name: "extra", Document: snapshot.RawJSON(policyS3)}}
	b.User("bob", t0.AddDate(-1, 0, 0))
	role := b.Role("app", trustLambda)
	role.AttachedPolicies = []snapshot.PolicyRef{{Name: "data", ARN: arn("policy", "data")}}
	a := b.Account()
	a.Groups = []*snapshot.Group{{Name: "devs", ARN: arn("group", "devs"), AttachedPolicies: []snapshot.PolicyRef{{Name: "data", ARN: arn("policy", "data")}}}}
	a.Policies = []*snapshot.ManagedPolicy{{Name: "data", ARN: arn("policy", "data"), DefaultVersionID: "v1", Document: snapshot.RawJSON(policyS3)}}
	a.IdentityCenter = &snapshot.IdentityCenter{
		PermissionSets: []snapshot.PermissionSet{{ARN: "arn:aws:sso:::permissionSet/ssoins-1/ps-admin", Name: "Admin", SessionDuration: "PT1H",
			ManagedPolicies: []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: "arn:aws:iam::aws:policy/AdministratorAccess"}}}},
		Assignments: []snapshot.AccountAssignment{{AccountID: "222233334444", PermissionSetARN: "arn:aws:sso:::permissionSet/ssoins-1/ps-admin",
			PrincipalType: "GROUP", PrincipalID: "g-1"}},
		Groups: []snapshot.DirectoryGroup{{ID: "g-1", DisplayName: "Admins"}, {ID: "g-2", DisplayName: "Contractors"}},
	}
	return b.Build()
}

func lines(d iamdiff.Delta) []string {
	var out []string
	for _, it := range d.Changes {
		l := fmt.Sprintf("%s %s %s %s", it.Change, it.Kind, it.Resource, it.Detail)
		for _, f := range it.Fields {
			l += fmt.Sprintf(" [%s %s>%s]", f.Field, f.Old, f.New)
		}
		for _, pc := range it.Document {
			l += fmt.Sprintf(" {%s %s %v>%v}", pc.Change, pc.Path, pc.Old, pc.New)
		}
		out = append(out, strings.TrimSpace(l))
	}
	return out
}

func TestNoDriftBetweenEqualSnapshots(t *testing.T) {
	d := iamdiff.Compare(base(t0), base(t1))
	if len(d.Changes) != 0 || len(d.NotCompared) != 0 {
		t.Errorf("changes %v, not compared %v", lines(d), d.NotCompared)
	}
	demoDelta := iamdiff.Compare(demo.Organization(6), demo.Organization(6))
	if len(demoDelta.Changes) != 0 {
		t.Errorf("the demo organisation drifts from itself: %v", lines(demoDelta))
	}
}

// Equivalent documents are no change: key order, one string or a list,
// statement order, duplicate actions, "*" or {"AWS":"*"}, condition values
// as bool or string, a document stored as a JSON string.
func TestEquivalentDocumentsAreNoChange(t *testing.T) {
	equivalent := [][2]string{
		{policyS3, `{"Statement":[{"Resource":"arn:aws:s3:::b/*","Action":["s3:PutObject"],"Effect":"Allow","Sid":"Write"},{"Resource":["*"],"Action":["s3:ListBucket","s3:GetObject","s3:GetObject"],"Sid":"Read","Effect":"Allow"}],"Version":"2012-10-17"}`},
		{trustLambda, `{"Version":"2012-10-17","Statement":{"Action":["sts:AssumeRole"],"Principal":{"Service":["lambda.amazonaws.com"]},"Effect":"Allow"}}`},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"Bool":{"aws:SecureTransport":true}}}]}`,
			`{"Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:SecureTransport":["true"]}}}]}`},
		{policyS3, mustQuote(policyS3)},
	}
	for i, pair := range equivalent {
		if d := iamdiff.DiffDocuments([]byte(pair[0]), []byte(pair[1])); len(d) != 0 {
			t.Errorf("pair %d: %+v", i, d)
		}
		old, cur := base(t0), base(t1)
		old.Accounts[0].Roles[0].TrustPolicy = snapshot.RawJSON(pair[0])
		cur.Accounts[0].Roles[0].TrustPolicy = snapshot.RawJSON(pair[1])
		cur.Accounts[0].Policies[0].Document = snapshot.RawJSON(pair[1])
		old.Accounts[0].Policies[0].Document = snapshot.RawJSON(pair[0])
		cur.Accounts[0].Policies[0].DefaultVersionID = "v2" // same content, new version: no drift
		if d := iamdiff.Compare(old, cur); len(d.Changes) != 0 {
			t.Errorf("pair %d: %v", i, lines(d))
		}
	}
}

func mustQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestDiffDocumentsPaths(t *testing.T) {
	for _, tc := range []struct{ old, new, want string }{
		{policyS3, strings.Replace(policyS3, `"s3:PutObject"`, `["s3:PutObject","s3:DeleteObject"]`, 1),
			"{added Statement[Sid=Write].Action <nil>>s3:DeleteObject}"},
		{policyS3, strings.Replace(policyS3, `"Resource":"arn:aws:s3:::b/*"`, `"Resource":"*"`, 1),
			"{removed Statement[Sid=Write].Resource arn:aws:s3:::b/*><nil>} {added Statement[Sid=Write].Resource <nil>>*}"},
		{policyS3, strings.Replace(policyS3, `"Sid":"Write","Effect":"Allow"`, `"Sid":"Write","Effect":"Deny"`, 1),
			"{changed Statement[Sid=Write].Effect Allow>Deny}"},
		{trustLambda, strings.Replace(trustLambda, `"Service":"lambda.amazonaws.com"`, `"AWS":"arn:aws:iam::999988887777:root"`, 1),
			"{added Statement[0].Principal.AWS <nil>>[arn:aws:iam::999988887777:root]} {removed Statement[0].Principal.Service [lambda.amazonaws.com]><nil>}"},
		{trustLambda, strings.Replace(trustLambda, `"Action":"sts:AssumeRole"}`, `"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x"}}}`, 1),
			"{added Statement[0].Condition <nil>>map[StringEquals:map[sts:ExternalId:[x]]]}"},
		{`{"Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*"},{"Effect":"Allow","Action":"c:d","Resource":"*"}]}`,
			`{"Statement":[{"Effect":"Allow","Action":"c:d","Resource":"*"}]}`,
			"{removed Statement[0] map[Action:[a:b] Effect:Allow Resource:[*]]><nil>}"},
		{`not json`, `{"a":1}`, "{changed  not json>{\"a\":1}}"},
	} {
		var got []string
		for _, pc := range iamdiff.DiffDocuments([]byte(tc.old), []byte(tc.new)) {
			got = append(got, fmt.Sprintf("{%s %s %v>%v}", pc.Change, pc.Path, pc.Old, pc.New))
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("diff %s\n -> %s\n got  %s\n want %s", tc.old, tc.new, g, tc.want)
		}
	}
}

// Every kind of change is found, in a deterministic order.
func TestEveryKindOfChange(t *testing.T) {
	old, cur := base(t0), base(t1)
	a := cur.Accounts[0]
	alice, bob := a.Users[0], a.Users[1]
	// users: carol added, bob removed.
	a.Users = []*snapshot.User{alice, {Name: "carol", ARN: arn("user", "carol"), Password: &snapshot.Password{},
		AccessKeys: []snapshot.AccessKey{{ID: "AKIACAROL", Status: snapshot.StatusActive}}}}
	_ = bob
	// alice: key deactivated, a second key, left devs for admins, inline changed, policy attached, boundary set.
	alice.AccessKeys[0].Status = snapshot.StatusInactive
	created := t1
	alice.AccessKeys = append(alice.AccessKeys, snapshot.AccessKey{Slot: 2, Status: snapshot.StatusActive, CreatedAt: &created})
	alice.Groups = []string{"admins"}
	alice.InlinePolicies = []snapshot.InlinePolicy{{Name: "extra", Document: snapshot.RawJSON(strings.Replace(policyS3, `"s3:PutObject"`, `"s3:*"`, 1))}}
	alice.AttachedPolicies = []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: "arn:aws:iam::aws:policy/AdministratorAccess"}}
	alice.PermissionsBoundary = &snapshot.PolicyRef{Name: "data", ARN: arn("policy", "data")}
	// groups: admins added; devs loses its policy and gains an inline one.
	a.Groups = append(a.Groups, &snapshot.Group{Name: "admins", ARN: arn("group", "admins")})
	a.Groups[0] = &snapshot.Group{Name: "devs", ARN: arn("group", "devs"), InlinePolicies: []snapshot.InlinePolicy{{Name: "misc", Document: snapshot.RawJSON(trustLambda)}}}
	// roles: app trusts another account; ci added.
	a.Roles[0].TrustPolicy = snapshot.RawJSON(strings.Replace(trustLambda, `{"Service":"lambda.amazonaws.com"}`, `{"Service":"lambda.amazonaws.com","AWS":"arn:aws:iam::999988887777:root"}`, 1))
	a.Roles = append(a.Roles, &snapshot.Role{Name: "ci", ARN: arn("role", "ci"), TrustPolicy: snapshot.RawJSON(trustLambda)})
	// managed policies: data changed (new version), audit added.
	a.Policies = []*snapshot.ManagedPolicy{{Name: "data", ARN: arn("policy", "data"), DefaultVersionID: "v2",
		Document: snapshot.RawJSON(strings.Replace(policyS3, `"Sid":"Read","Effect":"Allow"`, `"Sid":"Read","Effect":"Deny"`, 1))},
		{Name: "audit", ARN: arn("policy", "audit"), Document: snapshot.RawJSON(policyS3)}}
	// Identity Center: Admin's session longer and an inline policy; Contractors assigned; ReadOnly added.
	ic := a.IdentityCenter
	ic.PermissionSets[0].SessionDuration = "PT12H"
	ic.PermissionSets[0].InlinePolicy = snapshot.RawJSON(policyS3)
	ic.PermissionSets = append(ic.PermissionSets, snapshot.PermissionSet{ARN: "arn:aws:sso:::permissionSet/ssoins-1/ps-ro", Name: "ReadOnly"})
	ic.Assignments = append(ic.Assignments, snapshot.AccountAssignment{AccountID: "222233334444",
		PermissionSetARN: "arn:aws:sso:::permissionSet/ssoins-1/ps-admin", PrincipalType: "GROUP", PrincipalID: "g-2"})

	d := iamdiff.Compare(old, cur)
	got := strings.Join(lines(d), "\n")
	for _, w := range []string{
		"removed user " + arn("user", "bob"),
		"added user " + arn("user", "carol"),
		"changed access_key " + arn("user", "alice") + " access key 1 (created 2026-08-02T09:00:00Z) [status Active>Inactive]",
		"added access_key " + arn("user", "alice") + " access key 2 (created 2026-11-03T09:00:00Z) [status >Active]",
		"added access_key " + arn("user", "carol") + " AKIACAROL [status >Active]",
		"added group " + arn("group", "admins"),
		"added group_membership " + arn("user", "alice") + " admins",
		"removed group_membership " + arn("user", "alice") + " devs",
		"added role " + arn("role", "ci"),
		"changed trust_policy " + arn("role", "app") + "  {added Statement[0].Principal.AWS <nil>>[arn:aws:iam::999988887777:root]}",
		"added managed_policy " + arn("policy", "audit"),
		"changed managed_policy " + arn("policy", "data") + "  [default_version_id v1>v2] {changed Statement[Sid=Read].Effect Allow>Deny}",
		"added inline_policy " + arn("group", "devs") + " misc",
		"changed inline_policy " + arn("user", "alice") + " extra {removed Statement[Sid=Write].Action s3:PutObject><nil>} {added Statement[Sid=Write].Action <nil>>s3:*}",
		"removed policy_attachment " + arn("group", "devs") + " " + arn("policy", "data"),
		"added policy_attachment " + arn("user", "alice") + " arn:aws:iam::aws:policy/AdministratorAccess",
		"added permissions_boundary " + arn("user", "alice") + " " + arn("policy", "data"),
		"changed permission_set arn:aws:sso:::permissionSet/ssoins-1/ps-admin Admin [session_duration PT1H>PT12H] {added  <nil>>",
		"added permission_set arn:aws:sso:::permissionSet/ssoins-1/ps-ro ReadOnly",
		"added permission_set_assignment arn:aws:sso:::permissionSet/ssoins-1/ps-admin GROUP Contractors in 222233334444",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in\n%s", w, got)
		}
	}
	for _, k := range iamdiff.Kinds() {
		if k != iamdiff.KindAccount && k != iamdiff.KindServiceControlPolicy && !strings.Contains(got, " "+string(k)+" ") { // SCPs: TestServiceControlPolicyChanges
			t.Errorf("no %s change found", k)
		}
	}
	// Deterministic: the same inputs give the same bytes.
	var b1, b2 bytes.Buffer
	if err := iamdiff.WriteJSON(&b1, d); err != nil {
		t.Fatal(err)
	}
	if err := iamdiff.WriteJSON(&b2, iamdiff.Compare(old, cur)); err != nil {
		t.Fatal(err)
	}
	if b1.String() != b2.String() {
		t.Error("two comparisons of the same snapshots differ")
	}
	// Sorted: by account, then kind order.
	rank := map[iamdiff.Kind]int{}
	for i, k := range iamdiff.Kinds() {
		rank[k] = i
	}
	for i := 1; i < len(d.Changes); i++ {
		if rank[d.Changes[i-1].Kind] > rank[d.Changes[i].Kind] {
			t.Errorf("item %d (%s) after %s", i, d.Changes[i].Kind, d.Changes[i-1].Kind)
		}
	}
	// Compared the other way round, additions are removals: all but carol's
	// key (a removed user's keys are not listed) and alice's first key,
	// whose status change is a change both ways.
	back := iamdiff.Compare(cur, old)
	if back.Count(iamdiff.Removed) != d.Count(iamdiff.Added)-1 || back.Count(iamdiff.Added) != d.Count(iamdiff.Removed) ||
		back.Count(iamdiff.Changed) != d.Count(iamdiff.Changed) {
		t.Errorf("forward %d/%d/%d, back %d/%d/%d", d.Count(iamdiff.Added), d.Count(iamdiff.Removed), d.Count(iamdiff.Changed),
			back.Count(iamdiff.Added), back.Count(iamdiff.Removed), back.Count(iamdiff.Changed))
	}
}

// Inputs one side lacks are not compared, never read as removals; accounts
// added and removed are one item each.
func TestMissingInputsAndAccounts(t *testing.T) {
	old, cur := base(t0), base(t1)
	cur.Accounts[0].Users = nil
	cur.Accounts[0].Roles = nil
	cur.Accounts[0].Collected = []snapshot.Input{snapshot.InputCredentialReport, snapshot.InputIdentityCenter}
	other := snapshot.NewBuilder("444455556666", t1).Build().Accounts[0]
	cur.Accounts = append(cur.Accounts, other)
	old.Accounts = append(old.Accounts, snapshot.NewBuilder("777788889999", t0).Build().Accounts[0])
	d := iamdiff.Compare(old, cur)
	got := lines(d)
	want := []string{"removed account 777788889999", "added account 444455556666"}
	if strings.Join(got, "|") != strings.Join([]string{want[1], want[0]}, "|") && strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("changes %v, want %v", got, want)
	}
	if len(d.NotCompared) != 1 || d.NotCompared[0].Input != snapshot.InputAuthorizationDetails || d.NotCompared[0].MissingIn != "new" {
		t.Errorf("not compared %+v", d.NotCompared)
	}
	var buf bytes.Buffer
	if err := iamdiff.WriteTable(&buf, d); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "111122223333 authorization_details: missing in new") {
		t.Errorf("table:\n%s", buf.String())
	}
}

// Service control policies: added, removed, document changed, targets
// attached and detached; listed under the management account.
func TestServiceControlPolicyChanges(t *testing.T) {
	old, cur := demo.Organization(4), demo.Organization(4)
	pols := cur.Organization.Policies
	pols[1].Document = snapshot.RawJSON(strings.Replace(string(pols[1].Document), `"organizations:LeaveOrganization"`, `["organizations:LeaveOrganization","iam:CreateUser"]`, 1))
	pols[1].Targets = []string{"ou-nw01-sandbox1"}
	cur.Organization.Policies = append(pols, snapshot.OrgPolicy{ID: "p-new", Name: "deny-regions", ARN: "arn:aws:organizations::111122223333:policy/o-x/service_control_policy/p-new", Type: "SERVICE_CONTROL_POLICY"})[1:]
	got := strings.Join(lines(iamdiff.Compare(old, cur)), "\n")
	for _, w := range []string{
		"removed service_control_policy arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess FullAWSAccess",
		"added service_control_policy arn:aws:organizations::111122223333:policy/o-x/service_control_policy/p-new deny-regions",
		"changed service_control_policy arn:aws:organizations::111122223333:policy/o-northwind01/service_control_policy/p-nw0000000001 deny-leave-organization {added Statement[0].Action <nil>>iam:CreateUser}",
		"added service_control_policy arn:aws:organizations::111122223333:policy/o-northwind01/service_control_policy/p-nw0000000001 target ou-nw01-sandbox1",
		"removed service_control_policy arn:aws:organizations::111122223333:policy/o-northwind01/service_control_policy/p-nw0000000001 target r-nw01",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in\n%s", w, got)
		}
	}
	for _, it := range iamdiff.Compare(old, cur).Changes {
		if it.AccountID != demo.AccountID {
			t.Errorf("an SCP change under account %s", it.AccountID)
		}
	}
}
