package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/sandbox"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// awsCLIPath finds the AWS CLI on PATH (.ci/run installs it) or skips.
func awsCLIPath(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("aws")
	if err != nil {
		t.Skipf("AWS CLI not found on PATH (%v): skipping %s; install it with apt-get install awscli", err, t.Name())
	}
	return path
}

// exportServed is the demo's management account alone, in an organisation
// without member accounts: what one account's export can scan completely
// (a member account left unscanned makes the organisation rules UNKNOWN).
func exportServed() *snapshot.Snapshot {
	s := demo.Snapshot()
	s.Accounts = []*snapshot.Account{s.Account(demo.AccountID)}
	s.Organization.Accounts = slices.DeleteFunc(s.Organization.Accounts, func(a snapshot.OrgAccount) bool { return a.ID != demo.AccountID })
	return s
}

// runExport runs the script of 'iamspect export-commands' with sh in a new
// folder, with the environment 'iamspect sandbox' prints for url, and
// returns the folder, the script's error output and its error.
func runExport(t *testing.T, url string, extraEnv ...string) (string, string, error) {
	t.Helper()
	code, script, stderr := runCLI(t, "export-commands")
	if code != ExitOK {
		t.Fatalf("export-commands: exit %d: %s", code, stderr)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "export.sh"), []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "iam-export")
	if err := os.Mkdir(out, 0o700); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "../export.sh")
	cmd.Dir = out
	// The user's environment after 'iamspect sandbox': its export lines,
	// no AWS configuration, PATH as found (a pip or pyenv AWS CLI needs it).
	cmd.Env = append(sandbox.Env(url), "PATH="+os.Getenv("PATH"), "HOME="+t.TempDir(),
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_MAX_ATTEMPTS=1")
	cmd.Env = append(cmd.Env, extraEnv...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	err := cmd.Run()
	return out, errb.String(), err
}

// resultKeys keys a JSON report's results by rule, account and resource,
// with the status and message.
func resultKeys(t *testing.T, reportJSON string) map[string]string {
	t.Helper()
	r := decodeReport(t, reportJSON)
	m := map[string]string{}
	for _, res := range r.Results.Slice() {
		m[res.RuleID+" "+res.AccountID+" "+res.ResourceARN] = string(res.Status) + ": " + res.Message
	}
	return m
}

// The first ten minutes of an offline audit, scripted: the sandbox serves
// an account, the export script runs with the real AWS CLI against it, and
// 'scan --from' on its folder is a complete scan with the same results as
// scanning the served snapshot itself.
func TestExportScriptScansLikeTheServedSnapshot(t *testing.T) {
	awsCLIPath(t)
	if testing.Short() {
		t.Skip("slow: the export script starts the AWS CLI about 80 times")
	}
	t.Parallel()
	served := exportServed()
	srv, err := sandbox.New(served, sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)

	dir, stderr, err := runExport(t, ts.URL)
	if err != nil {
		t.Fatalf("export script: %v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "iamspect export: done") {
		t.Errorf("the script did not say it was done: %s", stderr)
	}
	// An AWS CLI older than an API (Debian's 2.9 lacks iam
	// list-organizations-features and account list-regions) skips its call
	// with a note; the scan is then complete but for those inputs, which the
	// served snapshot is compared without.
	skipped := skippedInputs(t, stderr)
	if len(skipped) > 0 {
		t.Logf("this AWS CLI lacks calls for %v: the export and the served snapshot are compared without them (update the AWS CLI for a complete export)", skipped)
	}
	code, got, scanErr := runCLI(t, "scan", "--from", dir, "--format", "json")
	if code != ExitOK && code != ExitFindings && (code != ExitIncomplete || len(skipped) == 0) {
		t.Fatalf("scan --from the export: exit %d (want a complete scan, 0 or 1): %s", code, scanErr)
	}
	if strings.Contains(scanErr, "ignored files") {
		t.Errorf("the export wrote files scan --from does not read: %s", scanErr)
	}
	r := decodeReport(t, got)
	if len(r.Gaps) > 0 {
		t.Errorf("gaps: %+v", r.Gaps)
	}

	// The served snapshot, less the access key IDs: the credential report
	// names keys by slot, and no read-only call lists them all (the live
	// collector reads them only with --credential-ids).
	for _, u := range served.Accounts[0].Users {
		for i := range u.AccessKeys {
			u.AccessKeys[i].ID = ""
		}
	}
	for _, in := range skipped {
		withoutInput(served.Accounts[0], in)
	}
	snapFile := filepath.Join(t.TempDir(), "served.json")
	data, err := json.Marshal(served)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(snapFile, data, 0o600); err != nil {
		t.Fatal(err)
	}
	code, want, scanErr := runCLI(t, "scan", "--snapshot", snapFile, "--format", "json")
	if code != ExitOK && code != ExitFindings && (code != ExitIncomplete || len(skipped) == 0) {
		t.Fatalf("scan of the served snapshot: exit %d: %s", code, scanErr)
	}
	g, w := resultKeys(t, got), resultKeys(t, want)
	for k, v := range w {
		if g[k] != v {
			t.Errorf("%s:\n from the export:   %s\n from the snapshot: %s", k, g[k], v)
		}
	}
	for k, v := range g {
		if _, ok := w[k]; !ok {
			t.Errorf("%s: only from the export: %s", k, v)
		}
	}
	if len(w) < 200 {
		t.Errorf("only %d results compared", len(w))
	}
}

// skippedInputs returns the inputs whose calls the script skipped because
// the AWS CLI does not know them ("skipped 'aws iam
// list-organizations-features'"), from the registry's export commands.
func skippedInputs(t *testing.T, stderr string) []snapshot.Input {
	t.Helper()
	var out []snapshot.Input
	for _, line := range strings.Split(stderr, "\n") {
		_, call, ok := strings.Cut(line, "skipped 'aws ")
		if !ok {
			continue
		}
		call, _, _ = strings.Cut(call, "'")
		found := false
		for _, spec := range snapshot.Specs() {
			for _, c := range spec.Export {
				if !strings.Contains(c.Command, call) {
					continue
				}
				found = true
				if !slices.Contains(out, spec.Input) {
					out = append(out, spec.Input)
				}
			}
		}
		if !found {
			t.Errorf("the script skipped %q, which no input's export calls", call)
		}
	}
	return out
}

// withoutInput removes an input the export could not read from an account.
func withoutInput(a *snapshot.Account, in snapshot.Input) {
	a.Collected = slices.DeleteFunc(a.Collected, func(c snapshot.Input) bool { return c == in })
	switch in {
	case snapshot.InputOrganizationsFeatures:
		a.OrganizationsFeatures = nil
	case snapshot.InputAccessAnalyzer:
		a.AccessAnalyzers, a.Regions = nil, nil
	}
}

// The script stops at the first failing call, naming it and AWS's error,
// and leaves no file for it.
func TestExportScriptStopsAtTheFirstError(t *testing.T) {
	awsCLIPath(t)
	if testing.Short() {
		t.Skip("slow: starts the AWS CLI several times")
	}
	t.Parallel()
	srv, err := sandbox.New(exportServed(), sandbox.Options{Deny: []string{"iam:GetAccountAuthorizationDetails"}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	dir, stderr, err := runExport(t, ts.URL)
	if err == nil {
		t.Fatalf("the script succeeded with authorization details denied:\n%s", stderr)
	}
	if !strings.Contains(stderr, "iamspect export: aws iam get-account-authorization-details failed:") || !strings.Contains(stderr, "AccessDenied") {
		t.Errorf("the message does not name the call and the error:\n%s", stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "authz-details.json")); err == nil {
		t.Error("the failed call left authz-details.json behind")
	}
	if strings.Contains(stderr, "done") {
		t.Errorf("the script went on after the error:\n%s", stderr)
	}
}

// stubAWS writes an `aws` that logs each call's arguments and environment
// and answers like an empty account: {} for JSON, nothing for queries, a
// COMPLETE credential report, and USERS for the user-name query.
func stubAWS(t *testing.T, users string) (binDir, logFile string) {
	t.Helper()
	binDir = t.TempDir()
	logFile = filepath.Join(t.TempDir(), "calls.log")
	stub := `#!/bin/sh
printf '%s|pager=%s|region=%s\n' "$*" "${AWS_PAGER-unset}" "${AWS_DEFAULT_REGION:-}" >>"` + logFile + `"
case "$*" in
*generate-credential-report*) echo COMPLETE ;;
*"--filter User"*) echo "` + users + `" ;;
*"--output text"*) ;;
*) echo '{}' ;;
esac
`
	if err := os.WriteFile(filepath.Join(binDir, "aws"), []byte(stub), 0o700); err != nil {
		t.Fatal(err)
	}
	return binDir, logFile
}

// runStubbed runs the export script with shell sh and the stub AWS CLI.
func runStubbed(t *testing.T, sh, users string, env ...string) (calls []string, stderr string, err error) {
	t.Helper()
	bin, log := stubAWS(t, users)
	_, script, _ := runCLI(t, "export-commands")
	dir := t.TempDir()
	cmd := exec.Command(sh, "-c", script)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH")}, env...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	err = cmd.Run()
	data, _ := os.ReadFile(log)
	return strings.Split(strings.TrimSpace(string(data)), "\n"), errb.String(), err
}

// Every AWS CLI call of the script goes to AWS_ENDPOINT_URL with
// --endpoint-url (CLI versions before 2.13 ignore the variable), with no
// pager and the region where CLI v1 reads it, in every POSIX shell found;
// without the variable, no call names an endpoint.
func TestExportScriptCallsTheEndpoint(t *testing.T) {
	shells := []string{"sh"}
	for _, s := range []string{"dash", "bash"} {
		if _, err := exec.LookPath(s); err == nil {
			shells = append(shells, s)
		}
	}
	for _, sh := range shells {
		calls, stderr, err := runStubbed(t, sh, "alice\tbob", "AWS_ENDPOINT_URL=http://127.0.0.1:4566", "AWS_REGION=eu-west-3")
		if err != nil {
			t.Fatalf("%s: %v\n%s", sh, err, stderr)
		}
		if len(calls) < 20 {
			t.Fatalf("%s: only %d calls: %v", sh, len(calls), calls)
		}
		var users int
		for _, c := range calls {
			if !strings.HasPrefix(c, "--endpoint-url http://127.0.0.1:4566 ") || !strings.HasSuffix(c, "|pager=|region=eu-west-3") {
				t.Errorf("%s: call %q", sh, c)
			}
			if strings.Contains(c, "--no-cli-pager") || strings.Contains(c, "--cli-") {
				t.Errorf("%s: a flag AWS CLI v1 lacks: %q", sh, c)
			}
			if strings.Contains(c, "list-ssh-public-keys --user-name") || strings.Contains(c, "list-service-specific-credentials --user-name") {
				users++
			}
		}
		if users != 4 {
			t.Errorf("%s: %d per-user calls for two users, want 4", sh, users)
		}
	}
	calls, stderr, err := runStubbed(t, "sh", "")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	for _, c := range calls {
		if strings.Contains(c, "--endpoint-url") {
			t.Errorf("without AWS_ENDPOINT_URL: %q", c)
		}
	}
}

// Names from AWS answers become file names only when they are plain names.
func TestExportScriptRefusesPathsFromAnswers(t *testing.T) {
	_, stderr, err := runStubbed(t, "sh", "../../etc/evil")
	if err == nil || !strings.Contains(stderr, "refusing to write a file named 'service-specific-credentials-../../etc/evil.json'") {
		t.Fatalf("err %v, stderr:\n%s", err, stderr)
	}
}
