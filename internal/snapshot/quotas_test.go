package snapshot

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestQuotaMessages(t *testing.T) {
	if err := QuotaRoles.Check(61000); err == nil || err.Error() != "61,000 roles, more than ten times AWS's quota of 5,000 roles per account" {
		t.Errorf("got %v", err)
	}
	if err := QuotaRoles.Check(50000); err != nil {
		t.Errorf("50,000 roles refused: %v", err)
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -5000: "-5,000"} {
		if got := Comma(n); got != want {
			t.Errorf("Comma(%d) = %q, want %q", n, got, want)
		}
	}
}

// A snapshot far beyond AWS's quotas is refused when it is read, naming
// the account and the quota.
func TestDecodeRefusesBeyondQuotas(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	b := NewBuilder("123456789012", now)
	a := b.Account()
	for i := range 3001 {
		a.Groups = append(a.Groups, &Group{Name: fmt.Sprintf("g%d", i), ARN: fmt.Sprintf("arn:aws:iam::123456789012:group/g%d", i), Path: "/"})
	}
	var buf bytes.Buffer
	if err := b.Build().Write(&buf); err != nil {
		t.Fatal(err)
	}
	_, err := Decode(&buf)
	want := "account 123456789012: 3,001 groups, more than ten times AWS's quota of 300 groups per account"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	// A policy document far beyond its size quota.
	b = NewBuilder("123456789012", now)
	r := b.Role("big", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":["`+strings.Repeat("1", 41000)+`"]}}}]}`)
	_ = r
	buf.Reset()
	if err := b.Build().Write(&buf); err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(&buf); err == nil || !strings.Contains(err.Error(), "role big trust policy: 41,") || !strings.HasSuffix(err.Error(), "more than ten times AWS's quota of 4,096 characters in a role trust policy") {
		t.Fatalf("got %v", err)
	}
}

// A snapshot file over the size limit is refused from its size alone.
func TestLoadChecksSizeFirst(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snap.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxFileSize + 1<<20); err != nil {
		t.Skip("no sparse files here")
	}
	f.Close()
	start := time.Now()
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "snapshot is 513 MiB, larger than 512 MiB") {
		t.Fatalf("got %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("refusing took %s", d)
	}
}

// A snapshot of many tiny entries is refused by counting, before decoding.
func TestDecodeCountsBeforeDecoding(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"schema_version":"` + SchemaVersion + `","collected_at":"2026-06-01T00:00:00Z","source":{"kind":"builder"},"accounts":[{"id":"123456789012","roles":[`)
	for i := range 60000 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{}`)
	}
	b.WriteString(`]}]}`)
	_, err := Decode(strings.NewReader(b.String()))
	want := "account 123456789012: 60,000 roles, more than ten times AWS's quota of 5,000 roles per account"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
}
