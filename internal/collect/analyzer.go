package collect

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// analyzerTask lists IAM Access Analyzer analyzers in each of Options.Regions
// (access-analyzer:ListAnalyzers, one call per region and page). A region that
// fails (denied, not enabled, unreachable) leaves the input uncollected with
// the region in the gap's reason; the regions that answered are kept.
func analyzerTask(cfg aws.Config, o *Options) task {
	return task{snapshot.InputAccessAnalyzer, func(ctx context.Context) (func(*snapshot.Account) error, error) {
		var all []snapshot.AccessAnalyzer
		var errs []error
		for _, region := range o.Regions {
			got, err := listAnalyzers(ctx, cfg, region)
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				errs = append(errs, fmt.Errorf("region %s: %s", region, Reason(err)))
				continue
			}
			all = append(all, got...)
		}
		regions := o.Regions
		return func(a *snapshot.Account) error {
			a.AccessAnalyzers = all
			a.Regions = mergeRegions(a.Regions, regions)
			if len(errs) > 0 {
				return apiErr("access-analyzer:ListAnalyzers", errors.Join(errs...))
			}
			a.MarkCollected(snapshot.InputAccessAnalyzer)
			return nil
		}, nil
	}}
}

// regionTimeout bounds the time spent on one region, so that an unreachable
// regional endpoint becomes a gap instead of minutes of retried dials.
const regionTimeout = time.Minute

func listAnalyzers(ctx context.Context, cfg aws.Config, region string) ([]snapshot.AccessAnalyzer, error) {
	ctx, cancel := context.WithTimeout(ctx, regionTimeout)
	defer cancel()
	client := accessanalyzer.NewFromConfig(cfg, func(ao *accessanalyzer.Options) { ao.Region = region })
	p := accessanalyzer.NewListAnalyzersPaginator(client, &accessanalyzer.ListAnalyzersInput{})
	var got []snapshot.AccessAnalyzer
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, a := range out.Analyzers {
			got = append(got, snapshot.AccessAnalyzer{ARN: aws.ToString(a.Arn), Name: aws.ToString(a.Name),
				Region: region, Type: string(a.Type), Status: string(a.Status)})
		}
	}
	return got, nil
}

func mergeRegions(have, add []string) []string {
	for _, r := range add {
		found := false
		for _, h := range have {
			found = found || h == r
		}
		if !found {
			have = append(have, r)
		}
	}
	return have
}
