package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	sh "github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/iamspect/iamspect/internal/collect"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/securityhub"
)

// deliverToSecurityHub imports the report's findings into Security Hub
// (scan --security-hub) with the scan's credentials: each account's
// findings by that account, the credentials' own directly and the others
// through --member-role. It runs after the report is written, so a failed
// delivery never costs the report. Failures are printed on stderr and
// returned as *securityhub.Error (exit 4, or 5 when some findings went in).
func deliverToSecurityHub(ctx context.Context, stderr io.Writer, rep *report.Report, live *liveOptions, out *outputOptions) error {
	cfg, err := collect.LoadConfig(ctx, collect.ConfigOptions{
		Profile: live.profile, Region: firstNonEmpty(out.hubRegion, live.region),
		RoleARN: live.roleARN, ExternalID: live.externalID, SessionName: live.sessionName,
	})
	if err != nil {
		return fmt.Errorf("--security-hub: %w", err)
	}
	id, err := collect.CallerIdentity(ctx, cfg)
	if err != nil {
		return fmt.Errorf("--security-hub: %w", err)
	}
	partition := "aws"
	if parts := strings.SplitN(id.ARN, ":", 3); len(parts) == 3 && parts[1] != "" {
		partition = parts[1]
	}
	clientFor := func(_ context.Context, acct string) (*sh.Client, error) {
		if acct == id.Account {
			return sh.NewFromConfig(cfg), nil
		}
		role := "arn:" + partition + ":iam::" + acct + ":role/" + live.memberRole
		return sh.NewFromConfig(collect.AssumeRole(cfg, role, live.externalID, live.sessionName)), nil
	}
	res, err := securityhub.Run(ctx, rep, securityhub.Options{
		Region: cfg.Region, ProductARN: out.hubProductARN, ClientFor: clientFor, Log: stderr,
	})
	fmt.Fprintf(stderr, "iamspect: Security Hub (%s, as %s): %d finding(s) imported, %d resolved, %d failed\n",
		cfg.Region, id.ARN, res.Imported, res.Resolved, res.Failed)
	return err
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
