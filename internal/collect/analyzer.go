package collect

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// analyzerTask lists IAM Access Analyzer analyzers in each of Options.Regions,
// or, when none are given, in every region enabled for the account
// (account:ListRegions) — CIS asks for an analyzer in all of them, so
// checking only the signing region could pass an account it never looked at.
// It makes one ListAnalyzers call per region and page. A region that fails
// (denied, not enabled, unreachable) leaves the input uncollected with the
// region in the gap's reason; the regions that answered are kept.
func analyzerTask(cfg aws.Config, o *Options) task {
	return task{snapshot.InputAccessAnalyzer, func(ctx context.Context) (func(*snapshot.Account) error, error) {
		regions := o.Regions
		if len(regions) == 0 {
			enabled, err := enabledRegions(ctx, cfg)
			if err != nil {
				return nil, apiErr("account:ListRegions", fmt.Errorf("%s; name the regions with --regions", Reason(err)))
			}
			regions = enabled
		}
		var all []snapshot.AccessAnalyzer
		var errs []error
		for _, region := range regions {
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

// enabledRegions lists the regions enabled for the account: enabled by
// default, or opted in (account:ListRegions, paginated).
func enabledRegions(ctx context.Context, cfg aws.Config) ([]string, error) {
	client := account.NewFromConfig(cfg)
	in := &account.ListRegionsInput{RegionOptStatusContains: []accounttypes.RegionOptStatus{
		accounttypes.RegionOptStatusEnabled, accounttypes.RegionOptStatusEnabledByDefault}}
	var out []string
	p := account.NewListRegionsPaginator(client, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Regions {
			out = append(out, aws.ToString(r.RegionName))
		}
	}
	if len(out) == 0 {
		return nil, errors.New("account:ListRegions returned no enabled region")
	}
	slices.Sort(out)
	return out, nil
}
