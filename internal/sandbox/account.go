package sandbox

import "slices"

// AWS Account Management (REST-JSON, signing name "account"): ListRegions,
// which the collector uses to find the regions to look for Access Analyzer
// analyzers in. The snapshot's Account.Regions are the enabled regions (the
// sandbox's default region when the snapshot names none).

var accountHandlers = map[string]handler{
	"ListRegions": listRegions,
}

func listRegions(s *Server, c *call) (any, *apiError) {
	var in struct {
		MaxResults              int      `json:"MaxResults"`
		NextToken               string   `json:"NextToken"`
		RegionOptStatusContains []string `json:"RegionOptStatusContains"`
	}
	if e := c.decodeJSON(&in); e != nil {
		return nil, e
	}
	type region struct {
		RegionName      string `json:"RegionName"`
		RegionOptStatus string `json:"RegionOptStatus"`
	}
	names := slices.Clone(c.acct.Regions)
	if len(names) == 0 {
		names = []string{DefaultRegion}
	}
	slices.Sort(names)
	var all []region
	for _, n := range names {
		// The sandbox does not know which regions were opted in; enabled
		// by default is the common case.
		st := "ENABLED_BY_DEFAULT"
		if len(in.RegionOptStatusContains) == 0 || slices.Contains(in.RegionOptStatusContains, st) {
			all = append(all, region{n, st})
		}
	}
	page, next, e := paginate(c, all, in.NextToken, in.MaxResults, 20, 50)
	if e != nil {
		return nil, e
	}
	out := map[string]any{"Regions": nonNil(page)}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}
