package cli

import (
	"encoding/json"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/testutil/awsenv"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/sandbox"
)

// TestMain keeps the machine's AWS settings out of every test of the
// package: with no file input, scan and collect read from AWS, and a test
// must never reach real AWS (nor the instance metadata service). Unless a
// test points AWS_ENDPOINT_URL at a loopback sandbox, calls go to a closed
// loopback port and no credentials are found.
func TestMain(m *testing.M) {
	if args := os.Getenv(scaleChildEnv); args != "" {
		os.Exit(runScaleChild(args)) // a scan measured by TestScaleOrgScan
	}
	cleanup := awsenv.Isolate()
	code := m.Run()
	cleanup()
	os.Exit(code)
}

// useSandbox serves the demo and points the SDK's environment at it, as
// 'iamspect sandbox' tells users to.
func useSandbox(t *testing.T, opts sandbox.Options) *sandbox.Server {
	t.Helper()
	srv, err := sandbox.New(demo.Snapshot(), opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	for _, kv := range sandbox.Env(ts.URL) {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	return srv
}

func decodeReport(t *testing.T, s string) *report.Report {
	t.Helper()
	var r report.Report
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, s)
	}
	return &r
}

// A denied credential report makes the credential rules UNKNOWN, naming the
// missing permission, and the scan exits 3.
func TestLiveScanDeniedCredentialReport(t *testing.T) {
	useSandbox(t, sandbox.Options{Deny: []string{"iam:GenerateCredentialReport"}})
	code, out, errOut := runCLI(t, "scan", "--org", "--format", "json", "--regions", "us-east-1,eu-west-1")
	if code != ExitIncomplete {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, ExitIncomplete, errOut)
	}
	if !strings.Contains(errOut, "iamspect: collecting the organisation of account "+demo.AccountID+" as arn:aws:iam::") {
		t.Errorf("stderr does not show the caller:\n%s", errOut)
	}
	r := decodeReport(t, out)
	found := false
	for _, res := range r.Results.Slice() {
		if res.RuleID == "root-access-keys" && res.AccountID == demo.AccountID {
			found = true
			if res.Status != rules.Unknown || !strings.Contains(res.Message, "iam:GenerateCredentialReport") {
				t.Errorf("root-access-keys: %s %q, want UNKNOWN naming iam:GenerateCredentialReport", res.Status, res.Message)
			}
		}
	}
	if !found {
		t.Fatal("no root-access-keys result")
	}
}

// collect -o writes a snapshot whose scan equals the live scan; --verbose
// prints the API calls.
func TestCollectThenScanSnapshot(t *testing.T) {
	srv := useSandbox(t, sandbox.Options{})
	dir := t.TempDir()
	snap := filepath.Join(dir, "snapshot.json")
	code, _, errOut := runCLI(t, "collect", "--org", "--regions", "us-east-1,eu-west-1", "-o", snap, "--verbose")
	if code != ExitOK {
		t.Fatalf("collect exit %d; stderr:\n%s", code, errOut)
	}
	for _, want := range []string{"AWS API calls:", "iam:GetAccountAuthorizationDetails", "sts:AssumeRole", "wrote " + snap} {
		if !strings.Contains(errOut, want) {
			t.Errorf("collect stderr lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, sandbox.DummySecretAccessKey) {
		t.Error("stderr shows the secret access key")
	}
	if fi, err := os.Stat(snap); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("snapshot file: %v, mode %v; want 0600", err, fi.Mode())
	}
	liveCode, live, liveErr := runCLI(t, "scan", "--org", "--regions", "us-east-1,eu-west-1", "--format", "json")
	fileCode, file, _ := runCLI(t, "scan", "--snapshot", snap, "--format", "json")
	if liveCode != fileCode {
		t.Fatalf("exit codes differ: live %d, snapshot %d; live stderr:\n%s", liveCode, fileCode, liveErr)
	}
	lr, fr := decodeReport(t, live), decodeReport(t, file)
	lj, _ := json.Marshal(lr.Results)
	fj, _ := json.Marshal(fr.Results)
	if string(lj) != string(fj) || lr.Results.Len() == 0 {
		t.Fatalf("live and snapshot scans differ (%d vs %d results)", lr.Results.Len(), fr.Results.Len())
	}
	if len(lr.Accounts) != 2 {
		t.Errorf("accounts = %d, want the demo's 2", len(lr.Accounts))
	}
	if srv.Stats()["iam:GetAccountAuthorizationDetails"] == 0 {
		t.Error("the sandbox saw no calls")
	}
}

func TestLiveFlagErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"live flag with snapshot", []string{"scan", "--snapshot", "x.json", "--profile", "audit"}, "--profile only apply"},
		{"accounts without org", []string{"scan", "--accounts", "123456789012"}, "need --org"},
		{"bad account id", []string{"scan", "--org", "--accounts", "12345"}, "want 12 digits"},
		{"bad parallel", []string{"collect", "--parallel", "0"}, "--parallel 0"},
		{"bad role arn", []string{"collect", "--role-arn", "audit"}, "--role-arn"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, c.args...)
			if code != ExitUsage || !strings.Contains(errOut, c.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errOut, ExitUsage, c.want)
			}
		})
	}
}

// Without credentials, a live scan stops at once with exit 2 and says how
// to provide them.
func TestLiveScanWithoutCredentials(t *testing.T) {
	code, _, errOut := runCLI(t, "scan")
	if code != ExitUsage || !strings.Contains(errOut, "credentials") {
		t.Fatalf("exit %d, stderr %q; want 2 and a word about credentials", code, errOut)
	}
}

// collect converts AWS CLI files too.
func TestCollectFromFiles(t *testing.T) {
	snap := filepath.Join(t.TempDir(), "s.json")
	code, _, errOut := runCLI(t, "collect", "--authz-details", authzFile, "--credential-report", reportFile, "-o", snap)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// The snapshot must scan exactly like the files: same exit code, same
	// results (an exit code alone would match for very different reports).
	wantCode, wantOut, _ := runCLI(t, "scan", "--authz-details", authzFile, "--credential-report", reportFile, "--format", "json")
	gotCode, gotOut, _ := runCLI(t, "scan", "--snapshot", snap, "--format", "json")
	if wantCode != gotCode {
		t.Errorf("scan exit codes differ: files %d, snapshot %d", wantCode, gotCode)
	}
	results := func(out string) string {
		var rep struct {
			Results json.RawMessage `json:"results"`
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("%v\n%.500s", err, out)
		}
		return string(rep.Results)
	}
	want, got := results(wantOut), results(gotOut)
	if len(want) < 1000 || !strings.Contains(want, `"resource_name": "ci-bot"`) {
		t.Fatalf("the file scan found too little:\n%.1000s", want)
	}
	if want != got {
		t.Errorf("results from the snapshot differ from those of the files")
	}
}

// scan --org when the organisation cannot be listed: the organisation
// rules are UNKNOWN, the report has the gap with its AWS error code, stderr
// says so, and the exit code is 3 (issue 9, item 7).
func TestLiveScanOrgListingDenied(t *testing.T) {
	useSandbox(t, sandbox.Options{Deny: []string{"organizations:ListAccounts"}})
	code, out, errOut := runCLI(t, "scan", "--org", "--format", "json", "--regions", "us-east-1")
	if code != ExitIncomplete {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, ExitIncomplete, errOut)
	}
	if !strings.Contains(errOut, "cannot list the organisation's accounts (organizations:ListAccounts: AccessDeniedException") {
		t.Errorf("stderr does not say the organisation could not be listed:\n%s", errOut)
	}
	r := decodeReport(t, out)
	gapFound := false
	for _, g := range r.Gaps {
		if g.Input == "organization" && g.API == "organizations:ListAccounts" && g.ErrorCode == "AccessDeniedException" {
			gapFound = true
		}
	}
	if !gapFound {
		t.Errorf("report gaps lack the organisation listing: %+v", r.Gaps)
	}
	seen := map[string]bool{}
	for _, res := range r.Results.Slice() {
		switch res.RuleID {
		case "org-iam-users-in-member-accounts", "org-no-iam-user-guardrail", "org-root-credentials-not-centralized":
			seen[res.RuleID] = true
			if res.Status != rules.Unknown {
				t.Errorf("%s: %s %q, want UNKNOWN", res.RuleID, res.Status, res.Message)
			}
		}
	}
	if len(seen) != 3 {
		t.Errorf("organisation rule results: %v, want all three", seen)
	}
}

// An endpoint where nothing listens: exit 5 within seconds, saying so.
func TestLiveScanUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	l.Close()
	for _, kv := range sandbox.Env(url) {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	start := time.Now()
	code, _, errOut := runCLI(t, "scan")
	if code != ExitUnreachable || !strings.Contains(errOut, "unreachable") || !strings.Contains(errOut, url) {
		t.Fatalf("exit %d, stderr %q; want %d naming %s as unreachable", code, errOut, ExitUnreachable, url)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v to report an unreachable endpoint", d)
	}
}
