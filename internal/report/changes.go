package report

import (
	"time"

	"github.com/iamspect/iamspect/internal/finding"
)

// Changes compares a report with an earlier one (scan --baseline, schema
// 2.1). A finding is a FAIL result, known by its fingerprint: new when the
// baseline did not have it failing, unchanged when both do, resolved when
// the baseline had it failing and this report has it passing, muted or not
// at all, unverified when this report could not check it (UNKNOWN).
type Changes struct {
	Baseline Baseline `json:"baseline"`
	// New lists the fingerprints of this report's new findings (their
	// results are in Results).
	New []string `json:"new"`
	// Unchanged counts the findings failing in both reports.
	Unchanged int `json:"unchanged"`
	// Resolved are the baseline's failing results that no longer fail, as
	// the baseline had them, with what this report says now.
	Resolved []ChangedResult `json:"resolved"`
	// Unverified are the baseline's failing results this report answers
	// UNKNOWN for.
	Unverified []ChangedResult `json:"unverified,omitempty"`
}

// Baseline names the report compared with.
type Baseline struct {
	Path        string    `json:"path,omitempty"`
	GeneratedAt time.Time `json:"generated_at"`
	ToolVersion string    `json:"tool_version,omitempty"`
}

// ChangedResult is a baseline result and its status now: PASS, MUTED,
// UNKNOWN, or "" when this report has no result for it (the resource or
// the rule is gone).
type ChangedResult struct {
	finding.Result
	Now finding.Status `json:"now,omitempty"`
}
