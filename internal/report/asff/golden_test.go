package asff_test

import (
	"bytes"
	"testing"

	"github.com/iamspect/iamspect/internal/report/asff"
	"github.com/iamspect/iamspect/internal/report/internal/reporttest"
)

// The findings of the golden subset of the demo (every status), regenerated
// with go test ./internal/report/asff -update.
func TestGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := asff.Write(&buf, reporttest.Demo(t, ""), asff.Options{}); err != nil {
		t.Fatal(err)
	}
	reporttest.Golden(t, "demo.asff.golden", buf.Bytes())
}
