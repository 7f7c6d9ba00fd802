package store

import (
	"time"

	"github.com/iamspect/iamspect/internal/drift"
	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
)

// Mute sources.
const (
	MuteBySuppression = "suppression"
	MuteManual        = "manual"
)

// Advance moves a target's findings on by one finished scan. prev holds
// the target's findings by fingerprint (any state); it returns the findings
// whose row changed (to write back), and the events to record. It matches
// results with internal/drift, as 'iamspect diff' does, except that a result
// muted by a suppression still counts as failing here: muting is a
// judgement kept beside the finding (Finding.Muted), not a fix. A finding
// whose result is UNKNOWN in the new scan is left as it was (unverified).
func Advance(prev map[string]*Finding, rep *report.Report, scanID int64, at time.Time) (changed []*Finding, events []Event) {
	var was []finding.Result
	for _, f := range prev {
		if f.State != StateResolved {
			was = append(was, finding.Result{RuleID: f.RuleID, Status: finding.Fail, Severity: f.Severity,
				AccountID: f.AccountID, ResourceARN: f.ResourceARN, Fingerprint: f.Fingerprint})
		}
	}
	now := make([]finding.Result, 0, rep.Results.Len())
	muted := map[string]string{}
	for _, r := range rep.Results.All() {
		if r.Status == finding.Muted {
			muted[fp(r)] = r.MuteReason
			r.Status = finding.Fail
		}
		now = append(now, r)
	}
	d := drift.Compare(&report.Report{Results: finding.ListOf(was)}, &report.Report{Results: finding.ListOf(now)})
	record := func(f *Finding, state string) {
		if f.State != state {
			f.State, f.StateSince = state, at
			events = append(events, Event{Fingerprint: f.Fingerprint, ScanID: scanID, At: at, State: state})
		}
		changed = append(changed, f)
	}
	for _, r := range d.New {
		f, ok := prev[fp(r)]
		state := StateNew
		if ok {
			state = StateReopened
		} else {
			f = &Finding{FirstSeen: at}
		}
		fill(f, r, rep, scanID, at, muted)
		f.ResolvedAt = nil
		if ok && f.State == StateReopened {
			f.State = "" // reopened once more: a new event
		}
		record(f, state)
	}
	for _, r := range d.Unchanged {
		f := prev[fp(r)]
		if f == nil {
			continue
		}
		fill(f, r, rep, scanID, at, muted)
		record(f, StateOpen)
	}
	for _, c := range d.Resolved {
		f := prev[fp(c.Result)]
		if f == nil {
			continue
		}
		t := at
		f.ResolvedAt = &t
		f.LastScanID = scanID
		record(f, StateResolved)
	}
	return changed, events
}

// fill copies the latest result's facts into the finding.
func fill(f *Finding, r finding.Result, rep *report.Report, scanID int64, at time.Time, muted map[string]string) {
	f.Fingerprint = fp(r)
	f.RuleID, f.Severity, f.AccountID = r.RuleID, r.Severity, r.AccountID
	f.ResourceType, f.ResourceARN, f.ResourceName = r.ResourceType, r.ResourceARN, r.ResourceName
	f.Message, f.Evidence = r.Message, r.Evidence
	f.Title = rep.Title(r.RuleID)
	f.LastSeen, f.LastScanID = at, scanID
	if reason, ok := muted[f.Fingerprint]; ok {
		f.MuteReason, f.MuteSource, f.MutedUntil = reason, MuteBySuppression, nil
	} else if f.MuteSource == MuteBySuppression {
		f.MuteReason, f.MuteSource, f.MutedUntil = "", "", nil // the suppression is gone
	}
}

// IsMuted says whether a finding's mute is in force at t.
func (f *Finding) IsMuted(t time.Time) bool {
	return f.MuteReason != "" && (f.MutedUntil == nil || f.MutedUntil.After(t))
}

func fp(r finding.Result) string {
	if r.Fingerprint != "" {
		return r.Fingerprint
	}
	return finding.Fingerprint(r.RuleID, r.AccountID, r.ResourceARN)
}
