// Package sarif writes a report as SARIF 2.1.0 (OASIS Static Analysis
// Results Interchange Format), the format GitHub code scanning ingests.
//
// iamspect scans AWS accounts, not files, so two choices shape the output
// (docs/output.md explains them):
//
//   - Each result has a logical location (fullyQualifiedName = the
//     resource ARN, kind "resource") and a physical location at a stable
//     pseudo-path aws/<account>/<type>/<name>, relative to %SRCROOT%,
//     because GitHub refuses results without an artifactLocation.uri.
//   - UNKNOWN results (an input was missing) are kind "open" — SARIF's "the
//     tool could not decide" — and so, as the specification requires for
//     every kind but "fail", level "none". MUTED results are failures
//     carrying a suppression (kind "external", status "accepted") with the
//     suppression's reason as justification (docs/output.md says how to
//     dismiss them in GitHub).
//   - With a baseline (--baseline), every result has a baselineState:
//     "new" or "unchanged" for a failure, "updated" for a result the
//     baseline had failing and that now passes, is muted or is unknown,
//     "unchanged" for the other results; findings the baseline had that
//     this scan no longer reports at all are added as "absent" results
//     (kind "pass") with ShowPassing.
package sarif

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/report/internal/jsonarray"
)

// Version is the SARIF version written; SchemaURI its official schema.
const (
	Version   = "2.1.0"
	SchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// FingerprintKey names iamspect's fingerprint in partialFingerprints.
	FingerprintKey = "iamspectFingerprint/v1"
	// BaseID is the uriBaseId of every pseudo-path.
	BaseID  = "%SRCROOT%"
	infoURI = "https://github.com/iamspect/iamspect"
)

// Options choose what to include.
type Options struct {
	// ShowPassing adds PASS results (kind "pass").
	ShowPassing bool
}

// SecuritySeverity is the numeric score GitHub ranks alerts by (over 9.0
// critical, 7.0–8.9 high, 4.0–6.9 medium, under 4.0 low).
func SecuritySeverity(s finding.Severity) string {
	switch s {
	case finding.Critical:
		return "9.5"
	case finding.High:
		return "8.0"
	case finding.Medium:
		return "5.5"
	case finding.Low:
		return "3.0"
	}
	return "1.0"
}

// Level is the SARIF level of a failing result of this severity.
func Level(s finding.Severity) string {
	switch s {
	case finding.Critical, finding.High:
		return "error"
	case finding.Medium, finding.Low:
		return "warning"
	}
	return "note"
}

// resultsKey is where the run's results sit in the indented log: the
// only member named "results" at a run's indentation.
var resultsKey = []byte("\n      \"results\": []")

// Write encodes the report as one SARIF log with one run, exactly as
// encoding/json would encode Build's log, but converting and encoding the
// results one at a time: the whole log of a 10,000-principal scan took
// gigabytes (every result converted, then the encoded document, then its
// indented copy).
func Write(w io.Writer, r *report.Report, o Options) error {
	ru, index := build(r)
	var doc bytes.Buffer
	enc := json.NewEncoder(&doc)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&Log{Schema: SchemaURI, Version: Version, Runs: []Run{ru}}); err != nil {
		return err
	}
	i := bytes.Index(doc.Bytes(), resultsKey)
	if i < 0 {
		return errors.New("sarif: results member not found")
	}
	bw := bufio.NewWriter(w)
	_, _ = bw.Write(doc.Bytes()[:i])
	_, _ = bw.WriteString("\n      \"results\": ")
	arr := jsonarray.Nested(bw, "      ")
	if err := eachResult(r, o, index, func(res *Result) error { return arr.Add(res) }); err != nil {
		return err
	}
	if err := arr.Close(); err != nil {
		return err
	}
	_, _ = bw.Write(doc.Bytes()[i+len(resultsKey):])
	// A bufio.Writer keeps its first error and ignores later writes.
	return bw.Flush()
}

// Build converts the report to a SARIF log.
func Build(r *report.Report, o Options) *Log {
	ru, index := build(r)
	_ = eachResult(r, o, index, func(res *Result) error {
		ru.Results = append(ru.Results, *res)
		return nil
	})
	return &Log{Schema: SchemaURI, Version: Version, Runs: []Run{ru}}
}

// build converts everything but the results: the run with an empty result
// list, and each rule's index in the driver's rules.
func build(r *report.Report) (Run, map[string]int) {
	ru := Run{
		Tool: Tool{Driver: Driver{Name: "iamspect", Version: r.Tool.Version, InformationURI: infoURI, Rules: []Rule{}}},
		OriginalURIBaseIDs: map[string]ArtifactLocation{BaseID: {Description: &Message{
			Text: "Not a source tree: iamspect scans AWS accounts. Each result's path aws/<account>/<resource type>/<name> is a stable pseudo-path standing for an AWS resource (its ARN is the logical location), because code scanning requires a file location."}}},
		Invocations: []Invocation{invocation(r)},
		Results:     []Result{},
		ColumnKind:  "utf16CodeUnits",
		Properties: map[string]any{
			"accounts": r.Accounts,
			"summary":  r.Summary,
		},
	}
	index := map[string]int{}
	for _, info := range r.Rules {
		index[info.ID] = len(ru.Tool.Driver.Rules)
		ru.Tool.Driver.Rules = append(ru.Tool.Driver.Rules, rule(info))
	}
	return ru, index
}

// eachResult converts the results the log lists, in order, and hands each
// to emit: the report's results (without PASS unless asked), then with
// --show-passing the baseline's results that are gone.
func eachResult(r *report.Report, o Options, index map[string]int, emit func(*Result) error) error {
	state := baselineStates(r.Changes)
	for _, res := range r.Results.All() {
		if res.Status == finding.Pass && !o.ShowPassing {
			continue
		}
		out := result(res)
		if i, ok := index[res.RuleID]; ok {
			out.RuleIndex = &i
		}
		if state != nil {
			out.BaselineState = state(res)
		}
		if err := emit(&out); err != nil {
			return err
		}
	}
	if r.Changes != nil && o.ShowPassing {
		for _, gone := range r.Changes.Resolved {
			if gone.Now != "" {
				continue
			}
			out := result(gone.Result)
			out.Kind, out.Level, out.Suppressions = "pass", "none", nil
			out.BaselineState = "absent"
			out.Message = Message{Text: "No longer reported (the resource or the rule is gone); the baseline said: " + gone.Message}
			if i, ok := index[gone.RuleID]; ok {
				out.RuleIndex = &i
			}
			if err := emit(&out); err != nil {
				return err
			}
		}
	}
	return nil
}

// baselineStates returns the baselineState of each result of a report
// compared with a baseline, or nil without one.
func baselineStates(c *report.Changes) func(finding.Result) string {
	if c == nil {
		return nil
	}
	isNew := make(map[string]bool, len(c.New))
	for _, fp := range c.New {
		isNew[fp] = true
	}
	wasFailing := map[string]bool{}
	for _, list := range [][]report.ChangedResult{c.Resolved, c.Unverified} {
		for _, res := range list {
			wasFailing[res.Fingerprint] = true
		}
	}
	return func(res finding.Result) string {
		switch {
		case res.Status == finding.Fail && isNew[res.Fingerprint]:
			return "new"
		case res.Status != finding.Fail && wasFailing[res.Fingerprint]:
			return "updated"
		}
		return "unchanged"
	}
}

func invocation(r *report.Report) Invocation {
	inv := Invocation{ExecutionSuccessful: len(r.Errors) == 0}
	for _, g := range r.Gaps {
		text := fmt.Sprintf("Input %s of account %s was not collected (%s): %s", g.Input, g.AccountID, g.API, g.Reason)
		inv.Notifications = append(inv.Notifications, Notification{Level: "warning", Message: Message{Text: text}})
	}
	for _, e := range r.Errors {
		n := Notification{Level: "error", Message: Message{Text: fmt.Sprintf("rule %s failed on account %s: %s", e.RuleID, e.AccountID, e.Error)}}
		n.AssociatedRule = &ReportingDescriptorReference{ID: e.RuleID}
		inv.Notifications = append(inv.Notifications, n)
	}
	return inv
}

func rule(info report.RuleInfo) Rule {
	out := Rule{
		ID:                   info.ID,
		Name:                 ruleName(info.ID),
		ShortDescription:     &Message{Text: info.Title},
		DefaultConfiguration: &Configuration{Level: Level(info.Severity)},
		Help:                 &Message{Text: helpText(info), Markdown: helpMarkdown(info)},
		Properties: map[string]any{
			"security-severity": SecuritySeverity(info.Severity),
			"severity":          string(info.Severity),
			"precision":         "very-high",
			"tags":              tags(info),
		},
	}
	if info.Description != "" {
		out.FullDescription = &Message{Text: info.Description}
	}
	for _, ref := range info.References {
		if u, err := url.Parse(ref); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
			out.HelpURI = ref // the first reference that is an absolute URL
			break
		}
	}
	return out
}

// ruleName turns a rule ID into the PascalCase name SARIF viewers show
// (root-access-keys → RootAccessKeys).
func ruleName(id string) string {
	var b strings.Builder
	for part := range strings.SplitSeq(id, "-") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// MaxTags is GitHub's hard limit on tags per rule: an upload with more is
// rejected.
const MaxTags = 20

// tags are "security" (GitHub files the alert under security), "iam",
// "aws", and each framework control as framework/control, sorted, at most
// MaxTags.
func tags(info report.RuleInfo) []string {
	out := []string{"security", "iam", "aws"}
	fws := make([]string, 0, len(info.Frameworks))
	for fw := range info.Frameworks {
		fws = append(fws, fw)
	}
	slices.Sort(fws)
	for _, fw := range fws {
		for _, c := range info.Frameworks[fw] {
			out = append(out, fw+"/"+c)
		}
	}
	slices.Sort(out[3:])
	out = slices.Compact(out)
	return out[:min(len(out), MaxTags)]
}

func helpText(info report.RuleInfo) string {
	var b strings.Builder
	b.WriteString(info.Remediation.Summary)
	if info.Remediation.CLI != "" {
		b.WriteString("\n\nAWS CLI:\n" + info.Remediation.CLI)
	}
	if info.Remediation.Console != "" {
		b.WriteString("\n\nConsole: " + info.Remediation.Console)
	}
	for i, ref := range info.References {
		if i == 0 {
			b.WriteString("\n\nReferences:")
		}
		b.WriteString("\n- " + ref)
	}
	return b.String()
}

func helpMarkdown(info report.RuleInfo) string {
	var b strings.Builder
	if info.Description != "" {
		b.WriteString(info.Description + "\n\n")
	}
	b.WriteString("**Fix:** " + info.Remediation.Summary)
	if info.Remediation.CLI != "" {
		fence := "```"
		for strings.Contains(info.Remediation.CLI, fence) {
			fence += "`"
		}
		b.WriteString("\n\n" + fence + "sh\n" + strings.TrimRight(info.Remediation.CLI, "\n") + "\n" + fence)
	}
	if info.Remediation.Console != "" {
		b.WriteString("\n\n**Console:** " + info.Remediation.Console)
	}
	for i, ref := range info.References {
		if i == 0 {
			b.WriteString("\n\n**References**\n")
		}
		b.WriteString("\n- <" + ref + ">")
	}
	return b.String()
}

func result(res finding.Result) Result {
	out := Result{
		RuleID:              res.RuleID,
		Message:             Message{Text: res.Message},
		Locations:           []Location{location(res)},
		PartialFingerprints: map[string]string{FingerprintKey: res.Fingerprint},
		Properties: map[string]any{
			"status":        string(res.Status),
			"account_id":    res.AccountID,
			"resource_type": res.ResourceType,
		},
	}
	if res.Evidence != nil {
		out.Properties["evidence"] = res.Evidence
	}
	switch res.Status {
	case finding.Fail:
		out.Kind, out.Level = "fail", Level(res.Severity)
	case finding.Muted:
		out.Kind, out.Level = "fail", Level(res.Severity)
		out.Suppressions = []Suppression{{Kind: "external", Status: "accepted", Justification: res.MuteReason}}
	case finding.Unknown:
		out.Kind, out.Level = "open", "none"
		if len(res.MissingInputs) > 0 {
			out.Properties["missing_inputs"] = res.MissingInputs
		}
	case finding.Pass:
		out.Kind, out.Level = "pass", "none"
	}
	return out
}

func location(res finding.Result) Location {
	return Location{
		PhysicalLocation: &PhysicalLocation{
			ArtifactLocation: ArtifactLocation{URI: PseudoPath(res), URIBaseID: BaseID},
			Region:           &Region{StartLine: 1},
		},
		LogicalLocations: []LogicalLocation{{Name: res.ResourceName, FullyQualifiedName: res.ResourceARN, Kind: "resource"}},
	}
}

// PseudoPath is the stable relative path standing for a result's resource:
// aws/<account>/<type>/<name>, e.g. aws/111122223333/iam-user/alice. The
// type is the CloudFormation type without "AWS::" (iam-user, iam-role,
// account); each segment is percent-escaped.
func PseudoPath(res finding.Result) string {
	typ := strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(res.ResourceType, "AWS::"), "::", "-"))
	if typ == "" {
		typ = "resource"
	}
	name := res.ResourceName
	switch {
	case res.ResourceType == finding.TypeRoot:
		name = "root"
	case name == "":
		name = "-"
	}
	return "aws/" + url.PathEscape(res.AccountID) + "/" + url.PathEscape(typ) + "/" + url.PathEscape(name)
}
