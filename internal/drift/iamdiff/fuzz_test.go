package iamdiff_test

import (
	"testing"

	"github.com/iamspect/iamspect/internal/drift/iamdiff"
)

// Policy documents in snapshots are untrusted: diffing never panics, a
// document never differs from itself, and a difference is seen both ways.
func FuzzDiffDocuments(f *testing.F) {
	f.Add([]byte(policyS3), []byte(trustLambda))
	f.Add([]byte(`{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Condition":{"Bool":{"k":true}}}}`), []byte(`"{\"a\":1}"`))
	f.Add([]byte(`[1,{"a":[null,{"b":2}]}]`), []byte(`{"Statement":[{"Sid":"x"},{"Sid":"x"},3,"s"]}`))
	f.Add([]byte(`not json`), []byte(``))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		if d := iamdiff.DiffDocuments(a, a); len(d) != 0 {
			t.Fatalf("a document differs from itself: %+v", d)
		}
		ab, ba := iamdiff.DiffDocuments(a, b), iamdiff.DiffDocuments(b, a)
		if (len(ab) == 0) != (len(ba) == 0) {
			t.Fatalf("asymmetric: %d changes one way, %d the other", len(ab), len(ba))
		}
	})
}
