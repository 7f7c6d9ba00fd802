// Package securityhub delivers a report's ASFF findings to AWS Security Hub
// (iamspect scan --security-hub): BatchImportFindings in batches of 100,
// then GetFindings for the iamspect findings Security Hub still holds as
// ACTIVE that this scan no longer produced, which are imported again as
// ARCHIVED (Security Hub then sets their workflow to RESOLVED).
//
// This is the one place iamspect writes to AWS during a scan, and it writes
// to Security Hub only, never to IAM.
package securityhub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sh "github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/report/asff"
)

// Target is where one account's findings go: a client acting in that
// account, and the product ARN they are filed under.
type Target struct {
	Account    string
	ProductARN string
	Client     *sh.Client
	// Rules, when set, limits archiving to the findings of these rules:
	// those this scan ran. A finding of a rule left out (--rules) is not
	// resolved by its absence.
	Rules map[string]bool
}

// Outcome counts what Security Hub accepted.
type Outcome struct {
	Imported int // findings of this scan Security Hub accepted
	Resolved int // earlier iamspect findings archived because they are gone
	Failed   int // findings Security Hub refused, or whose batch failed
	// Failures describe each failed batch or finding, for standard error.
	Failures []string
}

// Error is a delivery that did not fully succeed. Partial is true when
// Security Hub accepted some findings.
type Error struct {
	Outcome Outcome
	Partial bool
}

func (e *Error) Error() string {
	what := "no finding was imported"
	if e.Partial {
		what = "some findings were not imported"
	}
	return fmt.Sprintf("Security Hub: %s: %d failed, %d imported, %d resolved", what, e.Outcome.Failed, e.Outcome.Imported, e.Outcome.Resolved)
}

// Deliver imports one account's findings and archives the iamspect
// findings of that account and product that this scan no longer has. now
// stamps the archived findings' UpdatedAt (the scan's time). Failures are
// also printed on log as they happen.
func Deliver(ctx context.Context, t Target, findings []asff.Finding, now time.Time, log io.Writer) (Outcome, error) {
	var out Outcome
	current := map[string]bool{}
	for _, f := range findings {
		current[f.ID] = true
	}
	if err := importAll(ctx, t, findings, "import", &out, log); err != nil {
		return out, err
	}
	gone, err := stale(ctx, t, current)
	if err != nil {
		out.Failures = append(out.Failures, err.Error())
		fmt.Fprintf(log, "iamspect: Security Hub: %v\n", err)
		return out, err
	}
	stamp := now.UTC().Format("2006-01-02T15:04:05.000Z")
	archived := make([]types.AwsSecurityFinding, 0, len(gone))
	for _, f := range gone {
		archived = append(archived, archive(f, stamp))
	}
	before := out.Imported
	if err := importSDK(ctx, t, archived, "resolve", &out, log); err != nil {
		return out, err
	}
	out.Resolved = out.Imported - before
	out.Imported = before
	return out, nil
}

// importAll converts the findings to the SDK's type and imports them.
func importAll(ctx context.Context, t Target, findings []asff.Finding, what string, out *Outcome, log io.Writer) error {
	conv := make([]types.AwsSecurityFinding, len(findings))
	for i := range findings {
		f, err := ToSDK(findings[i])
		if err != nil {
			return err
		}
		conv[i] = f
	}
	return importSDK(ctx, t, conv, what, out, log)
}

// importSDK sends findings in batches of at most 100 findings and 6 MB
// (Security Hub's limits per call). A batch whose call fails counts all its
// findings as failed; FailedFindings are counted one by one. Only a
// cancelled context stops it early.
func importSDK(ctx context.Context, t Target, findings []types.AwsSecurityFinding, what string, out *Outcome, log io.Writer) error {
	for n, batch := range batches(findings, asff.MaxBatch, asff.MaxBatchBytes-64<<10) {
		n++
		resp, err := t.Client.BatchImportFindings(ctx, &sh.BatchImportFindingsInput{Findings: batch})
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			msg := fmt.Sprintf("account %s, %s batch %d (%d findings): %v", t.Account, what, n, len(batch), err)
			out.Failed += len(batch)
			out.Failures = append(out.Failures, msg)
			fmt.Fprintf(log, "iamspect: Security Hub: %s\n", msg)
			continue
		}
		failed := int(aws.ToInt32(resp.FailedCount))
		out.Imported += int(aws.ToInt32(resp.SuccessCount))
		out.Failed += failed
		if failed > 0 {
			msg := fmt.Sprintf("account %s, %s batch %d: %d of %d findings refused", t.Account, what, n, failed, len(batch))
			out.Failures = append(out.Failures, msg)
			fmt.Fprintf(log, "iamspect: Security Hub: %s\n", msg)
			for _, ff := range resp.FailedFindings {
				line := fmt.Sprintf("  %s: %s: %s", aws.ToString(ff.Id), aws.ToString(ff.ErrorCode), aws.ToString(ff.ErrorMessage))
				out.Failures = append(out.Failures, line)
				fmt.Fprintf(log, "iamspect: Security Hub: %s\n", line)
			}
		}
	}
	return nil
}

// batches splits findings into runs of at most max findings whose JSON
// adds up to at most maxBytes (a finding larger than that goes alone).
func batches(findings []types.AwsSecurityFinding, max, maxBytes int) [][]types.AwsSecurityFinding {
	var out [][]types.AwsSecurityFinding
	start, size := 0, 0
	for i, f := range findings {
		n := 1024 // when it cannot be measured, a typical finding
		if data, err := json.Marshal(f); err == nil {
			n = len(data) + 1
		}
		if i > start && (i-start == max || size+n > maxBytes) {
			out = append(out, findings[start:i])
			start, size = i, 0
		}
		size += n
	}
	if start < len(findings) {
		out = append(out, findings[start:])
	}
	return out
}

// stale lists the ACTIVE iamspect findings of the target's account and
// product that are not in current.
func stale(ctx context.Context, t Target, current map[string]bool) ([]types.AwsSecurityFinding, error) {
	eq := func(v string) []types.StringFilter {
		return []types.StringFilter{{Value: aws.String(v), Comparison: types.StringFilterComparisonEquals}}
	}
	in := &sh.GetFindingsInput{
		Filters: &types.AwsSecurityFindingFilters{
			ProductArn:   eq(t.ProductARN),
			AwsAccountId: eq(t.Account),
			RecordState:  eq("ACTIVE"),
			GeneratorId: []types.StringFilter{{Value: aws.String(asff.GeneratorPrefix),
				Comparison: types.StringFilterComparisonPrefix}},
			ProductFields: []types.MapFilter{{Key: aws.String("ProviderName"), Value: aws.String("iamspect"),
				Comparison: types.MapFilterComparisonEquals}},
		},
		MaxResults: aws.Int32(100),
	}
	var gone []types.AwsSecurityFinding
	p := sh.NewGetFindingsPaginator(t.Client, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("account %s: listing earlier iamspect findings (securityhub:GetFindings): %w", t.Account, err)
		}
		for _, f := range page.Findings {
			rule, ok := strings.CutPrefix(aws.ToString(f.GeneratorId), asff.GeneratorPrefix)
			if ok && !current[aws.ToString(f.Id)] && (t.Rules == nil || t.Rules[rule]) {
				gone = append(gone, f)
			}
		}
	}
	return gone, nil
}

// archive is the re-import of a finding that is gone: the attributes
// BatchImportFindings requires, ARCHIVED, and a RESOLVED workflow for a
// finding Security Hub does not hold any more (it keeps its own otherwise).
func archive(f types.AwsSecurityFinding, stamp string) types.AwsSecurityFinding {
	return types.AwsSecurityFinding{
		SchemaVersion: f.SchemaVersion, Id: f.Id, ProductArn: f.ProductArn, GeneratorId: f.GeneratorId,
		AwsAccountId: f.AwsAccountId, Types: f.Types, CreatedAt: f.CreatedAt, UpdatedAt: aws.String(stamp),
		Severity: f.Severity, Title: f.Title, Description: f.Description, Resources: f.Resources,
		Remediation: f.Remediation, ProductFields: f.ProductFields, Compliance: f.Compliance,
		RecordState: types.RecordStateArchived,
		Workflow:    &types.Workflow{Status: types.WorkflowStatusResolved},
	}
}

// ToSDK converts a finding to the SDK's type. The SDK's field names are
// ASFF's, so the JSON form carries over.
func ToSDK(f asff.Finding) (types.AwsSecurityFinding, error) {
	data, err := json.Marshal(f)
	if err != nil {
		return types.AwsSecurityFinding{}, err
	}
	var out types.AwsSecurityFinding
	if err := json.Unmarshal(data, &out); err != nil {
		return types.AwsSecurityFinding{}, fmt.Errorf("finding %s: %w", f.ID, err)
	}
	return out, nil
}

// IsDeliveryError reports whether err is a Security Hub delivery failure.
func IsDeliveryError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Options say where a report's findings go.
type Options struct {
	// Region of the findings and of the Security Hub they go to; "" means
	// asff.DefaultRegion.
	Region string
	// ProductARN overrides each account's default product ARN.
	ProductARN string
	// ClientFor returns a client acting in the account (its own findings
	// can only be imported by the account itself).
	ClientFor func(ctx context.Context, account string) (*sh.Client, error)
	// Log receives failures as they happen (standard error).
	Log io.Writer
}

// Run delivers every account's findings of the report. The error is an
// *Error when Security Hub refused findings or a call failed.
func Run(ctx context.Context, r *report.Report, o Options) (Outcome, error) {
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	findings, err := asff.Findings(r, asff.Options{Region: o.Region, ProductARN: o.ProductARN})
	if err != nil {
		return Outcome{}, err
	}
	region := o.Region
	if region == "" {
		region = asff.DefaultRegion
	}
	byAccount := map[string][]asff.Finding{}
	var accounts []string
	for _, a := range r.Accounts {
		if _, ok := byAccount[a.ID]; !ok {
			byAccount[a.ID] = nil
			accounts = append(accounts, a.ID)
		}
	}
	for _, f := range findings {
		if _, ok := byAccount[f.AwsAccountID]; !ok {
			accounts = append(accounts, f.AwsAccountID)
		}
		byAccount[f.AwsAccountID] = append(byAccount[f.AwsAccountID], f)
	}
	ran := map[string]bool{}
	for _, res := range r.Results.All() {
		ran[res.RuleID] = true
	}
	var total Outcome
	for _, acct := range accounts {
		fs := byAccount[acct]
		product := o.ProductARN
		if product == "" {
			part := "aws"
			if len(fs) > 0 && len(fs[0].Resources) > 0 && fs[0].Resources[0].Partition != "" {
				part = fs[0].Resources[0].Partition
			}
			product = asff.ProductARN(part, region, acct)
		}
		client, err := o.ClientFor(ctx, acct)
		if err != nil {
			msg := fmt.Sprintf("account %s: %v", acct, err)
			total.Failed += len(fs)
			total.Failures = append(total.Failures, msg)
			fmt.Fprintf(log, "iamspect: Security Hub: %s\n", msg)
			continue
		}
		out, err := Deliver(ctx, Target{Account: acct, ProductARN: product, Client: client, Rules: ran}, fs, r.GeneratedAt, log)
		total.Imported += out.Imported
		total.Resolved += out.Resolved
		total.Failed += out.Failed
		total.Failures = append(total.Failures, out.Failures...)
		if ctx.Err() != nil {
			return total, ctx.Err()
		}
		if err != nil && out.Failed == 0 {
			total.Failed++ // the listing failed: nothing was resolved
		}
	}
	if total.Failed > 0 {
		return total, &Error{Outcome: total, Partial: total.Imported+total.Resolved > 0}
	}
	return total, nil
}
