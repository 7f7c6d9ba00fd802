package snapshot_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
)

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// accountsOfShards returns n account IDs per shard of count.
func accountsOfShards(count, n int) map[int][]string {
	out := map[int][]string{}
	for i := 0; len(out) < count || minLen(out, count) < n; i++ {
		id := fmt.Sprintf("%012d", 500000000000+i)
		sh := snapshot.ShardOf(id, count)
		if len(out[sh]) < n {
			out[sh] = append(out[sh], id)
		}
	}
	return out
}

func minLen(m map[int][]string, count int) int {
	least := 1 << 30
	for i := 1; i <= count; i++ {
		least = min(least, len(m[i]))
	}
	return least
}

// orgParts builds the parts of a 2-accounts-per-shard organisation whose
// management account is the first account of shard 1.
func orgParts(count int) ([]snapshot.Part, *snapshot.Organization) {
	ids := accountsOfShards(count, 2)
	org := &snapshot.Organization{ID: "o-test", ManagementAccount: ids[1][0], FeatureSet: "ALL"}
	for i := 1; i <= count; i++ {
		for _, id := range ids[i] {
			org.Accounts = append(org.Accounts, snapshot.OrgAccount{ID: id, Status: "ACTIVE"})
		}
	}
	var parts []snapshot.Part
	for i := 1; i <= count; i++ {
		s := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, CollectedAt: t0.Add(time.Duration(count-i) * time.Minute),
			Source: snapshot.Source{Kind: "live", Shard: &snapshot.Shard{Index: i, Count: count}}, Organization: cloneOrg(org)}
		for _, id := range ids[i] {
			a := snapshot.NewBuilder(id, t0).With(snapshot.InputOrganization).Account()
			if id == org.ManagementAccount {
				a.MarkCollected(snapshot.InputOrganizationsFeatures)
				a.OrganizationsFeatures = []string{"RootCredentialsManagement"}
			} else {
				s.Gaps = append(s.Gaps, snapshot.Gap{AccountID: id, Input: snapshot.InputOrganizationsFeatures, ErrorCode: "AccessDenied", Reason: "AccessDenied: member"})
			}
			s.Accounts = append(s.Accounts, a)
		}
		parts = append(parts, snapshot.Part{Name: fmt.Sprintf("part-%d.json", i), Snapshot: s})
	}
	return parts, org
}

func cloneOrg(o *snapshot.Organization) *snapshot.Organization {
	c := *o
	c.Accounts = slices.Clone(o.Accounts)
	return &c
}

func TestMergeCombinesParts(t *testing.T) {
	parts, org := orgParts(3)
	slices.Reverse(parts)
	m, err := snapshot.Merge(parts, snapshot.MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := m.Snapshot
	if len(s.Accounts) != 6 || !slices.IsSortedFunc(s.Accounts, func(a, b *snapshot.Account) int { return strings.Compare(a.ID, b.ID) }) {
		t.Errorf("accounts %v: want 6, sorted", s.Accounts)
	}
	if !s.CollectedAt.Equal(t0) { // shard 3's, the earliest
		t.Errorf("collected_at %v, want the earliest part's %v", s.CollectedAt, t0)
	}
	if s.Source.Shard != nil || s.Organization.ID != org.ID || len(s.Organization.Accounts) != 6 {
		t.Errorf("source %+v, organisation %+v", s.Source, s.Organization)
	}
	// The management account's features reach every member, and the members' gaps for them go.
	for _, a := range s.Accounts {
		if !a.Has(snapshot.InputOrganizationsFeatures) || len(a.OrganizationsFeatures) != 1 {
			t.Errorf("account %s: features %v", a.ID, a.OrganizationsFeatures)
		}
	}
	if len(s.Gaps) != 0 {
		t.Errorf("gaps %v, want none", s.Gaps)
	}
	if len(m.Missing) != 0 || m.Count != 3 {
		t.Errorf("missing %v of %d", m.Missing, m.Count)
	}
}

// Two listings of one organisation may list accounts, OUs or targets in another order:
// not a difference.
func TestMergeIgnoresListingOrder(t *testing.T) {
	parts, _ := orgParts(3)
	slices.Reverse(parts[1].Snapshot.Organization.Accounts)
	if _, err := snapshot.Merge(parts, snapshot.MergeOptions{}); err != nil {
		t.Fatal(err)
	}
}

func TestMergeKeepsGaps(t *testing.T) {
	parts, _ := orgParts(2)
	id := parts[1].Snapshot.Accounts[0].ID
	parts[1].Snapshot.Gaps = append(parts[1].Snapshot.Gaps, snapshot.Gap{AccountID: id, Input: snapshot.InputCredentialReport, ErrorCode: "Throttling", Reason: "Throttling: slow down"})
	m, err := snapshot.Merge(parts, snapshot.MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if gs := m.Snapshot.GapsFor(id, snapshot.InputCredentialReport); len(gs) != 1 || gs[0].ErrorCode != "Throttling" {
		t.Errorf("gaps %v", m.Snapshot.Gaps)
	}
}

func TestMergeRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func([]snapshot.Part) []snapshot.Part
		want string
	}{
		{"missing shard", func(p []snapshot.Part) []snapshot.Part { return []snapshot.Part{p[0], p[2]} }, "shard 2 of 3 missing (given: 1, 3)"},
		{"shard twice", func(p []snapshot.Part) []snapshot.Part { return append(p, p[1]) }, "shard 2/3 given twice: part-2.json and part-2.json"},
		{"account twice", func(p []snapshot.Part) []snapshot.Part {
			c := *p[1].Snapshot
			c.Source.Shard = &snapshot.Shard{Index: 2, Count: 3}
			c.Accounts = append(slices.Clone(c.Accounts), p[1].Snapshot.Accounts[0])
			p[1].Snapshot = &c
			return p
		}, "is in both part-2.json and part-2.json"},
		{"account in the wrong part", func(p []snapshot.Part) []snapshot.Part {
			p[0].Snapshot.Accounts = append(p[0].Snapshot.Accounts, p[1].Snapshot.Accounts[0])
			p[1].Snapshot.Accounts = p[1].Snapshot.Accounts[1:]
			return p
		}, "part-1.json (shard 1/3) holds account"},
		{"different counts", func(p []snapshot.Part) []snapshot.Part {
			p[1].Snapshot.Source.Shard = &snapshot.Shard{Index: 2, Count: 4}
			return p
		}, "part-1.json is shard 1/3 but part-2.json is shard 2/4"},
		{"different runs", func(p []snapshot.Part) []snapshot.Part {
			p[1].Snapshot.Source.Shard.Run = "job-2"
			return p
		}, `part-1.json is of run "" but part-2.json of run "job-2"`},
		{"different organisations", func(p []snapshot.Part) []snapshot.Part {
			p[2].Snapshot.Organization.ID = "o-other"
			return p
		}, "part-1.json is of organisation o-test but part-3.json of organisation o-other"},
		{"organisation changed between parts", func(p []snapshot.Part) []snapshot.Part {
			p[1].Snapshot.Organization.Accounts = append(p[1].Snapshot.Organization.Accounts, snapshot.OrgAccount{ID: "999999999999", Status: "ACTIVE"})
			return p
		}, "the organisation o-test differs between part-1.json and part-2.json"},
		{"organisation not listed", func(p []snapshot.Part) []snapshot.Part {
			p[1].Snapshot.Gaps = append(p[1].Snapshot.Gaps, snapshot.Gap{AccountID: "x", Input: snapshot.InputOrganization, API: "organizations:ListAccounts", Reason: "TooManyRequestsException: slow"})
			return p
		}, "part-2.json (shard 2/3) could not list the organisation (organizations:ListAccounts: TooManyRequestsException: slow)"},
		{"no organisation", func(p []snapshot.Part) []snapshot.Part {
			p[0].Snapshot.Organization = nil
			return p
		}, "part-1.json (shard 1/3) holds no organisation"},
		{"not a part", func(p []snapshot.Part) []snapshot.Part {
			p[0].Snapshot.Source.Shard = nil
			return p
		}, "part-1.json: not a part of a sharded collection"},
		{"bad shard", func(p []snapshot.Part) []snapshot.Part {
			p[0].Snapshot.Source.Shard = &snapshot.Shard{Index: 4, Count: 3}
			return p
		}, "part-1.json: source.shard 4/3: the shard index must be 1 to 3"},
		{"nothing", func([]snapshot.Part) []snapshot.Part { return nil }, "no part to merge"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parts, _ := orgParts(3)
			_, err := snapshot.Merge(tc.edit(parts), snapshot.MergeOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestMergeAllowPartial(t *testing.T) {
	parts, org := orgParts(3)
	m, err := snapshot.Merge([]snapshot.Part{parts[0], parts[2]}, snapshot.MergeOptions{AllowPartial: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Missing, []int{2}) {
		t.Errorf("missing %v, want [2]", m.Missing)
	}
	s := m.Snapshot
	if len(s.Accounts) != len(org.Accounts) {
		t.Fatalf("%d accounts, want all %d of the organisation", len(s.Accounts), len(org.Accounts))
	}
	for _, a := range parts[1].Snapshot.Accounts {
		got := s.Account(a.ID)
		if got.Has(snapshot.InputAuthorizationDetails) || !got.Has(snapshot.InputOrganization) {
			t.Errorf("account %s of the missing shard: collected %v", a.ID, got.Collected)
		}
		gs := s.GapsFor(a.ID, snapshot.InputCredentialReport)
		if len(gs) != 1 || gs[0].ErrorCode != snapshot.GapShardMissing || !strings.Contains(gs[0].Reason, "shard 2/3 was not merged") {
			t.Errorf("account %s: gaps %v", a.ID, gs)
		}
	}
}

func TestParseShard(t *testing.T) {
	good := map[string]snapshot.Shard{"1/1": {Index: 1, Count: 1}, "2/3": {Index: 2, Count: 3}, " 10/10 ": {Index: 10, Count: 10}}
	for in, want := range good {
		if got, err := snapshot.ParseShard(in); err != nil || got != want {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	for _, in := range []string{"", "1", "/3", "1/", "0/3", "4/3", "1/0", "-1/3", "1/-3", "a/b", "1/3/3", "1.0/3", "1/10001", "+1/3"} {
		if got, err := snapshot.ParseShard(in); err == nil {
			t.Errorf("%q parsed as %v", in, got)
		}
	}
}

// The shard of an account depends only on its ID and the count, and the
// counts partition: every account is in exactly one shard, spread evenly.
func TestShardOfSpreads(t *testing.T) {
	const n, count = 3000, 3
	per := map[int]int{}
	for i := range n {
		id := fmt.Sprintf("%012d", 123456789012+i*97)
		sh := snapshot.ShardOf(id, count)
		if sh < 1 || sh > count {
			t.Fatalf("ShardOf(%s) = %d", id, sh)
		}
		per[sh]++
	}
	for i := 1; i <= count; i++ {
		if per[i] < n/count*8/10 || per[i] > n/count*12/10 {
			t.Errorf("shard %d has %d of %d accounts: uneven %v", i, per[i], n, per)
		}
	}
	// Pinned: a change to the hash would split a running collection
	// between collectors of two versions.
	if got := snapshot.ShardOf("111122223333", 3); got != 1 {
		t.Errorf("ShardOf(111122223333, 3) = %d, pinned 1", got)
	}
	if got := snapshot.ShardOf("111122223333", 1); got != 1 {
		t.Errorf("one shard holds everything, got %d", got)
	}
}

// Schema 1.3 added source.shard: a part keeps it through Write and Decode;
// a 1.2 snapshot (no shard: not a part) is migrated, and one of 1.2 that
// claims a shard is refused, since no 1.2 writer produced it.
func TestShardFieldVersions(t *testing.T) {
	parts, _ := orgParts(2)
	var buf strings.Builder
	if err := parts[1].Snapshot.Write(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := snapshot.Decode(strings.NewReader(buf.String()))
	if err != nil || got.Source.Shard == nil || *got.Source.Shard != (snapshot.Shard{Index: 2, Count: 2}) {
		t.Fatalf("round trip: %v, shard %v", err, got.Source.Shard)
	}
	old := `{"schema_version": "1.2", "collected_at": "2026-01-01T00:00:00Z", "source": {"kind": "live"}, "accounts": []}`
	if s, err := snapshot.Decode(strings.NewReader(old)); err != nil || s.Source.Shard != nil || s.SchemaVersion != "1.3" {
		t.Errorf("1.2: %v %+v", err, s)
	}
	bad := strings.Replace(old, `{"kind": "live"}`, `{"kind": "live", "shard": {"index": 1, "count": 2}}`, 1)
	if _, err := snapshot.Decode(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), `unknown field "shard"`) {
		t.Errorf("1.2 with a shard: err = %v", err)
	}
}

func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"1/3", "3/3", "0/3", "4/3", "1/0", "10000/10000", "1/10001", " 2/5 ", "a/b", "1//3", "-1/3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sh, err := snapshot.ParseShard(s)
		if err != nil {
			return
		}
		if sh.Index < 1 || sh.Index > sh.Count || sh.Count > snapshot.MaxShards {
			t.Fatalf("%q parsed as %v", s, sh)
		}
		if again, err := snapshot.ParseShard(sh.String()); err != nil || again != sh {
			t.Fatalf("%q: %v does not round-trip: %v %v", s, sh, again, err)
		}
	})
}
