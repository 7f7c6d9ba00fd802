package demo_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// OrganizationSized gives every generated member the users and roles
// asked for, the same AWS managed document in each, and the same snapshot
// on every call (the scale measurements depend on it).
func TestOrganizationSized(t *testing.T) {
	size := demo.MemberSize{Users: 20, Roles: 20}
	s := demo.OrganizationSized(6, size)
	if len(s.Accounts) != 6 || len(s.Organization.Accounts) != 6 {
		t.Fatalf("%d accounts, %d listed", len(s.Accounts), len(s.Organization.Accounts))
	}
	var readOnly []byte
	for _, a := range s.Accounts[2:] {
		if len(a.Users) != size.Users || len(a.Roles) != size.Roles {
			t.Errorf("account %s: %d users, %d roles", a.ID, len(a.Users), len(a.Roles))
		}
		p := a.Policy("arn:aws:iam::aws:policy/ReadOnlyAccess")
		if p == nil {
			t.Fatalf("account %s has no ReadOnlyAccess", a.ID)
		}
		if readOnly != nil && !bytes.Equal(readOnly, p.Document) {
			t.Errorf("account %s: ReadOnlyAccess differs", a.ID)
		}
		readOnly = p.Document
	}
	a, _ := json.Marshal(s)
	if _, err := snapshot.Decode(bytes.NewReader(a)); err != nil {
		t.Fatalf("the snapshot does not read back: %v", err)
	}
	b, _ := json.Marshal(demo.OrganizationSized(6, size))
	if !bytes.Equal(a, b) {
		t.Fatal("two calls gave different snapshots")
	}
	if small := demo.Organization(6); len(small.Accounts[3].Users) > 5 {
		t.Fatalf("Organization's members grew: %d users", len(small.Accounts[3].Users))
	}
}
