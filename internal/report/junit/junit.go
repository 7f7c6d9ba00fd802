// Package junit writes a report as JUnit XML, the test-report format CI
// systems show in their test tabs (GitHub Actions reporters, GitLab
// artifacts:reports:junit, Jenkins junit step).
//
// Each rule is a test suite and each resource it judged a test case
// (classname = rule ID, name = resource and account). FAIL is a failure
// whose text carries the message and the fix; UNKNOWN and MUTED are
// skipped with the missing inputs or the suppression's reason; PASS is a
// plain test case. A rule that crashed on an account is an error.
package junit

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
)

// TestSuites is the document root.
type TestSuites struct {
	XMLName  xml.Name    `xml:"testsuites"`
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Suites   []TestSuite `xml:"testsuite"`
}

// TestSuite holds one rule's test cases.
type TestSuite struct {
	Name       string     `xml:"name,attr"`
	Tests      int        `xml:"tests,attr"`
	Failures   int        `xml:"failures,attr"`
	Errors     int        `xml:"errors,attr"`
	Skipped    int        `xml:"skipped,attr"`
	Time       string     `xml:"time,attr"`
	Timestamp  string     `xml:"timestamp,attr,omitempty"`
	Properties []Property `xml:"properties>property,omitempty"`
	Cases      []TestCase `xml:"testcase"`
}

// Property is a name/value pair of a suite.
type Property struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// TestCase is one resource's result.
type TestCase struct {
	Name      string   `xml:"name,attr"`
	Classname string   `xml:"classname,attr"`
	Time      string   `xml:"time,attr"`
	Failure   *Problem `xml:"failure,omitempty"`
	Error     *Problem `xml:"error,omitempty"`
	Skipped   *Skipped `xml:"skipped,omitempty"`
}

// Problem is a failure or an error.
type Problem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// Skipped marks a result that is neither a pass nor a failure.
type Skipped struct {
	Message string `xml:"message,attr"`
}

// Write encodes the report as JUnit XML. encoding/xml escapes markup and
// replaces characters XML cannot hold (control characters) with U+FFFD, so
// the document is well-formed whatever resource names contain.
func Write(w io.Writer, r *report.Report) error {
	doc := Build(r)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// Build converts the report: one suite per rule, in the report's rule
// order, then suites for rules the report has results but no metadata for.
func Build(r *report.Report) *TestSuites {
	doc := &TestSuites{Name: "iamspect", Time: "0"}
	index := map[string]int{}
	suite := func(ruleID string) *TestSuite {
		if i, ok := index[ruleID]; ok {
			return &doc.Suites[i]
		}
		s := TestSuite{Name: ruleID, Time: "0", Timestamp: r.GeneratedAt.UTC().Format("2006-01-02T15:04:05")}
		if info := r.Rule(ruleID); info != nil {
			s.Properties = []Property{{Name: "title", Value: info.Title}, {Name: "severity", Value: string(info.Severity)}}
		}
		index[ruleID] = len(doc.Suites)
		doc.Suites = append(doc.Suites, s)
		return &doc.Suites[len(doc.Suites)-1]
	}
	for _, info := range r.Rules {
		suite(info.ID)
	}
	for _, res := range r.Results.All() {
		s := suite(res.RuleID)
		s.Cases = append(s.Cases, testCase(r, res))
	}
	for _, e := range r.Errors {
		s := suite(e.RuleID)
		s.Cases = append(s.Cases, TestCase{Name: "account " + e.AccountID, Classname: e.RuleID, Time: "0",
			Error: &Problem{Message: e.Error, Type: "rule error", Text: e.Error}})
	}
	for i := range doc.Suites {
		s := &doc.Suites[i]
		for _, c := range s.Cases {
			s.Tests++
			switch {
			case c.Failure != nil:
				s.Failures++
			case c.Error != nil:
				s.Errors++
			case c.Skipped != nil:
				s.Skipped++
			}
		}
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
	}
	return doc
}

func testCase(r *report.Report, res finding.Result) TestCase {
	name := res.ResourceName
	if name == "" {
		name = res.ResourceARN
	}
	c := TestCase{Name: fmt.Sprintf("%s (%s)", name, res.AccountID), Classname: res.RuleID, Time: "0"}
	switch res.Status {
	case finding.Fail:
		c.Failure = &Problem{Message: res.Message, Type: string(res.Severity), Text: failureText(r, res)}
	case finding.Muted:
		c.Skipped = &Skipped{Message: "muted: " + res.MuteReason}
	case finding.Unknown:
		msg := "unknown: " + res.Message
		if len(res.MissingInputs) > 0 {
			msg = "unknown: missing inputs " + strings.Join(res.MissingInputs, ", ") + ". " + res.Message
		}
		c.Skipped = &Skipped{Message: msg}
	}
	return c
}

func failureText(r *report.Report, res finding.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\nResource: %s\nSeverity: %s\nFingerprint: %s", res.Message, res.ResourceARN, res.Severity, res.Fingerprint)
	if res.Evidence != nil {
		var ev strings.Builder
		enc := json.NewEncoder(&ev)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(res.Evidence); err == nil && strings.TrimSpace(ev.String()) != "{}" {
			b.WriteString("\nEvidence: " + strings.TrimSpace(ev.String()))
		}
	}
	if info := r.Rule(res.RuleID); info != nil {
		b.WriteString("\n\nFix: " + info.Remediation.Summary)
		if info.Remediation.CLI != "" {
			b.WriteString("\n\nAWS CLI:\n" + info.Remediation.CLI)
		}
		if len(info.References) > 0 {
			b.WriteString("\n\nSee: " + info.References[0])
		}
	}
	return b.String()
}
