package sandbox

import (
	"fmt"
	"path"
	"strings"
)

// inject decides, from the seeded random source, whether to answer the call
// with a throttling error or a server error instead.
func (s *Server) inject(c *call) *apiError {
	if s.opts.ThrottleRate <= 0 && s.opts.FailRate <= 0 {
		return nil
	}
	s.mu.Lock()
	x := s.rng.Float64()
	odd := s.rng.IntN(2) == 1
	s.mu.Unlock()
	switch {
	case x < s.opts.ThrottleRate:
		return throttle(c)
	case x < s.opts.ThrottleRate+s.opts.FailRate:
		if odd {
			return &apiError{Status: 503, Code: "ServiceUnavailable", Message: "Service is unavailable (iamspect sandbox fault injection)"}
		}
		return &apiError{Status: 500, Code: "InternalFailure", Message: "Internal failure (iamspect sandbox fault injection)"}
	}
	return nil
}

// throttle is the service's own throttling error.
func throttle(c *call) *apiError {
	switch c.service {
	case svcIAM, svcSTS:
		return &apiError{Status: 400, Code: "Throttling", Message: "Rate exceeded"}
	case svcOrganizations:
		return &apiError{Status: 400, Code: "TooManyRequestsException", Message: "AWS Organizations can't complete your request because another request is already in progress. Try again later."}
	case svcAccessAnalyzer:
		return &apiError{Status: 429, Code: "ThrottlingException", Message: "Rate exceeded"}
	case svcSecurityHub:
		return &apiError{Status: 429, Code: "LimitExceededException", Message: "Rate exceeded"}
	default:
		return &apiError{Status: 400, Code: "ThrottlingException", Message: "Rate exceeded"}
	}
}

// validPattern checks a --deny pattern.
func validPattern(p string) error {
	if _, err := path.Match(strings.ToLower(p), ""); err != nil || p == "" {
		return fmt.Errorf("sandbox: bad deny pattern %q (want service:Action, globs allowed, e.g. sso:*)", p)
	}
	return nil
}

// denied reports whether Options.Deny matches the action (IAM action names
// are case-insensitive).
func (s *Server) denied(key string) bool {
	key = strings.ToLower(key)
	for _, p := range s.opts.Deny {
		if ok, _ := path.Match(strings.ToLower(p), key); ok {
			return true
		}
	}
	return false
}
