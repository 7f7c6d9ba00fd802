package access

import (
	"testing"
	"time"
	"github.com/iamspect/iamspect/internal/importer"
)

func TestZZReal(t *testing.T) {
	for _, f := range []string{"cloudsplaining-test-example-authz-details.json", "cloudmapper-demo-authz-details.json"} {
		s, err := importer.Import(importer.Options{AuthzDetails: []string{shared + "authz-details/" + f}, Now: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)})
		if err != nil { t.Fatal(err) }
		a := s.Accounts[0]
		m := Build(s, a, nil)
		an := Analyze(m, s.CollectedAt)
		for _, p := range m.Principals {
			if p.Kind == KindGroup { continue }
			fs := an.Escalations(p)
			t.Logf("%s %s admin=%v problems=%v", f[:12], p.ARN, p.Set.IsAdmin(), p.Problems)
			for _, x := range fs {
				t.Logf("    %s -> %s (%s) cond=%v %v", x.Method.ID, x.TargetName, x.Via, x.Conditional(), x.Grants)
			}
		}
		for k, c := range an.AdminChains() { t.Logf("chain %s: %v", k, c) }
	}
}
