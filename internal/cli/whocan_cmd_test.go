package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
)

func TestWhoCan(t *testing.T) {
	code, out, errOut := runCLI(t, "who-can", "iam:PassRole", "--demo")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"who can iam:PassRole on some resource", "build-runner", `only if StringEquals iam:PassedToService "lambda.amazonaws.com"`, "carol.ops              user (admin)"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}

	code, out, errOut = runCLI(t, "who-can", "sts:AssumeRole", "--resource", "arn:aws:iam::123456789012:role/public-share",
		"--authz-details", authzFile, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Account    string `json:"account_id"`
		Principals []struct {
			Name       string   `json:"name"`
			Statements []string `json:"statements"`
		} `json:"principals"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// public-share trusts "*": every other user and role of the account can
	// assume it through its trust policy; ops-admin also through its
	// administrator policy.
	if got.Account != "123456789012" || len(got.Principals) != 7 {
		t.Errorf("got %+v", got)
	}
	for _, p := range got.Principals {
		if p.Name == "public-share" || !slices.Contains(p.Statements, "trust policy of public-share Statement[0]") {
			t.Errorf("%s: %v", p.Name, p.Statements)
		}
		if p.Name == "ops-admin" && !slices.Contains(p.Statements, `policy "AdministratorAccess" (group admins) Statement[0]`) {
			t.Errorf("ops-admin: %v", p.Statements)
		}
	}
	// iam:PassRole on web-server: ci-bot through its ci-deploy policy (the
	// default version v3, not v2), and the administrator.
	code, out, errOut = runCLI(t, "who-can", "iam:PassRole", "--resource", "arn:aws:iam::123456789012:role/web-server",
		"--authz-details", authzFile, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	got.Principals = nil
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var names []string
	for _, p := range got.Principals {
		names = append(names, p.Name)
	}
	if strings.Join(names, " ") != "ci-bot ops-admin" {
		t.Errorf("who can pass web-server: %v", names)
	}
}

func TestExplain(t *testing.T) {
	code, out, errOut := runCLI(t, "explain", "arn:aws:iam::111122223333:role/build-runner", "--demo")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"Role build-runner", "managed: build-runner-policy", "lambda-001  Pass a role to a new Lambda function, then invoke it -> role report-builder-lambda  [to administrator]",
		"role/build-runner -[iam-001]-> administrator", "lambda                 0 permissions-management,   3 write"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain lacks %q:\n%s", want, out)
		}
	}
	code, out, errOut = runCLI(t, "explain", "report-builder-lambda", "--demo", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var e struct {
		Admin       bool `json:"admin"`
		BecomableBy []struct {
			Name, Via string
		} `json:"becomable_by"`
	}
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !e.Admin || len(e.BecomableBy) == 0 || e.BecomableBy[0].Name != "build-runner" || e.BecomableBy[0].Via != "lambda-001" {
		t.Errorf("report-builder-lambda: %+v", e)
	}
}

// Each usage error exits 2 with one line that says what was wrong (an exit
// code alone would also pass when the command failed for another reason).
func TestAccessCommandErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"explain", "nobody", "--demo"}, "nobody"},
		{[]string{"explain", "--demo"}, "takes one principal"},
		{[]string{"who-can", "--demo"}, "takes one ACTION"},
		{[]string{"who-can", "PassRole", "--demo"}, "PassRole"},
		{[]string{"who-can", "iam:PassRole", "--demo", "--format", "xml"}, "xml"},
		{[]string{"who-can", "iam:PassRole", "--demo", "--authz-details", authzFile}, "--demo"},
		{[]string{"who-can", "iam:PassRole"}, "--"},
		{[]string{"explain", "alice", "--demo", "--account", "999999999999"}, "999999999999"},
	} {
		code, out, errOut := runCLI(t, c.args...)
		if code != ExitUsage {
			t.Errorf("%v: exit %d, want %d", c.args, code, ExitUsage)
		}
		if out != "" || !strings.HasPrefix(errOut, "iamspect: ") || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: stdout %q, stderr %q; want one error line naming %q", c.args, out, errOut, c.want)
		}
	}
}

// Issue 9 item 15: the demo's vendor-monitoring role trusts only account
// 444455556666; nobody of the demo account can assume it, administrators
// included, and explain agrees. A misspelt action or a wildcard matching
// several actions is refused with the names it could mean.
func TestWhoCanAssumeHonoursTrustAndRefusesUnknownActions(t *testing.T) {
	const vendor = "arn:aws:iam::111122223333:role/vendor-monitoring"
	code, out, errOut := runCLI(t, "who-can", "sts:AssumeRole", "--resource", vendor, "--demo")
	if code != 0 || !strings.Contains(out, "No user or role is allowed.") {
		t.Errorf("exit %d: %s%s", code, out, errOut)
	}
	_, out, _ = runCLI(t, "explain", vendor, "--demo", "--format", "json")
	var e struct {
		BecomableBy []struct{ Name, Via string } `json:"becomable_by"`
	}
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatal(err)
	}
	for _, b := range e.BecomableBy {
		if b.Via == "sts:AssumeRole" {
			t.Errorf("explain: %s can assume vendor-monitoring", b.Name)
		}
	}
	code, _, errOut = runCLI(t, "who-can", "iam:PassRol", "--demo")
	if code != 2 || !strings.Contains(errOut, "did you mean iam:PassRole?") {
		t.Errorf("iam:PassRol: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI(t, "who-can", "iam:Put*", "--demo")
	if code != 2 || !strings.Contains(errOut, `"iam:Put*" matches 6 actions`) {
		t.Errorf("iam:Put*: exit %d, stderr %q", code, errOut)
	}
	code, out, errOut = runCLI(t, "who-can", "iam:Pass*", "--demo")
	if code != 0 || !strings.Contains(errOut, "iam:Pass* matches one action: iam:PassRole") || !strings.Contains(out, "build-runner") {
		t.Errorf("iam:Pass*: exit %d\n%s%s", code, out, errOut)
	}
}

// Issue 9 item 11 through the CLI: explain shows the group hop to
// administrator and the method its membership enables.
func TestExplainGroupHop(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	b := snapshot.NewBuilder("123456789012", now)
	b.User("alice", now.AddDate(0, -1, 0)).User.InlinePolicies = []snapshot.InlinePolicy{{Name: "join",
		Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:AddUserToGroup","Resource":"arn:aws:iam::123456789012:group/iam-managers"}]}`)}}
	b.Account().Groups = append(b.Account().Groups, &snapshot.Group{Name: "iam-managers", ARN: "arn:aws:iam::123456789012:group/iam-managers", Path: "/",
		InlinePolicies: []snapshot.InlinePolicy{{Name: "iam-all", Document: snapshot.RawJSON(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`)}}})
	path := filepath.Join(t.TempDir(), "snapshot.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Build().Write(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	code, out, errOut := runCLI(t, "explain", "arn:aws:iam::123456789012:user/alice", "--snapshot", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"iam-013  Join a more privileged group -> group iam-managers  [to administrator, then iam-007]",
		"user/alice -[iam-013]-> group/iam-managers -[iam-007]-> administrator",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("explain lacks %q:\n%s", want, out)
		}
	}
}
