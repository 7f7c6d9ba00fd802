package synth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/engine"
	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/report/jsonreport"
	"github.com/iamspect/iamspect/internal/synth"
)

// scanFiles is the offline scan benchmarks and tests measure: import the
// AWS CLI files in dir, scan with every rule, write the JSON report.
func scanFiles(tb testing.TB, dir string, out io.Writer) *report.Report {
	tb.Helper()
	o, err := engine.Run(context.Background(), engine.Files{Dir: dir}, engine.Options{Clock: func() time.Time { return synth.Reference }})
	if err != nil {
		tb.Fatal(err)
	}
	if err := jsonreport.Write(out, o.Report); err != nil {
		tb.Fatal(err)
	}
	return o.Report
}

func TestDeterministic(t *testing.T) {
	for _, sh := range synth.Shapes() {
		a, _ := json.Marshal(synth.AuthzDetails(sh.Account(synth.AccountID, synth.SizeOf(30), 7)))
		b, _ := json.Marshal(synth.AuthzDetails(sh.Account(synth.AccountID, synth.SizeOf(30), 7)))
		c, _ := json.Marshal(synth.AuthzDetails(sh.Account(synth.AccountID, synth.SizeOf(30), 8)))
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two runs with one seed differ", sh.Name)
		}
		if bytes.Equal(a, c) {
			t.Errorf("%s: seeds 7 and 8 give the same account", sh.Name)
		}
	}
}

// TestShapesScanFromFiles writes every shape at a small size as AWS CLI
// files, scans them as `scan --from` does, and checks that the importer
// read every principal and that the shapes are what they claim to be.
func TestShapesScanFromFiles(t *testing.T) {
	size := synth.SizeOf(60)
	for _, sh := range synth.Shapes() {
		t.Run(sh.Name, func(t *testing.T) {
			dir := t.TempDir()
			if err := synth.WriteFiles(dir, sh.Account(synth.AccountID, size, 1)); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			r := scanFiles(t, dir, &out)
			var back report.Report
			if err := json.Unmarshal(out.Bytes(), &back); err != nil {
				t.Fatalf("JSON report does not parse: %v", err)
			}
			if back.Results.Len() != r.Results.Len() {
				t.Fatalf("JSON report has %d results, the scan %d", back.Results.Len(), r.Results.Len())
			}
			users, roles, trustAny := 0, 0, 0
			for _, res := range r.Results.Slice() {
				if res.RuleID == "privilege-escalation" {
					switch res.ResourceType {
					case finding.TypeUser:
						users++
					case finding.TypeRole:
						roles++
					}
				}
				if res.RuleID == "role-trust-any-principal" && res.Status == finding.Fail {
					trustAny++
				}
			}
			if users != size.Users || roles != size.Roles {
				t.Errorf("privilege-escalation judged %d users and %d roles, want %d and %d", users, roles, size.Users, size.Roles)
			}
			switch sh.Name {
			case "trust-anyone":
				if trustAny != size.Roles {
					t.Errorf("role-trust-any-principal failed %d roles, want all %d", trustAny, size.Roles)
				}
			case "trust-root":
				if trustAny != 0 {
					t.Errorf("role-trust-any-principal failed %d roles trusting the account root", trustAny)
				}
			}
			if len(r.Errors) > 0 {
				t.Errorf("rule errors: %+v", r.Errors)
			}
		})
	}
}

func TestOrganization(t *testing.T) {
	s := synth.Organization(4, 20, 20)
	if len(s.Accounts) != 4 || len(s.Organization.Accounts) != 4 {
		t.Fatalf("%d accounts, %d in the listing; want 4", len(s.Accounts), len(s.Organization.Accounts))
	}
	seen := map[string]bool{}
	for i, a := range s.Accounts {
		if a.ID != s.Organization.Accounts[i].ID || seen[a.ID] {
			t.Errorf("account %d: ID %s (listing %s), duplicate %v", i, a.ID, s.Organization.Accounts[i].ID, seen[a.ID])
		}
		seen[a.ID] = true
		if len(a.Users) != 20 || len(a.Roles) != 20 {
			t.Errorf("account %s: %d users, %d roles", a.ID, len(a.Users), len(a.Roles))
		}
		for _, u := range a.Users {
			if !strings.Contains(u.ARN, ":"+a.ID+":") {
				t.Errorf("user %s is not in account %s", u.ARN, a.ID)
			}
		}
	}
	if s.Organization.ManagementAccount != s.Accounts[0].ID {
		t.Errorf("management account %s", s.Organization.ManagementAccount)
	}
	o, err := engine.Scan(context.Background(), s, engine.Options{Clock: func() time.Time { return synth.Reference }})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(o.Report.Accounts); got != 4 {
		t.Errorf("report covers %d accounts", got)
	}
}
