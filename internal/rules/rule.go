package rules

import (
	"fmt"
	"strings"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// Severity ranks how bad a failing result is.
type Severity string

// The severities, from worst to least.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
	Info     Severity = "info"
)

// Severities lists every severity, worst first.
var Severities = []Severity{Critical, High, Medium, Low, Info}

// Rank orders severities: critical is 5, info 1, anything else 0.
func (s Severity) Rank() int {
	switch s {
	case Critical:
		return 5
	case High:
		return 4
	case Medium:
		return 3
	case Low:
		return 2
	case Info:
		return 1
	}
	return 0
}

// ParseSeverity accepts a severity name in any case.
func ParseSeverity(s string) (Severity, error) {
	sev := Severity(strings.ToLower(strings.TrimSpace(s)))
	if sev.Rank() == 0 {
		return "", fmt.Errorf("unknown severity %q (want critical, high, medium, low or info)", s)
	}
	return sev, nil
}

// Status is a result's outcome.
type Status string

// The statuses a result can have.
const (
	Fail    Status = "FAIL"
	Pass    Status = "PASS"
	Muted   Status = "MUTED"
	Unknown Status = "UNKNOWN"
)

// Resource types used in results (CloudFormation-style names, as Security Hub
// and OCSF consumers expect).
const (
	TypeUser       = "AWS::IAM::User"
	TypeRoot       = "AWS::IAM::Root"
	TypeRole       = "AWS::IAM::Role"
	TypeGroup      = "AWS::IAM::Group"
	TypePolicy     = "AWS::IAM::ManagedPolicy"
	TypeAccessKey  = "AWS::IAM::AccessKey"
	TypeAccount    = "AWS::Account"
	TypeOrg        = "AWS::Organizations::Organization"
	TypeOIDC       = "AWS::IAM::OIDCProvider"
	TypeSAML       = "AWS::IAM::SAMLProvider"
	TypeServerCert = "AWS::IAM::ServerCertificate"
	TypePermSet    = "AWS::SSO::PermissionSet"
	TypeAnalyzer   = "AWS::AccessAnalyzer::Analyzer"
)

// Result is one rule's verdict on one resource.
type Result struct {
	RuleID       string   `json:"rule_id"`
	Status       Status   `json:"status"`
	Severity     Severity `json:"severity"`
	AccountID    string   `json:"account_id"`
	ResourceType string   `json:"resource_type"`
	ResourceARN  string   `json:"resource_arn"`
	ResourceName string   `json:"resource_name"`
	Message      string   `json:"message"`
	Fingerprint  string   `json:"fingerprint"`
	// MissingInputs names what an UNKNOWN result lacked.
	MissingInputs []snapshot.Input `json:"missing_inputs,omitempty"`
	// MuteReason is the suppression's reason for a MUTED result.
	MuteReason string `json:"mute_reason,omitempty"`
	// Tags are the resource's tags, for suppression matching; not reported.
	Tags []snapshot.Tag `json:"-"`
}

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
	models *modelCache // effective-permission models shared by the rules of one scan (model.go)
}

// Now is the time ages are measured against for one account: --as-of if
// given, else the snapshot's reference time. Never the wall clock.
func (c *Context) Now(s *snapshot.Snapshot, a *snapshot.Account) time.Time {
	if !c.AsOf.IsZero() {
		return c.AsOf
	}
	return s.ReferenceTime(a)
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
