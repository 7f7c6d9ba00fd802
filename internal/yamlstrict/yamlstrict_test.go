package yamlstrict

import (
	"strings"
	"testing"
)

type entry struct {
	Rule   string `yaml:"rule"`
	Reason string `yaml:"reason"`
	Days   int    `yaml:"days"`
}

type file struct {
	Entries []entry `yaml:"entries"`
}

func TestDecodeNamesUnknownKeysAndLines(t *testing.T) {
	var f file
	err := Decode([]byte("entries:\n  - rule: x\n    resouce: y\n"), &f)
	if err == nil || !strings.Contains(err.Error(), `line 3: unknown key "resouce"`) {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "yamlstrict.") {
		t.Fatalf("Go type leaked: %v", err)
	}
	err = Decode([]byte("entries:\n  - days: many\n"), &f)
	if err == nil || !strings.Contains(err.Error(), "line 2") || strings.Contains(err.Error(), "int") && strings.Contains(err.Error(), "yamlstrict") {
		t.Fatalf("type error = %v", err)
	}
}

func TestDecodeEmptyIsFine(t *testing.T) {
	var f file
	if err := Decode(nil, &f); err != nil {
		t.Fatal(err)
	}
	if err := Decode([]byte("entries:\n  - rule: a\n    reason: b\n"), &f); err != nil || f.Entries[0].Reason != "b" {
		t.Fatalf("%v %+v", err, f)
	}
}
