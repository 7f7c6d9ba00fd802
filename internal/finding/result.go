package finding

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
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
	// Evidence is what the message says, as fields, for machine readers.
	Evidence *Evidence `json:"evidence,omitempty"`
	// MissingInputs names the snapshot inputs an UNKNOWN result lacked.
	MissingInputs []string `json:"missing_inputs,omitempty"`
	// MuteReason is the suppression's reason for a MUTED result.
	MuteReason string `json:"mute_reason,omitempty"`
	// Tags are the resource's tags, for suppression matching; not reported.
	Tags map[string]string `json:"-"`
}

// Evidence holds the facts behind a result. Every field is optional; a rule
// fills in those its message relies on.
type Evidence struct {
	// Policy is the ARN (managed) or name (inline) of the policy involved.
	Policy string `json:"policy,omitempty"`
	// Statement is the statement's Sid, or its index as "#N".
	Statement string   `json:"statement,omitempty"`
	Actions   []string `json:"actions,omitempty"`
	// KeyID is the access key (or certificate) involved.
	KeyID string `json:"key_id,omitempty"`
	// Date is the date the verdict turns on (creation, last use, expiry).
	Date *time.Time `json:"date,omitempty"`
	// AgeDays is the age measured at the scan's reference time.
	AgeDays *int `json:"age_days,omitempty"`
	// Threshold is the configured limit the age was compared with.
	Threshold *int `json:"threshold,omitempty"`
	// Principals are other principals the finding names (who can assume a
	// role, who could be empowered), at most MaxEvidencePrincipals of them.
	Principals []string `json:"principals,omitempty"`
	// PrincipalsTotal is how many principals there were when Principals was
	// cut to MaxEvidencePrincipals (report schema 2.3); zero when it was not.
	PrincipalsTotal int `json:"principals_total,omitempty"`
	// Path is an escalation or assume-role chain, first step first.
	Path []string `json:"path,omitempty"`
}

// MaxEvidencePrincipals bounds the principals one result lists. A role
// allowed iam:AttachUserPolicy on "*" could empower every user of the
// account: listing them all in every such result makes the report grow
// with the square of the account (1.2 GB at 10,000 users and roles), and
// no reader goes past the first hundred. The count is kept.
const MaxEvidencePrincipals = 100

// CapPrincipals cuts the evidence's principal list to
// MaxEvidencePrincipals, recording how many there were. The kept ones are
// copied so that the long list can be freed.
func (e *Evidence) CapPrincipals() {
	if e == nil || len(e.Principals) <= MaxEvidencePrincipals {
		return
	}
	e.PrincipalsTotal = len(e.Principals)
	e.Principals = slices.Clone(e.Principals[:MaxEvidencePrincipals])
}

// Fingerprint identifies a result across scans: rule, account and resource.
// It ignores the message, so rewording a rule keeps history intact.
func Fingerprint(ruleID, accountID, resourceARN string) string {
	// The hash of ruleID + "\x00" + accountID + "\x00" + resourceARN,
	// built on the stack: every result of a scan gets one, and the plain
	// expression allocated three times per result.
	var in [256]byte
	b := append(in[:0], ruleID...)
	b = append(b, 0)
	b = append(b, accountID...)
	b = append(b, 0)
	b = append(b, resourceARN...)
	sum := sha256.Sum256(b)
	var out [32]byte
	hex.Encode(out[:], sum[:16])
	return string(out[:])
}

// Finish fills in the fingerprint when a rule left it empty.
func (r *Result) Finish() {
	if r.Fingerprint == "" {
		r.Fingerprint = Fingerprint(r.RuleID, r.AccountID, r.ResourceARN)
	}
}

// Sort orders results: failures first, worst severity first, then by rule,
// account and resource, so output is stable.
func Sort(rs []Result) {
	slices.SortStableFunc(rs, func(a, b Result) int { return Compare(&a, &b) })
}

// Compare is Sort's order: negative when a comes before b, 0 when they
// tie (Sort then keeps their order).
func Compare(a, b *Result) int {
	return cmp.Or(
		cmp.Compare(b.Status.Rank(), a.Status.Rank()),
		cmp.Compare(b.Severity.Rank(), a.Severity.Rank()),
		strings.Compare(a.RuleID, b.RuleID),
		strings.Compare(a.AccountID, b.AccountID),
		strings.Compare(a.ResourceARN, b.ResourceARN),
	)
}
