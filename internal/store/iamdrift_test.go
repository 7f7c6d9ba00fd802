package store

import (
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
)

func TestMinimalSnapshotDiff(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	build := func(change bool) *snapshot.Snapshot {
		b := snapshot.NewBuilder("111122223333", t0)
		u := b.User("alice", t0).User
		u.Groups = []string{"devs"}
		u.AccessKeys = []snapshot.AccessKey{{ID: "AKIAOLD", Status: "Active"}}
		// Keys known only from the credential report: no ID, a slot.
		bob := b.User("bob", t0).User
		bob.AccessKeys = []snapshot.AccessKey{{Slot: 1, Status: "Inactive"}, {Slot: 2, Status: "Active"}}
		trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
		a := b.Account()
		a.Policies = []*snapshot.ManagedPolicy{{Name: "p", ARN: "arn:aws:iam::111122223333:policy/p", DefaultVersionID: "v1",
			Document: snapshot.RawJSON(`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)}}
		a.IdentityCenter = &snapshot.IdentityCenter{}
		if change {
			u.Groups = []string{"admins"}
			u.AccessKeys = []snapshot.AccessKey{{ID: "AKIAOLD", Status: "Inactive"}, {ID: "AKIANEW", Status: "Active"}}
			trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`
			a.Policies[0].DefaultVersionID = "v2"
			a.Policies[0].Document = snapshot.RawJSON(`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
			a.IdentityCenter.Assignments = []snapshot.AccountAssignment{{AccountID: "111122223333", PermissionSetARN: "arn:ps", PrincipalType: "USER", PrincipalID: "u-1"}}
		}
		b.Role("app", trust)
		return b.Build()
	}
	changes := SnapshotDiff(build(false), build(true))
	got := map[string]IAMChange{}
	for _, c := range changes {
		got[c.Kind+" "+c.Change+" "+c.Name] = c
	}
	for k := range got {
		if strings.Contains(k, "bob") {
			t.Errorf("unchanged slot-only keys reported: %q", k)
		}
	}
	for _, want := range []string{
		"access_key changed alice/AKIAOLD", "access_key added alice/AKIANEW",
		"group_membership added alice in admins", "group_membership removed alice in devs",
		"trust_policy changed app", "policy changed p",
		"permission_set_assignment added 111122223333 arn:ps USER:u-1",
	} {
		if _, ok := got[want]; !ok {
			t.Errorf("missing %q in %v", want, changes)
		}
	}
	tp := got["trust_policy changed app"]
	if !strings.Contains(string(tp.New), `"AWS":"*"`) || !strings.Contains(string(tp.Old), "ec2.amazonaws.com") {
		t.Errorf("trust documents: %s → %s", tp.Old, tp.New)
	}
	if len(SnapshotDiff(build(false), build(false))) != 0 {
		t.Error("no change reported changes")
	}
}
