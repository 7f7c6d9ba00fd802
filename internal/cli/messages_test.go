package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/sandbox"
	"github.com/iamspect/iamspect/internal/version"
)

// 'version' and '--version' print the same line: the version and what the
// build recorded (VCS revision, Go version).
func TestVersion(t *testing.T) {
	want := version.Get().Line() + "\n"
	for _, args := range [][]string{{"version"}, {"--version"}} {
		code, out, errOut := runCLI(t, args...)
		if code != ExitOK || out != want || errOut != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want %q", args, code, out, errOut, want)
		}
	}
	if !strings.HasPrefix(want, "iamspect ") || !strings.Contains(want, "go1.") {
		t.Errorf("version line %q lacks the version or the Go version", want)
	}
}

// A misspelt command is one line on stderr, exit 2, with cobra's
// suggestion and no usage dump.
func TestUnknownCommand(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"scna"}, `iamspect: unknown command "scna" (did you mean "scan"?); see 'iamspect --help'` + "\n"},
		{[]string{"fix", "plna"}, `iamspect: unknown command "plna" for "iamspect fix" (did you mean "plan"?); see 'iamspect fix --help'` + "\n"},
		{[]string{"migrate", "github"}, `iamspect: unknown command "github" for "iamspect migrate" (did you mean "github-oidc"?); see 'iamspect migrate --help'` + "\n"},
		{[]string{"frobnicate"}, `iamspect: unknown command "frobnicate"; see 'iamspect --help'` + "\n"},
	} {
		code, out, errOut := runCLI(t, tc.args...)
		if code != ExitUsage || out != "" || errOut != tc.want {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", tc.args, code, out, errOut, tc.want)
		}
	}
	if code, out, _ := runCLI(t); code != ExitOK || !strings.Contains(out, "Available Commands:") {
		t.Errorf("no arguments: exit %d, want the help", code)
	}
}

// Lists of formats read as prose, in help and in errors.
func TestFormatListsReadAsProse(t *testing.T) {
	code, _, errOut := runCLI(t, "demo", "-f", "yaml")
	want := `iamspect: --format: unknown format "yaml": want table, json, sarif, ocsf, asff, junit, csv, markdown or html` + "\n"
	if code != ExitUsage || errOut != want {
		t.Errorf("exit %d, stderr %q; want %q", code, errOut, want)
	}
	_, out, _ := runCLI(t, "scan", "--help")
	if !strings.Contains(out, "report FORMAT: table, json, sarif, ocsf, asff, junit, csv, markdown or html") {
		t.Errorf("scan --help does not list the formats as prose:\n%s", out)
	}
	code, _, errOut = runCLI(t, "migrate", "identity-center", "--demo", "-f", "pdf")
	if code != ExitUsage || !strings.Contains(errOut, `--format "pdf": want json, sh, markdown or terraform`) {
		t.Errorf("migrate: exit %d, stderr %q", code, errOut)
	}
}

// A suppression naming no rule is refused with --rules' suggestion, and
// "*" needs all: true.
func TestSuppressionRulesChecked(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	typo := write("typo.yaml", "suppressions:\n  - rule: root-acess-keys\n    reason: accepted\n")
	code, _, errOut := runCLI(t, "scan", "--snapshot", demoSnapshotFile(), "--suppressions", typo)
	want := `unknown rule "root-acess-keys" (did you mean "root-access-keys"? see 'iamspect rules')`
	if code != ExitUsage || !strings.Contains(errOut, typo+": line 2: "+want) {
		t.Errorf("exit %d, stderr %q; want %q", code, errOut, want)
	}
	// The same words as --rules.
	if _, _, rulesErr := runCLI(t, "scan", "--snapshot", demoSnapshotFile(), "--rules", "root-acess-keys"); !strings.Contains(rulesErr, want) {
		t.Errorf("--rules says %q", rulesErr)
	}
	all := write("all.yaml", "suppressions:\n  - rule: \"*\"\n    reason: lab account\n")
	code, _, errOut = runCLI(t, "scan", "--snapshot", demoSnapshotFile(), "--suppressions", all)
	if code != ExitUsage || !strings.Contains(errOut, `line 2: rule "*" matches every rule, so the entry would mute the whole catalogue: add all: true to the entry if that is meant`) {
		t.Errorf("*: exit %d, stderr %q", code, errOut)
	}
	ack := write("ack.yaml", "suppressions:\n  - rule: \"*\"\n    all: true\n    reason: lab account\n")
	code, out, errOut := runCLI(t, "scan", "--snapshot", demoSnapshotFile(), "--suppressions", ack, "-f", "json")
	if code != ExitIncomplete && code != ExitOK {
		t.Fatalf("all: true: exit %d\n%s", code, errOut)
	}
	for _, res := range decodeReport(t, out).Results.Slice() {
		if res.Status == "FAIL" {
			t.Fatalf("all: true left %s failing", res.RuleID)
		}
	}
}

// explain NAME looks in every account of the snapshot; a name in several
// needs --account.
func TestExplainSearchesEveryAccount(t *testing.T) {
	code, out, errOut := runCLI(t, "explain", "sandbox-admin", "--demo")
	if code != ExitOK || !strings.HasPrefix(out, "User sandbox-admin\n  arn:aws:iam::222233334444:user/sandbox-admin\n") {
		t.Errorf("second account's user: exit %d\n%s%s", code, out, errOut)
	}
	snap := filepath.Join(t.TempDir(), "org.json")
	f, err := os.Create(snap)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Organization(3).Write(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	code, _, errOut = runCLI(t, "explain", "OrganizationAccountAccessRole", "--snapshot", snap)
	want := `iamspect: "OrganizationAccountAccessRole" names a user, group or role in 2 accounts (222233334444 and 300000015838): give --account ID, or the principal's ARN` + "\n"
	if code != ExitUsage || errOut != want {
		t.Errorf("ambiguous: exit %d, stderr %q; want %q", code, errOut, want)
	}
	code, out, _ = runCLI(t, "explain", "OrganizationAccountAccessRole", "--snapshot", snap, "--account", "300000015838")
	if code != ExitOK || !strings.Contains(out, "arn:aws:iam::300000015838:role/OrganizationAccountAccessRole") {
		t.Errorf("--account: exit %d\n%s", code, out)
	}
	code, _, errOut = runCLI(t, "explain", "nobody", "--snapshot", snap)
	if code != ExitUsage || errOut != `iamspect: no user, group or role "nobody" in any of the 3 accounts of the snapshot`+"\n" {
		t.Errorf("absent: exit %d, stderr %q", code, errOut)
	}
}

// Live flag mistakes are usage errors that say what exists.
func TestLiveUsageErrors(t *testing.T) {
	useSandbox(t, sandbox.Options{})
	code, _, errOut := runCLI(t, "scan", "--org", "--accounts", "999999999999", "--regions", "us-east-1")
	want := "iamspect: --accounts 999999999999 is not a member of the organisation; its 2 accounts: 111122223333 and 222233334444\n"
	if code != ExitUsage || !strings.HasSuffix(errOut, want) {
		t.Errorf("--accounts: exit %d, stderr %q; want %q", code, errOut, want)
	}
	code, _, errOut = runCLI(t, "scan", "--org", "--regions", "us-east-1,eu-wset-1")
	want = `iamspect: --regions: region "eu-wset-1" does not exist (did you mean eu-west-1, eu-west-2 or eu-west-3?)` + "\n"
	if code != ExitUsage || errOut != want {
		t.Errorf("--regions: exit %d, stderr %q; want %q", code, errOut, want)
	}
}

// A refused --role-arn says that AssumeRole was refused, with AWS's code,
// not that there are no credentials.
func TestRefusedAssumeRole(t *testing.T) {
	useSandbox(t, sandbox.Options{})
	role := "arn:aws:iam::999999999999:role/iamspect-audit"
	code, _, errOut := runCLI(t, "scan", "--role-arn", role, "--regions", "us-east-1")
	want := "iamspect: sts:AssumeRole of " + role + " was refused (AccessDenied: User: arn:aws:iam::" + demo.AccountID +
		":user/iamspect-sandbox is not authorized to perform: sts:AssumeRole on resource: " + role +
		"); check that the role's trust policy admits the caller (and --external-id, if it requires one)\n"
	if code != ExitUsage || errOut != want || strings.Contains(errOut, "no usable") {
		t.Errorf("exit %d, stderr:\n%s\nwant:\n%s", code, errOut, want)
	}
}

// A bad snapshot names the line and field in plain words.
func TestSnapshotErrorThroughCLI(t *testing.T) {
	b, err := os.ReadFile(demoSnapshotFile())
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(strings.Replace(string(b), `"created_at": "`, `"created_at": 42, "x": "`, 1)), 0o600)
	code, _, errOut := runCLI(t, "scan", "--snapshot", bad)
	if code != ExitUsage || !strings.Contains(errOut, bad+`: line `) ||
		!strings.Contains(errOut, `: field "accounts[0].root.created_at": want a date-time like 2024-01-02T15:04:05Z, got 42`) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}
