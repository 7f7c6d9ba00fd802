// Package asff renders a report as AWS Security Finding Format (ASFF)
// findings, the shape Security Hub's BatchImportFindings takes: one finding
// per result, under the account's own "default" product
// (arn:PARTITION:securityhub:REGION:ACCOUNT:product/ACCOUNT/default).
//
// Ids are derived from the result's fingerprint, so importing a later scan
// updates the same Security Hub findings instead of adding new ones, and
// every time comes from the report (its scan time), never from the clock of
// the machine rendering it. Field lengths are kept within Security Hub's
// limits (docs/output.md).
package asff

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/iamspect/iamspect/internal/report/internal/jsonarray"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
)

// SchemaVersion is the only ASFF version Security Hub accepts.
const SchemaVersion = "2018-10-08"

// DefaultRegion is the region of product ARNs and resources when the
// caller names none. IAM is global; Security Hub still files a finding in
// one region, and us-east-1 is where IAM's global endpoint lives.
const DefaultRegion = "us-east-1"

// GeneratorPrefix starts every GeneratorId (followed by the rule ID), so
// that iamspect's findings can be told apart from other integrations that
// share an account's default product.
const GeneratorPrefix = "iamspect/"

// Limits Security Hub enforces on imported findings.
const (
	MaxBatch           = 100 // findings per BatchImportFindings call
	MaxTitle           = 256
	MaxDescription     = 1024
	MaxRecommendation  = 512
	MaxURL             = 512
	MaxID              = 512
	MaxRequirements    = 32
	MaxRequirementLen  = 256
	MaxProductFields   = 50
	MaxFieldKey        = 128
	MaxFieldValue      = 2048
	MaxResourceRegion  = 16
	MaxFindingBytes    = 240 * 1024
	MaxBatchBytes      = 6 << 20 // a BatchImportFindings request
	MaxResourcesPerRow = 32
)

// Options shape the findings.
type Options struct {
	// Region of the product ARN and of the resources; "" means DefaultRegion.
	Region string
	// ProductARN overrides the default product ARN of each finding's account.
	ProductARN string
	// Now, when set, replaces CreatedAt/UpdatedAt (for resolving findings
	// of an earlier scan at this scan's time). Zero: the report's time.
	Now time.Time
}

// Finding is an ASFF finding: the fields iamspect fills in.
type Finding struct {
	SchemaVersion         string                 `json:"SchemaVersion"`
	ID                    string                 `json:"Id"`
	ProductArn            string                 `json:"ProductArn"`
	ProductName           string                 `json:"ProductName,omitempty"`
	CompanyName           string                 `json:"CompanyName,omitempty"`
	Region                string                 `json:"Region,omitempty"`
	GeneratorID           string                 `json:"GeneratorId"`
	AwsAccountID          string                 `json:"AwsAccountId"`
	Types                 []string               `json:"Types"`
	CreatedAt             string                 `json:"CreatedAt"`
	UpdatedAt             string                 `json:"UpdatedAt"`
	Severity              Severity               `json:"Severity"`
	Title                 string                 `json:"Title"`
	Description           string                 `json:"Description"`
	Remediation           *Remediation           `json:"Remediation,omitempty"`
	ProductFields         map[string]string      `json:"ProductFields,omitempty"`
	Resources             []Resource             `json:"Resources"`
	Compliance            *Compliance            `json:"Compliance,omitempty"`
	Workflow              *Workflow              `json:"Workflow,omitempty"`
	RecordState           string                 `json:"RecordState"`
	FindingProviderFields *FindingProviderFields `json:"FindingProviderFields,omitempty"`
}

// Severity is ASFF's severity: Label is one of INFORMATIONAL, LOW, MEDIUM,
// HIGH, CRITICAL; Original is iamspect's own word.
type Severity struct {
	Label    string `json:"Label"`
	Original string `json:"Original,omitempty"`
}

// Remediation points at the fix.
type Remediation struct {
	Recommendation Recommendation `json:"Recommendation"`
}

// Recommendation is the fix's text and a page about it.
type Recommendation struct {
	Text string `json:"Text,omitempty"`
	URL  string `json:"Url,omitempty"`
}

// Resource is the resource a finding is about.
type Resource struct {
	Type      string `json:"Type"`
	ID        string `json:"Id"`
	Partition string `json:"Partition,omitempty"`
	Region    string `json:"Region,omitempty"`
}

// Compliance is the check's outcome: PASSED, FAILED or NOT_AVAILABLE.
type Compliance struct {
	Status              string   `json:"Status"`
	RelatedRequirements []string `json:"RelatedRequirements,omitempty"`
}

// Workflow is the investigation status Security Hub users manage; set only
// for findings it has not seen before (it ignores imported changes later).
type Workflow struct {
	Status string `json:"Status"`
}

// FindingProviderFields are the provider's own Severity and Types, which
// Security Hub keeps apart from the values users may change.
type FindingProviderFields struct {
	Severity *Severity `json:"Severity,omitempty"`
	Types    []string  `json:"Types,omitempty"`
}

// Write renders the report as a JSON array of findings, one per result,
// encoding one finding at a time (a 20,000-result report never holds its
// encoded findings all at once).
func Write(w io.Writer, r *report.Report, o Options) error {
	arr := jsonarray.New(w)
	if err := each(r, o, func(f Finding) error { return arr.Add(f) }); err != nil {
		return err
	}
	return arr.Close()
}

// Findings converts every result of the report.
func Findings(r *report.Report, o Options) ([]Finding, error) {
	out := make([]Finding, 0, r.Results.Len())
	err := each(r, o, func(f Finding) error {
		out = append(out, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// each converts the results one by one, in the report's order.
func each(r *report.Report, o Options, fn func(Finding) error) error {
	region := o.Region
	if region == "" {
		region = DefaultRegion
	}
	if len(region) > MaxResourceRegion {
		return fmt.Errorf("region %q: longer than Security Hub's %d characters", region, MaxResourceRegion)
	}
	at := r.GeneratedAt
	if !o.Now.IsZero() {
		at = o.Now
	}
	stamp := at.UTC().Format("2006-01-02T15:04:05.000Z")
	seen := map[string]int{}
	for _, res := range r.Results.All() {
		f := convert(r, &res, region, o.ProductARN, stamp)
		// Two results with one fingerprint (one rule, one resource, twice)
		// stay two findings: the second gets a suffix, stable in the
		// report's order.
		if n := seen[f.ID]; n > 0 {
			seen[f.ID]++
			f.ID = fmt.Sprintf("%s/%d", f.ID, n+1)
		} else {
			seen[f.ID] = 1
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

// ID is the finding Id of a result's fingerprint.
func ID(fingerprint string) string { return GeneratorPrefix + fingerprint }

// ProductARN is the default product of an account: the one any account may
// import its own findings under.
func ProductARN(partition, region, account string) string {
	return "arn:" + partition + ":securityhub:" + region + ":" + account + ":product/" + account + "/default"
}

func convert(r *report.Report, res *finding.Result, region, productARN, stamp string) Finding {
	info := r.Rule(res.RuleID)
	part := partitionOf(res.ResourceARN)
	if productARN == "" {
		productARN = ProductARN(part, region, res.AccountID)
	}
	title := res.RuleID
	var types []string
	var requirements []string
	var rem *Remediation
	if info != nil {
		title = info.Title
		types = typesOf(info)
		requirements = requirementsOf(info)
		rec := Recommendation{Text: clip(info.Remediation.Summary, MaxRecommendation)}
		for _, ref := range info.References {
			if len(ref) <= MaxURL && strings.HasPrefix(ref, "https://") {
				rec.URL = ref
				break
			}
		}
		if rec.Text != "" || rec.URL != "" {
			rem = &Remediation{Recommendation: rec}
		}
	}
	if len(types) == 0 {
		types = []string{"Software and Configuration Checks/AWS Security Best Practices"}
	}
	sev := Severity{Label: label(res), Original: string(res.Severity)}
	desc := res.Message
	if strings.TrimSpace(desc) == "" {
		desc = title
	}
	f := Finding{
		SchemaVersion: SchemaVersion,
		ID:            clip(ID(res.Fingerprint), MaxID),
		ProductArn:    productARN,
		ProductName:   "iamspect",
		CompanyName:   "iamspect",
		Region:        region,
		GeneratorID:   clip(GeneratorPrefix+res.RuleID, MaxID),
		AwsAccountID:  res.AccountID,
		Types:         types,
		CreatedAt:     stamp,
		UpdatedAt:     stamp,
		Severity:      sev,
		Title:         clip(nonEmpty(title, res.RuleID), MaxTitle),
		Description:   clip(desc, MaxDescription),
		Remediation:   rem,
		ProductFields: productFields(r, res),
		Resources:     []Resource{resourceOf(res, part, region)},
		Compliance:    &Compliance{Status: complianceStatus(res.Status), RelatedRequirements: requirements},
		Workflow:      &Workflow{Status: workflowStatus(res.Status)},
		RecordState:   "ACTIVE",
		FindingProviderFields: &FindingProviderFields{
			Severity: &Severity{Label: sev.Label, Original: sev.Original}, Types: types,
		},
	}
	return f
}

// label maps a result to ASFF's severity label: a passing result is
// INFORMATIONAL, as Security Hub's own controls report them.
func label(res *finding.Result) string {
	if res.Status == finding.Pass {
		return "INFORMATIONAL"
	}
	switch res.Severity {
	case finding.Critical:
		return "CRITICAL"
	case finding.High:
		return "HIGH"
	case finding.Medium:
		return "MEDIUM"
	case finding.Low:
		return "LOW"
	}
	return "INFORMATIONAL"
}

func complianceStatus(s finding.Status) string {
	switch s {
	case finding.Pass:
		return "PASSED"
	case finding.Unknown:
		return "NOT_AVAILABLE"
	}
	return "FAILED" // FAIL, and MUTED: it still fails, someone accepted it
}

func workflowStatus(s finding.Status) string {
	switch s {
	case finding.Pass:
		return "RESOLVED"
	case finding.Muted:
		return "SUPPRESSED"
	}
	return "NEW"
}

// typesOf files the rule under "Software and Configuration Checks": the
// industry-standard namespace when it maps to a benchmark.
func typesOf(info *report.RuleInfo) []string {
	types := []string{"Software and Configuration Checks/AWS Security Best Practices"}
	var std []string
	for fw := range info.Frameworks {
		if name := standardNames[frameworkFamily(fw)]; name != "" && !contains(std, name) {
			std = append(std, name)
		}
	}
	sort.Strings(std)
	for _, s := range std {
		types = append(types, "Software and Configuration Checks/Industry and Regulatory Standards/"+s)
	}
	return types
}

var standardNames = map[string]string{
	"cis-aws":     "CIS AWS Foundations Benchmark",
	"nist-800-53": "NIST 800-53 Controls",
	"aws-fsbp":    "AWS-Foundational-Security-Best-Practices",
}

// frameworkFamily strips the version: cis-aws-v3.0 -> cis-aws.
func frameworkFamily(fw string) string {
	if i := strings.Index(fw, "-v"); i > 0 {
		return fw[:i]
	}
	if strings.HasPrefix(fw, "nist-800-53") {
		return "nist-800-53"
	}
	return fw
}

var requirementNames = map[string]string{
	"cis-aws-v3.0":         "CIS AWS Foundations Benchmark v3.0.0",
	"cis-aws-v5.0":         "CIS AWS Foundations Benchmark v5.0.0",
	"cis-aws-v7.0":         "CIS AWS Foundations Benchmark v7.0.0",
	"aws-fsbp":             "AWS Foundational Security Best Practices",
	"aws-well-architected": "AWS Well-Architected",
	"nist-800-53-r5":       "NIST.800-53.r5",
}

// requirementsOf lists the rule's controls as "Framework/Control", at most
// 32 (Security Hub's limit), benchmarks first.
func requirementsOf(info *report.RuleInfo) []string {
	fws := make([]string, 0, len(info.Frameworks))
	for fw := range info.Frameworks {
		if requirementNames[fw] != "" {
			fws = append(fws, fw)
		}
	}
	sort.Strings(fws)
	var out []string
	for _, fw := range fws {
		for _, c := range info.Frameworks[fw] {
			if len(out) == MaxRequirements {
				return out
			}
			out = append(out, clip(requirementNames[fw]+"/"+c, MaxRequirementLen))
		}
	}
	return out
}

// resourceOf names the resource the way Security Hub's own IAM controls
// do: the account (and its root user) as AwsAccount "AWS::::Account:ID".
func resourceOf(res *finding.Result, part, region string) Resource {
	rs := Resource{Type: "Other", ID: res.ResourceARN, Partition: part, Region: region}
	switch res.ResourceType {
	case finding.TypeUser:
		rs.Type = "AwsIamUser"
	case finding.TypeRole:
		rs.Type = "AwsIamRole"
	case finding.TypePolicy:
		rs.Type = "AwsIamPolicy"
	case finding.TypeGroup:
		rs.Type = "AwsIamGroup"
	case finding.TypeAccessKey:
		rs.Type = "AwsIamAccessKey"
	case finding.TypeAccount, finding.TypeRoot:
		rs.Type = "AwsAccount"
		rs.ID = "AWS::::Account:" + res.AccountID
	}
	if rs.ID == "" {
		rs.ID = "AWS::::Account:" + res.AccountID
	}
	rs.ID = clip(rs.ID, MaxID)
	return rs
}

// productFields carry what ASFF has no field for: the fingerprint, the
// rule, the status, and the evidence, as "iamspect/..." keys.
func productFields(r *report.Report, res *finding.Result) map[string]string {
	m := map[string]string{
		"ProviderName":         "iamspect",
		"ProviderVersion":      nonEmpty(r.Tool.Version, "unknown"),
		"iamspect/RuleId":      res.RuleID,
		"iamspect/Status":      string(res.Status),
		"iamspect/Fingerprint": res.Fingerprint,
	}
	if res.ResourceName != "" {
		m["iamspect/ResourceName"] = res.ResourceName
	}
	if res.MuteReason != "" {
		m["iamspect/MuteReason"] = res.MuteReason
	}
	if len(res.MissingInputs) > 0 {
		m["iamspect/MissingInputs"] = strings.Join(res.MissingInputs, ",")
	}
	if e := res.Evidence; e != nil {
		add := func(k, v string) {
			if v != "" {
				m["iamspect/Evidence/"+k] = v
			}
		}
		add("Policy", e.Policy)
		add("Statement", e.Statement)
		add("Actions", strings.Join(e.Actions, ","))
		add("KeyId", e.KeyID)
		if e.Date != nil {
			add("Date", e.Date.UTC().Format(time.RFC3339))
		}
		if e.AgeDays != nil {
			add("AgeDays", fmt.Sprint(*e.AgeDays))
		}
		if e.Threshold != nil {
			add("Threshold", fmt.Sprint(*e.Threshold))
		}
		add("Principals", strings.Join(e.Principals, ","))
		if e.PrincipalsTotal > 0 {
			add("PrincipalsTotal", fmt.Sprint(e.PrincipalsTotal))
		}
		add("Path", strings.Join(e.Path, " -> "))
	}
	for k, v := range m {
		if len(v) > MaxFieldValue || strings.TrimSpace(v) == "" {
			if strings.TrimSpace(v) == "" {
				delete(m, k)
				continue
			}
			m[k] = clip(v, MaxFieldValue)
		}
	}
	return m
}

func partitionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) == 3 && parts[0] == "arn" && parts[1] != "" {
		return parts[1]
	}
	return "aws"
}

// clip shortens s to at most n bytes (Security Hub counts characters; bytes
// are never fewer), on a rune boundary, ending in "..." when cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - 3
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

func nonEmpty(s, alt string) string {
	if strings.TrimSpace(s) == "" {
		return alt
	}
	return s
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
