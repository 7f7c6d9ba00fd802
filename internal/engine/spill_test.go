package engine

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/suppress"
	"github.com/iamspect/iamspect/internal/synth"
)

// An organisation's results spilled account by account to a temporary
// file come back exactly as a scan in memory orders them, with the
// suppressions applied before the spill (Tags, which the spill does not
// keep, are what they match on) and counted alike.
func TestSpilledScanEqualsScanInMemory(t *testing.T) {
	s := synth.Organization(20, 4, 4)
	for i, a := range s.Accounts {
		if i%2 == 0 {
			a.Users[0].Tags = []snapshot.Tag{{Key: "team", Value: "data"}}
		}
	}
	sup := []byte(`suppressions:
  - rule: "iam-user-*"
    tags: {team: "*"}
    reason: tagged users are owned
  - rule: "*"
    all: true
    account: "` + synth.OrgAccountID(3) + `"
    reason: account 3 is being closed
`)
	scanWith := func(spillFrom int) (finding.List, []byte) {
		t.Helper()
		set, err := suppress.Parse(sup, "accepted.yaml")
		if err != nil {
			t.Fatal(err)
		}
		out, err := Scan(context.Background(), s, Options{Suppressions: set, SpillFrom: spillFrom})
		if err != nil {
			t.Fatal(err)
		}
		sum, err := json.Marshal(out.Report.Suppressions)
		if err != nil {
			t.Fatal(err)
		}
		return out.Report.Results, sum
	}
	mem, memSum := scanWith(-1)
	spilled, spilledSum := scanWith(1)
	defer spilled.Close()
	if mem.Spilled() || !spilled.Spilled() {
		t.Fatalf("spilled: memory %v, spool %v", mem.Spilled(), spilled.Spilled())
	}
	if string(memSum) != string(spilledSum) {
		t.Errorf("suppression summaries differ:\n%s\n%s", memSum, spilledSum)
	}
	if want := `"unused":`; strings.Contains(string(memSum), want) {
		t.Errorf("an entry matched nothing: %s", memSum)
	}
	want := mem.Slice()
	muted := 0
	for i := range want {
		want[i].Tags = nil
		if want[i].Status == finding.Muted {
			muted++
		}
	}
	if muted == 0 || spilled.Len() != len(want) {
		t.Fatalf("%d results spilled, %d in memory (%d muted)", spilled.Len(), len(want), muted)
	}
	for i, r := range spilled.All() {
		a, _ := json.Marshal(want[i])
		b, _ := json.Marshal(r)
		if string(a) != string(b) {
			t.Fatalf("result %d:\nmemory  %s\nspilled %s", i, a, b)
		}
	}
}
