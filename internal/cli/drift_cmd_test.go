package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/drift/iamdiff"
	"github.com/iamspect/iamspect/internal/snapshot"
)

func writeSnapFile(t *testing.T, s *snapshot.Snapshot) string {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "snap-*.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := s.Write(f); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}

// iamspect drift lists what changed between two snapshot files.
func TestDriftCommand(t *testing.T) {
	old := demo.Snapshot()
	cur := demo.Snapshot()
	member := cur.Account(demo.MemberAccountID)
	member.Users = append(member.Users, &snapshot.User{Name: "intruder", ARN: "arn:aws:iam::" + demo.MemberAccountID + ":user/intruder",
		Password: &snapshot.Password{}, AttachedPolicies: []snapshot.PolicyRef{{Name: "AdministratorAccess", ARN: "arn:aws:iam::aws:policy/AdministratorAccess"}}})
	role := member.Roles[0]
	role.TrustPolicy = snapshot.RawJSON(strings.Replace(string(role.TrustPolicy), `"arn:aws:iam::`+demo.AccountID+`:root"`, `["arn:aws:iam::`+demo.AccountID+`:root","arn:aws:iam::999988887777:root"]`, 1))
	a, b := writeSnapFile(t, old), writeSnapFile(t, cur)

	code, out, errOut := runCLI(t, "drift", a, b)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"2 added, 0 removed, 1 changed", "added    user", "user/intruder",
		"changed  trust_policy", "+ Statement[0].Principal.AWS", `"arn:aws:iam::999988887777:root"`} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	path := filepath.Join(t.TempDir(), "drift.json")
	if code, _, errOut := runCLI(t, "drift", a, b, "--format", "json", "-o", path, "--fail-on-change"); code != ExitFindings {
		t.Fatalf("--fail-on-change: exit %d: %s", code, errOut)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version string
		Changes []iamdiff.Item
		Summary map[string]int
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "1" || len(doc.Changes) != 3 || doc.Summary["added"] != 2 || doc.Changes[1].Kind != iamdiff.KindTrustPolicy {
		t.Errorf("json: %s", data)
	}
	// No drift between a snapshot and itself; bad arguments are usage errors.
	if code, out, _ := runCLI(t, "drift", a, a, "--fail-on-change"); code != ExitOK || !strings.Contains(out, "0 added, 0 removed, 0 changed") {
		t.Errorf("same snapshot: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{{"drift", a}, {"drift", a, b, "--format", "xml"}, {"drift", a, "/nonexistent.json"}} {
		if code, _, _ := runCLI(t, args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
