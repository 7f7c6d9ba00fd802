package jsonreport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/iamspect/iamspect/internal/finding"
)

// awkward are strings encoding/json treats specially with HTML escaping
// off: quotes, backslashes, every kind of control character, <, > and &
// (kept), DEL, U+2028 and U+2029 (escaped), invalid UTF-8, multi-byte text.
var awkward = []string{
	"", "plain", `quote " and \ backslash`, "<script>&amp;</script>", "tab\there\nnew\rcr\bbs\fff",
	"\x00\x01\x1f\x7f", "line\u2028para\u2029end", "bad \xff\xfe utf8 \xc3", "truncated \xe2\x80",
	"ünïcødé, 日本語, emoji 🙂", "\u2027\u202a", "a\\u2028", "trailing\\",
}

// fullEvidence sets every evidence field.
func fullEvidence() *finding.Evidence {
	date := time.Date(2025, 2, 3, 4, 5, 6, 789000000, time.FixedZone("", 5*3600+1800))
	age, limit := 400, -90
	return &finding.Evidence{
		Policy: "arn:aws:iam::123456789012:policy/<admin>&co", Statement: "#0",
		Actions: []string{"iam:PassRole", "s3:*", "quote\"d"}, KeyID: "AKIA\u2028X",
		Date: &date, AgeDays: &age, Threshold: &limit,
		Principals: []string{"arn:aws:iam::123456789012:user/ü", "role/r\n1"}, PrincipalsTotal: 250,
		Path: []string{"user/a", "role/b", "admin"},
	}
}

// fullResult sets every field of a result, evidence included.
func fullResult() finding.Result {
	return finding.Result{
		RuleID: "iam-user-unused", Status: finding.Muted, Severity: finding.High, AccountID: "123456789012",
		ResourceType: finding.TypeUser, ResourceARN: "arn:aws:iam::123456789012:user/ünï<c>",
		ResourceName: "u&<>", Message: "IAM user \"u\" <has> not signed in & for 400 days\u2028\ttab",
		Fingerprint: "0123456789abcdef", Evidence: fullEvidence(), MissingInputs: []string{"credential-report", "x\\y"},
		MuteReason: "accepted: <ticket> & \u2029", Tags: map[string]string{"team": "a"},
	}
}

// wantResult is encoding/json's indented encoding of one result as the
// report's list holds it.
func wantResult(t *testing.T, r *finding.Result) (string, error) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("    ", "  ")
	enc.SetEscapeHTML(false)
	err := enc.Encode(r)
	return strings.TrimSuffix(buf.String(), "\n"), err
}

func checkResult(t *testing.T, what string, r *finding.Result) {
	t.Helper()
	want, wantErr := wantResult(t, r)
	got, err := appendResult(nil, r)
	if wantErr != nil || err != nil {
		if wantErr == nil || err == nil || err.Error() != wantErr.Error() {
			t.Errorf("%s: error %v, encoding/json's %v", what, err, wantErr)
		}
		return
	}
	if string(got) != want {
		t.Errorf("%s:\ngot  %s\nwant %s", what, got, want)
	}
}

// Every field of Result and Evidence is set by fullResult, so a field
// added to either without appendResult learning it fails the comparison
// below instead of silently dropping out of the report.
func TestFullResultSetsEveryField(t *testing.T) {
	r := fullResult()
	for _, v := range []reflect.Value{reflect.ValueOf(r), reflect.ValueOf(*r.Evidence)} {
		for i := range v.NumField() {
			if v.Field(i).IsZero() {
				t.Errorf("%s.%s is not set by fullResult: set it, and teach appendResult to write it", v.Type().Name(), v.Type().Field(i).Name)
			}
		}
	}
}

// The hand-written encoder writes each result byte for byte as
// encoding/json's indented encoder does, for every combination of present
// and absent optional members (an empty evidence object included) and for
// awkward text in every string field.
func TestAppendResultEqualsEncodingJSON(t *testing.T) {
	ev := reflect.ValueOf(fullEvidence()).Elem()
	for mask := range 1 << ev.NumField() {
		r := fullResult()
		e := reflect.ValueOf(r.Evidence).Elem()
		for i := range e.NumField() {
			if mask&(1<<i) == 0 {
				e.Field(i).SetZero()
			}
		}
		checkResult(t, fmt.Sprintf("evidence fields %010b", mask), &r)
	}
	bare := fullResult()
	bare.Evidence, bare.MissingInputs, bare.MuteReason, bare.Tags = nil, []string{}, "", nil
	checkResult(t, "no optional member", &bare)
	noReason := fullResult()
	noReason.MuteReason = ""
	checkResult(t, "no mute reason", &noReason)
	var zero finding.Result
	checkResult(t, "zero result", &zero)
	for _, s := range awkward {
		r := fullResult()
		r.RuleID, r.Message, r.ResourceARN, r.MuteReason = s, s, s, s
		r.Evidence.Policy, r.Evidence.Actions, r.Evidence.Path = s, []string{s, s}, []string{s}
		r.MissingInputs = []string{s}
		checkResult(t, "text "+strings.ToValidUTF8(s, "?"), &r)
	}
}

// A date encoding/json cannot write fails the same way here.
func TestAppendResultDateError(t *testing.T) {
	r := fullResult()
	far := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	r.Evidence.Date = &far
	if _, err := appendResult(nil, &r); err == nil {
		t.Fatal("a year beyond 9999 was written")
	}
	checkResult(t, "year 10000", &r)
}

func checkString(t *testing.T, s string) {
	t.Helper()
	want, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	// json.Marshal escapes HTML; the report does not.
	want = bytes.ReplaceAll(want, []byte(`\u003c`), []byte("<"))
	want = bytes.ReplaceAll(want, []byte(`\u003e`), []byte(">"))
	want = bytes.ReplaceAll(want, []byte(`\u0026`), []byte("&"))
	if got := appendString(nil, s); !bytes.Equal(got, want) {
		t.Errorf("%q: got %s, want %s", s, got, want)
	}
}

// Every single byte, every awkward string and random byte strings (valid
// and invalid UTF-8) are escaped as encoding/json escapes them.
func TestAppendStringEqualsEncodingJSON(t *testing.T) {
	for c := range 256 {
		checkString(t, string([]byte{byte(c)}))
		checkString(t, "a"+string([]byte{byte(c)})+"z")
	}
	for _, s := range awkward {
		checkString(t, s)
	}
	// Every byte at every place of a long plain run, where appendString
	// takes eight bytes at a time.
	for c := range 256 {
		for at := range 17 {
			b := []byte("abcdefghijklmnopq")
			b[at] = byte(c)
			checkString(t, string(b))
		}
	}
	rng := rand.New(rand.NewPCG(16, 2026))
	runes := []rune{'a', '"', '\\', '<', '\n', 0x7f, 0xe9, 0x2028, 0x2029, 0xfffd, 0x1f642, utf8.MaxRune}
	for i := range 5000 {
		var b []byte
		for range rng.IntN(12 + 52*(i%2)) {
			if rng.IntN(2) == 0 {
				b = append(b, byte(rng.IntN(256)))
			} else {
				b = utf8.AppendRune(b, runes[rng.IntN(len(runes))])
			}
		}
		checkString(t, string(b))
	}
}

// plain8 says what the table says of its eight bytes, for every byte in
// every place and for random words.
func TestPlain8LikeTable(t *testing.T) {
	check := func(b []byte) {
		want := true
		for _, c := range b {
			want = want && plain[c]
		}
		if got := plain8(string(b)); got != want {
			t.Fatalf("plain8(%q) = %v, want %v", b, got, want)
		}
	}
	for c := range 256 {
		for at := range 8 {
			b := []byte("abcdefgh")
			b[at] = byte(c)
			check(b)
		}
	}
	rng := rand.New(rand.NewPCG(8, 2026))
	for range 200000 {
		b := make([]byte, 8)
		for i := range b {
			b[i] = byte(rng.IntN(256))
			if rng.IntN(3) > 0 {
				b[i] = byte(0x20 + rng.IntN(0x60))
			}
		}
		check(b)
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range awkward {
		f.Add(s)
	}
	f.Fuzz(checkString)
}
