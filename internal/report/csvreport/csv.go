// Package csvreport writes a report as CSV, one row per result, for
// spreadsheets and ad-hoc tooling.
//
// The columns are fixed (Columns) and documented in docs/output.md; quoting
// follows RFC 4180 (encoding/csv, CRLF line ends). Cells are
// formula-injection safe: a cell that begins with =, +, -, @, a tab or a
// carriage return — which Excel, LibreOffice and Google Sheets would treat
// as a formula — gets a leading single quote, so a resource named
// "=HYPERLINK(...)" shows as text.
package csvreport

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strings"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
)

// Columns are the header row, in order.
var Columns = []string{
	"rule_id", "status", "severity", "account_id", "account_alias", "resource_type", "resource_arn", "resource_name",
	"message", "fingerprint", "rule_title", "remediation", "missing_inputs", "mute_reason", "evidence",
}

// Write encodes every result as a row under the header.
func Write(w io.Writer, r *report.Report) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(Columns); err != nil {
		return err
	}
	aliases := map[string]string{}
	for _, a := range r.Accounts {
		aliases[a.ID] = a.Alias
	}
	for _, res := range r.Results.All() {
		if err := cw.Write(row(r, res, aliases)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func row(r *report.Report, res finding.Result, aliases map[string]string) []string {
	var title, fix string
	if info := r.Rule(res.RuleID); info != nil {
		title, fix = info.Title, info.Remediation.Summary
	}
	cells := []string{
		res.RuleID, string(res.Status), string(res.Severity), res.AccountID, aliases[res.AccountID], res.ResourceType,
		res.ResourceARN, res.ResourceName, res.Message, res.Fingerprint, title, fix,
		strings.Join(res.MissingInputs, ";"), res.MuteReason, evidence(res.Evidence),
	}
	for i, c := range cells {
		cells[i] = Neutralise(c)
	}
	return cells
}

// evidence is the result's structured evidence as compact JSON, or "".
func evidence(ev *finding.Evidence) string {
	if ev == nil {
		return ""
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ev); err != nil {
		return ""
	}
	if s := strings.TrimSpace(b.String()); s != "{}" {
		return s
	}
	return ""
}

// Neutralise prefixes a cell that a spreadsheet would evaluate as a
// formula with a single quote.
func Neutralise(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}
