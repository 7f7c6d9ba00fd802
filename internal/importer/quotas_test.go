package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// realAuthz loads the fixture export of get-account-authorization-details
// as a generic JSON object, to be grown into inputs beyond AWS's quotas.
func realAuthz(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile("testdata/fixtures/authz-details.json")
	if err != nil {
		t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func writeJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "authz.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// grow repeats the first entry of a list n times with unique names.
func grow(t *testing.T, d map[string]any, list, nameKey string, n int) {
	t.Helper()
	e := d[list].([]any)[0].(map[string]any)
	name, arn := e[nameKey].(string), e["Arn"].(string)
	tmpl, _ := json.Marshal(e)
	var buf bytes.Buffer
	buf.WriteByte('[')
	for i := range n {
		if i > 0 {
			buf.WriteByte(',')
		}
		x := bytes.ReplaceAll(tmpl, []byte(`"`+arn+`"`), []byte(fmt.Sprintf(`"%s-%d"`, arn, i)))
		buf.Write(bytes.ReplaceAll(x, []byte(`"`+name+`"`), []byte(fmt.Sprintf(`"%s-%d"`, name, i))))
	}
	buf.WriteByte(']')
	d[list] = json.RawMessage(buf.Bytes())
}

var quotaNow = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// Inputs far beyond AWS's per-account quotas are refused up front, with a
// message naming the file and the quota.
func TestQuotasRefuseAuthz(t *testing.T) {
	d := realAuthz(t)
	// The real entry without its policies (the count is what matters).
	role := d["RoleDetailList"].([]any)[0].(map[string]any)
	role["RolePolicyList"], role["AttachedManagedPolicies"], role["InstanceProfileList"] = []any{}, []any{}, []any{}
	grow(t, d, "RoleDetailList", "RoleName", 61000)
	path := writeJSON(t, d)
	_, err := Import(Options{AuthzDetails: []string{path}, Now: quotaNow})
	want := path + ": 61,000 roles, more than ten times AWS's quota of 5,000 roles per account"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}

	// Within the quotas (with the margin): imported.
	d = realAuthz(t)
	grow(t, d, "UserDetailList", "UserName", 6000)
	s, err := Import(Options{AuthzDetails: []string{writeJSON(t, d)}, Now: quotaNow})
	if err != nil || len(s.Accounts[0].Users) != 6000 {
		t.Fatalf("6,000 users: %v", err)
	}
}

func TestQuotasRefuseDocuments(t *testing.T) {
	d := realAuthz(t)
	role := d["RoleDetailList"].([]any)[0].(map[string]any)
	var stmts []any
	for i := range 1000 {
		stmts = append(stmts, map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": fmt.Sprintf("arn:aws:iam::%012d:root", i)}, "Action": "sts:AssumeRole"})
	}
	role["AssumeRolePolicyDocument"] = map[string]any{"Version": "2012-10-17", "Statement": stmts}
	path := writeJSON(t, d)
	_, err := Import(Options{AuthzDetails: []string{path}, Now: quotaNow})
	if err == nil || !strings.Contains(err.Error(), "AssumeRolePolicyDocument: ") ||
		!strings.HasSuffix(err.Error(), "characters, more than ten times AWS's quota of 4,096 characters in a role trust policy") {
		t.Fatalf("got %v", err)
	}
}

func TestQuotasRefuseCredentialReport(t *testing.T) {
	b, err := os.ReadFile("testdata/fixtures/credential-report.json")
	if err != nil {
		t.Fatal(err)
	}
	var env map[string]any
	if err := json.Unmarshal(b, &env); err != nil {
		t.Fatal(err)
	}
	csvText := env["Content"].(string)
	lines := strings.Split(strings.TrimSpace(csvText), "\n")
	var buf bytes.Buffer
	buf.WriteString(lines[0] + "\n" + lines[1] + "\n") // header and root
	row := lines[2]
	name := strings.Split(row, ",")[0]
	for i := range 60000 {
		buf.WriteString(strings.Replace(row, name, fmt.Sprintf("%s%d", name, i), 2) + "\n")
	}
	env["Content"] = buf.String()
	path := writeJSON(t, env)
	_, err = Import(Options{CredentialReport: path, Now: quotaNow})
	want := path + ": in the report in Content: 60,001 rows, one per user: 60,000 users, more than ten times AWS's quota of 5,000 users per account"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
}

// A file over the size limit is refused from its size alone, before it is
// read (a sparse file: reading it would take seconds and gigabytes).
func TestQuotasFileSizeCheckedBeforeReading(t *testing.T) {
	path := filepath.Join(t.TempDir(), "authz.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(DefaultMaxFileSize + 1<<20); err != nil {
		t.Skip("no sparse files here")
	}
	f.Close()
	start := time.Now()
	_, err = Import(Options{AuthzDetails: []string{path}, Now: quotaNow})
	if err == nil || !strings.Contains(err.Error(), "file is 513 MiB, larger than the limit for one input (512 MiB)") {
		t.Fatalf("got %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("refusing took %s", d)
	}
}
