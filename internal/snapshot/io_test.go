package snapshot_test

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
)

func TestWriteDecodeRoundTrip(t *testing.T) {
	b := snapshot.NewBuilder("123456789012", time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC))
	last := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	b.User("alice", last).Password(last, &last).MFA(snapshot.MFAHardware).AccessKey(last, nil)
	b.Role("r", `{"Version":"2012-10-17","Statement":[]}`)
	s := b.Build()
	var buf bytes.Buffer
	if err := s.Write(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := snapshot.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	// RawJSON is re-indented by the encoder; compare after a second pass.
	var again bytes.Buffer
	if err := got.Write(&again); err != nil {
		t.Fatal(err)
	}
	got2, _ := snapshot.Decode(&again)
	if !reflect.DeepEqual(got, got2) {
		t.Fatal("second round trip differs")
	}
	if got.Accounts[0].User("alice").AccessKeys[0].Status != "Active" || !got.Accounts[0].Has(snapshot.InputCredentialReport) {
		t.Fatalf("lost data: %+v", got.Accounts[0])
	}
}

func TestDecodeRejectsBadInput(t *testing.T) {
	cases := map[string]struct{ in, want string }{
		"empty":              {"  \n", "empty file"},
		"not a snapshot":     {`{"UserDetailList": []}`, "no schema_version"},
		"future version":     {`{"schema_version": "9", "accounts": []}`, `schema_version "9" is not supported`},
		"unknown field":      {`{"schema_version": "1", "accounts": [], "surprise": 1}`, `unknown field "surprise"`},
		"syntax error":       {"{\"schema_version\": \"1\",\n \"accounts\": [,]}", "line 2, column"},
		"wrong type":         {`{"schema_version": "1", "accounts": "x"}`, "line 1"},
		"account without id": {`{"schema_version": "1", "accounts": [{"collected": []}]}`, "accounts[0]: missing id"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := snapshot.Decode(strings.NewReader(c.in))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}

func TestInputDescribeNamesAPIAndFile(t *testing.T) {
	d := snapshot.InputCredentialReport.Describe()
	if !strings.Contains(d, "iam:GetCredentialReport") || !strings.Contains(d, "--credential-report") {
		t.Fatal(d)
	}
	if d := snapshot.InputIdentityCenter.Describe(); !strings.Contains(d, "sso:ListInstances") || !strings.Contains(d, "offline: sso-instances.json") {
		t.Fatal(d)
	}
}

func TestServiceLinked(t *testing.T) {
	if !(&snapshot.Role{Path: "/aws-service-role/support.amazonaws.com/"}).ServiceLinked() {
		t.Fatal("service-linked role not recognised")
	}
	if (&snapshot.Role{Path: "/service-role/"}).ServiceLinked() {
		t.Fatal("service role is not service-linked")
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"schema_version":"1","collected_at":"2024-05-01T00:00:00Z","accounts":[{"id":"1","collected":["credential_report"],"users":[{"name":"a","arn":"arn:aws:iam::1:user/a","created_at":"2024-01-01T00:00:00Z"}]}]}`))
	f.Add([]byte(`{"schema_version":"1"}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"schema_version":"1.9","accounts":[{"id":"1","collected":["role_details"],"roles":[{"name":"r","x":1}],"y":[]}]}`))
	f.Add([]byte(`{"schema_version":"1.0","accounts":[{"id":"1","collected":["credential_report","role_details"],"users":[null],"roles":[null]}]}`))
	f.Add([]byte(`{"schema_version":"2"}`))
	// Type errors: decode_errors.go walks these.
	f.Add([]byte(`{"schema_version":"1.3","accounts":[{"id":"1","users":[{"name":7,"created_at":42,"password":{"enabled":"yes"}}],"x":{}}]}`))
	f.Add([]byte(`{"schema_version":"1.3","organization":{"accounts":{"a":[1,{"b":null}]}},"accounts":[]}`))
	if data, err := os.ReadFile("testdata/demo-v1.json"); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := snapshot.Decode(bytes.NewReader(data))
		if err == nil && s == nil {
			t.Fatal("nil snapshot without error")
		}
	})
}
