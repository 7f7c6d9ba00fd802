package formats_test

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/engine"
	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/report/formats"
)

// largeReport repeats the demo's results until it holds n, each with its
// own resource, so every format renders a big organisation's scan.
func largeReport(b *testing.B, n int) *report.Report {
	out, err := engine.Scan(context.Background(), demo.Snapshot(), engine.Options{})
	if err != nil {
		b.Fatal(err)
	}
	r := out.Report
	base := r.Results.Slice()
	rs := make([]finding.Result, 0, n)
	for i := 0; len(rs) < n; i++ {
		res := base[i%len(base)]
		res.ResourceARN = fmt.Sprintf("%s-%d", res.ResourceARN, i)
		res.ResourceName = fmt.Sprintf("%s-%d", res.ResourceName, i)
		res.Fingerprint = finding.Fingerprint(res.RuleID, res.AccountID, res.ResourceARN)
		rs = append(rs, res)
	}
	r.Results = finding.ListOf(rs)
	r.Summary = report.Summarize(r.Results)
	return r
}

// countingWriter counts the bytes written.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countingWriter)(nil)

// BenchmarkFormats renders a 20,000-result report in every format
// (numbers in docs/performance.md).
func BenchmarkFormats(b *testing.B) {
	r := largeReport(b, 20000)
	for _, name := range formats.Names() {
		f, _ := formats.Get(name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			var size int64
			for b.Loop() {
				w := &countingWriter{}
				if err := f.Write(w, r, formats.Options{ShowPassing: true}); err != nil {
					b.Fatal(err)
				}
				size = w.n
			}
			b.ReportMetric(float64(size)/1e6, "MB/op")
		})
	}
}

// BenchmarkTableLayouts renders the 20,000-result report in the table's
// layouts: the ranking behind --top and the grouping behind --group-by
// (numbers in docs/performance.md).
func BenchmarkTableLayouts(b *testing.B) {
	r := largeReport(b, 20000)
	f, _ := formats.Get("table")
	for _, c := range []struct {
		name string
		o    formats.Options
	}{
		{"rule", formats.Options{}},
		{"top10", formats.Options{Top: 10}},
		{"principal", formats.Options{GroupBy: "principal"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := f.Write(&countingWriter{}, r, c.o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
