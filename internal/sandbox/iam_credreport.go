package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// The credential report: GenerateCredentialReport answers STARTED the first
// time and COMPLETE after; the first GetCredentialReport after the first
// Generate answers ReportInProgress (unless a Generate already said
// COMPLETE), so that a collector's polling is exercised. GetCredentialReport
// before any Generate answers ReportNotPresent. With Options.ReportDelay the
// report is instead ready that long after the first Generate, as in AWS
// (which takes seconds to minutes): until then Generate answers INPROGRESS
// and GetCredentialReport ReportInProgress.

type reportState struct {
	generated bool      // GenerateCredentialReport was called
	pending   bool      // the next GetCredentialReport says ReportInProgress
	readyAt   time.Time // with ReportDelay: when the report is ready
}

// inProgress reports whether the report is still being generated, and
// consumes the one ReportInProgress answer of the call-counted mode.
func (st *reportState) inProgress(delayed bool) bool {
	if delayed {
		return time.Now().Before(st.readyAt)
	}
	p := st.pending
	st.pending = false
	return p
}

type generateReportResult struct {
	State       string `xml:"State"`
	Description string `xml:"Description"`
}

func generateCredentialReport(s *Server, c *call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.reports[c.acct.ID]
	if st == nil {
		s.reports[c.acct.ID] = &reportState{generated: true, pending: true, readyAt: time.Now().Add(s.opts.ReportDelay)}
		return generateReportResult{State: "STARTED", Description: "No report exists. Starting a new report generation task"}, nil
	}
	if s.opts.ReportDelay > 0 && time.Now().Before(st.readyAt) {
		return generateReportResult{State: "INPROGRESS", Description: "Report generation in progress"}, nil
	}
	st.pending = false
	return generateReportResult{State: "COMPLETE"}, nil
}

type getReportResult struct {
	Content       string `xml:"Content"` // base64, as the Query protocol writes blobs
	ReportFormat  string `xml:"ReportFormat"`
	GeneratedTime string `xml:"GeneratedTime"`
}

func getCredentialReport(s *Server, c *call) (any, *apiError) {
	s.mu.Lock()
	st := s.reports[c.acct.ID]
	var pending bool
	if st != nil {
		pending = st.inProgress(s.opts.ReportDelay > 0)
	}
	s.mu.Unlock()
	switch {
	case st == nil:
		return nil, &apiError{Status: 410, Code: "ReportNotPresent",
			Message: "Credential report does not exist. Use GenerateCredentialReport to generate a report."}
	case pending:
		return nil, &apiError{Status: 404, Code: "ReportInProgress", Message: "Report generation in progress"}
	}
	content, err := CredentialReportCSV(s.snap, c.acct)
	if err != nil {
		return nil, &apiError{Status: 500, Code: "ServiceFailure", Message: err.Error()}
	}
	return getReportResult{Content: base64.StdEncoding.EncodeToString(content), ReportFormat: "text/csv",
		GeneratedTime: ts(s.snap.ReferenceTime(c.acct))}, nil
}

// credentialReportHeader is the credential report's exact column set and order.
var credentialReportHeader = []string{
	"user", "arn", "user_creation_time", "password_enabled", "password_last_used",
	"password_last_changed", "password_next_rotation", "mfa_active",
	"access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
	"access_key_1_last_used_region", "access_key_1_last_used_service",
	"access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
	"access_key_2_last_used_region", "access_key_2_last_used_service",
	"cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
}

// CredentialReportCSV renders an account's credential report as AWS writes
// it: the root user first as <root_account>, then the users.
func CredentialReportCSV(s *snapshot.Snapshot, a *snapshot.Account) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	rows := [][]string{credentialReportHeader}
	if a.Root != nil {
		rows = append(rows, rootRow(a))
	}
	for _, u := range a.Users {
		rows = append(rows, userRow(u))
	}
	if err := w.WriteAll(rows); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// reportTime is the report's date format, e.g. 2024-01-02T03:04:05+00:00.
func reportTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05+00:00") }

func dateOr(t *time.Time, none string) string {
	if t == nil || t.IsZero() {
		return none
	}
	return reportTime(*t)
}

func boolCell(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func rootRow(a *snapshot.Account) []string {
	r := a.Root
	arn := r.ARN
	if arn == "" {
		arn = a.RootARN()
	}
	pw := "not_supported"
	if r.PasswordEnabled != nil {
		pw = boolCell(*r.PasswordEnabled)
	}
	created := "N/A"
	if r.CreatedAt != nil {
		created = reportTime(*r.CreatedAt)
	}
	row := []string{"<root_account>", arn, created, pw,
		dateOr(r.PasswordLastUsed, "no_information"),
		dateOr(r.PasswordLastChanged, "not_supported"), "not_supported",
		boolCell(r.MFAActive || len(r.MFADevices) > 0)}
	row = append(row, keyCells(r.AccessKeys)...)
	return append(row, certCells(r.SigningCertificates)...)
}

func userRow(u *snapshot.User) []string {
	pwEnabled := u.HasConsolePassword()
	row := []string{u.Name, u.ARN, reportTime(u.CreatedAt), boolCell(pwEnabled)}
	var p snapshot.Password
	if u.Password != nil {
		p = *u.Password
	}
	switch {
	case p.LastUsed != nil:
		row = append(row, reportTime(*p.LastUsed))
	case pwEnabled:
		row = append(row, "no_information")
	default:
		row = append(row, "N/A")
	}
	if pwEnabled {
		row = append(row, dateOr(p.LastChanged, "N/A"), dateOr(p.NextRotation, "N/A"))
	} else {
		row = append(row, "N/A", "N/A")
	}
	mfa := len(u.MFADevices) > 0
	if u.MFAActive != nil {
		mfa = *u.MFAActive
	}
	row = append(row, boolCell(mfa))
	row = append(row, keyCells(u.AccessKeys)...)
	return append(row, certCells(u.SigningCertificates)...)
}

// keyCells fills the two access key slots.
func keyCells(keys []snapshot.AccessKey) []string {
	var slots [2]*snapshot.AccessKey
	for i := range keys {
		k := &keys[i]
		n := k.Slot
		if n == 0 {
			n = i + 1
		}
		if n >= 1 && n <= 2 && slots[n-1] == nil {
			slots[n-1] = k
		}
	}
	var out []string
	for _, k := range slots {
		if k == nil {
			out = append(out, "false", "N/A", "N/A", "N/A", "N/A")
			continue
		}
		region, service := "N/A", "N/A"
		if k.LastUsed != nil {
			if k.LastUsedRegion != "" {
				region = k.LastUsedRegion
			}
			if k.LastUsedService != "" {
				service = k.LastUsedService
			}
		}
		out = append(out, boolCell(k.Active()), dateOr(k.CreatedAt, "N/A"), dateOr(k.LastUsed, "N/A"), region, service)
	}
	return out
}

// certCells fills the two signing certificate slots.
func certCells(certs []snapshot.SigningCert) []string {
	var slots [2]*snapshot.SigningCert
	for i := range certs {
		c := &certs[i]
		n := c.Slot
		if n == 0 {
			n = i + 1
		}
		if n >= 1 && n <= 2 && slots[n-1] == nil {
			slots[n-1] = c
		}
	}
	var out []string
	for _, c := range slots {
		if c == nil {
			out = append(out, "false", "N/A")
			continue
		}
		out = append(out, boolCell(c.Status == snapshot.StatusActive), dateOr(c.UploadedAt, "N/A"))
	}
	return out
}
