package html_test

import (
	"bytes"
	"testing"

	"github.com/iamspect/iamspect/internal/report/html"
	"github.com/iamspect/iamspect/internal/report/internal/reporttest"
)

// The page of the golden subset of the demo (every status, with the
// compliance view), regenerated with go test ./internal/report/html -update.
func TestGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := html.Write(&buf, reporttest.Demo(t, "cis-aws-v3.0")); err != nil {
		t.Fatal(err)
	}
	reporttest.Golden(t, "demo.html.golden", buf.Bytes())
}
