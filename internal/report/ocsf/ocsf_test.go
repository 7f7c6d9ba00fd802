package ocsf_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/report/internal/reporttest"
	"github.com/iamspect/iamspect/internal/report/ocsf"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/testutil/shareddata"
)

func render(t *testing.T, r *report.Report, o ocsf.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := ocsf.Write(&buf, r, o); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func schema(t *testing.T) *ocsfSchema {
	t.Helper()
	s, err := loadOCSF(shareddata.Path(t, "schemas/ocsf-1.8.0"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func className(t *testing.T, ev map[string]any) string {
	switch n, _ := asInt(ev["class_uid"]); n {
	case ocsf.ClassDetectionFinding:
		return "detection_finding"
	case ocsf.ClassComplianceFinding:
		return "compliance_finding"
	}
	t.Fatalf("class_uid %v", ev["class_uid"])
	return ""
}

// Every event of the demo, with every status and with a compliance
// section, is valid OCSF 1.8.0.
func TestValidAgainstOCSFSchema(t *testing.T) {
	s := schema(t)
	docs := map[string][]byte{
		"full demo":                    render(t, reporttest.Full(t), ocsf.Options{ShowPassing: true}),
		"every status, cis-aws-v5.0":   render(t, reporttest.Demo(t, "cis-aws-v5.0"), ocsf.Options{ShowPassing: true}),
		"every status, nist-800-53-r5": render(t, reporttest.Demo(t, "nist-800-53-r5"), ocsf.Options{}),
	}
	for name, doc := range docs {
		evs, err := decodeEvents(doc)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		classes := map[string]int{}
		for i, ev := range evs {
			cls := className(t, ev)
			classes[cls]++
			for _, e := range s.ValidateEvent(ev, cls) {
				t.Errorf("%s: event %d (%s): %s", name, i, cls, e)
			}
		}
		if classes["detection_finding"] == 0 || (strings.Contains(name, "cis") && classes["compliance_finding"] == 0) {
			t.Errorf("%s: classes %v", name, classes)
		}
	}
}

// The validator catches what it should: missing required attributes,
// unknown attributes, undeclared profiles, bad enums and captions, types.
func TestValidatorRejectsInvalidEvents(t *testing.T) {
	s := schema(t)
	evs, err := decodeEvents(render(t, reporttest.Demo(t, ""), ocsf.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	good := evs[0]
	if errs := s.ValidateEvent(good, "detection_finding"); len(errs) != 0 {
		t.Fatalf("good event rejected: %v", errs)
	}
	breakers := map[string]func(ev map[string]any){
		"no finding_info": func(ev map[string]any) { delete(ev, "finding_info") },
		"no time":         func(ev map[string]any) { delete(ev, "time") },
		"no metadata.version": func(ev map[string]any) {
			ev["metadata"].(map[string]any)["version"] = nil
			delete(ev["metadata"].(map[string]any), "version")
		},
		"no cloud with cloud profile": func(ev map[string]any) { delete(ev, "cloud") },
		"cloud without the profile": func(ev map[string]any) {
			ev["metadata"].(map[string]any)["profiles"] = []any{}
		},
		"unknown attribute": func(ev map[string]any) { ev["risk_factor"] = "x" },
		"unknown profile": func(ev map[string]any) {
			ev["metadata"].(map[string]any)["profiles"] = []any{"cloud", "clouds"}
		},
		"compliance in detection":  func(ev map[string]any) { ev["compliance"] = map[string]any{"standards": []any{"CIS"}} },
		"unknown nested attribute": func(ev map[string]any) { ev["finding_info"].(map[string]any)["fingerprint"] = "x" },
		"bad severity_id":          func(ev map[string]any) { ev["severity_id"] = json.Number("9") },
		"caption mismatch":         func(ev map[string]any) { ev["severity"] = "Apocalyptic" },
		"status caption mismatch":  func(ev map[string]any) { ev["status"] = "Success" },
		"wrong class_uid":          func(ev map[string]any) { ev["class_uid"] = json.Number("2001") },
		"wrong type_uid":           func(ev map[string]any) { ev["type_uid"] = json.Number("200402") },
		"time as string":           func(ev map[string]any) { ev["time"] = "2026-11-23T08:00:00Z" },
		"resources not an array":   func(ev map[string]any) { ev["resources"] = ev["resources"].([]any)[0] },
		"remediation without desc": func(ev map[string]any) { delete(ev["remediation"].(map[string]any), "desc") },
		"account type caption": func(ev map[string]any) {
			ev["cloud"].(map[string]any)["account"].(map[string]any)["type"] = "GCP Project"
		},
		"no provider": func(ev map[string]any) { delete(ev["cloud"].(map[string]any), "provider") },
		"deprecated account type": func(ev map[string]any) {
			acct := ev["cloud"].(map[string]any)["account"].(map[string]any)
			acct["type_id"], acct["type"] = json.Number("3"), "AWS IAM User"
		},
		"analytic without type_id": func(ev map[string]any) {
			delete(ev["finding_info"].(map[string]any)["analytic"].(map[string]any), "type_id")
		},
	}
	for name, breakIt := range breakers {
		doc, _ := json.Marshal([]any{good})
		evs, _ := decodeEvents(doc)
		breakIt(evs[0])
		if errs := s.ValidateEvent(evs[0], "detection_finding"); len(errs) == 0 {
			t.Errorf("%s: accepted", name)
		}
	}
}

// Structural checks that need no schema.
func TestEventsFollowResults(t *testing.T) {
	r := reporttest.Demo(t, rules.Framework("cis-aws-v5.0"))
	var evs []ocsf.Event
	if err := json.Unmarshal(render(t, r, ocsf.Options{}), &evs); err != nil {
		t.Fatal(err)
	}
	byStatus := map[string]int{}
	controls := 0
	for _, ev := range evs {
		if ev.ClassUID == ocsf.ClassComplianceFinding {
			controls++
			if ev.Compliance == nil || ev.Compliance.Control == "" || ev.TypeUID != 200301 {
				t.Errorf("compliance event %+v", ev)
			}
			continue
		}
		byStatus[ev.StatusCode]++
		if ev.ClassUID != 2004 || ev.CategoryUID != 2 || ev.TypeUID != 200401 || ev.ActivityID != 1 {
			t.Errorf("classification %d/%d/%d/%d", ev.ClassUID, ev.CategoryUID, ev.TypeUID, ev.ActivityID)
		}
		if ev.Metadata.Version != "1.8.0" || ev.Metadata.Product.Name != "iamspect" || len(ev.Metadata.Profiles) != 1 || ev.Metadata.Profiles[0] != "cloud" {
			t.Errorf("metadata %+v", ev.Metadata)
		}
		if ev.Cloud.Provider != "AWS" || ev.Cloud.Account == nil || len(ev.Resources) != 1 || !strings.HasPrefix(ev.Resources[0].UID, "arn:aws:") {
			t.Errorf("cloud/resources %+v %+v", ev.Cloud, ev.Resources)
		}
		if len(ev.FindingInfo.UID) != 32 || ev.FindingInfo.Title == "" || ev.Remediation == nil || ev.Remediation.Desc == "" {
			t.Errorf("finding_info/remediation %+v %+v", ev.FindingInfo, ev.Remediation)
		}
		if ev.Time != reporttest.Generated.UnixMilli() {
			t.Errorf("time %d", ev.Time)
		}
		if _, ok := ev.Unmapped["frameworks"]; !ok {
			t.Errorf("no frameworks in unmapped: %v", ev.Unmapped)
		}
		switch ev.StatusCode {
		case "FAIL":
			if ev.StatusID != ocsf.StatusNew || ev.IsAlert == nil || !*ev.IsAlert {
				t.Errorf("FAIL as status %d", ev.StatusID)
			}
		case "MUTED":
			if ev.StatusID != ocsf.StatusSuppressed || *ev.IsAlert || !strings.Contains(ev.Comment, "OPS-42") {
				t.Errorf("MUTED as %d %q", ev.StatusID, ev.Comment)
			}
		case "UNKNOWN":
			if ev.StatusID != ocsf.StatusUnknown || !strings.Contains(ev.StatusDetail, "credential_report") {
				t.Errorf("UNKNOWN as %d %q", ev.StatusID, ev.StatusDetail)
			}
		default:
			t.Errorf("%s without ShowPassing", ev.StatusCode)
		}
	}
	if byStatus["FAIL"] != r.Summary.Fail || byStatus["MUTED"] != r.Summary.Muted || byStatus["UNKNOWN"] != r.Summary.Unknown {
		t.Errorf("events by status %v, summary %+v", byStatus, r.Summary)
	}
	if controls != len(r.Compliance.Controls) {
		t.Errorf("%d compliance events for %d controls", controls, len(r.Compliance.Controls))
	}
	var all []ocsf.Event
	if err := json.Unmarshal(render(t, r, ocsf.Options{ShowPassing: true}), &all); err != nil {
		t.Fatal(err)
	}
	if len(all)-len(evs) != r.Summary.Pass {
		t.Errorf("ShowPassing added %d events, want %d", len(all)-len(evs), r.Summary.Pass)
	}
}

func TestGolden(t *testing.T) {
	reporttest.Golden(t, "demo.ocsf.golden", render(t, reporttest.Demo(t, ""), ocsf.Options{}))
}

// Structured evidence, when a rule records it, travels in unmapped; a
// result whose rule has no metadata still gives a valid event.
func TestEvidenceAndSparseResults(t *testing.T) {
	age := 740
	r := reporttest.Demo(t, "")
	r.Results.Slice()[0].Evidence = &finding.Evidence{KeyID: "AKIAEXAMPLE", AgeDays: &age, Policy: "arn:aws:iam::aws:policy/AdministratorAccess"}
	r.Results = finding.ListOf(append(r.Results.Slice(), finding.Result{RuleID: "gone", Status: finding.Fail, Severity: finding.Low, AccountID: "1",
		ResourceARN: "arn:aws:iam::1:root", Fingerprint: "0123456789abcdef0123456789abcdef"}))
	doc := render(t, r, ocsf.Options{})
	var evs []ocsf.Event
	if err := json.Unmarshal(doc, &evs); err != nil {
		t.Fatal(err)
	}
	ev, _ := json.Marshal(evs[0].Unmapped["evidence"])
	if !strings.Contains(string(ev), `"key_id":"AKIAEXAMPLE"`) || !strings.Contains(string(ev), `"age_days":740`) {
		t.Errorf("evidence %s", ev)
	}
	last := evs[len(evs)-1]
	if last.FindingInfo.Title != "gone" || last.Remediation != nil {
		t.Errorf("sparse event %+v", last)
	}
	if dir := shareddata.Dir(); dir != "" {
		s := schema(t)
		raw, _ := decodeEvents(doc)
		for _, i := range []int{0, len(raw) - 1} {
			for _, e := range s.ValidateEvent(raw[i], "detection_finding") {
				t.Errorf("event %d: %s", i, e)
			}
		}
	}
}

// Write streams the same array Events builds, and an empty report is [].
func TestWriteStreamsTheEvents(t *testing.T) {
	r := reporttest.Demo(t, "cis-aws-v5.0")
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ocsf.Events(r, ocsf.Options{ShowPassing: true})); err != nil {
		t.Fatal(err)
	}
	if got := render(t, r, ocsf.Options{ShowPassing: true}); !bytes.Equal(got, want.Bytes()) {
		t.Error("streamed output differs from encoding Events")
	}
	if got := string(render(t, &report.Report{}, ocsf.Options{})); got != "[]\n" {
		t.Errorf("empty report: %q", got)
	}
}
