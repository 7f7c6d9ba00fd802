package rules

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/iamspect/iamspect/internal/finding"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// The result vocabulary lives in the leaf package finding; the rules use it
// under these names so a check reads as rules.Fail, rules.TypeUser, etc.
type (
	Severity = finding.Severity
	Status   = finding.Status
	Result   = finding.Result
	Evidence = finding.Evidence
)

// Severities and statuses, re-exported from finding.
const (
	Critical = finding.Critical
	High     = finding.High
	Medium   = finding.Medium
	Low      = finding.Low
	Info     = finding.Info

	Fail    = finding.Fail
	Pass    = finding.Pass
	Muted   = finding.Muted
	Unknown = finding.Unknown
)

// Resource types, re-exported from finding.
const (
	TypeUser       = finding.TypeUser
	TypeRoot       = finding.TypeRoot
	TypeRole       = finding.TypeRole
	TypeGroup      = finding.TypeGroup
	TypePolicy     = finding.TypePolicy
	TypeAccessKey  = finding.TypeAccessKey
	TypeAccount    = finding.TypeAccount
	TypeOrg        = finding.TypeOrg
	TypeOIDC       = finding.TypeOIDC
	TypeSAML       = finding.TypeSAML
	TypeServerCert = finding.TypeServerCert
	TypePermSet    = finding.TypePermSet
	TypeAnalyzer   = finding.TypeAnalyzer
)

// Severities lists every severity, worst first.
var Severities = finding.Severities

// ParseSeverity accepts a severity name in any case.
func ParseSeverity(s string) (Severity, error) { return finding.ParseSeverity(s) }

// Framework identifies a compliance framework (e.g. "cis-aws-v3.0").
type Framework string

// Remediation says how to fix a failing result.
type Remediation struct {
	Summary   string `json:"summary"`
	Console   string `json:"console,omitempty"`
	CLI       string `json:"cli,omitempty"`
	Terraform string `json:"terraform,omitempty"`
}

// Context is what a check may know besides the snapshot.
type Context struct {
	// AsOf overrides the snapshot's reference time when set (--as-of).
	AsOf time.Time
	// Config holds thresholds.
	Config Config
	// Ctx carries the scan's cancellation into long analyses; nil means
	// context.Background().
	Ctx    context.Context
	models *modelCache // effective-permission models shared by the rules of one scan (model.go)
}

// Done reports whether the scan's context is done (cancelled or past its
// deadline): a check looping over many principals stops early, and the
// scanner returns the context's error instead of the partial results.
func (c *Context) Done() bool { return c != nil && c.Ctx != nil && c.Ctx.Err() != nil }

// Now is the time ages are measured against for one account: --as-of if
// given, else the snapshot's reference time. Never the wall clock.
func (c *Context) Now(s *snapshot.Snapshot, a *snapshot.Account) time.Time {
	if !c.AsOf.IsZero() {
		return c.AsOf
	}
	return s.ReferenceTime(a)
}

// Covers names per-principal inputs: Users lists the inputs a check reads
// about each IAM user (authorization details, credential report), Roles the
// inputs it reads about each role (authorization details, role details).
type Covers struct {
	Users []snapshot.Input
	Roles []snapshot.Input
}

// Inputs lists every input of c once.
func (c Covers) Inputs() []snapshot.Input {
	out := slices.Clone(c.Users)
	for _, in := range c.Roles {
		if !slices.Contains(out, in) {
			out = append(out, in)
		}
	}
	return out
}

// Rule is one check with its metadata.
type Rule struct {
	ID          string
	Title       string
	Description string
	Severity    Severity
	Frameworks  map[Framework][]string
	Remediation Remediation
	References  []string
	// Needs lists the inputs the check reads; an account missing any gets one
	// UNKNOWN result naming them instead of the check's results.
	Needs []snapshot.Input
	// NeedsAny lists inputs of which at least one must be present.
	NeedsAny []snapshot.Input
	// Covers declares the principals the check judges one by one and the
	// inputs it reads about each. The scanner answers UNKNOWN for every
	// principal one of those inputs did not list, and drops whatever the
	// check said about it, so no rule can PASS (or FAIL) a principal it
	// has no evidence for. The inputs count as Needs too.
	Covers Covers
	// UsesAnalysis: CheckAccount asks the account's access analysis
	// (escalations, chains, empowerments). The scanner runs these rules
	// first and drops the analysis before the others, whose results need
	// not sit beside the analysis's findings and graphs
	// (TestUsesAnalysisDeclared keeps the flag true to the code).
	UsesAnalysis bool
	// CheckAccount judges one account; it receives its own rule to build results. Exactly one of CheckAccount and Check
	// is set.
	CheckAccount func(r *Rule, ctx *Context, s *snapshot.Snapshot, a *snapshot.Account) []Result
	// Check judges the whole snapshot (organisation-level rules).
	Check func(r *Rule, ctx *Context, s *snapshot.Snapshot) []Result
}

// Result builds a result of this rule for a resource; the scanner fills in
// severity defaults and the fingerprint.
func (r *Rule) Result(status Status, accountID, resType, arn, name, format string, args ...any) Result {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return Result{RuleID: r.ID, Status: status, Severity: r.Severity, AccountID: accountID,
		ResourceType: resType, ResourceARN: arn, ResourceName: name, Message: msg}
}
