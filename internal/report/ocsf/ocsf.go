// Package ocsf writes a report as OCSF 1.8.0 events (Open Cybersecurity
// Schema Framework), the shape Amazon Security Lake and many SIEMs ingest:
// a JSON array of Detection Finding (class 2004) events, one per failing,
// muted or unknown result (and per passing result with ShowPassing), and,
// when the report has a compliance section, one Compliance Finding (class
// 2003) event per control.
//
// Every event declares the cloud profile (metadata.profiles) and fills its
// cloud object. Detection Finding has no compliance attribute, so a rule's
// framework controls travel in unmapped.frameworks.
package ocsf

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/iamspect/iamspect/internal/report/internal/jsonarray"

	"github.com/iamspect/iamspect/internal/compliance"
	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
)

// Version is the OCSF schema version the events follow.
const Version = "1.8.0"

// The classification of the events written (OCSF 1.8.0 uids).
const (
	CategoryFindings        = 2
	ClassComplianceFinding  = 2003
	ClassDetectionFinding   = 2004
	ActivityCreate          = 1
	categoryFindingsCaption = "Findings"
	findingType             = "Software and Configuration Checks/AWS Security Best Practices/IAM"
)

// Finding status_id values (finding.json).
const (
	StatusUnknown    = 0
	StatusNew        = 1
	StatusSuppressed = 3
	StatusResolved   = 4
)

// Options choose what to include.
type Options struct {
	// ShowPassing adds an event per PASS result (status Resolved).
	ShowPassing bool
}

// Write encodes the events as an indented JSON array.
func Write(w io.Writer, r *report.Report, o Options) error {
	arr := jsonarray.New(w)
	if err := each(r, o, func(ev *Event) error { return arr.Add(ev) }); err != nil {
		return err
	}
	return arr.Close()
}

// Events converts the report: Detection Findings in report order, then
// the Compliance Findings.
func Events(r *report.Report, o Options) []Event {
	out := []Event{}
	_ = each(r, o, func(ev *Event) error { out = append(out, *ev); return nil })
	return out
}

// each builds the events one at a time, so Write streams them: a large
// scan's events are never all in memory (nor is their JSON).
func each(r *report.Report, o Options, emit func(*Event) error) error {
	aliases := map[string]string{}
	for _, a := range r.Accounts {
		aliases[a.ID] = a.Alias
	}
	fixes := map[string]*Remediation{}
	for _, res := range r.Results.All() {
		if res.Status == finding.Pass && !o.ShowPassing {
			continue
		}
		ev := detection(r, res, aliases, fixes)
		if err := emit(&ev); err != nil {
			return err
		}
	}
	if r.Compliance != nil {
		for _, c := range r.Compliance.Controls {
			ev := complianceEvent(r, c)
			if err := emit(&ev); err != nil {
				return err
			}
		}
	}
	return nil
}

// SeverityID maps an iamspect severity to OCSF severity_id and caption.
func SeverityID(s finding.Severity) (int, string) {
	switch s {
	case finding.Critical:
		return 5, "Critical"
	case finding.High:
		return 4, "High"
	case finding.Medium:
		return 3, "Medium"
	case finding.Low:
		return 2, "Low"
	case finding.Info:
		return 1, "Informational"
	}
	return 0, "Unknown"
}

// statusID maps a result status to the finding status_id and caption:
// FAIL is New, MUTED Suppressed, PASS Resolved (nothing to fix), UNKNOWN
// Unknown (the input was missing; status_detail names it).
func statusID(s finding.Status) (int, string) {
	switch s {
	case finding.Fail:
		return StatusNew, "New"
	case finding.Muted:
		return StatusSuppressed, "Suppressed"
	case finding.Pass:
		return StatusResolved, "Resolved"
	}
	return StatusUnknown, "Unknown"
}

func base(r *report.Report, class int, className string) Event {
	ms := r.GeneratedAt.UnixMilli()
	return Event{
		ActivityID: ActivityCreate, ActivityName: "Create",
		CategoryUID: CategoryFindings, CategoryName: categoryFindingsCaption,
		ClassUID: class, ClassName: className,
		TypeUID: class*100 + ActivityCreate, TypeName: className + ": Create",
		Time: ms,
		Metadata: Metadata{
			Version:  Version,
			Product:  Product{Name: "iamspect", VendorName: "iamspect", Version: r.Tool.Version, URLString: "https://github.com/iamspect/iamspect"},
			Profiles: []string{"cloud"},
		},
		Cloud: Cloud{Provider: "AWS"},
	}
}

// detection is one result's Detection Finding; fixes caches each rule's
// remediation, which every event of the rule shares.
func detection(r *report.Report, res finding.Result, aliases map[string]string, fixes map[string]*Remediation) Event {
	ev := base(r, ClassDetectionFinding, "Detection Finding")
	ev.SeverityID, ev.Severity = SeverityID(res.Severity)
	ev.StatusID, ev.Status = statusID(res.Status)
	ev.StatusCode = string(res.Status)
	alert := res.Status == finding.Fail
	ev.IsAlert = &alert
	ev.Message = res.Message
	ev.Metadata.EventCode = res.RuleID
	ev.Comment = res.MuteReason
	ev.Cloud.Account = &Account{UID: res.AccountID, Name: aliases[res.AccountID], TypeID: 10, Type: "AWS Account"}
	ev.Resources = []Resource{{UID: res.ResourceARN, Name: res.ResourceName, Type: res.ResourceType}}
	ev.FindingInfo = FindingInfo{
		UID: res.Fingerprint, Title: res.RuleID, Types: []string{findingType}, CreatedTime: ev.Time,
		Analytic: &Analytic{UID: res.RuleID, Name: res.RuleID, TypeID: 1, Type: "Rule"},
	}
	unmapped := map[string]any{"rule_id": res.RuleID}
	if info := r.Rule(res.RuleID); info != nil {
		ev.FindingInfo.Title = info.Title
		ev.FindingInfo.Desc = info.Description
		if fixes[info.ID] == nil {
			fixes[info.ID] = remediation(info)
		}
		ev.Remediation = fixes[info.ID]
		if len(info.Frameworks) > 0 {
			unmapped["frameworks"] = info.Frameworks
		}
	}
	if res.Status == finding.Unknown && len(res.MissingInputs) > 0 {
		ev.StatusDetail = "missing inputs: " + strings.Join(res.MissingInputs, ", ")
		unmapped["missing_inputs"] = res.MissingInputs
	}
	if res.Evidence != nil {
		unmapped["evidence"] = res.Evidence
	}
	ev.Unmapped = unmapped
	return ev
}

func remediation(info *report.RuleInfo) *Remediation {
	desc := info.Remediation.Summary
	if info.Remediation.CLI != "" {
		desc += "\n\nAWS CLI:\n" + info.Remediation.CLI
	}
	if desc == "" {
		desc = "See the rule's documentation: iamspect rules " + info.ID
	}
	return &Remediation{Desc: desc, References: slices.Clone(info.References)}
}

// complianceStatus maps a control's status to compliance.status_id:
// Pass, Fail, or Warning ("did not yield a result due to missing
// information") for unknown, manual and not covered controls.
func complianceStatus(s compliance.Status) (int, string) {
	switch s {
	case compliance.Pass:
		return 1, "Pass"
	case compliance.Fail:
		return 3, "Fail"
	}
	return 2, "Warning"
}

func complianceEvent(r *report.Report, c compliance.ControlResult) Event {
	fw := r.Compliance
	ev := base(r, ClassComplianceFinding, "Compliance Finding")
	ev.Metadata.EventCode = string(fw.Framework) + "/" + c.ID
	sum := sha256.Sum256([]byte(string(fw.Framework) + "\x00" + c.ID + "\x00" + strings.Join(accountIDs(r), ",")))
	ev.FindingInfo = FindingInfo{UID: hex.EncodeToString(sum[:16]), Title: c.ID + " " + c.Title, Types: []string{"Compliance/" + fw.Name}, CreatedTime: ev.Time}
	cst, cstatus := complianceStatus(c.Status)
	detail := fmt.Sprintf("%d failing, %d passing, %d muted, %d unknown results", c.Fail, c.Pass, c.Muted, c.Unknown)
	switch {
	case c.Note != "":
		detail = c.Note
	case c.Status == compliance.NotCovered:
		detail = "no rule in this scan covers this control"
	case c.Status == compliance.ManualCheck:
		detail = "a manual control: a person must check it"
	}
	ev.Compliance = &Compliance{Standards: []string{fw.Name}, Control: c.ID, Desc: c.Title,
		StatusID: cst, Status: cstatus, StatusCode: string(c.Status), StatusDetails: []string{detail}}
	ev.StatusCode = string(c.Status)
	switch c.Status {
	case compliance.Fail:
		ev.StatusID, ev.Status = StatusNew, "New"
	case compliance.Pass:
		ev.StatusID, ev.Status = StatusResolved, "Resolved"
	default:
		ev.StatusID, ev.Status = StatusUnknown, "Unknown"
	}
	ev.Message = fmt.Sprintf("%s %s: %s", fw.Name, c.ID, c.Status)
	ev.SeverityID, ev.Severity = 1, "Informational"
	worst := finding.Severity("")
	for _, res := range r.Results.All() {
		if res.Status != finding.Fail || !slices.Contains(c.Rules, res.RuleID) {
			continue
		}
		ev.Resources = append(ev.Resources, Resource{UID: res.ResourceARN, Name: res.ResourceName, Type: res.ResourceType})
		if res.Severity.Rank() > worst.Rank() {
			worst = res.Severity
		}
	}
	if worst != "" {
		ev.SeverityID, ev.Severity = SeverityID(worst)
	}
	if ids := accountIDs(r); len(ids) == 1 {
		ev.Cloud.Account = &Account{UID: ids[0], Name: r.Accounts[0].Alias, TypeID: 10, Type: "AWS Account"}
	}
	var fixes []string
	var refs []string
	for _, id := range c.Rules {
		if info := r.Rule(id); info != nil && c.Fail > 0 {
			fixes = append(fixes, id+": "+info.Remediation.Summary)
			refs = append(refs, info.References...)
		}
	}
	if len(fixes) > 0 {
		slices.Sort(refs)
		ev.Remediation = &Remediation{Desc: strings.Join(fixes, "\n"), References: slices.Compact(refs)}
	}
	ev.Unmapped = map[string]any{"framework": fw.Framework, "mode": c.Mode}
	if len(c.Rules) > 0 {
		ev.Unmapped["rules"] = c.Rules
	}
	return ev
}

func accountIDs(r *report.Report) []string {
	out := make([]string, len(r.Accounts))
	for i, a := range r.Accounts {
		out[i] = a.ID
	}
	return out
}
