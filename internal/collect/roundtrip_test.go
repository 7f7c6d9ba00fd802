package collect

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/sandbox"
	"github.com/iamspect/iamspect/internal/scan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// Round-trip normalisation (docs/snapshot.md, "Round-trip normalisation"):
// what a live collection cannot know, or knows differently, is removed from
// or added to the served snapshot before comparing.
//
//  1. source and collected_at describe the collection, not the account.
//  2. Access key and signing certificate IDs: the credential report names
//     slots, not IDs (IDs need per-user ListAccessKeys and
//     ListSigningCertificates calls).
//  3. Hardware MFA serials: only per-user ListMFADevices shows them; the
//     device is inferred as hardware from the report and the virtual list.
//  4. IDs of AWS managed policies: AWS shows them, the served snapshot may
//     not have them (the sandbox then makes some up).
//  5. (none: the sandbox no longer answers AWSOrganizationsNotInUseException
//     for an account whose organisation the snapshot did not collect; it
//     answers AccessDenied, as for any other missing input — see 10.)
//  6. The order of Identity Center group memberships and account
//     assignments: AWS lists them per group and per permission set.
//  7. Account regions are the regions the collection looked in for
//     analyzers (--regions), the same for every account.
//  8. Data of inputs the served account does not mark collected (the
//     demo's member account has an alias and a summary) is not served:
//     the sandbox answers AccessDenied instead.
//  9. OIDC provider URLs are what IAM returns (and the AWS CLI prints):
//     the issuer's host and path, without "https://".
//  10. Gaps for inputs the served account lacks: the sandbox answers
//     AccessDenied for them, so the collection records a gap with that
//     reason (the served snapshot has the input missing, without a gap).
func normalizeServed(s *snapshot.Snapshot) *snapshot.Snapshot {
	s = clone(s)
	for _, a := range s.Accounts {
		for _, u := range a.Users {
			for i := range u.AccessKeys {
				u.AccessKeys[i].ID = ""
			}
			for i := range u.SigningCertificates {
				u.SigningCertificates[i].ID = ""
			}
			for i := range u.MFADevices {
				if u.MFADevices[i].Type == snapshot.MFAHardware {
					u.MFADevices[i].Serial = ""
				}
			}
		}
		if a.Root != nil {
			for i := range a.Root.AccessKeys {
				a.Root.AccessKeys[i].ID = ""
			}
			for i := range a.Root.SigningCertificates {
				a.Root.SigningCertificates[i].ID = ""
			}
			for i := range a.Root.MFADevices {
				if a.Root.MFADevices[i].Type == snapshot.MFAHardware {
					a.Root.MFADevices[i].Serial = ""
				}
			}
		}
		for _, p := range a.Policies {
			if p.AWSManaged() {
				p.ID = ""
			}
		}
		for i := range a.OIDCProviders {
			a.OIDCProviders[i].URL = a.OIDCProviders[i].Host()
		}
	}
	for _, a := range s.Accounts {
		dropUncollected(a)
	}
	sortIdentityCenter(s)
	return s
}

// dropUncollected applies normalisation 8.
func dropUncollected(a *snapshot.Account) {
	if !a.Has(snapshot.InputAccountAliases) {
		a.Alias = ""
	}
	if !a.Has(snapshot.InputAccountSummary) {
		a.Summary = nil
	}
	if !a.Has(snapshot.InputPasswordPolicy) {
		a.PasswordPolicy = nil
	}
	if !a.Has(snapshot.InputVirtualMFADevices) {
		a.VirtualMFADevices = nil
	}
	if !a.Has(snapshot.InputOIDCProviders) {
		a.OIDCProviders = nil
	}
	if !a.Has(snapshot.InputSAMLProviders) {
		a.SAMLProviders = nil
	}
	if !a.Has(snapshot.InputServerCertificates) {
		a.ServerCertificates = nil
	}
	if !a.Has(snapshot.InputIdentityCenter) {
		a.IdentityCenter = nil
	}
	if !a.Has(snapshot.InputAccessAnalyzer) {
		a.AccessAnalyzers = nil
	}
	if !a.Has(snapshot.InputOrganizationsFeatures) {
		a.OrganizationsFeatures = nil
	}
}

// demoOptions collects the demo as it is served: the whole organisation,
// each account in the regions account:ListRegions reports enabled.
func demoOptions(served *snapshot.Snapshot) func(*Options) {
	return func(o *Options) {
		o.Org = served.Organization != nil
	}
}

func sortIdentityCenter(s *snapshot.Snapshot) {
	for _, a := range s.Accounts {
		ic := a.IdentityCenter
		if ic == nil {
			continue
		}
		slices.SortStableFunc(ic.Memberships, func(x, y snapshot.GroupMembership) int {
			return strings.Compare(x.GroupID+"\x00"+x.UserID, y.GroupID+"\x00"+y.UserID)
		})
		slices.SortStableFunc(ic.Assignments, func(x, y snapshot.AccountAssignment) int {
			return strings.Compare(x.PermissionSetARN+"\x00"+x.AccountID+"\x00"+x.PrincipalType+x.PrincipalID,
				y.PermissionSetARN+"\x00"+y.AccountID+"\x00"+y.PrincipalType+y.PrincipalID)
		})
	}
}

func normalizeCollected(got, served *snapshot.Snapshot) *snapshot.Snapshot {
	got = clone(got)
	got.Source, got.CollectedAt = served.Source, served.CollectedAt
	for _, a := range got.Accounts {
		for _, p := range a.Policies {
			if p.AWSManaged() {
				p.ID = ""
			}
		}
	}
	sortIdentityCenter(got)
	got.Gaps = slices.DeleteFunc(got.Gaps, func(g snapshot.Gap) bool {
		sa := served.Account(g.AccountID)
		return sa != nil && !sa.Has(g.Input) && len(served.GapsFor(g.AccountID, g.Input)) == 0
	})
	if len(got.Gaps) == 0 {
		got.Gaps = nil
	}
	return got
}

// consistent adds users' virtual MFA devices that the account's virtual
// device list lacks (as ListVirtualMFADevices would show them), so that a
// hand-built snapshot like the demo describes a possible account.
func consistent(s *snapshot.Snapshot) *snapshot.Snapshot {
	s = clone(s)
	for _, a := range s.Accounts {
		if !a.Has(snapshot.InputVirtualMFADevices) {
			continue
		}
		listed := map[string]bool{}
		for _, d := range a.VirtualMFADevices {
			listed[d.Serial] = true
		}
		for _, u := range a.Users {
			for _, d := range u.MFADevices {
				if d.Type == snapshot.MFAVirtual && d.Serial != "" && !listed[d.Serial] {
					a.VirtualMFADevices = append(a.VirtualMFADevices, snapshot.VirtualMFADevice{Serial: d.Serial, UserARN: u.ARN, EnabledAt: d.EnabledAt})
					listed[d.Serial] = true
				}
			}
		}
	}
	return s
}

func clone(s *snapshot.Snapshot) *snapshot.Snapshot {
	var buf bytes.Buffer
	if err := s.Write(&buf); err != nil {
		panic(err)
	}
	out, err := snapshot.Decode(&buf)
	if err != nil {
		panic(err)
	}
	return out
}

func snapJSON(t *testing.T, s *snapshot.Snapshot) string {
	t.Helper()
	var buf bytes.Buffer
	if err := s.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// assertSameSnapshot compares two snapshots as JSON and shows the first lines that differ.
func assertSameSnapshot(t *testing.T, want, got *snapshot.Snapshot) {
	t.Helper()
	w, g := snapJSON(t, want), snapJSON(t, got)
	if w == g {
		return
	}
	wl, gl := strings.Split(w, "\n"), strings.Split(g, "\n")
	for i := 0; i < min(len(wl), len(gl)); i++ {
		if wl[i] != gl[i] {
			lo := max(0, i-5)
			t.Fatalf("snapshots differ at line %d:\nwant:\n%s\ngot:\n%s", i+1,
				strings.Join(wl[lo:min(len(wl), i+5)], "\n"), strings.Join(gl[lo:min(len(gl), i+5)], "\n"))
		}
	}
	t.Fatalf("snapshots differ in length: want %d lines, got %d", len(wl), len(gl))
}

func scanResults(t *testing.T, s *snapshot.Snapshot) []rules.Result {
	t.Helper()
	out, err := scan.Run(context.Background(), s, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Errors) > 0 {
		t.Fatalf("rule errors: %+v", out.Errors)
	}
	return out.Results.Slice()
}

// statusKey is what must match between the served and collected scans
// even before normalisation: which rule, where, and the verdict.
func statusKeys(rs []rules.Result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%s %s %s %s", r.RuleID, r.AccountID, r.ResourceARN, r.Status))
	}
	slices.Sort(out)
	return out
}

func assertSameResults(t *testing.T, want, got []rules.Result) {
	t.Helper()
	wj, _ := json.MarshalIndent(want, "", " ")
	gj, _ := json.MarshalIndent(got, "", " ")
	if !bytes.Equal(wj, gj) {
		for i := 0; i < min(len(want), len(got)); i++ {
			a, _ := json.Marshal(want[i])
			b, _ := json.Marshal(got[i])
			if !bytes.Equal(a, b) {
				t.Fatalf("result %d differs:\nwant %s\ngot  %s", i, a, b)
			}
		}
		t.Fatalf("results differ: want %d, got %d", len(want), len(got))
	}
}

// checkRoundTrip asserts the collected snapshot equals the served one up to
// normalisation and that scanning either gives the same results.
func checkRoundTrip(t *testing.T, served, got *snapshot.Snapshot) {
	t.Helper()
	assertSameSnapshot(t, normalizeServed(served), normalizeCollected(got, served))
	assertSameResults(t, scanResults(t, normalizeServed(served)), scanResults(t, normalizeCollected(got, served)))
	// Without normalisations, the verdicts are the same too.
	if w, g := statusKeys(scanResults(t, served)), statusKeys(scanResults(t, got)); !slices.Equal(w, g) {
		for i := range min(len(w), len(g)) {
			if w[i] != g[i] {
				t.Fatalf("verdicts differ between the served and collected snapshots: want %q, got %q", w[i], g[i])
			}
		}
		t.Fatalf("verdicts differ: want %d results, got %d", len(w), len(g))
	}
}

func TestRoundTripDemo(t *testing.T) {
	served := consistent(demo.Snapshot())
	got, _, _ := collectSandbox(t, served, sandbox.Options{}, demoOptions(served))
	checkRoundTrip(t, served, got)
	if got.Source.Kind != "live" || got.Source.Caller == "" {
		t.Errorf("source = %+v, want live with the caller", got.Source)
	}
}

func TestRoundTripOrganization20Accounts(t *testing.T) {
	served := genOrg(20, 12, 6)
	got, srv, c := collectSandbox(t, served, sandbox.Options{}, func(o *Options) { o.Org = true; o.Parallel = 6 })
	checkRoundTrip(t, served, got)
	if len(got.Accounts) != 20 || len(got.Gaps) != 0 {
		t.Fatalf("got %d accounts and gaps %v, want 20 and none", len(got.Accounts), got.Gaps)
	}
	// 19 member accounts assumed (the management account uses the caller's credentials).
	if n := srv.Stats()["sts:AssumeRole"]; n != 19 {
		t.Errorf("sts:AssumeRole calls = %d, want 19", n)
	}
	checkCountsMatchServer(t, c, srv)
}

// checkCountsMatchServer: the client-side counter sees every request the
// server answered (no faults injected, so calls = requests).
func checkCountsMatchServer(t *testing.T, c *Counter, srv *sandbox.Server) {
	t.Helper()
	stats := srv.Stats()
	for k, v := range c.Attempts() {
		if stats[k] != v {
			t.Errorf("%s: counted %d attempts, server saw %d", k, v, stats[k])
		}
	}
}
