package snapshot

import (
	"time"
)

// Snapshot is the IAM state of one or more AWS accounts at one point in time.
type Snapshot struct {
	SchemaVersion string        `json:"schema_version"`
	CollectedAt   time.Time     `json:"collected_at"`
	Source        Source        `json:"source"`
	Organization  *Organization `json:"organization,omitempty"`
	Accounts      []*Account    `json:"accounts"`
	Gaps          []Gap         `json:"gaps,omitempty"`
}

// Source says where a snapshot came from.
type Source struct {
	// Kind is "files", "live", "sandbox" or "demo".
	Kind string `json:"kind"`
	// Files lists the input files of a file import, in the order read.
	Files []string `json:"files,omitempty"`
	// Caller is the ARN that collected a live snapshot (sts:GetCallerIdentity).
	Caller string `json:"caller,omitempty"`
	// Tool is the iamspect version that wrote the snapshot.
	Tool string `json:"tool,omitempty"`
	// Shard, on a part of a sharded organisation collection
	// (collect --org --shard I/N), says which part it is; Merge combines
	// the parts. Absent otherwise (schema 1.3).
	Shard *Shard `json:"shard,omitempty"`
}

// Gap records something that could not be collected, and why.
type Gap struct {
	AccountID string `json:"account_id,omitempty"`
	// Input is the snapshot input the gap leaves missing (an Input constant).
	Input Input `json:"input"`
	// API is the AWS API call that failed or would have provided the input,
	// e.g. "iam:GenerateCredentialReport".
	API string `json:"api,omitempty"`
	// File is the input file involved, for file imports.
	File string `json:"file,omitempty"`
	// ErrorCode is the AWS error code of the failed call ("AccessDenied",
	// "Throttling", "RequestTimeout" for a call that timed out, ...), when
	// there was one. Older snapshots have none.
	ErrorCode string `json:"error_code,omitempty"`
	// Reason is a one-line human explanation, e.g. the AWS error message.
	Reason string `json:"reason"`
}

// Account is the IAM state of a single AWS account.
type Account struct {
	ID        string   `json:"id"`
	Alias     string   `json:"alias,omitempty"`
	Partition string   `json:"partition,omitempty"`
	Collected []Input  `json:"collected"`
	Regions   []string `json:"regions,omitempty"`

	// CredentialReportGeneratedAt is the report's GeneratedTime, the best
	// "now" for credential ages.
	CredentialReportGeneratedAt *time.Time `json:"credential_report_generated_at,omitempty"`

	Root               *Root               `json:"root,omitempty"`
	Users              []*User             `json:"users,omitempty"`
	Groups             []*Group            `json:"groups,omitempty"`
	Roles              []*Role             `json:"roles,omitempty"`
	Policies           []*ManagedPolicy    `json:"policies,omitempty"`
	PasswordPolicy     *PasswordPolicy     `json:"password_policy,omitempty"`
	Summary            map[string]int      `json:"account_summary,omitempty"`
	VirtualMFADevices  []VirtualMFADevice  `json:"virtual_mfa_devices,omitempty"`
	OIDCProviders      []OIDCProvider      `json:"oidc_providers,omitempty"`
	SAMLProviders      []SAMLProvider      `json:"saml_providers,omitempty"`
	ServerCertificates []ServerCertificate `json:"server_certificates,omitempty"`
	IdentityCenter     *IdentityCenter     `json:"identity_center,omitempty"`
	AccessAnalyzers    []AccessAnalyzer    `json:"access_analyzers,omitempty"`
	// OrganizationsFeatures lists enabled IAM organisation features
	// (iam:ListOrganizationsFeatures), e.g. "RootCredentialsManagement".
	OrganizationsFeatures []string `json:"organizations_features,omitempty"`
}

// Tag is an AWS resource tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// PolicyRef names an attached managed policy.
type PolicyRef struct {
	Name string `json:"name"`
	ARN  string `json:"arn"`
}

// InlinePolicy is a policy embedded in a user, group or role. Document is
// decoded JSON text (never URL-encoded), as AWS's policy grammar allows.
type InlinePolicy struct {
	Name     string  `json:"name"`
	Document RawJSON `json:"document"`
}
