package sandbox

import (
	"fmt"
	"math"
	"path"
	"strings"
	"time"
)

// inject decides, from the seeded random source, whether to answer the call
// with a throttling error or a server error instead.
func (s *Server) inject(c *call) *apiError {
	if matches(s.opts.Throttle, c.key()) {
		return throttle(c)
	}
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
func (s *Server) denied(key string) bool { return matches(s.opts.Deny, key) }

// matches reports whether one of the patterns matches the action.
func matches(patterns []string, key string) bool {
	key = strings.ToLower(key)
	for _, p := range patterns {
		if ok, _ := path.Match(strings.ToLower(p), key); ok {
			return true
		}
	}
	return false
}

// bucket is a token bucket of Options.Rate.
type bucket struct {
	tokens float64
	last   time.Time
}

// rateLimit applies Options.Rate: one token bucket per account and API.
// An empty bucket answers with throttling and Retry-After.
func (s *Server) rateLimit(c *call) *apiError {
	rate := s.opts.Rate
	if rate <= 0 {
		return nil
	}
	burst := float64(s.opts.Burst)
	if burst <= 0 {
		burst = max(1, math.Ceil(rate))
	}
	key := c.acct.ID + " " + c.key()
	now := time.Now()
	s.mu.Lock()
	b := s.buckets[key]
	if b == nil {
		b = &bucket{tokens: burst, last: now}
		s.buckets[key] = b
	}
	b.tokens = min(burst, b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		s.mu.Unlock()
		return nil
	}
	wait := (1 - b.tokens) / rate
	s.mu.Unlock()
	e := throttle(c)
	e.RetryAfter = max(1, int(math.Ceil(wait)))
	return e
}
