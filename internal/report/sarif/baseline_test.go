package sarif_test

import (
	"encoding/json"
	"testing"

	"github.com/iamspect/iamspect/internal/drift"
	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report/internal/reporttest"
	"github.com/iamspect/iamspect/internal/report/sarif"
)

// With a baseline, every result carries a baselineState: a failure the
// baseline lacked is new, one it had unchanged, a baseline failure that now
// passes updated, and (with ShowPassing) one that is gone is an absent
// result. The log still validates against the official schema.
func TestBaselineState(t *testing.T) {
	old := reporttest.Full(t)
	cur := *old
	cur.Results = finding.ListOf(append([]finding.Result(nil), old.Results.Slice()...))
	var fails []int
	for i, r := range cur.Results.Slice() {
		if r.Status == finding.Fail {
			fails = append(fails, i)
		}
	}
	fixed, gone := cur.Results.Slice()[fails[0]], cur.Results.Slice()[fails[1]]
	cur.Results.Slice()[fails[0]].Status = finding.Pass
	added := finding.Result{RuleID: fixed.RuleID, Status: finding.Fail, Severity: fixed.Severity, AccountID: fixed.AccountID,
		ResourceType: fixed.ResourceType, ResourceARN: fixed.ResourceARN + "-new", ResourceName: fixed.ResourceName + "-new", Message: "new"}
	added.Finish()
	cur.Results = finding.ListOf(append(cur.Results.Slice()[:fails[1]], cur.Results.Slice()[fails[1]+1:]...))
	cur.Results = finding.ListOf(append(cur.Results.Slice(), added))
	cur.Changes = drift.Compare(old, &cur).Changes("old.json", old)

	doc := render(t, &cur, sarif.Options{ShowPassing: true})
	var log sarif.Log
	if err := json.Unmarshal(doc, &log); err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	counts := map[string]int{}
	for _, r := range log.Runs[0].Results {
		if r.BaselineState == "" {
			t.Fatalf("result %s without baselineState", r.RuleID)
		}
		states[r.PartialFingerprints[sarif.FingerprintKey]+"/"+r.Kind] = r.BaselineState
		counts[r.BaselineState]++
	}
	for key, want := range map[string]string{
		added.Fingerprint + "/fail": "new",
		fixed.Fingerprint + "/pass": "updated",
		gone.Fingerprint + "/pass":  "absent",
	} {
		if states[key] != want {
			t.Errorf("%s: %q, want %q", key, states[key], want)
		}
	}
	if counts["new"] != 1 || counts["updated"] != 1 || counts["absent"] != 1 || counts["unchanged"] == 0 {
		t.Errorf("states %v", counts)
	}
	// Without ShowPassing no absent result is added (GitHub would count it).
	var plain sarif.Log
	_ = json.Unmarshal(render(t, &cur, sarif.Options{}), &plain)
	for _, r := range plain.Runs[0].Results {
		if r.BaselineState == "absent" || r.BaselineState == "" {
			t.Errorf("without ShowPassing: %s %q", r.RuleID, r.BaselineState)
		}
	}
	t.Run("official schema", func(t *testing.T) {
		errs, err := validator(t).Validate(doc) // skips without ../shared
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range errs {
			t.Error(e)
		}
	})
}
