package policy

import (
	"compress/gzip"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/iamspect/iamspect/internal/iamdata"
	"github.com/iamspect/iamspect/internal/testutil/shareddata"
)

type managedPolicy struct {
	Name     string          `json:"name"`
	Arn      string          `json:"arn"`
	Document json.RawMessage `json:"document"`
}

var (
	managedOnce sync.Once
	managed     []managedPolicy
	managedErr  error
)

func loadManaged(t testing.TB) []managedPolicy {
	t.Helper()
	path := shareddata.Path(t, "managed-policies/iam-dataset-aws-managed-policies.json.gz")
	managedOnce.Do(func() {
		f, err := os.Open(path)
		if err != nil {
			managedErr = err
			return
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			managedErr = err
			return
		}
		var data struct {
			Policies []managedPolicy `json:"policies"`
		}
		managedErr = json.NewDecoder(zr).Decode(&data)
		managed = data.Policies
	})
	if managedErr != nil {
		t.Fatal(managedErr)
	}
	return managed
}

// loadVersion reads `aws iam get-policy-version` output.
func loadVersion(t testing.TB, name string) *Policy {
	t.Helper()
	b, err := os.ReadFile(shareddata.Path(t, "managed-policies/"+name))
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		PolicyVersion struct {
			Document json.RawMessage
		}
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	p, err := ParseAndCompile(name, out.PolicyVersion.Document)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestManagedPoliciesParse(t *testing.T) {
	pols := loadManaged(t)
	if len(pols) != 1641 {
		t.Errorf("dataset has %d policies, want 1641", len(pols))
	}
	for _, mp := range pols {
		doc, err := Parse(mp.Document)
		if err != nil {
			t.Errorf("%s: %v", mp.Name, err)
			continue
		}
		if len(doc.Statements) == 0 {
			t.Errorf("%s: no statements", mp.Name)
		}
		// AWS accepted these documents: nothing IAM itself would refuse
		// structurally may be reported.
		for _, is := range Validate(doc) {
			switch is.Code {
			case CodeBadEffect, CodeBadElement, CodeBadOperator, CodeBadPrincipal, CodeUnknownElement:
				t.Errorf("%s: %v", mp.Name, is)
			}
		}
	}
}

func TestAdministratorAccess(t *testing.T) {
	p := loadVersion(t, "mamip-AdministratorAccess.json")
	s := &Set{Identity: []*Policy{p}}
	if !IsAdmin(s) || !IsAdminPolicy(p) {
		t.Error("AdministratorAccess is not admin")
	}
	if !s.AllowsUnconditionally("iam:PassRole", "*") {
		t.Error("AdministratorAccess does not allow iam:PassRole on *")
	}
}

func TestPowerUserAccess(t *testing.T) {
	p := loadVersion(t, "mamip-PowerUserAccess.json")
	s := &Set{Identity: []*Policy{p}}
	if IsAdmin(s) {
		t.Fatal("PowerUserAccess reported as admin")
	}
	excluded := map[string]bool{"iam": true, "organizations": true, "account": true}
	for _, a := range iamdata.Actions() {
		got := s.Allows(a.String(), "*").Decision
		if !excluded[a.Service] && got != Allowed {
			t.Fatalf("%s: %v, want Allowed", a, got)
		}
	}
	for _, a := range []string{"iam:CreateUser", "iam:PassRole", "iam:AttachRolePolicy", "organizations:LeaveOrganization", "account:CloseAccount"} {
		if d := s.Allows(a, "*").Decision; d != ImplicitDeny {
			t.Errorf("%s: %v, want ImplicitDeny", a, d)
		}
	}
	// The second statement grants a few IAM actions back.
	iamAllowed := s.AllowedActions("iam")
	names := make([]string, len(iamAllowed))
	for i, a := range iamAllowed {
		names[i] = a.Action.Name
	}
	if strings.Join(names, ",") != "CreateServiceLinkedRole,DeleteServiceLinkedRole,ListRoles" {
		t.Errorf("AllowedActions(iam) = %v", names)
	}
}

// TestIsAdminMatchesEvaluate checks the bitset shortcut of IsAdmin against
// evaluating every catalogue action, over managed policies that allow broad
// access, with and without a Deny beside them.
func TestIsAdminMatchesEvaluate(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	var broad []*Policy
	for _, mp := range loadManaged(t) {
		if !strings.Contains(string(mp.Document), `"*"`) {
			continue
		}
		p, err := ParseAndCompile(mp.Name, mp.Document)
		if err != nil {
			t.Fatal(err)
		}
		broad = append(broad, p)
	}
	extra := []string{
		D(allAll),
		D(S("Allow", NA("s3:nonexistent"), R("*"))),
		D(S("Allow", NA("s3:GetObject"), R("*"))),
		D(allAll, S("Deny", A("iam:DeleteUser"), R("*"))),
		D(allAll, S("Deny", A("*"), R("*"), C(`{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}`))),
		D(S("Allow", A("*"), NR("arn:aws:s3:::x"))),
		D(S("Allow", A("*"), R("arn:aws:*:*:*:*"))),
	}
	for i, d := range extra {
		doc, err := ParseString(d)
		if err != nil {
			t.Fatal(err)
		}
		broad = append(broad, CompileNamed("extra"+string(rune('0'+i)), doc))
	}
	all := iamdata.Actions()
	for _, p := range broad {
		s := &Set{Identity: []*Policy{p}}
		want := true
		for _, a := range all {
			r := s.Allows(a.String(), "*")
			// Conditional denies do not remove admin status (see IsAdmin).
			if len(r.Allows) == 0 || len(r.Denies) > 0 {
				want = false
				break
			}
		}
		if got := IsAdmin(s); got != want {
			t.Errorf("%s: IsAdmin = %v, evaluation says %v", p.Name, got, want)
		}
	}
}
