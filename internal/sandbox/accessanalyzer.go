package sandbox

import (
	"net/http"
	"strconv"
)

// IAM Access Analyzer (REST-JSON, signing name "access-analyzer"): the
// caller account's analyzers in the request's region (from the SigV4
// credential scope).

var accessAnalyzerHandlers = map[string]handler{
	"ListAnalyzers": listAnalyzers,
}

// restAction maps a REST request to its action.
func restAction(method, path string) string {
	switch {
	case method == http.MethodGet && path == "/analyzer":
		return "ListAnalyzers"
	case method == http.MethodPost && path == "/listRegions":
		return "ListRegions"
	}
	return securityHubAction(method, path)
}

func listAnalyzers(s *Server, c *call) (any, *apiError) {
	q := c.r.URL.Query()
	size := 0
	if v := q.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, c.validation("maxResults must be a number")
		}
		size = n
	}
	typ := q.Get("type")
	type analyzer struct {
		Arn       string `json:"arn"`
		Name      string `json:"name"`
		Type      string `json:"type"`
		CreatedAt string `json:"createdAt"`
		Status    string `json:"status"`
	}
	var all []analyzer
	for _, a := range c.acct.AccessAnalyzers {
		if a.Region != c.region || (typ != "" && a.Type != typ) {
			continue
		}
		st := a.Status
		if st == "" {
			st = "ACTIVE"
		}
		all = append(all, analyzer{a.ARN, a.Name, a.Type, ts(s.snap.CollectedAt), st})
	}
	page, next, e := paginate(c, all, q.Get("nextToken"), size, 100, 1000)
	if e != nil {
		return nil, e
	}
	out := map[string]any{"analyzers": nonNil(page)}
	if next != "" {
		out["nextToken"] = next
	}
	return out, nil
}
