package sarif_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/iamspect/iamspect/internal/drift"
	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/report/internal/reporttest"
	"github.com/iamspect/iamspect/internal/report/sarif"
)

// Write streams the results, and its log is byte for byte encoding/json's
// indented encoding of Build's whole log: with and without passing
// results, with a baseline's absent results, with none at all, and with
// text that needs escaping.
func TestWriteEqualsWholeEncoding(t *testing.T) {
	full := reporttest.Full(t)
	awkward := *full
	awkward.Results = finding.ListOf(append([]finding.Result(nil), full.Results.Slice()...))
	awkward.Results.Slice()[0].Message = "quote \" <b>&amp; \u2028 \x01 ünï"
	awkward.Results.Slice()[0].ResourceName = "x/y z"
	changed := awkward
	changed.Results = finding.ListOf(changed.Results.Slice()[1:])
	changed.Changes = drift.Compare(full, &changed).Changes("old.json", full)
	empty := *full
	empty.Results = finding.List{}
	for name, r := range map[string]*report.Report{"full": full, "awkward": &awkward, "baseline": &changed, "empty": &empty} {
		for _, o := range []sarif.Options{{}, {ShowPassing: true}} {
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			if err := enc.Encode(sarif.Build(r, o)); err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := sarif.Write(&got, r, o); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("%s, passing %v: streamed log differs from the whole encoding\ngot  %.3000s\nwant %.3000s", name, o.ShowPassing, got.String(), want.String())
			}
		}
	}
}
