package snapshot_test

import (
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// Equal documents of different accounts and principals end up as one
// slice; different ones stay apart; nil entries are skipped.
func TestDocumentsShareEqualContent(t *testing.T) {
	doc := func() snapshot.RawJSON {
		return snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}`)
	}
	other := snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[]}`)
	acct := func(id string) *snapshot.Account {
		return &snapshot.Account{ID: id,
			Policies: []*snapshot.ManagedPolicy{{ARN: "arn:aws:iam::aws:policy/ReadOnlyAccess", Document: doc()}, nil},
			Roles:    []*snapshot.Role{{Name: "r", TrustPolicy: other, InlinePolicies: []snapshot.InlinePolicy{{Name: "i", Document: doc()}}}, nil},
			Users:    []*snapshot.User{nil}, Groups: []*snapshot.Group{nil}}
	}
	s := &snapshot.Snapshot{Accounts: []*snapshot.Account{acct("111111111111"), acct("222222222222"), nil}}
	s.InternDocuments()
	a, b := s.Accounts[0], s.Accounts[1]
	first := &a.Policies[0].Document[0]
	for _, d := range []snapshot.RawJSON{b.Policies[0].Document, a.Roles[0].InlinePolicies[0].Document, b.Roles[0].InlinePolicies[0].Document} {
		if &d[0] != first {
			t.Fatal("an equal document was not shared")
		}
	}
	if &a.Roles[0].TrustPolicy[0] == first || !strings.Contains(string(a.Roles[0].TrustPolicy), `"Statement":[]`) {
		t.Fatal("a different document was replaced")
	}
	d := snapshot.NewDocuments()
	d.Intern(doc())
	d.Intern(doc())
	d.Intern(other)
	if d.Len() != 2 {
		t.Fatalf("%d distinct documents, want 2", d.Len())
	}
}
