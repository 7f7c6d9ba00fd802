package rules

import (
	"testing"

	"github.com/iamspect/iamspect/internal/demo"
)

// UsesAnalysis is true exactly for the rules whose check asks the access
// analysis: the scanner drops the analysis once those rules are done, so a
// rule that uses it without the flag would build it again, and one flagged
// without using it would hold it longer. Each rule runs alone on the demo
// account with a fresh context, and the context shows whether an analysis
// was built.
func TestUsesAnalysisDeclared(t *testing.T) {
	s := demo.Snapshot()
	a := s.Accounts[0]
	flagged := 0
	for _, r := range Catalog() {
		if r.CheckAccount == nil {
			continue
		}
		var ctx Context
		ctx.Share()
		r.CheckAccount(r, &ctx, s, a)
		built := len(ctx.models.analyses) > 0
		if built != r.UsesAnalysis {
			t.Errorf("%s: UsesAnalysis is %v, but running it built an analysis: %v", r.ID, r.UsesAnalysis, built)
		}
		if r.UsesAnalysis {
			flagged++
			if n := ctx.ReleaseAnalysis(a); n != len(ctx.model(s, a).Principals) || n == 0 {
				t.Errorf("%s: ReleaseAnalysis returned %d principals", r.ID, n)
			}
			if len(ctx.models.analyses) != 0 || ctx.ReleaseAnalysis(a) != 0 {
				t.Errorf("%s: the analysis is still held after ReleaseAnalysis", r.ID)
			}
		}
	}
	if flagged == 0 {
		t.Fatal("no rule is flagged UsesAnalysis: the demo account exercises none of the analysis rules")
	}
}
