package identitycenter

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/remediate/plan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

const acct = "123456789012"

// person adds a console user with the given inline policies.
func person(b *snapshot.Builder, name string, inline ...string) *snapshot.User {
	u := b.User(name, t0.AddDate(-1, 0, 0)).Password(t0.AddDate(0, -1, 0), nil).User
	u.ID = "AIDA" + strings.ToUpper(strings.ReplaceAll(name, ".", "")) + "0001"
	for i, d := range inline {
		u.InlinePolicies = append(u.InlinePolicies, snapshot.InlinePolicy{Name: fmt.Sprintf("p%d", i), Document: snapshot.RawJSON(d)})
	}
	return u
}

func withIC(b *snapshot.Builder) {
	b.With(snapshot.InputIdentityCenter)
	b.Account().IdentityCenter = &snapshot.IdentityCenter{Instances: []snapshot.IdentityCenterInstance{
		{ARN: "arn:aws:sso:::instance/ssoins-0000000000000001", IdentityStoreID: "d-0000000001", OwnerAccountID: acct}}}
}

func diffsOf(t *testing.T, s *snapshot.Snapshot) []plan.Difference {
	t.Helper()
	res, err := Plan(s, Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Plan.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, pf := range res.Proofs {
		if pf.Compared == 0 {
			t.Errorf("proof for %s compared nothing", pf.User)
		}
	}
	return res.Plan.Differences
}

func TestProofSameAccessNoDifference(t *testing.T) {
	b := snapshot.NewBuilder(acct, t0)
	withIC(b)
	person(b, "ana.silva", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}`)
	if d := diffsOf(t, b.Build()); len(d) != 0 {
		t.Errorf("differences for identical policies: %+v", d)
	}
}

func TestProofReportsWhatASessionLoses(t *testing.T) {
	cases := []struct {
		name, doc, want string
		kind            string
	}{
		{"username variable", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ChangePassword","Resource":"arn:aws:iam::` + acct + `:user/${aws:username}"}]}`, "${aws:username}", "lost"},
		{"principal type", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalType":"User"}}}]}`, "aws:PrincipalType", "lost"},
		{"userid", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::home/${aws:userid}/*"}]}`, "${aws:userid}", "lost"},
		{"deny on username gained", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:username":"ana.silva"}}}]}`, "aws:username", "gained"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := snapshot.NewBuilder(acct, t0)
			withIC(b)
			person(b, "ana.silva", c.doc)
			ds := diffsOf(t, b.Build())
			if len(ds) != 1 || ds[0].Kind != c.kind || !ds[0].Explained || !strings.Contains(ds[0].Explanation, c.want) {
				t.Fatalf("differences: %+v", ds)
			}
		})
	}
}

func TestProofRoleTrustNamingTheUser(t *testing.T) {
	b := snapshot.NewBuilder(acct, t0)
	withIC(b)
	u := person(b, "ana.silva", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)
	b.Role("break-glass", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+u.ARN+`"},"Action":"sts:AssumeRole"}]}`)
	ds := diffsOf(t, b.Build())
	if len(ds) != 1 || ds[0].Resource != "arn:aws:iam::"+acct+":role/break-glass" || ds[0].Kind != "lost" {
		t.Fatalf("differences: %+v", ds)
	}
}

func TestUnexplainedDifferenceRequiresAcceptance(t *testing.T) {
	b := snapshot.NewBuilder(acct, t0)
	withIC(b)
	// The user's policy refers to a managed policy whose document the
	// snapshot lacks: the proof cannot vouch for it.
	u := person(b, "ana.silva")
	u.AttachedPolicies = []snapshot.PolicyRef{{Name: "gone", ARN: "arn:aws:iam::" + acct + ":policy/gone"}}
	res, err := Plan(b.Build(), Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Plan.RequiresAcceptDifferences {
		t.Fatalf("no acceptance required; differences %+v", res.Plan.Differences)
	}
}

// Users sharing a permission set are compared once when nothing depends on
// who they are, and one by one when a policy names the principal; each
// difference names its own user either way.
func TestProofSharedAcrossUsers(t *testing.T) {
	for _, doc := range []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}},{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}`,
	} {
		b := snapshot.NewBuilder(acct, t0)
		withIC(b)
		g := &snapshot.Group{Name: "Team", ARN: "arn:aws:iam::" + acct + ":group/Team",
			InlinePolicies: []snapshot.InlinePolicy{{Name: "team", Document: snapshot.RawJSON(doc)}}}
		b.Account().Groups = append(b.Account().Groups, g)
		var arns []string
		for _, n := range []string{"ana.silva", "ben.okafor", "cy.tan"} {
			u := person(b, n)
			u.Groups = []string{"Team"}
			arns = append(arns, u.ARN)
		}
		// A role trusts only ben: that lost path is ben's alone.
		b.Role("ben-only", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+arns[1]+`"},"Action":"sts:AssumeRole"}]}`)
		ds := diffsOf(t, b.Build())
		byUser := map[string]int{}
		for _, d := range ds {
			byUser[d.Principal]++
		}
		variable := strings.Contains(doc, "${aws:username}")
		for i, arn := range arns {
			want := 0
			if variable {
				want++
			}
			if i == 1 {
				want++
			}
			if byUser[arn] != want {
				t.Errorf("%s (variable %v): %d differences, want %d: %+v", arn, variable, byUser[arn], want, ds)
			}
		}
	}
}
