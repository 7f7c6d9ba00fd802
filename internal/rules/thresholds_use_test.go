package rules_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/scan"
)

// Each rule a threshold lists really uses it: on the demo organisation its
// results change between the threshold's lowest and highest setting, or
// its texts name the threshold.
func TestThresholdRulesUseThem(t *testing.T) {
	s := demo.Snapshot()
	run := func(r *rules.Rule, th rules.Threshold, v int) []string {
		var rc rules.Context
		th.Set(&rc.Config, v)
		out, err := scan.Run(context.Background(), s, scan.Options{Rules: []*rules.Rule{r}, Context: rc})
		if err != nil {
			t.Fatal(err)
		}
		var res []string
		for _, x := range out.Results.Slice() {
			res = append(res, string(x.Status)+" "+x.ResourceARN+" "+x.Message)
		}
		return res
	}
	for _, th := range rules.Thresholds() {
		for _, id := range th.Rules {
			r := rules.ByID(id)
			if r == nil {
				continue // TestThresholdTable reports it
			}
			named := strings.Contains(r.Description+r.Remediation.Summary+r.Remediation.CLI+r.Remediation.Terraform, "{{"+th.Key+"}}")
			if !named && slices.Equal(run(r, th, th.Min), run(r, th, th.Max)) {
				t.Errorf("%s lists %s, whose results on the demo do not change between %d and %d and whose texts do not name it", th.Key, id, th.Min, th.Max)
			}
		}
	}
}
