package report_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/iamspect/iamspect/internal/report"
)

// FuzzRead: convert, diff and --baseline read report files a person hands
// over; whatever the bytes, Read returns a report or an error, never panics,
// and a report it accepts re-encodes and reads back.
func FuzzRead(f *testing.F) {
	if b, err := os.ReadFile("testdata/report-schema1.json"); err == nil {
		f.Add(b)
	}
	for _, s := range []string{`{}`, `null`, `{"schema_version":"1","rules":[{"id":"x","remediation":"r"}]}`,
		`{"schema_version":"2.9","results":[{"status":"FAIL"}]}`, `{"schema_version":"1","rules":{}}`, `{"schema_version":"9"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := report.Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("accepted report does not encode: %v", err)
		}
		if _, err := report.Read(bytes.NewReader(b)); err != nil {
			t.Fatalf("re-encoded report does not read back: %v", err)
		}
	})
}
