package importer

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/snapshot"
)

func TestImportDir(t *testing.T) {
	s, warns, err := ImportWithWarnings(Options{Dir: "testdata/from-dir", Now: now, Tool: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 1 || !strings.Contains(warns[0].String(), "notes.txt") {
		t.Errorf("warnings = %v, want one naming notes.txt", warns)
	}
	if s.Source.Kind != "files" || len(s.Source.Files) != 11 || !s.CollectedAt.Equal(now) || s.SchemaVersion != snapshot.SchemaVersion {
		t.Errorf("snapshot header = %+v %v", s.Source, s.CollectedAt)
	}
	a := s.Accounts[0]
	want := []snapshot.Input{snapshot.InputAccountAliases, snapshot.InputAccountSummary, snapshot.InputAuthorizationDetails,
		snapshot.InputCredentialReport, snapshot.InputOIDCProviders, snapshot.InputPasswordPolicy,
		snapshot.InputSAMLProviders, snapshot.InputServerCertificates, snapshot.InputVirtualMFADevices}
	if !slices.Equal(a.Collected, want) {
		t.Errorf("collected = %v", a.Collected)
	}
	if len(s.Gaps) != 0 {
		t.Errorf("gaps = %v", s.Gaps)
	}
	if a.ID != "111122223333" || a.Alias != "example-prod" {
		t.Errorf("account %q alias %q", a.ID, a.Alias)
	}
	if a.CredentialReportGeneratedAt == nil || !a.CredentialReportGeneratedAt.Equal(date("2025-07-01T12:00:00Z")) {
		t.Errorf("generated = %v", a.CredentialReportGeneratedAt)
	}
	// Users: three from authz details (carol only in the report).
	if len(a.Users) != 4 || a.User("carol") == nil || a.User("carol").Path != "/" {
		t.Fatalf("users = %d", len(a.Users))
	}
	alice := a.User("alice")
	if len(alice.Groups) != 1 || !alice.HasConsolePassword() || len(alice.MFADevices) != 1 ||
		alice.MFADevices[0].Type != snapshot.MFAVirtual || alice.MFADevices[0].Serial != "arn:aws:iam::111122223333:mfa/alice-phone" {
		t.Errorf("alice = %+v", alice)
	}
	if bob := a.User("bob"); len(bob.MFADevices) != 1 || bob.MFADevices[0].Type != snapshot.MFAHardware {
		t.Errorf("bob devices = %+v (MFA on, no virtual device -> hardware)", bob.MFADevices)
	}
	if d := a.User("deploy"); len(d.MFADevices) != 0 || len(d.ActiveAccessKeys()) != 2 {
		t.Errorf("deploy = %+v", d)
	}
	if r := a.Root; len(r.MFADevices) != 1 || r.MFADevices[0].Type != snapshot.MFAVirtual || r.PasswordEnabled == nil || !*r.PasswordEnabled {
		t.Errorf("root = %+v", r)
	}
	if len(a.VirtualMFADevices) != 3 || a.VirtualMFADevices[2].UserARN != "" {
		t.Errorf("virtual devices = %+v", a.VirtualMFADevices)
	}
	if p := a.PasswordPolicy; p == nil || p.MinimumPasswordLength != 14 || p.PasswordReusePrevention != 24 || !p.RequireSymbols {
		t.Errorf("password policy = %+v", p)
	}
	if a.Summary["AccountMFAEnabled"] != 1 || a.Summary["Users"] != 4 {
		t.Errorf("summary = %v", a.Summary)
	}
	if len(a.OIDCProviders) != 2 {
		t.Fatalf("oidc = %+v", a.OIDCProviders)
	}
	gh := a.OIDCProviders[0]
	if gh.ARN != "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" || gh.Host() != "token.actions.githubusercontent.com" ||
		!slices.Equal(gh.ClientIDs, []string{"sts.amazonaws.com"}) || len(gh.Thumbprints) != 1 || gh.CreatedAt == nil || len(gh.Tags) != 1 {
		t.Errorf("github provider = %+v", gh)
	}
	if eks := a.OIDCProviders[1]; eks.CreatedAt == nil || !strings.HasPrefix(eks.URL, "oidc.eks.") {
		t.Errorf("eks provider = %+v", eks)
	}
	if len(a.SAMLProviders) != 1 || a.SAMLProviders[0].Name != "ExampleIdP" || a.SAMLProviders[0].ValidUntil.Year() != 2124 {
		t.Errorf("saml = %+v", a.SAMLProviders)
	}
	if len(a.ServerCertificates) != 1 || a.ServerCertificates[0].Name != "legacy-site" || a.ServerCertificates[0].Expiration.Year() != 2021 {
		t.Errorf("certs = %+v", a.ServerCertificates)
	}
	// The snapshot must survive its own JSON round trip.
	var buf bytes.Buffer
	if err := s.Write(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := snapshot.Decode(&buf)
	if err != nil || back.Accounts[0].User("alice") == nil {
		t.Fatalf("round trip: %v", err)
	}
}

// Only what was provided is marked collected.
func TestPartialInputsNotMarked(t *testing.T) {
	s, err := Import(Options{CredentialReport: "testdata/fixtures/credential-report.json", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	a := s.Accounts[0]
	if !slices.Equal(a.Collected, []snapshot.Input{snapshot.InputCredentialReport}) {
		t.Errorf("collected = %v", a.Collected)
	}
	// Inputs left out on purpose are not gaps (failures to collect): the
	// rules needing them say UNKNOWN and name the file.
	if len(s.Gaps) != 0 {
		t.Errorf("gaps = %+v", s.Gaps)
	}
	// No virtual MFA list: device types stay unknown.
	if len(a.Root.MFADevices) != 0 {
		t.Errorf("root devices = %+v", a.Root.MFADevices)
	}
}

func TestExplicitFileOverridesDir(t *testing.T) {
	s, err := Import(Options{Dir: "testdata/from-dir", Now: now,
		PasswordPolicy: writeTemp(t, "pp.txt", "\nAn error occurred (NoSuchEntity) when calling the GetAccountPasswordPolicy operation: The Password Policy with domain name 111122223333 cannot be found.\n")})
	if err != nil {
		t.Fatal(err)
	}
	if a := s.Accounts[0]; a.PasswordPolicy != nil || !a.Has(snapshot.InputPasswordPolicy) {
		t.Errorf("explicit NoSuchEntity file must mean no policy: %+v", a.PasswordPolicy)
	}
}

func TestResolveDirPageOrder(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"authz-details-10.json", "authz-details-2.json", "authz-details-1.json", "oidc-provider-a.json", "oidc-providers.json", "credential-report.csv", "README"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "old"), 0o700); err != nil {
		t.Fatal(err)
	}
	o, unknown, err := ResolveDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range o.AuthzDetails {
		names = append(names, filepath.Base(p))
	}
	if strings.Join(names, " ") != "authz-details-1.json authz-details-2.json authz-details-10.json" {
		t.Errorf("pages = %v", names)
	}
	if filepath.Base(o.OIDCProviders[0]) != "oidc-providers.json" || filepath.Base(o.CredentialReport) != "credential-report.csv" {
		t.Errorf("oidc = %v report = %q", o.OIDCProviders, o.CredentialReport)
	}
	if !slices.Equal(unknown, []string{"README", "old/"}) {
		t.Errorf("unknown = %v", unknown)
	}
}

func TestCommands(t *testing.T) {
	files := map[string]bool{}
	for _, c := range Commands() {
		// The command writes the file it declares (through the script's save).
		if prefix, _, _ := strings.Cut(c.File, "*"); c.File != "" && !strings.Contains(c.Command, "save") ||
			!strings.Contains(c.Command, prefix) {
			t.Errorf("%s: command %q does not write it", c.File, c.Command)
		}
		if c.Description == "" || c.Input == "" {
			t.Errorf("incomplete %+v", c)
		}
		if c.File != "" {
			files[c.File] = true
			if c.Input.File() == "" {
				t.Errorf("%s: input %s has no file in the snapshot model", c.File, c.Input)
			}
		}
	}
	// Every input the snapshot model says a file can provide has a command.
	for _, s := range snapshot.Specs() {
		if len(s.Files) == 0 {
			continue
		}
		if f := s.Input.File(); !files[f[strings.LastIndex(f, " ")+1:]] {
			t.Errorf("no command writes %s", f)
		}
	}
}

func TestAssignMFATypesRootBySerial(t *testing.T) {
	a := &snapshot.Account{ID: "1", Root: &snapshot.Root{ARN: "arn:aws:iam::1:root", MFAActive: true}}
	ApplyVirtualMFADevices(a, &VirtualMFADevicesOutput{VirtualMFADevices: []AWSVirtualMFADevice{
		{SerialNumber: "arn:aws:iam::1:mfa/root-account-mfa-device", User: &AWSUser{Arn: "arn:aws:iam::1:user/placeholder"}}}})
	AssignMFATypes(a)
	if len(a.Root.MFADevices) != 1 || a.Root.MFADevices[0].Type != snapshot.MFAVirtual {
		t.Errorf("root = %+v", a.Root.MFADevices)
	}
	b := &snapshot.Account{ID: "1", Root: &snapshot.Root{MFAActive: true}}
	ApplyVirtualMFADevices(b, &VirtualMFADevicesOutput{})
	AssignMFATypes(b)
	if len(b.Root.MFADevices) != 1 || b.Root.MFADevices[0].Type != snapshot.MFAHardware {
		t.Errorf("root without virtual device = %+v", b.Root.MFADevices)
	}
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// The importer reads every file the input registry names: each has a kind
// (for format detection and hints) and an Options field to fill, and the
// importer knows no file the registry does not declare.
func TestRegistryFilesHaveKindsAndTargets(t *testing.T) {
	declared := map[string]bool{}
	for _, s := range snapshot.Specs() {
		if len(s.Files) > 0 && dirTargets[s.Input] == nil {
			t.Errorf("%s: the registry names files %v but ResolveDir has no Options field for them", s.Input, s.Files)
		}
		if len(s.Files) == 0 && dirTargets[s.Input] != nil {
			t.Errorf("%s: ResolveDir fills a field for an input without files", s.Input)
		}
		for _, f := range s.Files {
			declared[f] = true
			if fileKinds[f] == KindUnknown {
				t.Errorf("%s: no Kind for %s", s.Input, f)
			}
		}
	}
	for f := range fileKinds {
		if !declared[f] {
			t.Errorf("fileKinds names %s, which no registry input declares", f)
		}
	}
	// Every declared file is found in a folder.
	dir := t.TempDir()
	for f := range declared {
		name := strings.ReplaceAll(f, "*", "7")
		if err := os.WriteFile(filepath.Join(dir, name), []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Remove(filepath.Join(dir, "credential-report.csv")); err != nil {
		t.Fatal(err)
	}
	o, unknown, err := ResolveDir(dir)
	if err != nil || len(unknown) > 0 {
		t.Fatalf("unknown %v, err %v", unknown, err)
	}
	if len(o.AuthzDetails) != 2 || len(o.OIDCProviders) != 2 || o.CredentialReport == "" || o.Roles == "" ||
		o.PasswordPolicy == "" || o.AccountSummary == "" || o.VirtualMFADevices == "" || o.SAMLProviders == "" ||
		o.ServerCertificates == "" || o.AccountAliases == "" {
		t.Errorf("not every file was assigned: %+v", o)
	}
}

func TestResolveDirRejectsTwoReports(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"credential-report.json", "credential-report.csv"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := ResolveDir(dir); err == nil || !strings.Contains(err.Error(), "keep one") {
		t.Fatalf("err = %v", err)
	}
}
