package collect

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/iamspect/iamspect/internal/importer"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// credentialReport asks IAM for a fresh credential report and waits for it:
// GenerateCredentialReport until COMPLETE (AWS reuses a report younger than
// four hours), then GetCredentialReport. Polls back off from
// CredentialReportPoll, doubling up to 16x, and give up after
// CredentialReportWait. If generating is denied, an existing unexpired
// report is still used; otherwise the gap names iam:GenerateCredentialReport.
//
// An organisation collection starts the report earlier (startReport), so
// that AWS generates it while the collector works on other accounts; when
// that start found a report COMPLETE, the first Generate here is skipped.
func (c *iamCollector) credentialReport(ctx context.Context) (func(*snapshot.Account) error, error) {
	deadline := time.Now().Add(c.o.CredentialReportWait)
	delay := c.o.CredentialReportPoll
	maxDelay := 16 * delay
	var genErr error
	for attempt := 0; ; attempt++ {
		var gen *iam.GenerateCredentialReportOutput
		var err error
		if attempt == 0 && c.reportComplete {
			gen = &iam.GenerateCredentialReportOutput{State: types.ReportStateTypeComplete}
		} else {
			gen, err = c.client.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
		}
		switch {
		case err == nil && gen.State == types.ReportStateTypeComplete:
			genErr = nil
		case err == nil:
			genErr = errReportNotReady
		case ctx.Err() != nil:
			return nil, ctx.Err()
		default:
			// Denied or failing: an existing report may still be readable.
			genErr = apiErr("iam:GenerateCredentialReport", err)
		}
		if genErr == nil || !errors.Is(genErr, errReportNotReady) {
			out, err := c.client.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
			switch {
			case err == nil:
				return applyReport(out)
			case hasCode(err, "ReportInProgress", "ReportNotPresent", "ReportExpired") && genErr == nil:
				// Generated but not visible yet: wait and ask again.
			case hasCode(err, "ReportNotPresent", "ReportExpired") && genErr != nil:
				return nil, genErr // the cause is that we may not generate one
			case hasCode(err, "ReportInProgress"):
			default:
				return nil, apiErr("iam:GetCredentialReport", err)
			}
		}
		if time.Now().Add(delay).After(deadline) {
			return nil, apiErr("iam:GenerateCredentialReport",
				fmt.Errorf("credential report not ready after %s (%d polls)", c.o.CredentialReportWait, attempt+1))
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, maxDelay)
	}
}

var errReportNotReady = errors.New("credential report is being generated")

// startReport asks IAM to start generating the credential report, ahead of
// the account's collection: one GenerateCredentialReport, whose failures are
// left to credentialReport (which asks again and turns them into gaps).
func (c *iamCollector) startReport(ctx context.Context) {
	gen, err := c.client.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
	c.reportComplete = err == nil && gen.State == types.ReportStateTypeComplete
}

func applyReport(out *iam.GetCredentialReportOutput) (func(*snapshot.Account) error, error) {
	if out.ReportFormat != "" && out.ReportFormat != types.ReportFormatTypeTextCsv {
		return nil, apiErr("iam:GetCredentialReport", fmt.Errorf("unsupported report format %q", out.ReportFormat))
	}
	rep, err := importer.DecodeCredentialReport(out.Content, utc(out.GeneratedTime))
	if err != nil {
		return nil, apiErr("iam:GetCredentialReport", err)
	}
	return func(a *snapshot.Account) error {
		if err := importer.ApplyCredentialReport(a, rep); err != nil {
			return apiErr("iam:GetCredentialReport", err)
		}
		return nil
	}, nil
}

// utc returns a copy of t in UTC, or nil.
func utc(t *time.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	v := t.UTC()
	return &v
}
