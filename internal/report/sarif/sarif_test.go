package sarif_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/report/internal/reporttest"
	"github.com/iamspect/iamspect/internal/report/sarif"
	"github.com/iamspect/iamspect/internal/scan"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/testutil/shareddata"
)

func render(t *testing.T, r *report.Report, o sarif.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := sarif.Write(&buf, r, o); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func validator(t *testing.T) *schemaValidator {
	t.Helper()
	data, err := os.ReadFile(shareddata.Path(t, "schemas/sarif/sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := newSchemaValidator(data)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The SARIF of the whole demo, and of the golden subset with every status,
// validates against the official SARIF 2.1.0 schema.
func TestValidAgainstOfficialSchema(t *testing.T) {
	v := validator(t)
	for name, doc := range map[string][]byte{
		"full demo":         render(t, reporttest.Full(t), sarif.Options{}),
		"full demo passing": render(t, reporttest.Full(t), sarif.Options{ShowPassing: true}),
		"every status":      render(t, reporttest.Demo(t, ""), sarif.Options{ShowPassing: true}),
		"empty":             render(t, &report.Report{Tool: report.Tool{Name: "iamspect", Version: "v1"}}, sarif.Options{}),
	} {
		errs, err := v.Validate(doc)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, e := range errs {
			t.Errorf("%s: %s", name, e)
		}
	}
}

// The validator is not a rubber stamp: it rejects broken documents.
func TestValidatorRejectsInvalidSARIF(t *testing.T) {
	v := validator(t)
	good := render(t, reporttest.Demo(t, ""), sarif.Options{})
	breakers := map[string]func(m map[string]any){
		"no version":        func(m map[string]any) { delete(m, "version") },
		"bad version":       func(m map[string]any) { m["version"] = "2.0.0" },
		"unknown top-level": func(m map[string]any) { m["extra"] = 1 },
		"bad level": func(m map[string]any) {
			run(m)["results"].([]any)[0].(map[string]any)["level"] = "fatal"
		},
		"message without text": func(m map[string]any) {
			run(m)["results"].([]any)[0].(map[string]any)["message"] = map[string]any{}
		},
		"negative start line": func(m map[string]any) {
			loc := run(m)["results"].([]any)[0].(map[string]any)["locations"].([]any)[0].(map[string]any)
			loc["physicalLocation"].(map[string]any)["region"] = map[string]any{"startLine": -3}
		},
		"duplicate tags": func(m map[string]any) {
			rule := run(m)["tool"].(map[string]any)["driver"].(map[string]any)["rules"].([]any)[0].(map[string]any)
			rule["properties"].(map[string]any)["tags"] = []any{"security", "security"}
		},
		"suppression kind": func(m map[string]any) {
			run(m)["results"].([]any)[0].(map[string]any)["suppressions"] = []any{map[string]any{"kind": "someday"}}
		},
	}
	for name, breakIt := range breakers {
		var m map[string]any
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		breakIt(m)
		doc, _ := json.Marshal(m)
		errs, err := v.Validate(doc)
		if err != nil {
			t.Fatal(err)
		}
		if len(errs) == 0 {
			t.Errorf("%s: accepted", name)
		}
	}
}

func run(m map[string]any) map[string]any { return m["runs"].([]any)[0].(map[string]any) }

// Structural checks that need no schema file.
func TestStructure(t *testing.T) {
	r := reporttest.Demo(t, "")
	var log sarif.Log
	if err := json.Unmarshal(render(t, r, sarif.Options{}), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q, %d runs", log.Version, len(log.Runs))
	}
	ru := log.Runs[0]
	if len(ru.Tool.Driver.Rules) != len(r.Rules) {
		t.Errorf("%d rules, report has %d", len(ru.Tool.Driver.Rules), len(r.Rules))
	}
	for i, d := range ru.Tool.Driver.Rules {
		info := r.Rules[i]
		if d.ID != info.ID || d.ShortDescription.Text != info.Title || d.HelpURI != info.References[0] ||
			!strings.Contains(d.Help.Text, info.Remediation.Summary) || !strings.Contains(d.Help.Markdown, info.Remediation.CLI) {
			t.Errorf("rule %s: %+v", info.ID, d)
		}
		if d.Properties["security-severity"] != sarif.SecuritySeverity(info.Severity) {
			t.Errorf("rule %s: security-severity %v", d.ID, d.Properties["security-severity"])
		}
		tags, _ := d.Properties["tags"].([]any)
		if len(tags) == 0 || tags[0] != "security" || len(tags) > sarif.MaxTags {
			t.Errorf("rule %s: tags %v", d.ID, tags)
		}
	}
	counts := map[string]int{}
	for _, res := range ru.Results {
		status := res.Properties["status"].(string)
		counts[status]++
		if res.RuleIndex == nil || ru.Tool.Driver.Rules[*res.RuleIndex].ID != res.RuleID {
			t.Errorf("%s: ruleIndex %v", res.RuleID, res.RuleIndex)
		}
		loc := res.Locations[0]
		if loc.PhysicalLocation.ArtifactLocation.URI == "" || loc.PhysicalLocation.ArtifactLocation.URIBaseID != sarif.BaseID ||
			!strings.HasPrefix(loc.PhysicalLocation.ArtifactLocation.URI, "aws/") {
			t.Errorf("%s: physical location %+v", res.RuleID, loc.PhysicalLocation)
		}
		if len(loc.LogicalLocations) != 1 || loc.LogicalLocations[0].Kind != "resource" ||
			!strings.HasPrefix(loc.LogicalLocations[0].FullyQualifiedName, "arn:aws:") {
			t.Errorf("%s: logical location %+v", res.RuleID, loc.LogicalLocations)
		}
		if len(res.PartialFingerprints[sarif.FingerprintKey]) != 32 {
			t.Errorf("%s: fingerprint %v", res.RuleID, res.PartialFingerprints)
		}
		switch status {
		case "FAIL":
			if res.Kind != "fail" || (res.Level != "error" && res.Level != "warning") || len(res.Suppressions) != 0 {
				t.Errorf("FAIL as %s/%s", res.Kind, res.Level)
			}
		case "MUTED":
			if res.Kind != "fail" || len(res.Suppressions) != 1 || res.Suppressions[0].Status != "accepted" ||
				!strings.Contains(res.Suppressions[0].Justification, "OPS-42") {
				t.Errorf("MUTED as %+v", res)
			}
		case "UNKNOWN":
			if res.Kind != "open" || res.Level != "none" || res.Properties["missing_inputs"] == nil {
				t.Errorf("UNKNOWN as %+v", res)
			}
		default:
			t.Errorf("status %s without --show-passing", status)
		}
	}
	want := map[string]int{"FAIL": r.Summary.Fail, "MUTED": r.Summary.Muted, "UNKNOWN": r.Summary.Unknown}
	for s, n := range want {
		if n == 0 || counts[s] != n {
			t.Errorf("%s: %d results, report has %d", s, counts[s], n)
		}
	}
}

// Fingerprints and paths are stable: the same resource gets the same ones
// whatever the message says.
func TestStableIdentity(t *testing.T) {
	res := finding.Result{RuleID: "r", AccountID: "111122223333", ResourceType: finding.TypeUser,
		ResourceARN: "arn:aws:iam::111122223333:user/ops/a b", ResourceName: "a b/c", Fingerprint: "f"}
	if got := sarif.PseudoPath(res); got != "aws/111122223333/iam-user/a%20b%2Fc" {
		t.Errorf("path %q", got)
	}
	root := finding.Result{AccountID: "1", ResourceType: finding.TypeRoot, ResourceName: "<root_account>"}
	if got := sarif.PseudoPath(root); got != "aws/1/iam-root/root" {
		t.Errorf("root path %q", got)
	}
	a := render(t, reporttest.Demo(t, ""), sarif.Options{})
	r := reporttest.Demo(t, "")
	for i := range r.Results.Slice() {
		r.Results.Slice()[i].Message += " (reworded)"
	}
	b := render(t, r, sarif.Options{})
	fp := func(doc []byte) []string {
		var log sarif.Log
		if err := json.Unmarshal(doc, &log); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, res := range log.Runs[0].Results {
			out = append(out, res.PartialFingerprints[sarif.FingerprintKey]+res.Locations[0].PhysicalLocation.ArtifactLocation.URI)
		}
		return out
	}
	if strings.Join(fp(a), ",") != strings.Join(fp(b), ",") {
		t.Error("fingerprints or paths changed with the message")
	}
}

// GitHub rejects a rule with more than 20 tags.
func TestTagsWithinGitHubLimit(t *testing.T) {
	info := report.RuleInfo{ID: "r", Severity: finding.High, Frameworks: map[string][]string{}}
	for i := range 30 {
		info.Frameworks["fw"] = append(info.Frameworks["fw"], fmt.Sprintf("c%02d", i))
	}
	log := sarif.Build(&report.Report{Rules: []report.RuleInfo{info}}, sarif.Options{})
	tags := log.Runs[0].Tool.Driver.Rules[0].Properties["tags"].([]string)
	if len(tags) != sarif.MaxTags || tags[0] != "security" || tags[3] != "fw/c00" {
		t.Errorf("%d tags: %v", len(tags), tags)
	}
}

func TestGolden(t *testing.T) {
	reporttest.Golden(t, "demo.sarif.golden", render(t, reporttest.Demo(t, ""), sarif.Options{}))
}

// Structured evidence, when a rule records it, travels in the result's
// properties; UNKNOWN without missing inputs and results of rules the
// report has no metadata for still render.
func TestEvidenceAndSparseResults(t *testing.T) {
	age, limit := 740, 90
	r := &report.Report{
		Rules: []report.RuleInfo{{ID: "k", Title: "Key", Severity: finding.Medium}},
		Results: finding.ListOf([]finding.Result{
			{RuleID: "k", Status: finding.Fail, Severity: finding.Medium, AccountID: "1", ResourceType: finding.TypeUser,
				ResourceARN: "arn:aws:iam::1:user/ci", ResourceName: "ci", Fingerprint: "f",
				Evidence: &finding.Evidence{KeyID: "AKIAEXAMPLE", AgeDays: &age, Threshold: &limit}},
			{RuleID: "gone", Status: finding.Unknown, AccountID: "1", ResourceARN: "arn:aws:iam::1:root"},
		}),
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleIndex  *int `json:"ruleIndex"`
				Properties struct {
					Evidence *finding.Evidence `json:"evidence"`
				} `json:"properties"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(render(t, r, sarif.Options{}), &log); err != nil {
		t.Fatal(err)
	}
	res := log.Runs[0].Results
	if ev := res[0].Properties.Evidence; ev == nil || ev.KeyID != "AKIAEXAMPLE" || *ev.AgeDays != 740 || *ev.Threshold != 90 {
		t.Errorf("evidence %+v", ev)
	}
	if res[1].RuleIndex != nil {
		t.Errorf("ruleIndex for a rule without metadata: %d", *res[1].RuleIndex)
	}
}

// Gaps and rule errors become tool execution notifications; a rule error
// marks the run unsuccessful. The result stays schema-valid.
func TestGapsAndErrorsAreNotifications(t *testing.T) {
	r := reporttest.Demo(t, "")
	r.Gaps = append(r.Gaps, snapshot.Gap{AccountID: "222233334444", Input: snapshot.InputCredentialReport,
		API: "iam:GenerateCredentialReport", Reason: "AccessDenied"})
	r.Errors = append(r.Errors, scan.RuleError{RuleID: "root-access-keys", AccountID: "222233334444", Error: "panic: boom"})
	doc := render(t, r, sarif.Options{})
	var log sarif.Log
	if err := json.Unmarshal(doc, &log); err != nil {
		t.Fatal(err)
	}
	inv := log.Runs[0].Invocations[0]
	if inv.ExecutionSuccessful || len(inv.Notifications) != 2 || inv.Notifications[0].Level != "warning" ||
		!strings.Contains(inv.Notifications[0].Message.Text, "AccessDenied") || inv.Notifications[1].AssociatedRule.ID != "root-access-keys" {
		t.Errorf("invocation %+v", inv)
	}
	if shareddata.Dir() != "" {
		errs, err := validator(t).Validate(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range errs {
			t.Error(e)
		}
	}
}
