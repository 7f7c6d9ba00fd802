// Package plan is the document that the fix planner and the migration
// planners write and that `iamspect fix apply` reads: a versioned JSON list
// of ordered actions, each an exact AWS API call with the findings it
// resolves, the state it expects (its precondition), its inverse when it has
// one, and the stage it belongs to.
//
// The schema is MAJOR.MINOR like the snapshot and the report: a minor version
// only adds optional fields (a reader of an older minor refuses nothing it
// knows, a newer minor is read leniently), a major version changes meaning
// and is refused by older readers. Every call a plan may hold is declared once
// in the operation registry (registry.go); Validate refuses anything else.
package plan

import (
	"encoding/json"
	"time"
)

// SchemaVersion is the plan schema this build writes (docs/remediation.md).
const SchemaVersion = "1.0"

// Kinds of plan.
const (
	KindFix                   = "fix"
	KindMigrateIdentityCenter = "migrate-identity-center"
	KindMigrateGitHubOIDC     = "migrate-github-oidc"
)

// Kinds lists the plan kinds this build knows.
func Kinds() []string {
	return []string{KindFix, KindMigrateIdentityCenter, KindMigrateGitHubOIDC}
}

// Stages, in the order apply runs them. An action's stage says when it may
// run: `fix apply` runs the first stage that still has actions to do, and a
// later stage only when it is named.
const (
	// StageCreate builds what a migration moves to (Identity Center users,
	// permission sets, roles, OIDC providers). Reversible by deletion.
	StageCreate = "create"
	// StageDeactivate holds every reversible change to existing resources:
	// keys set Inactive, policies detached, login profiles removed where the
	// plan marks it safe, trust and password policies replaced.
	StageDeactivate = "deactivate"
	// StageCutover switches users of the old credentials to the new ones
	// (migrations: workflow patches, first sign-in).
	StageCutover = "cutover"
	// StageDelete holds irreversible deletions. It runs only when named, and
	// only after the grace period since the deactivation stage.
	StageDelete = "delete"
	// StageManual holds console steps that no API performs (root
	// credentials). Apply never runs them; it lists them.
	StageManual = "manual"
)

// Stages lists the stages in apply order.
func Stages() []string {
	return []string{StageCreate, StageDeactivate, StageCutover, StageDelete, StageManual}
}

// StageIndex is a stage's position in apply order, or -1.
func StageIndex(s string) int {
	for i, st := range Stages() {
		if st == s {
			return i
		}
	}
	return -1
}

// Plan is a reviewed, ordered list of changes.
type Plan struct {
	SchemaVersion string    `json:"schema_version"`
	CreatedAt     time.Time `json:"created_at"`
	Tool          Tool      `json:"tool"`
	Kind          string    `json:"kind"`
	Source        Source    `json:"source"`
	Accounts      []Account `json:"accounts"`
	// Notes are for the reviewer; Warnings say what the plan could not do
	// (a missing input, a finding handed to a migration planner).
	Notes    []string `json:"notes,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
	// Differences is a migration's proof: what a principal loses or gains.
	Differences []Difference `json:"differences,omitempty"`
	// RequiresAcceptDifferences makes apply refuse the plan without
	// --accept-differences (set when a difference is unexplained).
	RequiresAcceptDifferences bool `json:"requires_accept_differences,omitempty"`
	// Unplanned lists findings the planner saw but has no action for.
	Unplanned []Unplanned `json:"unplanned,omitempty"`
	Actions   []Action    `json:"actions"`
}

// Tool names the program that wrote the plan.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Source says what the plan was built from.
type Source struct {
	// Type is "live", "snapshot", "files", "demo" or "sandbox".
	Type        string `json:"type"`
	Description string `json:"description,omitempty"`
	// ReferenceTime is the snapshot's reference time (credential report).
	ReferenceTime *time.Time `json:"reference_time,omitempty"`
	// MemberRole is the role assumed into member accounts (--member-role),
	// which apply and the sh rendering assume too.
	MemberRole string `json:"member_role,omitempty"`
	// ManagementAccountID is the account the organisation was read from.
	ManagementAccountID string `json:"management_account_id,omitempty"`
}

// Account is an account the plan changes.
type Account struct {
	ID    string `json:"id"`
	Alias string `json:"alias,omitempty"`
	// Management marks the account apply's credentials belong to in an
	// organisation plan (the others are reached through MemberRole).
	Management bool `json:"management,omitempty"`
}

// Difference is one change of access that a migration would cause.
type Difference struct {
	AccountID string `json:"account_id"`
	Principal string `json:"principal"`
	// Kind is "lost" or "gained".
	Kind        string `json:"kind"`
	Action      string `json:"action"`
	Resource    string `json:"resource,omitempty"`
	Explanation string `json:"explanation,omitempty"`
	Explained   bool   `json:"explained"`
}

// Unplanned is a finding the plan does not act on, and why.
type Unplanned struct {
	RuleID      string `json:"rule_id"`
	Fingerprint string `json:"fingerprint"`
	AccountID   string `json:"account_id,omitempty"`
	Resource    string `json:"resource,omitempty"`
	Reason      string `json:"reason"`
}

// Action is one change: an AWS API call, or console steps when no API does it.
type Action struct {
	// ID is stable for the same change (see ActionID), so a journal entry
	// names the action across re-planning.
	ID        string `json:"id"`
	Stage     string `json:"stage"`
	AccountID string `json:"account_id"`
	// Title is a one-line summary for people ("deactivate access key AKIA… of alice").
	Title    string        `json:"title"`
	Resolves []FindingRef  `json:"resolves,omitempty"`
	Call     *Call         `json:"call,omitempty"`
	Precond  *Precondition `json:"precondition,omitempty"`
	// Reversible says whether Inverse undoes the call; an irreversible
	// action says what is lost in Risk.
	Reversible bool   `json:"reversible"`
	Inverse    *Call  `json:"inverse,omitempty"`
	Risk       string `json:"risk,omitempty"`
	// NeedsInput names what a person must supply before the action can run
	// (a repository to pin, an account ID). Apply refuses the action.
	NeedsInput string `json:"needs_input,omitempty"`
	// Console lists manual steps (no API performs them).
	Console []string `json:"console,omitempty"`
	// DependsOn lists IDs of actions that must be done first.
	DependsOn []string `json:"depends_on,omitempty"`
	// Case is the planner's choice among alternatives ("A", "B"), with why.
	Case       string `json:"case,omitempty"`
	CaseReason string `json:"case_reason,omitempty"`
	// Explicit marks a deletion the plan asks for knowingly where a guard
	// rail would otherwise refuse it (the last recently used key).
	Explicit bool `json:"explicit,omitempty"`
	// Diff is a human-readable change (a trust policy before/after).
	Diff string `json:"diff,omitempty"`
}

// FindingRef names a finding an action resolves.
type FindingRef struct {
	RuleID      string `json:"rule_id"`
	Fingerprint string `json:"fingerprint"`
}

// Call is one AWS API call: the service's signing name, the API operation
// name and its parameters under their AWS names (as in the API reference:
// {"UserName": "alice", "AccessKeyId": "AKIA…", "Status": "Inactive"}),
// kept in the order written.
type Call struct {
	Service   string          `json:"service"`
	Operation string          `json:"operation"`
	Params    json.RawMessage `json:"params"`
}

// Precondition is the state an action expects; apply re-reads it live
// before the call and refuses the action when a check fails.
type Precondition struct {
	Description string  `json:"description"`
	Checks      []Check `json:"checks"`
}

// Check is one fact about one resource. Kind names the resource type (see
// CheckKinds), Resource identifies it ("alice", "alice/AKIA…",
// "arn:aws:iam::…"), Field names the attribute and Expect its expected
// value as a string ("Active", "true", "2025-01-02", "absent").
type Check struct {
	Kind     string `json:"kind"`
	Resource string `json:"resource"`
	Field    string `json:"field"`
	Expect   string `json:"expect"`
}

// Params decodes a call's parameters into a map.
func (c *Call) ParamMap() (map[string]any, error) {
	m := map[string]any{}
	if len(c.Params) == 0 {
		return m, nil
	}
	d := json.NewDecoder(bytesReader(c.Params))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

// Str returns a string parameter, or "".
func (c *Call) Str(name string) string {
	m, err := c.ParamMap()
	if err != nil {
		return ""
	}
	s, _ := m[name].(string)
	return s
}
