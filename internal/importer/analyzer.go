package importer

import (
	"slices"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// regionsOutput is `aws account list-regions` output (also the shape of
// `aws ec2 describe-regions`: only RegionName is needed).
type regionsOutput struct {
	Regions []struct {
		RegionName      string `json:"RegionName"`
		RegionOptStatus string `json:"RegionOptStatus"`
	} `json:"Regions"`
}

// analyzersOutput is `aws accessanalyzer list-analyzers --region R` output.
type analyzersOutput struct {
	Analyzers []struct {
		Arn    string `json:"arn"`
		Name   string `json:"name"`
		Type   string `json:"type"`
		Status string `json:"status"`
	} `json:"analyzers"`
}

// applyAccessAnalyzer reads the analyzers of each region: the regions of
// regions.json (enabled ones), each of which needs its
// access-analyzers-REGION.json, or without it the regions the files name
// (IAMSPECT_REGIONS), as the live collector does with --regions.
func applyAccessAnalyzer(acct *snapshot.Account, set *entitySet) error {
	if set.empty() {
		return nil
	}
	var regions []string
	if f := set.one("regions.json"); f != nil {
		var out regionsOutput
		if err := f.decode("Regions", "aws account list-regions", &out); err != nil {
			return err
		}
		for _, r := range out.Regions {
			switch r.RegionOptStatus {
			case "", "ENABLED", "ENABLED_BY_DEFAULT":
				regions = append(regions, r.RegionName)
			}
		}
	} else {
		for _, f := range set.byPat["access-analyzers-*.json"] {
			regions = append(regions, f.key)
		}
	}
	slices.Sort(regions)
	regions = slices.Compact(regions)
	var all []snapshot.AccessAnalyzer
	for _, region := range regions {
		f, err := set.need("access-analyzers-*.json", region, "the analyzers of region "+region)
		if err != nil {
			return err
		}
		var out analyzersOutput
		if err := f.decode("analyzers", "aws accessanalyzer list-analyzers", &out); err != nil {
			return err
		}
		for _, a := range out.Analyzers {
			all = append(all, snapshot.AccessAnalyzer{ARN: a.Arn, Name: a.Name, Region: region, Type: a.Type, Status: a.Status})
		}
	}
	acct.AccessAnalyzers = all
	for _, r := range regions {
		if !slices.Contains(acct.Regions, r) {
			acct.Regions = append(acct.Regions, r)
		}
	}
	acct.MarkCollected(snapshot.InputAccessAnalyzer)
	return nil
}
