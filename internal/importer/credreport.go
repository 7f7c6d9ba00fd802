package importer

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// RootRowName is the user cell of the credential report's root user row.
const RootRowName = "<root_account>"

// CredentialReport is a parsed credential report.
type CredentialReport struct {
	// GeneratedTime is when AWS generated the report; nil when unknown (a
	// bare CSV file carries no date).
	GeneratedTime *time.Time
	Rows          []CredentialRow
}

// CredentialRow is one row of the report. Unknown cells (N/A,
// no_information, not_supported) are nil pointers or empty strings.
type CredentialRow struct {
	Line                int // line in the CSV text, for messages
	User                string
	ARN                 string
	CreatedAt           *time.Time
	PasswordEnabled     *bool // nil for not_supported (the root user in older reports)
	PasswordLastUsed    *time.Time
	PasswordLastChanged *time.Time
	PasswordNextRotate  *time.Time
	MFAActive           bool
	AccessKeys          [2]CredentialSlot
	Certs               [2]CredentialSlot
}

// CredentialSlot is access key or certificate slot 1 or 2.
type CredentialSlot struct {
	Exists          bool // active, or has a last_rotated date
	Active          bool
	LastRotated     *time.Time
	LastUsed        *time.Time
	LastUsedRegion  string
	LastUsedService string
}

// requiredColumns must be in every report header; the rest are optional
// (newer reports may add columns, which are ignored).
var requiredColumns = []string{"user", "arn", "password_enabled", "mfa_active",
	"access_key_1_active", "access_key_2_active"}

const credExpected = "the output of `aws iam get-credential-report` (JSON with Content, or the decoded CSV starting with \"user,arn,\")"

// credEnvelope is the JSON printed by `aws iam get-credential-report`.
type credEnvelope struct {
	Content       *string `json:"Content"`
	GeneratedTime Time    `json:"GeneratedTime"`
	ReportFormat  string  `json:"ReportFormat"`
}

// DecodeCredentialReportFile parses a credential report in any of the forms
// people save it in: the CLI's JSON envelope with base64 Content, the same
// envelope with Content already decoded to CSV text, or the bare CSV. Errors
// are *InputError without a file name.
func DecodeCredentialReportFile(data []byte) (*CredentialReport, error) {
	data = trimBOM(data)
	if err := checkKind(data, KindCredentialReport); err != nil {
		return nil, err
	}
	if c := firstByte(data); c != '{' && c != '[' {
		return DecodeCredentialReport(data, nil)
	}
	var env credEnvelope
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, jsonError(data, err, credExpected)
	}
	if env.Content == nil {
		return nil, &InputError{Msg: "no Content member; expected " + credExpected}
	}
	if env.ReportFormat != "" && env.ReportFormat != "text/csv" {
		return nil, &InputError{Msg: fmt.Sprintf("ReportFormat is %q; only text/csv reports can be read", env.ReportFormat)}
	}
	csvText, err := reportContent(*env.Content)
	if err != nil {
		return nil, err
	}
	rep, err := DecodeCredentialReport(csvText, env.GeneratedTime.Ptr())
	if err != nil {
		var ie *InputError
		if errors.As(err, &ie) {
			ie.Msg = "in the report in Content: " + ie.Msg
		}
		return nil, err
	}
	return rep, nil
}

// reportContent returns the CSV text of Content: as is when it already reads
// as CSV, else base64-decoded (the CLI prints the blob base64-encoded).
func reportContent(content string) ([]byte, error) {
	c := strings.TrimSpace(content)
	if looksLikeReportCSV([]byte(c)) {
		return []byte(c), nil
	}
	clean := strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ' ' {
			return -1
		}
		return r
	}, c)
	dec, err := base64.StdEncoding.DecodeString(clean)
	if err != nil {
		return nil, &InputError{Msg: "Content is neither CSV text nor base64; expected " + credExpected, Err: err}
	}
	if !looksLikeReportCSV(dec) {
		return nil, &InputError{Msg: "Content decodes from base64 but is not a credential report CSV (no \"user,arn,\" header)"}
	}
	return dec, nil
}

// DecodeCredentialReport parses the CSV text of a credential report (what the
// SDK's GetCredentialReport returns in Content). generated is the report's
// GeneratedTime, nil if unknown. Columns are found by name, so their order
// does not matter. Errors are *InputError with the CSV line.
func DecodeCredentialReport(data []byte, generated *time.Time) (*CredentialReport, error) {
	data = trimBOM(data)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &InputError{Msg: "empty credential report; expected " + credExpected}
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = 0 // every row as wide as the header
	header, err := r.Read()
	if err != nil {
		return nil, csvError(err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.ToLower(h))] = i
	}
	var missing []string
	for _, c := range requiredColumns {
		if _, ok := col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, &InputError{Line: 1, Msg: fmt.Sprintf("credential report header lacks column(s) %s; expected %s",
			strings.Join(missing, ", "), credExpected)}
	}
	rep := &CredentialReport{GeneratedTime: generated}
	seen := map[string]int{}
	// One row per user and one for the root user: rows far beyond AWS's
	// user quota are counted, not kept, and the report is refused.
	limit, rows := snapshot.QuotaUsers.Limit()+1, 0
	r.ReuseRecord = true
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if rows++; rows > limit {
			continue
		}
		row, err := parseRow(rec, col, line)
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[row.ARN]; dup {
			return nil, &InputError{Line: line, Msg: fmt.Sprintf("%s appears twice (also on line %d)", row.ARN, prev)}
		}
		seen[row.ARN] = line
		rep.Rows = append(rep.Rows, row)
	}
	if rows > limit {
		return nil, &InputError{Msg: fmt.Sprintf("%s rows, one per user: %v", snapshot.Comma(rows), snapshot.QuotaUsers.Check(rows-1))}
	}
	return rep, nil
}

// csvError converts an encoding/csv error into an InputError with its line.
func csvError(err error) *InputError {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			msg = "row has a different number of cells than the header"
		}
		return &InputError{Line: pe.Line, Col: pe.Column, Err: err, Msg: "malformed credential report CSV: " + msg}
	}
	return &InputError{Err: err, Msg: "reading credential report CSV: " + err.Error()}
}

// parseRow reads one row; cells are looked up by column name.
func parseRow(rec []string, col map[string]int, line int) (CredentialRow, error) {
	var firstErr error
	cell := func(name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	fail := func(name, v, want string) {
		if firstErr == nil {
			firstErr = &InputError{Line: line, Msg: fmt.Sprintf("column %s: %q is not %s", name, v, want)}
		}
	}
	date := func(name string) *time.Time {
		v := cell(name)
		if isUnknownCell(v) {
			return nil
		}
		t, err := ParseTime(v)
		if err != nil {
			fail(name, v, "a date, N/A, no_information or not_supported")
			return nil
		}
		return &t
	}
	boolean := func(name string) *bool {
		v := cell(name)
		switch strings.ToLower(v) {
		case "true":
			b := true
			return &b
		case "false":
			b := false
			return &b
		}
		if isUnknownCell(v) {
			return nil
		}
		fail(name, v, "true, false or not_supported")
		return nil
	}
	text := func(name string) string {
		if v := cell(name); !isUnknownCell(v) {
			return v
		}
		return ""
	}
	row := CredentialRow{Line: line, User: cell("user"), ARN: cell("arn")}
	if row.User == "" || row.ARN == "" {
		return row, &InputError{Line: line, Msg: "row has an empty user or arn cell"}
	}
	row.CreatedAt = date("user_creation_time")
	row.PasswordEnabled = boolean("password_enabled")
	row.PasswordLastUsed = date("password_last_used")
	row.PasswordLastChanged = date("password_last_changed")
	row.PasswordNextRotate = date("password_next_rotation")
	row.MFAActive = deref(boolean("mfa_active"))
	for i := range 2 {
		p := fmt.Sprintf("access_key_%d_", i+1)
		k := CredentialSlot{Active: deref(boolean(p + "active")), LastRotated: date(p + "last_rotated"),
			LastUsed: date(p + "last_used_date"), LastUsedRegion: text(p + "last_used_region"),
			LastUsedService: text(p + "last_used_service")}
		k.Exists = k.Active || k.LastRotated != nil
		row.AccessKeys[i] = k
		p = fmt.Sprintf("cert_%d_", i+1)
		c := CredentialSlot{Active: deref(boolean(p + "active")), LastRotated: date(p + "last_rotated")}
		c.Exists = c.Active || c.LastRotated != nil
		row.Certs[i] = c
	}
	return row, firstErr
}

// isUnknownCell reports the report's placeholders for "no value".
func isUnknownCell(v string) bool {
	switch strings.ToLower(v) {
	case "", "n/a", "no_information", "not_supported":
		return true
	}
	return false
}

func deref(b *bool) bool { return b != nil && *b }

// ApplyCredentialReport merges a report into the account: the <root_account>
// row becomes acct.Root; other rows update the user with the same ARN, or add
// a user (one deleted from, or created after, the authorization details).
// Credential fields of users absent from the report are left as they were.
// Marks InputCredentialReport collected and sets CredentialReportGeneratedAt.
func ApplyCredentialReport(acct *snapshot.Account, rep *CredentialReport) error {
	if rep == nil {
		return errors.New("nil credential report")
	}
	byARN := map[string]*snapshot.User{}
	for _, u := range acct.Users {
		byARN[u.ARN] = u
	}
	for i := range rep.Rows {
		row := &rep.Rows[i]
		if row.User == RootRowName {
			acct.Root = rootFromRow(row)
			continue
		}
		u := byARN[row.ARN]
		if u == nil {
			u = &snapshot.User{Name: row.User, ARN: row.ARN, Path: pathFromARN(row.ARN)}
			if acct.Has(snapshot.InputAuthorizationDetails) {
				u.MarkNotIn(snapshot.InputAuthorizationDetails)
			}
			if row.CreatedAt != nil {
				u.CreatedAt = *row.CreatedAt
			}
			acct.Users = append(acct.Users, u)
			byARN[row.ARN] = u
		}
		u.Password = &snapshot.Password{Enabled: deref(row.PasswordEnabled), LastUsed: row.PasswordLastUsed,
			LastChanged: row.PasswordLastChanged, NextRotation: row.PasswordNextRotate}
		mfa := row.MFAActive
		u.MFAActive = &mfa
		u.AccessKeys = accessKeys(row)
		u.SigningCertificates = certs(row)
	}
	listed := map[string]bool{}
	for i := range rep.Rows {
		listed[rep.Rows[i].ARN] = true
	}
	for _, u := range acct.Users {
		if !listed[u.ARN] {
			u.MarkNotIn(snapshot.InputCredentialReport)
		}
	}
	if rep.GeneratedTime != nil {
		t := *rep.GeneratedTime
		acct.CredentialReportGeneratedAt = &t
	}
	acct.MarkCollected(snapshot.InputCredentialReport)
	return nil
}

func rootFromRow(row *CredentialRow) *snapshot.Root {
	return &snapshot.Root{
		ARN: row.ARN, CreatedAt: row.CreatedAt,
		PasswordEnabled:     row.PasswordEnabled,
		PasswordLastUsed:    row.PasswordLastUsed,
		PasswordLastChanged: row.PasswordLastChanged,
		MFAActive:           row.MFAActive,
		AccessKeys:          accessKeys(row),
		SigningCertificates: certs(row),
	}
}

func status(active bool) string {
	if active {
		return snapshot.StatusActive
	}
	return snapshot.StatusInactive
}

// accessKeys lists the key slots that hold a key.
func accessKeys(row *CredentialRow) []snapshot.AccessKey {
	var out []snapshot.AccessKey
	for i, k := range row.AccessKeys {
		if k.Exists {
			out = append(out, snapshot.AccessKey{Slot: i + 1, Status: status(k.Active), CreatedAt: k.LastRotated,
				LastUsed: k.LastUsed, LastUsedRegion: k.LastUsedRegion, LastUsedService: k.LastUsedService})
		}
	}
	return out
}

func certs(row *CredentialRow) []snapshot.SigningCert {
	var out []snapshot.SigningCert
	for i, c := range row.Certs {
		if c.Exists {
			out = append(out, snapshot.SigningCert{Slot: i + 1, Status: status(c.Active), UploadedAt: c.LastRotated})
		}
	}
	return out
}

// pathFromARN returns the IAM path of a user ARN ("/" when it has none).
func pathFromARN(arn string) string {
	_, res, ok := strings.Cut(arn, ":user")
	if !ok {
		return ""
	}
	if i := strings.LastIndexByte(res, '/'); i > 0 {
		return res[:i+1]
	}
	return "/"
}
