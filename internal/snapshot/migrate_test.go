package snapshot_test

import (
	"bytes"
	"context"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/scan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// oldDemo is the demo organisation written by the first schema ("1").
const oldDemo = "testdata/demo-v1.json"

func scanVerdicts(t *testing.T, s *snapshot.Snapshot) []string {
	t.Helper()
	out, err := scan.Run(context.Background(), s, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range out.Errors {
		t.Errorf("rule %s failed on %s: %s", e.RuleID, e.AccountID, e.Error)
	}
	var v []string
	for _, r := range out.Results.Slice() {
		v = append(v, strings.Join([]string{r.RuleID, r.AccountID, r.ResourceARN, string(r.Status), r.Message}, " | "))
	}
	return v
}

// A schema 1 snapshot loads, scans, and converts: written back it is at
// this build's version, reads back equal, and scans the same.
func TestOldSnapshotLoadsScansConverts(t *testing.T) {
	raw, err := os.ReadFile(oldDemo)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte(`"schema_version": "1",`)) || bytes.Contains(raw, []byte(`"not_in"`)) {
		t.Fatal("testdata/demo-v1.json must stay as schema 1 wrote it")
	}
	old, err := snapshot.Load(oldDemo)
	if err != nil {
		t.Fatal(err)
	}
	if old.SchemaVersion != snapshot.SchemaVersion || len(old.Accounts) != 2 || old.Organization == nil {
		t.Fatalf("loaded version %q, %d accounts", old.SchemaVersion, len(old.Accounts))
	}

	verdicts := scanVerdicts(t, old)
	// What the demo was built to show, as the old snapshot holds it.
	for _, want := range []string{
		"root-access-keys | 111122223333 | arn:aws:iam::111122223333:root | FAIL",
		"iam-user-console-without-mfa | 111122223333 |",
		"org-iam-users-in-member-accounts | 222233334444 |",
		"password-policy-min-length | 111122223333 |",
	} {
		if !slices.ContainsFunc(verdicts, func(v string) bool { return strings.HasPrefix(v, want) && strings.Contains(v, "| FAIL |") }) {
			t.Errorf("no FAIL result %q", want)
		}
	}
	fails, unknown := 0, 0
	for _, v := range verdicts {
		if strings.Contains(v, "| FAIL |") {
			fails++
		}
		if strings.Contains(v, "| "+string(finding.Unknown)+" |") {
			unknown++
		}
	}
	// Every input was collected in the old demo: nothing may be UNKNOWN.
	if fails < 50 || unknown != 0 {
		t.Errorf("%d FAIL and %d UNKNOWN results", fails, unknown)
	}

	var buf bytes.Buffer
	if err := old.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte(`"schema_version": "`+snapshot.SchemaVersion+`"`)) {
		t.Fatalf("converted snapshot is not at %s", snapshot.SchemaVersion)
	}
	again, err := snapshot.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	var buf2 bytes.Buffer
	if err := again.Write(&buf2); err != nil {
		t.Fatal(err)
	}
	third, _ := snapshot.Decode(&buf2)
	if !reflect.DeepEqual(again, third) {
		t.Error("the converted snapshot does not round-trip")
	}
	if got := scanVerdicts(t, again); !slices.Equal(got, verdicts) {
		t.Errorf("the converted snapshot scans differently: %d results, was %d", len(got), len(verdicts))
	}
}

// The 1.0 to 1.1 migration records the principals an input did not list,
// as schema 1 implied them; a 1.1 snapshot is taken as written.
func TestMigrationRecordsNotIn(t *testing.T) {
	const body = `"collected_at": "2024-05-01T00:00:00Z", "source": {"kind": "files"},
	"accounts": [{"id": "123456789012", "collected": ["authorization_details", "credential_report", "role_details"],
	  "users": [
	    {"name": "a", "arn": "arn:aws:iam::123456789012:user/a", "created_at": "2024-01-01T00:00:00Z", "password": {"enabled": false}},
	    {"name": "b", "arn": "arn:aws:iam::123456789012:user/b", "created_at": "2024-04-30T00:00:00Z"}],
	  "roles": [
	    {"name": "r1", "arn": "arn:aws:iam::123456789012:role/r1", "created_at": "2024-01-01T00:00:00Z", "max_session_duration": 3600},
	    {"name": "r2", "arn": "arn:aws:iam::123456789012:role/r2", "created_at": "2024-04-30T00:00:00Z"}]}]}`
	for _, v := range []string{"1", "1.0"} {
		s, err := snapshot.Decode(strings.NewReader(`{"schema_version": "` + v + `", ` + body))
		if err != nil {
			t.Fatal(err)
		}
		a := s.Accounts[0]
		if got := a.User("b").NotIn; !slices.Equal(got, []snapshot.Input{snapshot.InputCredentialReport}) {
			t.Errorf("%s: user b not_in = %v", v, got)
		}
		if got := a.User("a").NotIn; len(got) != 0 {
			t.Errorf("%s: user a not_in = %v", v, got)
		}
		if r := a.Role("r2"); r == nil || !slices.Equal(r.NotIn, []snapshot.Input{snapshot.InputRoleDetails}) {
			t.Errorf("%s: role r2 = %+v", v, r)
		}
		if r := a.Role("r1"); r == nil || len(r.NotIn) != 0 {
			t.Errorf("%s: role r1 = %+v", v, r)
		}
		// The scanner then answers UNKNOWN for b where the report decides.
		out, err := scan.Run(context.Background(), s, scan.Options{})
		if err != nil {
			t.Fatal(err)
		}
		sawB := false
		for _, r := range out.Results.Slice() {
			if r.ResourceARN == "arn:aws:iam::123456789012:user/b" && r.RuleID == "iam-user-console-without-mfa" {
				sawB = true
				if r.Status != finding.Unknown {
					t.Errorf("%s: %s on b is %s, want UNKNOWN", v, r.RuleID, r.Status)
				}
			}
		}
		if !sawB {
			t.Errorf("%s: no iam-user-console-without-mfa result for b", v)
		}
	}
	s, err := snapshot.Decode(strings.NewReader(`{"schema_version": "1.1", ` + body))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Accounts[0].User("b").NotIn; len(got) != 0 {
		t.Errorf("a 1.1 snapshot was migrated: not_in = %v", got)
	}
}

func TestDecodeVersions(t *testing.T) {
	// A newer minor version (a newer iamspect) is read; its new optional
	// fields, anywhere, are ignored.
	newer := `{"schema_version": "1.9", "collected_at": "2024-05-01T00:00:00Z", "source": {"kind": "live", "region_hint": "x"},
		"accounts": [{"id": "123456789012", "collected": ["credential_report"], "future": {"a": [1, 2]},
		  "users": [{"name": "a", "arn": "arn:aws:iam::123456789012:user/a", "created_at": "2024-01-01T00:00:00Z", "badge": 7}]}],
		"new_top_level": true}`
	s, err := snapshot.Decode(strings.NewReader(newer))
	if err != nil {
		t.Fatalf("newer minor: %v", err)
	}
	if s.SchemaVersion != snapshot.SchemaVersion || s.Accounts[0].User("a") == nil || s.Source.Kind != "live" {
		t.Errorf("newer minor read as %+v", s)
	}
	// ... but still as hostile input: types and account IDs are checked.
	for _, bad := range []string{
		`{"schema_version": "1.9", "accounts": "x"}`,
		`{"schema_version": "1.9", "accounts": [{"collected": []}]}`,
	} {
		if _, err := snapshot.Decode(strings.NewReader(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
	// This version and older ones stay strict: an unknown field there is a
	// mistake, not a newer writer.
	for _, v := range []string{"1", "1.0", snapshot.SchemaVersion} {
		_, err := snapshot.Decode(strings.NewReader(`{"schema_version": "` + v + `", "accounts": [], "surprise": 1}`))
		if err == nil || !strings.Contains(err.Error(), `unknown field "surprise"`) {
			t.Errorf("%s: err = %v", v, err)
		}
	}
	errs := map[string][]string{
		"2":     {`schema_version "2" is not supported`, "reads major version 1", "upgrade iamspect"},
		"2.3":   {`schema_version "2.3" is not supported`, "1.0 up to " + snapshot.SchemaVersion},
		"0":     {`schema_version "0" is not supported`, "collect it again"},
		"1.x":   {`"1.x" is not a version`, "MAJOR.MINOR"},
		"":      {`"" is not a version`},
		"1.1.1": {`"1.1.1" is not a version`},
	}
	for v, want := range errs {
		_, err := snapshot.Decode(strings.NewReader(`{"schema_version": "` + v + `", "accounts": []}`))
		for _, w := range want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%q: err = %v, want %q", v, err, w)
			}
		}
	}
}
