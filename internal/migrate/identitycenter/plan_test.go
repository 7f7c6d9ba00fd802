package identitycenter

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"fmt"
	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/remediate/plan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

var fixedNow = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

func TestDemoPlan(t *testing.T) {
	s := demo.Snapshot()
	res, err := Plan(s, Options{Now: fixedNow, SourceType: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Plan.Validate(); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range res.People {
		names = append(names, p.UserName)
	}
	t.Logf("people: %v", names)
	for _, w := range res.Workloads {
		t.Logf("workload: %+v", w)
	}
	for _, ps := range res.PermissionSets {
		t.Logf("ps %s: %v %v inline=%d accts=%v", ps.Name, ps.AWSManaged, ps.Customer, len(ps.Inline), ps.Accounts())
	}
	for _, d := range res.Plan.Differences {
		t.Logf("diff: %+v", d)
	}
	if os.Getenv("SHOW") != "" {
		b, _ := json.MarshalIndent(res.Plan, "", "  ")
		t.Log(string(b))
	}
	_ = strings.Join
	_ = plan.StageCreate
}

func countOps(pl *plan.Plan, op string) int {
	n := 0
	for _, a := range pl.Actions {
		if a.Call != nil && a.Call.Operation == op {
			n++
		}
	}
	return n
}

func TestDedupAndLimits(t *testing.T) {
	b := snapshot.NewBuilder(acct, t0)
	withIC(b)
	a := b.Account()
	// Twelve customer managed policies on one group: two are folded into
	// the inline policy.
	g := &snapshot.Group{Name: "Platform", ARN: "arn:aws:iam::" + acct + ":group/Platform"}
	for i := 0; i < 12; i++ {
		arn := fmt.Sprintf("arn:aws:iam::%s:policy/team/p%02d", acct, i)
		a.Policies = append(a.Policies, &snapshot.ManagedPolicy{Name: fmt.Sprintf("p%02d", i), ARN: arn, Path: "/team/",
			Document: snapshot.RawJSON(fmt.Sprintf(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b%d/*"}}`, i))})
		g.AttachedPolicies = append(g.AttachedPolicies, snapshot.PolicyRef{Name: fmt.Sprintf("p%02d", i), ARN: arn})
	}
	a.Groups = append(a.Groups, g)
	for _, n := range []string{"ana.silva", "ben.okafor"} {
		person(b, n).Groups = []string{"Platform"}
	}
	// A user whose inline policy is over 32 KB and whose name is long.
	var stmts []string
	for i := 0; i < 400; i++ {
		stmts = append(stmts, fmt.Sprintf(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-with-a-long-name-%04d/*"}`, i))
	}
	person(b, "constantinople.papadopoulos", `{"Version":"2012-10-17","Statement":[`+strings.Join(stmts, ",")+`]}`)
	res, err := Plan(b.Build(), Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Plan.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(res.PermissionSets) != 2 {
		t.Fatalf("%d permission sets, want 2 (ana and ben share one)", len(res.PermissionSets))
	}
	shared, big := res.PermissionSets[0], res.PermissionSets[1]
	if len(shared.Assignments) != 2 || len(shared.Customer) != 10 || shared.Inline == "" || shared.Name != "Platform" {
		t.Errorf("shared set: name %s, %d assignments, %d references, inline %d bytes", shared.Name, len(shared.Assignments), len(shared.Customer), len(shared.Inline))
	}
	if len(big.Name) > MaxNameLen || big.Inline != "" || len(big.Customer) != 1 || !strings.HasPrefix(big.Name, "user-constantinople") {
		t.Errorf("big set: %q inline %d, refs %v", big.Name, len(big.Inline), big.Customer)
	}
	for _, ps := range res.PermissionSets {
		if len(ps.Inline) > MaxInlineBytes || len(ps.AWSManaged)+len(ps.Customer) > MaxManagedPolicies {
			t.Errorf("%s over AWS's limits", ps.Name)
		}
	}
	// The big inline policy is created in the account before the
	// permission set references it.
	if n := countOps(res.Plan, "CreatePolicy"); n != 1 {
		t.Errorf("%d CreatePolicy actions", n)
	}
	if n := countOps(res.Plan, "CreateAccountAssignment"); n != 3 {
		t.Errorf("%d assignments", n)
	}
	if n := countOps(res.Plan, "CreatePermissionSet"); n != 2 {
		t.Errorf("%d permission sets created", n)
	}
	if len(res.Plan.Differences) != 0 {
		t.Errorf("differences: %+v", res.Plan.Differences)
	}
}

func TestNoIdentityCenterFirstActionEnablesIt(t *testing.T) {
	b := snapshot.NewBuilder(acct, t0).With(snapshot.InputIdentityCenter)
	person(b, "ana.silva", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	res, err := Plan(b.Build(), Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	first := res.Plan.Actions[0]
	if first.Call != nil || len(first.Console) == 0 || !strings.Contains(first.Title, "enable IAM Identity Center") {
		t.Fatalf("first action: %+v", first)
	}
	for _, a := range res.Plan.Actions[1:] {
		if a.Call != nil && (a.Call.Service == "sso-admin" || a.Call.Service == "identitystore") && a.NeedsInput == "" {
			t.Errorf("%s runs without an instance", a.Title)
		}
	}
}

func TestPeopleFileJoinsAccounts(t *testing.T) {
	csv := "account_id,user_name,email,given_name,family_name,display_name\n" +
		"111111111111,asilva,ana@example.com,Ana,Silva,Ana Silva\n" +
		"222222222222,ana-admin,ana@example.com,Ana,Silva,Ana Silva\n" +
		"111111111111,deploy-bot,ops@example.com,Ops,Team,Ops Team\n"
	entries, err := ParsePeople(strings.NewReader(csv), "people.csv")
	if err != nil {
		t.Fatal(err)
	}
	b1 := snapshot.NewBuilder("111111111111", t0)
	b1.User("asilva", t0).AccessKey(t0, nil)
	b1.User("deploy-bot", t0).AccessKey(t0, nil)
	b1.User("svc-sync", t0).AccessKey(t0, nil)
	b2 := snapshot.NewBuilder("222222222222", t0)
	b2.User("ana-admin", t0)
	s := b1.Build()
	s.Accounts = append(s.Accounts, b2.Account())
	people, workloads, warnings := FindPeople(s, entries)
	if len(people) != 2 || people[0].UserName != "ana@example.com" || len(people[0].Users) != 2 {
		t.Fatalf("people: %+v", people)
	}
	if len(workloads) != 1 || workloads[0].UserName != "svc-sync" {
		t.Errorf("workloads: %+v", workloads)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings: %v", warnings)
	}
	for _, bad := range []string{
		"account_id,user_name\n",
		"account_id,user_name,email,given_name,family_name,display_name\n12,x,a@b.c,,,\n",
		"account_id,user_name,email,given_name,family_name,display_name\n111111111111,x,nope,,,\n",
	} {
		if _, err := ParsePeople(strings.NewReader(bad), "p.csv"); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestHeuristics(t *testing.T) {
	b := snapshot.NewBuilder(acct, t0)
	b.User("jane.doe", t0).AccessKey(t0, nil)     // person-shaped name
	b.User("build-bot", t0).AccessKey(t0, nil)    // a program
	b.User("kim", t0).MFA(snapshot.MFAVirtual)    // MFA
	b.User("reports", t0).Password(t0, nil)       // console password
	b.User("etl", t0).AccessKey(t0, nil)          // keys only
	b.User("github-deploy", t0).Password(t0, nil) // a program with a password is still someone signing in
	people, workloads, _ := FindPeople(b.Build(), nil)
	var ps, ws []string
	for _, p := range people {
		ps = append(ps, p.Users[0].User.Name)
	}
	for _, w := range workloads {
		ws = append(ws, w.UserName)
	}
	if fmt.Sprint(ps) != "[github-deploy jane.doe kim reports]" || fmt.Sprint(ws) != "[build-bot etl]" {
		t.Errorf("people %v, workloads %v", ps, ws)
	}
}

// An existing permission set that holds exactly a person's policies is
// reused: the demo's Identity Center already has ReadOnly (ReadOnlyAccess)
// and AdministratorAccess.
func TestReusesIdenticalPermissionSets(t *testing.T) {
	res, err := Plan(demo.Snapshot(), Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	reused := map[string]string{}
	for _, ps := range res.PermissionSets {
		if ps.existingARN != "" {
			reused[ps.Name] = ps.existingARN
		}
	}
	if len(reused) != 2 || reused["ReadOnly"] == "" || reused["AdministratorAccess"] == "" {
		t.Fatalf("reused: %v", reused)
	}
	for _, a := range res.Plan.Actions {
		if a.Call != nil && a.Call.Operation == "CreatePermissionSet" && (a.Call.Str("Name") == "ReadOnly" || a.Call.Str("Name") == "AdministratorAccess") {
			t.Errorf("creates %s again", a.Call.Str("Name"))
		}
		if a.Call != nil && a.Call.Operation == "CreateAccountAssignment" && strings.Contains(a.Title, "bob.chen") && a.Call.Str("PermissionSetArn") != reused["ReadOnly"] {
			t.Errorf("bob.chen assigned %s", a.Call.Str("PermissionSetArn"))
		}
	}
}

// A key known only by its credential report slot cannot be deleted: the
// user's deletion needs input instead of failing with DeleteConflict.
func TestDeletionNeedsCredentialIDs(t *testing.T) {
	b := snapshot.NewBuilder(acct, t0)
	withIC(b)
	u := person(b, "ana.silva", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	u.AccessKeys = []snapshot.AccessKey{{Slot: 1, Status: snapshot.StatusActive}}
	res, err := Plan(b.Build(), Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	var del []plan.Action
	for _, a := range res.Plan.Actions {
		if a.Stage == plan.StageDelete {
			del = append(del, a)
		}
	}
	if len(del) != 1 || del[0].Call != nil || !strings.Contains(del[0].NeedsInput, "access key 1") {
		t.Fatalf("delete stage: %+v", del)
	}
}
