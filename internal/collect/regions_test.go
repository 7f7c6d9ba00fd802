package collect

import (
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/sandbox"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// Without --regions, Access Analyzer is read in every region the account has
// enabled: the demo's eu-west-1 has no analyzer, which must be seen.
func TestAnalyzersInEveryEnabledRegion(t *testing.T) {
	served := consistent(demo.Snapshot())
	got, _, c := collectSandbox(t, served, sandbox.Options{}, nil)
	a := got.Account(demo.AccountID)
	if !a.Has(snapshot.InputAccessAnalyzer) {
		t.Fatalf("access analyzer not collected: %+v", got.Gaps)
	}
	if strings.Join(a.Regions, ",") != "eu-west-1,us-east-1" {
		t.Errorf("regions %v", a.Regions)
	}
	if n := c.Calls()["account:ListRegions"]; n != 1 {
		t.Errorf("%d account:ListRegions calls, want 1 (calls: %v)", n, c.Calls())
	}
	if n := c.Calls()["access-analyzer:ListAnalyzers"]; n != 2 {
		t.Errorf("%d ListAnalyzers calls, want one per enabled region (2)", n)
	}
}

// When the enabled regions cannot be listed, the input is a gap naming
// account:ListRegions and the way out, never a one-region PASS.
func TestRegionsDeniedIsAGap(t *testing.T) {
	served := consistent(demo.Snapshot())
	got, _, _ := collectSandbox(t, served, sandbox.Options{Deny: []string{"account:ListRegions"}}, nil)
	a := got.Account(demo.AccountID)
	if a.Has(snapshot.InputAccessAnalyzer) {
		t.Fatal("access analyzer marked collected without knowing the regions")
	}
	gaps := got.GapsFor(a.ID, snapshot.InputAccessAnalyzer)
	if len(gaps) == 0 || gaps[0].API != "account:ListRegions" || !strings.Contains(gaps[0].Reason, "--regions") {
		t.Fatalf("gaps %+v", gaps)
	}
}

// --regions names the regions: no ListRegions call is needed or made.
func TestExplicitRegions(t *testing.T) {
	served := consistent(demo.Snapshot())
	got, _, c := collectSandbox(t, served, sandbox.Options{Deny: []string{"account:ListRegions"}},
		func(o *Options) { o.Regions = []string{"us-east-1"} })
	if !got.Account(demo.AccountID).Has(snapshot.InputAccessAnalyzer) {
		t.Fatalf("gaps %+v", got.Gaps)
	}
	if c.Calls()["account:ListRegions"] != 0 {
		t.Error("ListRegions called although --regions was given")
	}
}
