package snapshot

import (
	"strings"
	"testing"
)

// A 1.1 snapshot's gaps get the error code their reason starts with.
func TestMigrateGapCodes(t *testing.T) {
	in := `{"schema_version":"1.1","collected_at":"2026-11-02T09:00:00Z","source":{"kind":"live"},
"accounts":[{"id":"111122223333","collected":[]}],
"gaps":[{"account_id":"111122223333","input":"credential_report","api":"iam:GenerateCredentialReport","reason":"AccessDenied: User: arn:aws:iam::111122223333:user/x is not authorized"},
{"account_id":"111122223333","input":"organization","reason":"account 1 is a member of organisation o-1: scan with --org"}]}`
	s, err := Decode(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if s.SchemaVersion != SchemaVersion {
		t.Errorf("version %q after migration", s.SchemaVersion)
	}
	if s.Gaps[0].ErrorCode != "AccessDenied" || s.Gaps[1].ErrorCode != "" {
		t.Errorf("error codes = %q, %q; want AccessDenied and none", s.Gaps[0].ErrorCode, s.Gaps[1].ErrorCode)
	}
}
