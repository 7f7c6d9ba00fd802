package csvreport_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/report/csvreport"
	"github.com/iamspect/iamspect/internal/report/internal/reporttest"
)

func parse(t *testing.T, r *report.Report) [][]string {
	t.Helper()
	var buf bytes.Buffer
	if err := csvreport.Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	cr := csv.NewReader(&buf)
	cr.FieldsPerRecord = len(csvreport.Columns)
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("not valid CSV: %v", err)
	}
	return rows
}

// Parsed back, there is one row per result, with the columns in place.
func TestOneRowPerResult(t *testing.T) {
	r := reporttest.Demo(t, "")
	rows := parse(t, r)
	if !slices.Equal(rows[0], csvreport.Columns) {
		t.Fatalf("header %v", rows[0])
	}
	if len(rows)-1 != r.Summary.Total {
		t.Fatalf("%d rows for %d results", len(rows)-1, r.Summary.Total)
	}
	col := map[string]int{}
	for i, c := range csvreport.Columns {
		col[c] = i
	}
	counts := map[string]int{}
	for i, row := range rows[1:] {
		res := r.Results.Slice()[i]
		counts[row[col["status"]]]++
		if row[col["rule_id"]] != res.RuleID || row[col["resource_arn"]] != res.ResourceARN || row[col["fingerprint"]] != res.Fingerprint ||
			row[col["message"]] != res.Message || row[col["rule_title"]] == "" || row[col["remediation"]] == "" {
			t.Errorf("row %d: %v", i, row)
		}
		switch res.Status {
		case finding.Muted:
			if !strings.Contains(row[col["mute_reason"]], "OPS-42") {
				t.Errorf("muted row %v", row)
			}
		case finding.Unknown:
			if row[col["missing_inputs"]] != "credential_report" {
				t.Errorf("unknown row %v", row)
			}
		}
		if res.AccountID == "111122223333" && row[col["account_alias"]] != "northwind-prod" {
			t.Errorf("alias %q", row[col["account_alias"]])
		}
	}
	s := r.Summary
	if counts["FAIL"] != s.Fail || counts["PASS"] != s.Pass || counts["MUTED"] != s.Muted || counts["UNKNOWN"] != s.Unknown {
		t.Errorf("counts %v, summary %+v", counts, s)
	}
}

// Cells a spreadsheet would run as formulas are neutralised; commas,
// quotes and newlines round-trip through RFC 4180 quoting.
func TestFormulaInjectionAndQuoting(t *testing.T) {
	hostile := []string{"=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"}
	r := &report.Report{}
	for _, h := range hostile {
		r.Results = finding.ListOf(append(r.Results.Slice(), finding.Result{RuleID: "r", Status: finding.Fail, ResourceName: h, Message: "a, \"b\"\nc", MuteReason: h}))
	}
	rows := parse(t, r)
	for i, h := range hostile {
		row := rows[i+1]
		name, reason := row[7], row[13]
		// With CRLF line ends encoding/csv drops a lone CR inside a
		// field; the quote is added before that.
		want := "'" + strings.ReplaceAll(h, "\r", "")
		if name != want || reason != want || csvreport.Neutralise(h) != "'"+h {
			t.Errorf("%q: cells %q %q", h, name, reason)
		}
		if row[8] != "a, \"b\"\nc" {
			t.Errorf("message %q", row[8])
		}
	}
	age := 740
	r = &report.Report{Results: finding.ListOf([]finding.Result{{RuleID: "r", Status: finding.Fail, Evidence: &finding.Evidence{KeyID: "AKIAEXAMPLE", AgeDays: &age}}})}
	if got := parse(t, r)[1][14]; got != `{"key_id":"AKIAEXAMPLE","age_days":740}` {
		t.Errorf("evidence cell %q", got)
	}
	for _, safe := range []string{"", "alice", "a=b", "arn:aws:iam::1:user/-x"} {
		if got := csvreport.Neutralise(safe); got != safe {
			t.Errorf("%q changed to %q", safe, got)
		}
	}
}

func TestGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := csvreport.Write(&buf, reporttest.Demo(t, "")); err != nil {
		t.Fatal(err)
	}
	reporttest.Golden(t, "demo.csv.golden", buf.Bytes())
}
