package junit_test

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/report/internal/reporttest"
	"github.com/iamspect/iamspect/internal/report/junit"
	"github.com/iamspect/iamspect/internal/scan"
)

func render(t *testing.T, r *report.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := junit.Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// parsed is what a CI test reporter reads back.
type parsed struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Skipped  int `xml:"skipped,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Error   *struct{} `xml:"error"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func parse(t *testing.T, doc []byte) parsed {
	t.Helper()
	var p parsed
	dec := xml.NewDecoder(bytes.NewReader(doc))
	dec.Strict = true
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, doc)
	}
	return p
}

// Parsed back, the counts match the report and each suite's own cases.
func TestCountsMatchTheReport(t *testing.T) {
	for name, r := range map[string]*report.Report{"every status": reporttest.Demo(t, ""), "full demo": reporttest.Full(t)} {
		p := parse(t, render(t, r))
		s := r.Summary
		if p.Tests != s.Total || p.Failures != s.Fail || p.Skipped != s.Muted+s.Unknown || p.Errors != 0 {
			t.Errorf("%s: tests %d failures %d skipped %d errors %d; summary %+v", name, p.Tests, p.Failures, p.Skipped, p.Errors, s)
		}
		if len(p.Suites) != len(r.Rules) {
			t.Errorf("%s: %d suites for %d rules", name, len(p.Suites), len(r.Rules))
		}
		for _, su := range p.Suites {
			var f, sk int
			for _, c := range su.Cases {
				if c.Classname != su.Name {
					t.Errorf("case %s has classname %s in suite %s", c.Name, c.Classname, su.Name)
				}
				if c.Failure != nil {
					f++
					if c.Failure.Message == "" || !strings.Contains(c.Failure.Text, "Fix: ") {
						t.Errorf("%s/%s: failure without message or fix", su.Name, c.Name)
					}
				}
				if c.Skipped != nil {
					sk++
				}
			}
			if su.Tests != len(su.Cases) || su.Failures != f || su.Skipped != sk {
				t.Errorf("suite %s: tests %d/%d failures %d/%d skipped %d/%d", su.Name, su.Tests, len(su.Cases), su.Failures, f, su.Skipped, sk)
			}
		}
	}
}

func TestMutedAndUnknownAreSkippedWithTheReason(t *testing.T) {
	p := parse(t, render(t, reporttest.Demo(t, "")))
	var muted, unknown int
	for _, su := range p.Suites {
		for _, c := range su.Cases {
			if c.Skipped == nil {
				continue
			}
			switch {
			case strings.HasPrefix(c.Skipped.Message, "muted: ") && strings.Contains(c.Skipped.Message, "OPS-42"):
				muted++
			case strings.HasPrefix(c.Skipped.Message, "unknown: missing inputs credential_report"):
				unknown++
			default:
				t.Errorf("skipped %q", c.Skipped.Message)
			}
		}
	}
	if muted != 1 || unknown == 0 {
		t.Errorf("muted %d unknown %d", muted, unknown)
	}
}

// Hostile resource names (markup, control characters) still give
// well-formed XML, and rule errors are <error> cases.
func TestHostileTextAndRuleErrors(t *testing.T) {
	r := &report.Report{
		Rules: []report.RuleInfo{{ID: "r", Title: "T <&>", Severity: finding.High, Remediation: report.Remediation{Summary: "fix ]]> it"}}},
		Results: finding.ListOf([]finding.Result{{RuleID: "r", Status: finding.Fail, Severity: finding.High, AccountID: "1", Evidence: &finding.Evidence{Policy: "<p>"},
			ResourceName: "a\"<b>&\x00\x1b\x7f]]>", ResourceARN: "arn:aws:iam::1:user/x", Message: "bad\x01 \"name\" <script>\n"}}),
		Errors: []scan.RuleError{{RuleID: "r", AccountID: "1", Error: "panic: <boom>"}},
	}
	p := parse(t, render(t, r))
	if p.Tests != 2 || p.Failures != 1 || p.Errors != 1 {
		t.Errorf("counts %+v", p)
	}
	c := p.Suites[0].Cases[0]
	if !strings.Contains(c.Failure.Text, `Evidence: {"policy":"<p>"}`) {
		t.Errorf("no evidence in %q", c.Failure.Text)
	}
	if !strings.Contains(c.Name, `a"<b>&`) || !strings.Contains(c.Failure.Message, `"name" <script>`) {
		t.Errorf("text not round-tripped: %q %q", c.Name, c.Failure.Message)
	}
}

func TestGolden(t *testing.T) {
	reporttest.Golden(t, "demo.junit.golden", render(t, reporttest.Demo(t, "")))
}
