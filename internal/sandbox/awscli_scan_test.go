package sandbox

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/importer"
	"github.com/iamspect/iamspect/internal/scan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// TestAWSCLIFilesScanLikeTheSnapshot is the offline path end to end: the
// AWS CLI dumps the sandbox's authorization details, credential report and
// role list exactly as an auditor's client would, the file importer reads
// them, and every rule gives the same verdict as on the served snapshot
// reduced to the same inputs. A difference means the CLI files lose
// something (this test found that the authorization details lack roles'
// maximum session durations, hence the role list).
func TestAWSCLIFilesScanLikeTheSnapshot(t *testing.T) {
	awsCLI(t)
	if testing.Short() {
		t.Skip("slow: starts the AWS CLI several times")
	}
	_, url := serve(t, demo.Snapshot(), Options{})
	home, dir := t.TempDir(), t.TempDir()
	dump := func(file string, args ...string) string {
		t.Helper()
		_, raw, errText := runCLI(t, url, home, args...)
		if errText != "" {
			t.Fatalf("aws %v: %s", args, errText)
		}
		path := filepath.Join(dir, file)
		if err := os.WriteFile(path, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	authz := dump("authz-details.json", "iam", "get-account-authorization-details")
	for state := ""; state != "COMPLETE"; {
		out, _, errText := runCLI(t, url, home, "iam", "generate-credential-report")
		if errText != "" {
			t.Fatal(errText)
		}
		state, _ = out["State"].(string)
	}
	report := dump("credential-report.json", "iam", "get-credential-report")
	roles := dump("roles.json", "iam", "list-roles")

	imported, err := importer.Import(importer.Options{AuthzDetails: []string{authz}, CredentialReport: report, Roles: roles, Now: demo.CollectedAt})
	if err != nil {
		t.Fatal(err)
	}
	got, want := verdicts(t, imported), verdicts(t, reducedToCLIFiles(demo.Snapshot()))
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s from the CLI files, %s from the snapshot", k, got[k], v)
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: %s only from the CLI files", k, v)
		}
	}
	if len(want) < 100 {
		t.Fatalf("only %d results compared", len(want))
	}
}

// reducedToCLIFiles keeps the main demo account with only what
// get-account-authorization-details, get-credential-report and list-roles
// carry.
func reducedToCLIFiles(s *snapshot.Snapshot) *snapshot.Snapshot {
	a := s.Account(demo.AccountID)
	r := &snapshot.Account{ID: a.ID, Partition: a.Partition, Root: a.Root,
		CredentialReportGeneratedAt: a.CredentialReportGeneratedAt,
		Users:                       a.Users, Groups: a.Groups, Roles: a.Roles, Policies: a.Policies}
	r.MarkCollected(snapshot.InputAuthorizationDetails)
	r.MarkCollected(snapshot.InputCredentialReport)
	r.MarkCollected(snapshot.InputRoleDetails)
	r.Root.MFADevices = nil // device types come from list-virtual-mfa-devices
	for _, u := range r.Users {
		u.MFADevices, u.SSHKeys, u.ServiceCredentials = nil, nil, nil
	}
	return &snapshot.Snapshot{SchemaVersion: s.SchemaVersion, CollectedAt: s.CollectedAt, Source: s.Source,
		Accounts: []*snapshot.Account{r}}
}

// verdicts scans a snapshot and keys each result by rule and resource.
func verdicts(t *testing.T, s *snapshot.Snapshot) map[string]string {
	t.Helper()
	out, err := scan.Run(context.Background(), s, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Errors) > 0 {
		t.Fatalf("rule errors: %v", out.Errors)
	}
	m := map[string]string{}
	var keys []string
	for _, r := range out.Results.Slice() {
		k := r.RuleID + " " + r.ResourceARN
		m[k] = string(r.Status)
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return m
}
