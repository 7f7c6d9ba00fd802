package cli

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/sandbox"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// shardOrgSize is the sandbox organisation of the sharding tests: the
// demo's management and sandbox accounts and 28 generated members.
const shardOrgSize = 30

// useOrgSandbox serves demo.Organization(n) and points the SDK at it.
func useOrgSandbox(t *testing.T, n int) *snapshot.Snapshot {
	t.Helper()
	served := demo.Organization(n)
	srv, err := sandbox.New(served, sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	for _, kv := range sandbox.Env(ts.URL) {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	return served
}

// verdicts are the results as (rule, account, resource, status).
func verdicts(t *testing.T, path string) []string {
	t.Helper()
	code, out, errOut := runCLI(t, "scan", "--snapshot", path, "--format", "json", "--allow-incomplete")
	if code != ExitOK && code != ExitFindings {
		t.Fatalf("scan %s: exit %d\n%s", path, code, errOut)
	}
	r := decodeReport(t, out)
	var keys []string
	for _, res := range r.Results.Slice() {
		keys = append(keys, fmt.Sprintf("%s %s %s %s", res.RuleID, res.AccountID, res.ResourceARN, res.Status))
	}
	slices.Sort(keys)
	return keys
}

func loadSnap(t *testing.T, path string) *snapshot.Snapshot {
	t.Helper()
	s, err := snapshot.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func accountIDs(s *snapshot.Snapshot) []string {
	var ids []string
	for _, a := range s.Accounts {
		ids = append(ids, a.ID)
	}
	return ids
}

// Three collections with --shard 1/3..3/3 of a 30-account sandbox
// organisation, merged, scan to the same results as one unsharded
// collection; the shards partition the accounts; merge refuses a missing
// shard and a duplicate, and --allow-partial records the missing accounts.
func TestShardedCollectionEqualsUnsharded(t *testing.T) {
	served := useOrgSandbox(t, shardOrgSize)
	dir := t.TempDir()
	full := filepath.Join(dir, "full.json")
	base := []string{"collect", "--org", "--regions", "us-east-1", "--parallel", "8"}
	if code, _, errOut := runCLI(t, append(base, "-o", full)...); code != ExitOK {
		t.Fatalf("collect --org: exit %d\n%s", code, errOut)
	}
	var parts []string
	for i := 1; i <= 3; i++ {
		p := filepath.Join(dir, fmt.Sprintf("part-%d.json", i))
		code, _, errOut := runCLI(t, append(base, "--shard", fmt.Sprintf("%d/3", i), "--shard-run", "run-1", "-o", p)...)
		if code != ExitOK {
			t.Fatalf("collect --shard %d/3: exit %d\n%s", i, code, errOut)
		}
		if !strings.Contains(errOut, fmt.Sprintf("collecting shard %d/3 of the organisation", i)) {
			t.Errorf("stderr does not name the shard:\n%s", errOut)
		}
		parts = append(parts, p)
	}

	// The parts partition the organisation's accounts, each by its hash.
	fullSnap := loadSnap(t, full)
	if len(fullSnap.Accounts) != shardOrgSize || len(served.Accounts) != shardOrgSize {
		t.Fatalf("unsharded collection has %d accounts, want %d", len(fullSnap.Accounts), shardOrgSize)
	}
	seen := map[string]int{}
	for i, p := range parts {
		s := loadSnap(t, p)
		if sh := s.Source.Shard; sh == nil || sh.Index != i+1 || sh.Count != 3 || sh.Run != "run-1" {
			t.Errorf("%s: source.shard = %+v, want %d/3 of run-1", p, s.Source.Shard, i+1)
		}
		if s.Organization == nil || len(s.Organization.Accounts) != shardOrgSize {
			t.Errorf("%s: the organisation is not in the part", p)
		}
		if len(s.Accounts) == 0 {
			t.Errorf("%s holds no account", p)
		}
		for _, id := range accountIDs(s) {
			if prev, dup := seen[id]; dup {
				t.Errorf("account %s in shards %d and %d", id, prev, i+1)
			}
			seen[id] = i + 1
			if got := snapshot.ShardOf(id, 3); got != i+1 {
				t.Errorf("account %s in shard %d, its hash says %d", id, i+1, got)
			}
		}
	}
	for _, id := range accountIDs(fullSnap) {
		if _, ok := seen[id]; !ok {
			t.Errorf("account %s is in no shard", id)
		}
	}
	if len(seen) != shardOrgSize {
		t.Errorf("the shards hold %d accounts, want %d", len(seen), shardOrgSize)
	}

	// A part scanned alone is scanned, with a warning to merge first.
	if code, _, errOut := runCLI(t, "scan", "--snapshot", parts[0], "--format", "json", "--fail-on", "none"); code != ExitOK ||
		!strings.Contains(errOut, "is part 1/3 of a sharded collection") {
		t.Errorf("scan of a part: exit %d, stderr %q", code, errOut)
	}

	// Merged, the parts scan exactly as the unsharded collection does.
	merged := filepath.Join(dir, "org.json")
	code, _, errOut := runCLI(t, append([]string{"merge", "-o", merged}, parts[2], parts[0], parts[1])...)
	if code != ExitOK {
		t.Fatalf("merge: exit %d\n%s", code, errOut)
	}
	m := loadSnap(t, merged)
	if m.Source.Shard != nil || !slices.Equal(accountIDs(m), accountIDs(fullSnap)) || len(m.Gaps) != len(fullSnap.Gaps) {
		t.Errorf("merged: shard %v, %d accounts, %d gaps; unsharded: %d accounts, %d gaps",
			m.Source.Shard, len(m.Accounts), len(m.Gaps), len(fullSnap.Accounts), len(fullSnap.Gaps))
	}
	want, got := verdicts(t, full), verdicts(t, merged)
	if !slices.Equal(want, got) {
		for i := range min(len(want), len(got)) {
			if want[i] != got[i] {
				t.Fatalf("results differ: unsharded %q, merged %q", want[i], got[i])
			}
		}
		t.Fatalf("unsharded scan has %d results, merged %d", len(want), len(got))
	}
	// ... and hold the same IAM state.
	if code, out, errOut := runCLI(t, "drift", full, merged, "--fail-on-change"); code != ExitOK || !strings.Contains(out, "0 added, 0 removed, 0 changed") {
		t.Errorf("drift between the unsharded and merged snapshots: exit %d\n%s%s", code, out, errOut)
	}
	if len(want) < 500 {
		t.Errorf("only %d results: the organisation is too small to compare", len(want))
	}
	// The results differ between accounts: at least 3 distinct sets of failing rules among the generated members.
	distinct := map[string]bool{}
	for _, a := range fullSnap.Accounts {
		var fails []string
		for _, k := range want {
			if f := strings.Fields(k); f[1] == a.ID && f[3] == "FAIL" {
				fails = append(fails, f[0]+" "+strings.TrimPrefix(f[2], "arn:aws:iam::"+a.ID))
			}
		}
		distinct[strings.Join(fails, ",")] = true
	}
	if len(distinct) < 10 {
		t.Errorf("only %d distinct failing sets among %d accounts", len(distinct), shardOrgSize)
	}

	// A missing shard is refused, naming it; so is a shard given twice.
	if code, _, errOut := runCLI(t, "merge", "-o", filepath.Join(dir, "x.json"), parts[0], parts[2]); code != ExitUsage ||
		!strings.Contains(errOut, "shard 2 of 3 missing") {
		t.Errorf("merge without shard 2: exit %d, stderr %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "merge", "-o", filepath.Join(dir, "x.json"), parts[0], parts[1], parts[2], parts[1]); code != ExitUsage ||
		!strings.Contains(errOut, "shard 2/3 given twice") {
		t.Errorf("merge with shard 2 twice: exit %d, stderr %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.json")); err == nil {
		t.Error("a refused merge wrote its output")
	}

	// --allow-partial keeps shard 2's accounts as gaps: the scan is incomplete.
	partial := filepath.Join(dir, "partial.json")
	if code, _, errOut := runCLI(t, "merge", "--allow-partial", "-o", partial, parts[0], parts[2]); code != ExitOK ||
		!strings.Contains(errOut, "shard 2/3 missing") {
		t.Fatalf("merge --allow-partial: exit %d\n%s", code, errOut)
	}
	p := loadSnap(t, partial)
	if !slices.Equal(accountIDs(p), accountIDs(fullSnap)) {
		t.Errorf("partial merge accounts %v, want %v", accountIDs(p), accountIDs(fullSnap))
	}
	for _, a := range p.Accounts {
		if seen[a.ID] == 2 && (a.Has(snapshot.InputAuthorizationDetails) || len(p.GapsFor(a.ID, snapshot.InputAuthorizationDetails)) != 1 ||
			p.GapsFor(a.ID, snapshot.InputAuthorizationDetails)[0].ErrorCode != snapshot.GapShardMissing) {
			t.Errorf("account %s of the missing shard: collected %v, gaps %v", a.ID, a.Collected, p.GapsFor(a.ID, snapshot.InputAuthorizationDetails))
		}
	}
	code, out, _ := runCLI(t, "scan", "--snapshot", partial, "--format", "json")
	if code != ExitIncomplete {
		t.Errorf("scan of a partial merge: exit %d, want %d", code, ExitIncomplete)
	}
	if r := decodeReport(t, out); r.Summary.Complete {
		t.Error("a partial merge scans as complete")
	} else {
		unknown := 0
		for _, res := range r.Results.Slice() {
			if seen[res.AccountID] == 2 && res.Status == "UNKNOWN" {
				unknown++
			}
		}
		if unknown == 0 {
			t.Error("no UNKNOWN result for the missing shard's accounts")
		}
	}
}

// Bad --shard values are usage errors naming the flag.
func TestShardFlagValidation(t *testing.T) {
	for _, tc := range []struct{ args, want string }{
		{"--org --shard 4/3", "--shard 4/3: the shard index must be 1 to 3"},
		{"--org --shard 0/3", "--shard 0/3: the shard index must be 1 to 3"},
		{"--org --shard 1/0", "--shard 1/0: the shard count must be at least 1"},
		{"--org --shard 2", "--shard \"2\": want INDEX/COUNT"},
		{"--org --shard a/b", "--shard \"a/b\": want INDEX/COUNT"},
		{"--org --shard -1/3", "--shard \"-1/3\": want INDEX/COUNT"},
		{"--shard 1/3", "--shard needs --org"},
		{"--org --shard-run x", "--shard-run needs --shard"},
	} {
		code, _, errOut := runCLI(t, append([]string{"collect"}, strings.Fields(tc.args)...)...)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("collect %s: exit %d, stderr %q, want 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
	// scan has no --shard: a part alone is not scanned.
	if code, _, errOut := runCLI(t, "scan", "--org", "--shard", "1/3"); code != ExitUsage || !strings.Contains(errOut, "unknown flag: --shard") {
		t.Errorf("scan --shard: exit %d, stderr %q", code, errOut)
	}
	// merge needs parts and an output.
	if code, _, errOut := runCLI(t, "merge", "-o", "x.json"); code != ExitUsage || !strings.Contains(errOut, "one or more part") {
		t.Errorf("merge without parts: exit %d, stderr %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "merge", demoSnapshotFile()); code != ExitUsage || !strings.Contains(errOut, "--output") {
		t.Errorf("merge without -o: exit %d, stderr %q", code, errOut)
	}
	// A snapshot that is no part is refused by name.
	if code, _, errOut := runCLI(t, "merge", "-o", filepath.Join(t.TempDir(), "o.json"), demoSnapshotFile()); code != ExitUsage ||
		!strings.Contains(errOut, "not a part of a sharded collection") {
		t.Errorf("merge of a non-part: exit %d, stderr %q", code, errOut)
	}
}
