package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Each machine format renders from 'demo' and from 'convert' of the saved
// JSON report alike (the report is self-contained), parses as what it
// claims to be, and renders an old schema-1 report too.
func TestMachineFormatsFromDemoAndConvert(t *testing.T) {
	dir := t.TempDir()
	saved := filepath.Join(dir, "demo.json")
	rules := "root-access-keys,iam-access-key-not-rotated,principal-admin-access"
	if code, _, stderr := runCLI(t, "demo", "--rules", rules, "-f", "json", "-o", saved); code != 0 {
		t.Fatalf("demo json: %d %s", code, stderr)
	}
	parses := map[string]func([]byte) error{
		"sarif": func(b []byte) error {
			var v struct{ Version string }
			if err := json.Unmarshal(b, &v); err != nil || v.Version != "2.1.0" {
				return fmt.Errorf("sarif version %q: %v", v.Version, err)
			}
			return nil
		},
		"ocsf": func(b []byte) error {
			var evs []struct {
				ClassUID int `json:"class_uid"`
			}
			if err := json.Unmarshal(b, &evs); err != nil || len(evs) == 0 || evs[0].ClassUID != 2004 {
				return fmt.Errorf("ocsf: %d events: %v", len(evs), err)
			}
			return nil
		},
		"junit": func(b []byte) error {
			var v struct {
				Tests int `xml:"tests,attr"`
			}
			if err := xml.Unmarshal(b, &v); err != nil || v.Tests == 0 {
				return fmt.Errorf("junit: %d tests: %v", v.Tests, err)
			}
			return nil
		},
		"csv": func(b []byte) error {
			rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
			if err != nil || len(rows) < 2 || rows[0][0] != "rule_id" {
				return fmt.Errorf("csv: %d rows: %v", len(rows), err)
			}
			return nil
		},
		"markdown": func(b []byte) error {
			if !strings.HasPrefix(string(b), "## iamspect: ") {
				return fmt.Errorf("markdown starts %q", b[:min(len(b), 40)])
			}
			return nil
		},
	}
	for format, parse := range parses {
		code, direct, stderr := runCLI(t, "demo", "--rules", rules, "-f", format)
		if code != 0 {
			t.Fatalf("demo -f %s: exit %d: %s", format, code, stderr)
		}
		if err := parse([]byte(direct)); err != nil {
			t.Errorf("demo: %v", err)
		}
		code, converted, stderr := runCLI(t, "convert", saved, "-f", format, "--fail-on", "none")
		if code != 0 {
			t.Fatalf("convert -f %s: exit %d: %s", format, code, stderr)
		}
		if converted != direct {
			t.Errorf("%s: convert of the saved report differs from the direct rendering", format)
		}
		code, old, stderr := runCLI(t, "convert", "../report/testdata/report-schema1.json", "-f", format, "--fail-on", "none", "--allow-incomplete")
		if code != 0 {
			t.Fatalf("convert schema-1 -f %s: exit %d: %s", format, code, stderr)
		}
		if err := parse([]byte(old)); err != nil {
			t.Errorf("schema-1 report: %v", err)
		}
	}
	if _, err := os.Stat(saved); err != nil {
		t.Fatal(err)
	}
}
