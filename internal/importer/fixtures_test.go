package importer

// The project's own AWS CLI fixtures, in testdata/fixtures. Two files are
// written by hand for a made-up account 123456789012:
//
//   - authz-details.json: `aws iam get-account-authorization-details` as the
//     AWS CLI prints it (decoded policy documents, dates like
//     2021-03-13T18:42:09+00:00);
//   - credential-report.csv: the decoded CSV of `aws iam get-credential-report`.
//
// Every other file there is generated from those two by this file, so that
// each variant carries exactly the same facts in another form:
//
//	go test ./internal/importer -run TestFixturesUpToDate -update
//
// TestFixturesUpToDate fails when a generated file differs from what this
// code produces, so a hand edit to a base file cannot leave its variants stale.

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the generated fixtures in testdata/fixtures")

const (
	fixtureDir = "testdata/fixtures"
	// fixtureGenerated is the time the credential report was generated.
	fixtureGenerated = "2026-01-05T10:00:00+00:00"
)

// generateFixtures returns the generated files, by path under fixtureDir.
func generateFixtures(t testing.TB) map[string][]byte {
	t.Helper()
	authzRaw, err := os.ReadFile(filepath.Join(fixtureDir, "authz-details.json"))
	if err != nil {
		t.Fatal(err)
	}
	csvRaw, err := os.ReadFile(filepath.Join(fixtureDir, "credential-report.csv"))
	if err != nil {
		t.Fatal(err)
	}
	authz, err := decodeOrdered(authzRaw)
	if err != nil {
		t.Fatalf("authz-details.json: %v", err)
	}
	out := map[string][]byte{}

	// The raw API / SDK form: URL-encoded documents (as AWS returns them,
	// indented text percent-encoded) and the dates some Python tools write.
	enc := transform(authz, func(key string, v any) any {
		if isDocumentKey(key) {
			if obj, ok := v.(*object); ok {
				return urlEncode(encodeOrdered(obj, "    "))
			}
		}
		return pythonDate(v)
	})
	out["authz-details-urlencoded.json"] = encodeOrdered(enc, "    ")

	// Three pages, as `--max-items`/`--starting-token` or a paginating SDK
	// leaves them: IsTruncated and Marker on the first two, one role on
	// both the first and the second page, dates with Z.
	pages := paginate(t, transform(authz, func(_ string, v any) any { return zuluDate(v) }).(*object))
	for i, p := range pages {
		out[fmt.Sprintf("authz-pages/authz-details-%d.json", i+1)] = encodeOrdered(p, "    ")
	}
	arr := make([]any, len(pages))
	for i, p := range pages {
		arr[i] = p
	}
	out["authz-details-pages-array.json"] = encodeOrdered(arr, "  ")

	// Credential report: Content decoded (as some tools save it), base64
	// (as the AWS CLI prints it), and a CSV with shuffled columns, a column
	// AWS may add one day, and CRLF line ends.
	out["credential-report.json"] = encodeOrdered(&object{keys: []string{"Content", "ReportFormat", "GeneratedTime"},
		vals: map[string]any{"Content": string(csvRaw), "ReportFormat": "text/csv", "GeneratedTime": fixtureGenerated}}, "    ")
	out["credential-report-base64.json"] = encodeOrdered(&object{keys: []string{"Content", "ReportFormat", "GeneratedTime"},
		vals: map[string]any{"Content": base64.StdEncoding.EncodeToString(csvRaw), "ReportFormat": "text/csv",
			"GeneratedTime": zuluDate(fixtureGenerated)}}, "    ")
	out["credential-report-reordered.csv"] = reorderCSV(t, csvRaw)
	return out
}

func TestFixturesUpToDate(t *testing.T) {
	for name, want := range generateFixtures(t) {
		path := filepath.Join(fixtureDir, filepath.FromSlash(name))
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%v (run go test ./internal/importer -run TestFixturesUpToDate -update)", err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go test ./internal/importer -run TestFixturesUpToDate -update", path)
		}
	}
}

// paginate splits one authorization-details document into three pages.
func paginate(t testing.TB, whole *object) []*object {
	t.Helper()
	list := func(key string) []any {
		l, _ := whole.vals[key].([]any)
		return l
	}
	users, groups, roles, policies := list("UserDetailList"), list("GroupDetailList"), list("RoleDetailList"), list("Policies")
	if len(roles) < 3 || len(policies) < 4 {
		t.Fatalf("the base fixture needs at least 3 roles and 4 policies to paginate")
	}
	page := func(u, g, r, p []any, marker string) *object {
		o := &object{vals: map[string]any{}}
		o.set("UserDetailList", orEmpty(u))
		o.set("GroupDetailList", orEmpty(g))
		o.set("RoleDetailList", orEmpty(r))
		o.set("Policies", orEmpty(p))
		o.set("IsTruncated", marker != "")
		if marker != "" {
			o.set("Marker", marker)
		}
		return o
	}
	return []*object{
		page(users, groups, roles[:2], nil, "AAEXAMPLEMARKERPAGE2"),
		page(nil, nil, roles[1:], policies[:3], "AAEXAMPLEMARKERPAGE3"),
		page(nil, nil, nil, policies[3:], ""),
	}
}

func orEmpty(l []any) []any {
	if l == nil {
		return []any{}
	}
	return l
}

// reorderCSV moves the columns around (a fixed permutation), adds an
// unknown column and ends lines with CRLF.
func reorderCSV(t testing.TB, raw []byte) []byte {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	n := len(rows[0])
	order := make([]int, 0, n)
	for i := n - 1; i >= 0; i -= 2 { // every other column from the end, then the rest
		order = append(order, i)
	}
	for i := n - 2; i >= 0; i -= 2 {
		order = append(order, i)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	for r, row := range rows {
		out := make([]string, 0, n+1)
		for _, i := range order[:n/2] {
			out = append(out, row[i])
		}
		if r == 0 {
			out = append(out, "some_future_column")
		} else {
			out = append(out, fmt.Sprintf("future-value-%d", r))
		}
		for _, i := range order[n/2:] {
			out = append(out, row[i])
		}
		if err := w.Write(out); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	return buf.Bytes()
}

func isDocumentKey(k string) bool {
	return k == "PolicyDocument" || k == "AssumeRolePolicyDocument" || k == "Document"
}

var cliDate = regexp.MustCompile(`^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d(?:\.\d+)?)\+00:00$`)

// pythonDate turns 2021-03-13T18:42:09+00:00 into 2021-03-13 18:42:09+00:00.
func pythonDate(v any) any {
	if s, ok := v.(string); ok && cliDate.MatchString(s) {
		return cliDate.ReplaceAllString(s, "$1 $2+00:00")
	}
	return v
}

// zuluDate turns 2021-03-13T18:42:09+00:00 into 2021-03-13T18:42:09Z.
func zuluDate(v any) any {
	if s, ok := v.(string); ok && cliDate.MatchString(s) {
		return cliDate.ReplaceAllString(s, "${1}T${2}Z")
	}
	return v
}

// urlEncode percent-encodes every byte but the unreserved ones (RFC 3986),
// as the IAM API does for policy documents.
func urlEncode(b []byte) string {
	const hex = "0123456789ABCDEF"
	var s strings.Builder
	for _, c := range b {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
			s.WriteByte(c)
		default:
			s.WriteByte('%')
			s.WriteByte(hex[c>>4])
			s.WriteByte(hex[c&15])
		}
	}
	return s.String()
}

// object is a JSON object that keeps its keys in order, so the generated
// files read like the hand-written one.
type object struct {
	keys []string
	vals map[string]any
}

func (o *object) set(k string, v any) {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

// transform returns a copy of v with f applied to every value below an
// object key (objects and lists are walked first, then passed to f).
func transform(v any, f func(key string, v any) any) any {
	var walk func(key string, v any) any
	walk = func(key string, v any) any {
		switch x := v.(type) {
		case *object:
			o := &object{vals: map[string]any{}}
			for _, k := range x.keys {
				o.set(k, walk(k, x.vals[k]))
			}
			return f(key, o)
		case []any:
			l := make([]any, len(x))
			for i, e := range x {
				l[i] = walk(key, e)
			}
			return l
		}
		return f(key, v)
	}
	return walk("", v)
}

func decodeOrdered(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	v, err := decodeValue(d)
	if err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, fmt.Errorf("trailing data")
	}
	return v, nil
}

func decodeValue(d *json.Decoder) (any, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		o := &object{vals: map[string]any{}}
		for d.More() {
			kt, err := d.Token()
			if err != nil {
				return nil, err
			}
			v, err := decodeValue(d)
			if err != nil {
				return nil, err
			}
			o.set(kt.(string), v)
		}
		_, err := d.Token()
		return o, err
	case json.Delim('['):
		l := []any{}
		for d.More() {
			v, err := decodeValue(d)
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
		_, err := d.Token()
		return l, err
	}
	return tok, nil
}

// encodeOrdered writes v as indented JSON with a final newline.
func encodeOrdered(v any, indent string) []byte {
	var b bytes.Buffer
	writeValue(&b, v, indent, "")
	b.WriteByte('\n')
	return b.Bytes()
}

func writeValue(b *bytes.Buffer, v any, indent, prefix string) {
	inner := prefix + indent
	switch x := v.(type) {
	case *object:
		if len(x.keys) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{\n")
		for i, k := range x.keys {
			b.WriteString(inner)
			writeScalar(b, k)
			b.WriteString(": ")
			writeValue(b, x.vals[k], indent, inner)
			if i < len(x.keys)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(prefix + "}")
	case []any:
		if len(x) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i, e := range x {
			b.WriteString(inner)
			writeValue(b, e, indent, inner)
			if i < len(x)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(prefix + "]")
	default:
		writeScalar(b, x)
	}
}

func writeScalar(b *bytes.Buffer, v any) {
	e := json.NewEncoder(b)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		panic(err)
	}
	b.Truncate(b.Len() - 1) // Encode's newline
}
