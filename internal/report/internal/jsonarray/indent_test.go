package jsonarray

import (
	"bytes"
	"encoding/json"
	"testing"
)

var indentSeeds = []string{
	`{}`, `[]`, `""`, `0`, `null`, `[[],{},[{}],{"a":[]}]`,
	`{"a":1,"b":[true,false,null,-1.5e+10],"c":{"d":"e"}}`,
	`{"s":"braces { } [ ] , : inside","q":"quote \" and backslash \\","t":"\\\\\"","u":"\u2028 <&> ünï 🙂"}`,
	`[{"k":"\\"},{"k":"\\\\"},"a\"b",{"":""}]`,
	`{"deep":[[[[{"x":[1,[2,[3,{}]]]}]]]]}`,
}

// checkIndent compares appendIndented with json.Indent on compact JSON.
func checkIndent(t *testing.T, doc string) {
	t.Helper()
	if !json.Valid([]byte(doc)) {
		return
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, []byte(doc)); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := json.Indent(&want, compact.Bytes(), "  ", "  "); err != nil {
		t.Fatal(err)
	}
	if got := appendIndented([]byte("x"), compact.Bytes(), "  ", "  "); string(got) != "x"+want.String() {
		t.Errorf("%s:\ngot  %s\nwant %s", compact.Bytes(), got[1:], want.Bytes())
	}
}

// The fast indenter lays out compact JSON exactly as json.Indent does:
// empty objects and arrays, nesting, and strings holding structure
// characters, escaped quotes and backslashes.
func TestAppendIndentedEqualsIndent(t *testing.T) {
	for _, doc := range indentSeeds {
		checkIndent(t, doc)
	}
}

func FuzzAppendIndented(f *testing.F) {
	for _, doc := range indentSeeds {
		f.Add(doc)
	}
	f.Fuzz(checkIndent)
}
