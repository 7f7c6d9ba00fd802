package scan_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/scan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// ghosts adds to every account of s three principals that one per-principal
// input has and another lacks, each shaped to tempt as many rules as
// possible into a verdict:
//   - a user only the credential report lists (password, old active keys,
//     no MFA, recently used): the authorization details never saw it;
//   - a user only the authorization details list (administrator policy
//     attached directly, in a group): the credential report never saw it;
//   - a role the role list (role_details) did not include.
//
// It returns the ARNs of the ghosts with the input each lacks.
func ghosts(s *snapshot.Snapshot) map[string]snapshot.Input {
	out := map[string]snapshot.Input{}
	for _, a := range s.Accounts {
		now := s.ReferenceTime(a)
		old, recent := now.AddDate(-2, 0, 0), now.AddDate(0, 0, -3)
		reportOnly := &snapshot.User{Name: "ghost-report-only", ARN: a.RootARN()[:len(a.RootARN())-len("root")] + "user/ghost-report-only",
			Path: "/", CreatedAt: old,
			Password:            &snapshot.Password{Enabled: true, LastUsed: &recent, LastChanged: &old},
			MFAActive:           new(bool),
			AccessKeys:          []snapshot.AccessKey{{Slot: 1, Status: snapshot.StatusActive, CreatedAt: &old, LastUsed: &recent}, {Slot: 2, Status: snapshot.StatusActive, CreatedAt: &old}},
			SigningCertificates: []snapshot.SigningCert{{Slot: 1, Status: snapshot.StatusActive, UploadedAt: &old}},
			NotIn:               []snapshot.Input{snapshot.InputAuthorizationDetails},
		}
		authzOnly := &snapshot.User{Name: "ghost-authz-only", ID: "AIDAGHOSTAUTHZONLY0001", ARN: a.RootARN()[:len(a.RootARN())-len("root")] + "user/ghost-authz-only",
			Path: "/", CreatedAt: old,
			AttachedPolicies: []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: "arn:aws:iam::aws:policy/AdministratorAccess"}},
			InlinePolicies: []snapshot.InlinePolicy{{Name: "pass-any", Document: snapshot.RawJSON(
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:PassRole","sts:AssumeRole"],"Resource":"*"},{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}]}`)}},
		}
		if len(a.Groups) > 0 {
			authzOnly.Groups = []string{a.Groups[0].Name}
		}
		role := &snapshot.Role{Name: "ghost-role", ARN: a.RootARN()[:len(a.RootARN())-len("root")] + "role/ghost-role", Path: "/",
			CreatedAt: old, TrustPolicy: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + a.ID + `:root"},"Action":"sts:AssumeRole"}]}`),
			LastUsed: &snapshot.RoleLastUsed{Date: recent},
			NotIn:    []snapshot.Input{snapshot.InputRoleDetails},
		}
		a.Users = append(a.Users, reportOnly, authzOnly)
		a.Roles = append(a.Roles, role)
		out[reportOnly.ARN] = snapshot.InputAuthorizationDetails
		out[authzOnly.ARN] = snapshot.InputCredentialReport
		out[role.ARN] = snapshot.InputRoleDetails
	}
	return out
}

// TestGhostPrincipalsNeverPass runs every rule of the catalogue over the
// demo organisation with ghost principals added, and holds each rule to
// "UNKNOWN, never PASS": a rule that reads the input a ghost lacks answers
// exactly one result for it, UNKNOWN, naming that input. A rule must not
// escape by leaving the input out of its Needs: the rule tests check each
// rule answers UNKNOWN when its inputs are missing.
func TestGhostPrincipalsNeverPass(t *testing.T) {
	s := demo.Snapshot()
	gs := ghosts(s)
	for _, r := range rules.Catalog() {
		t.Run(r.ID, func(t *testing.T) {
			out, err := scan.Run(context.Background(), s, scan.Options{Rules: []*rules.Rule{r}})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Errors) > 0 {
				t.Fatalf("rule errors: %+v", out.Errors)
			}
			byARN := map[string][]finding.Result{}
			for _, res := range out.Results.Slice() {
				if _, ok := gs[res.ResourceARN]; ok {
					byARN[res.ResourceARN] = append(byARN[res.ResourceARN], res)
				}
			}
			for arn, lacks := range gs {
				if !reads(r, lacks) || !judges(out.Results.Slice(), kindOf(arn)) {
					continue // the ghost is whole as far as this rule is concerned
				}
				got := byARN[arn]
				if len(got) != 1 || got[0].Status != finding.Unknown || len(got[0].MissingInputs) == 0 || got[0].MissingInputs[0] != string(lacks) {
					t.Errorf("%s reads %s, which did not list %s, yet answers %s", r.ID, lacks, arn, brief(got))
				}
			}
		})
	}
}

// reads reports whether the rule reads the input: it needs it for the
// account, or declares it per principal.
func reads(r *rules.Rule, in snapshot.Input) bool {
	return slices.Contains(r.Needs, in) || slices.Contains(r.Covers.Inputs(), in)
}

// kindOf returns the result resource type of a principal ARN.
func kindOf(arn string) string {
	if strings.Contains(arn, ":role/") {
		return finding.TypeRole
	}
	return finding.TypeUser
}

// judges reports whether the rule gave a verdict on some principal of the
// kind that is not a ghost: then it judges principals of that kind one by
// one (the demo fails every rule at least once, so each rule shows what it
// judges there).
func judges(rs []finding.Result, typ string) bool {
	for _, r := range rs {
		if r.ResourceType == typ && !strings.Contains(r.ResourceName, "ghost-") && r.Status != finding.Unknown {
			return true
		}
	}
	return false
}

func brief(rs []finding.Result) string {
	b, _ := json.Marshal(rs)
	return fmt.Sprintf("%d result(s): %s", len(rs), b)
}

// TestUncoveredPrincipalsAreListed checks the scan names the principals an
// input did not list, for the warning the CLI prints.
func TestUncoveredPrincipalsAreListed(t *testing.T) {
	s := demo.Snapshot()
	ghosts(s)
	out, err := scan.Run(context.Background(), s, scan.Options{Rules: []*rules.Rule{&rules.RootAccessKeys}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range out.Coverage {
		if g.AccountID == demo.AccountID {
			got = append(got, fmt.Sprintf("%s:%s", g.Input, strings.Join(g.Principals, ",")))
		}
	}
	want := "authorization_details:ghost-report-only credential_report:ghost-authz-only role_details:ghost-role"
	if strings.Join(got, " ") != want {
		t.Fatalf("coverage = %q, want %q", strings.Join(got, " "), want)
	}
}
