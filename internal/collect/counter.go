package collect

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// Counter counts API calls (operations, as the caller issues them) and
// attempts (HTTP requests, including retries) per "service:Action", with the
// service spelled as in IAM policies (iam, sts, organizations, sso,
// identitystore, access-analyzer). It is safe for concurrent use.
type Counter struct {
	mu       sync.Mutex
	calls    map[string]int
	attempts map[string]int
}

// NewCounter returns an empty counter.
func NewCounter() *Counter {
	return &Counter{calls: map[string]int{}, attempts: map[string]int{}}
}

// servicePrefix maps SDK service IDs to IAM action prefixes.
var servicePrefix = map[string]string{
	"IAM":            "iam",
	"STS":            "sts",
	"Organizations":  "organizations",
	"SSO Admin":      "sso",
	"identitystore":  "identitystore",
	"AccessAnalyzer": "access-analyzer",
}

// ActionName returns "prefix:Operation" for an SDK service ID and operation.
func ActionName(serviceID, operation string) string {
	p, ok := servicePrefix[serviceID]
	if !ok {
		p = strings.ToLower(strings.ReplaceAll(serviceID, " ", ""))
	}
	return p + ":" + operation
}

// APIOptions returns the middleware that counts calls, for aws.Config.APIOptions.
func (c *Counter) APIOptions() []func(*middleware.Stack) error {
	return []func(*middleware.Stack) error{func(st *middleware.Stack) error {
		err := st.Initialize.Add(middleware.InitializeMiddlewareFunc("iamspectCountCalls",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				c.add(c.calls, ActionName(awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)))
				return next.HandleInitialize(ctx, in)
			}), middleware.After)
		if err != nil {
			return err
		}
		// Finalize middleware added last runs inside the retry loop: once per attempt.
		return st.Finalize.Add(middleware.FinalizeMiddlewareFunc("iamspectCountAttempts",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				c.add(c.attempts, ActionName(awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)))
				return next.HandleFinalize(ctx, in)
			}), middleware.After)
	}}
}

func (c *Counter) add(m map[string]int, k string) {
	c.mu.Lock()
	m[k]++
	c.mu.Unlock()
}

// Calls returns a copy of the per-action call counts.
func (c *Counter) Calls() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.calls)
}

// Attempts returns a copy of the per-action attempt counts (calls + retries).
func (c *Counter) Attempts() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.attempts)
}

// Total returns the number of calls, optionally only those of one service
// prefix ("iam").
func (c *Counter) Total(prefix string) int {
	n := 0
	for k, v := range c.Calls() {
		if prefix == "" || strings.HasPrefix(k, prefix+":") {
			n += v
		}
	}
	return n
}

// Print writes the counts, one action a line, sorted, then the totals.
func (c *Counter) Print(w io.Writer) {
	calls, attempts := c.Calls(), c.Attempts()
	keys := slices.Sorted(maps.Keys(calls))
	total, totalAttempts := 0, 0
	fmt.Fprintln(w, "iamspect: AWS API calls:")
	for _, k := range keys {
		fmt.Fprintf(w, "  %-56s %6d", k, calls[k])
		if a := attempts[k]; a > calls[k] {
			fmt.Fprintf(w, "  (%d attempts)", a)
		}
		fmt.Fprintln(w)
		total += calls[k]
		totalAttempts += attempts[k]
	}
	fmt.Fprintf(w, "  %-56s %6d  (%d attempts)\n", "total", total, totalAttempts)
}
