package plan

import (
	"bytes"
	"strings"
	"testing"
)

// Plans are read from files a person may have edited by hand: Read must
// never panic, and whatever it accepts must validate and encode again.
func FuzzRead(f *testing.F) {
	var b bytes.Buffer
	if err := sample().Encode(&b); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte(`{"schema_version":"1.0","kind":"fix","accounts":[],"actions":[]}`))
	f.Add([]byte(`{"schema_version":"1.9","kind":"fix","x":[{"y":1}],"accounts":[],"actions":[]}`))
	f.Add([]byte(`{"schema_version":"2.0"}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Read(bytes.NewReader(data))
		if err != nil {
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatal("empty error")
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("Read accepted a plan Validate refuses: %v", err)
		}
		var out bytes.Buffer
		if err := p.Encode(&out); err != nil {
			t.Fatalf("accepted plan does not encode: %v", err)
		}
	})
}
