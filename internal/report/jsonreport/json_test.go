package jsonreport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/rules"
)

func sampleReport(n int) *report.Report {
	r := &report.Report{SchemaVersion: report.SchemaVersion, GeneratedAt: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
		Accounts: []report.Account{{ID: "123456789012"}}}
	for i := range n {
		r.Results = finding.ListOf(append(r.Results.Slice(), rules.Result{RuleID: "iam-user-unused", Status: rules.Fail, Severity: rules.Medium,
			AccountID: "123456789012", ResourceType: rules.TypeUser, ResourceARN: fmt.Sprintf("arn:aws:iam::123456789012:user/u%d", i),
			ResourceName: fmt.Sprintf("u%d", i), Message: fmt.Sprintf("IAM user u%d <has> not signed in & for 400 days", i), Fingerprint: "abc"}))
	}
	return r
}

// mixedReport holds n results of every shape: sample results, and
// results with every field set, without evidence, with awkward text.
func mixedReport(n int) *report.Report {
	r := sampleReport(n)
	for i := range r.Results.Slice() {
		switch i % 4 {
		case 1:
			r.Results.Slice()[i] = fullResult()
		case 2:
			r.Results.Slice()[i] = fullResult()
			r.Results.Slice()[i].Evidence = &finding.Evidence{}
		case 3:
			r.Results.Slice()[i].Message = awkward[i%len(awkward)]
		}
	}
	return r
}

// The streamed document is byte for byte what encoding/json writes for
// the whole report, whether the results fit in one batch or span several.
func TestWriteEqualsWholeEncoding(t *testing.T) {
	for _, n := range []int{0, 1, 3, 2*batchSize + 1} {
		r := mixedReport(n)
		if n == 0 {
			r.Results = finding.ListOf([]rules.Result{})
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := Write(&got, r); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%d results: streamed\n%.4000s\nwant\n%.4000s", n, got.String(), want.String())
		}
	}
	r := sampleReport(1)
	r.Results = finding.List{}
	var got bytes.Buffer
	if err := Write(&got, r); err != nil || !bytes.Contains(got.Bytes(), []byte(`"results": []`)) {
		t.Errorf("no results: %v %s", err, got.String())
	}
}

// peakWriter records the largest live heap seen while the report is
// written.
type peakWriter struct {
	size, peak uint64
}

func (p *peakWriter) Write(b []byte) (int, error) {
	p.size += uint64(len(b))
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	p.peak = max(p.peak, m.HeapAlloc)
	return len(b), nil
}

// A report of 200,000 results (a 200,000-row credential report) is written
// without holding the encoded document: the heap grows by a small fraction
// of the document's size.
func TestWriteBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("large report")
	}
	r := sampleReport(200000)
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	base := m.HeapAlloc
	pw := &peakWriter{}
	if err := Write(pw, r); err != nil {
		t.Fatal(err)
	}
	size := pw.size
	grown := int64(pw.peak) - int64(base)
	t.Logf("document %d MB, heap grew by at most %d MB while writing", size>>20, grown>>20)
	if grown > int64(size)/4 {
		t.Errorf("writing a %d MB report grew the heap by %d MB", size>>20, grown>>20)
	}
}

// failingWriter fails once it has taken limit bytes.
type failingWriter struct{ n, limit int }

var errFull = errors.New("disk full")

func (f *failingWriter) Write(b []byte) (int, error) {
	if f.n+len(b) > f.limit {
		return 0, errFull
	}
	f.n += len(b)
	return len(b), nil
}

// A failing write, or a result encoding/json could not encode, stops the
// batches and is returned, wherever in the list it happens.
func TestWriteErrors(t *testing.T) {
	r := mixedReport(20 * batchSize)
	var whole bytes.Buffer
	if err := Write(&whole, r); err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{10, whole.Len() / 2, whole.Len() - 1} {
		if err := Write(&failingWriter{limit: limit}, r); !errors.Is(err, errFull) {
			t.Errorf("writer failing after %d bytes: %v", limit, err)
		}
	}
	far := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	r.Results.Slice()[15*batchSize+3] = fullResult()
	r.Results.Slice()[15*batchSize+3].Evidence.Date = &far
	var out bytes.Buffer
	if err := Write(&out, r); err == nil || !strings.Contains(err.Error(), "year outside of range") {
		t.Errorf("date beyond 9999: %v", err)
	}
}
