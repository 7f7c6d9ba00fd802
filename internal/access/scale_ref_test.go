package access

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// scaleRefAccounts are the accounts whose complete escalation answers are
// compared before and after a change to the analysis (docs/performance.md).
var scaleRefAccounts = map[string]scaleShape{
	"mixed-300":   {users: 300, roles: 300, policies: 150, groups: 200, seed: 1},
	"mixed-1000":  {users: 1000, roles: 1000, policies: 500, groups: 200, seed: 2},
	"mixed-2500":  {users: 2500, roles: 2500, policies: 1250, groups: 200, seed: 3},
	"anyone-500":  {users: 200, roles: 500, policies: 150, groups: 200, trust: trustAll, seed: 4},
	"root-500":    {users: 200, roles: 500, policies: 150, groups: 200, trust: trustRootOf, seed: 5},
	"mixed-small": {users: 60, roles: 60, policies: 100, groups: 30, seed: 6},
}

// scaleLargeAccounts are dumped only when IAMSPECT_PRIVESC_ONLY names one:
// issue 16's 5,000 and 10,000 principals per kind, for whole-scan
// comparisons and timings (minutes to dump).
var scaleLargeAccounts = map[string]scaleShape{
	"mixed-5000":  {users: 5000, roles: 5000, policies: 2500, groups: 200, seed: 7},
	"mixed-10000": {users: 10000, roles: 10000, policies: 5000, groups: 200, seed: 7},
}

// TestScaleReference writes, when IAMSPECT_PRIVESC_DUMP names a directory,
// each reference account's snapshot and every answer of the analysis
// (escalations, empowerments, chains) as JSON lines, so that two builds'
// answers can be compared byte for byte (cmp). IAMSPECT_PRIVESC_ONLY picks
// one account (or one of scaleLargeAccounts).
func TestScaleReference(t *testing.T) {
	dir := os.Getenv("IAMSPECT_PRIVESC_DUMP")
	if dir == "" {
		t.Skip("IAMSPECT_PRIVESC_DUMP not set: no reference dump written")
	}
	names := make([]string, 0, len(scaleRefAccounts))
	for n := range scaleRefAccounts {
		if only := os.Getenv("IAMSPECT_PRIVESC_ONLY"); only == "" || only == n {
			names = append(names, n)
		}
	}
	if _, ok := scaleLargeAccounts[os.Getenv("IAMSPECT_PRIVESC_ONLY")]; ok {
		names = append(names, os.Getenv("IAMSPECT_PRIVESC_ONLY"))
	}
	sort.Strings(names)
	for _, n := range names {
		shape, ok := scaleRefAccounts[n]
		if !ok {
			shape = scaleLargeAccounts[n]
		}
		s := genScale(shape)
		sf, err := os.Create(filepath.Join(dir, n+".snapshot.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Write(sf); err != nil {
			t.Fatal(err)
		}
		sf.Close()
		f, err := os.Create(filepath.Join(dir, n+".answers.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		w := bufio.NewWriter(f)
		dumpAnswers(t, w, Analyze(Build(s, s.Accounts[0], nil), now))
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
}

func dumpAnswers(t *testing.T, w *bufio.Writer, an *Analysis) {
	line := func(kind, arn string, v any) {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(w, "%s %s %s\n", kind, arn, b)
	}
	chains := an.AdminChains()
	for _, p := range an.Model.Principals {
		for _, f := range an.Escalations(p) {
			line("escalation "+f.Method.ID, p.ARN, f)
		}
		for _, e := range an.Empowerments(p) {
			line("empowerment", p.ARN, e)
		}
		for _, c := range chains[p.ARN] {
			line("chain", p.ARN, c.String())
		}
	}
}

// BenchmarkPrivescProfile is one mid-size account to profile:
// go test ./internal/access -run '^$' -bench PrivescProfile -benchtime 1x -cpuprofile cpu.out
func BenchmarkPrivescProfile(b *testing.B) {
	benchmarkScale(b, scaleShape{users: 1000, roles: 1000, policies: 500, groups: 200, seed: 7})
}
