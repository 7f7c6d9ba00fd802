package csvreport_test

import (
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/report/csvreport"
)

// Whatever a cell holds, the CSV parses back to one row of the right width,
// and no cell starts with a formula character.
func FuzzRoundTrip(f *testing.F) {
	for _, s := range []string{"=1+1", "a,b", "\"q\"", "x\ny", "\r", "-", "@", "\t=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := &report.Report{Results: finding.ListOf([]finding.Result{{RuleID: s, Status: finding.Fail, ResourceName: s, Message: s, MuteReason: s}})}
		rows := parse(t, r)
		if len(rows) != 2 {
			t.Fatalf("%d rows", len(rows))
		}
		for _, cell := range rows[1] {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Fatalf("%q: cell %q starts with a formula character", s, cell)
			}
		}
		want := csvreport.Neutralise(s)
		// encoding/csv turns CRLF into LF and drops a lone CR under CRLF line ends.
		want = strings.ReplaceAll(strings.ReplaceAll(want, "\r\n", "\n"), "\r", "")
		if rows[1][8] != want {
			t.Fatalf("message %q came back as %q, want %q", s, rows[1][8], want)
		}
	})
}
