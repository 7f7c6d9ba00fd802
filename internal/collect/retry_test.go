package collect

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Backoff is jittered (not one fixed wait), grows with the attempt, never
// passes the cap, and waits at least a Retry-After.
func TestJitterBackoff(t *testing.T) {
	b := newJitterBackoff(20 * time.Second)
	for attempt := 1; attempt <= 12; attempt++ {
		seen := map[time.Duration]bool{}
		ceiling := min(20*time.Second, baseBackoff<<attempt)
		for range 200 {
			d, _ := b.BackoffDelay(attempt, nil)
			if d < 0 || d > ceiling {
				t.Fatalf("attempt %d: %v outside [0, %v]", attempt, d, ceiling)
			}
			seen[d] = true
		}
		if len(seen) < 50 {
			t.Errorf("attempt %d: only %d distinct waits in 200: not jittered", attempt, len(seen))
		}
	}
	resp := &http.Response{StatusCode: 400, Header: http.Header{"Retry-After": []string{"3"}}}
	err := &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: resp}, Err: errors.New("Throttling")}
	if d, _ := b.BackoffDelay(1, err); d != 3*time.Second {
		t.Errorf("with Retry-After 3: waited %v", d)
	}
	resp.Header.Set("Retry-After", "60")
	if d, _ := b.BackoffDelay(1, err); d != 20*time.Second {
		t.Errorf("with Retry-After 60: waited %v, want the 20 s cap", d)
	}
}

// The limiter slows down under sustained throttling and recovers, back to
// unlimited, once calls succeed again; throttling at random (30%) does not
// slow it down.
func TestLimiterRecovers(t *testing.T) {
	l := &aimdLimiter{}
	for range 16 {
		l.observe(true)
	}
	if l.rate == 0 || l.rate > limiterStart {
		t.Fatalf("rate after sustained throttling = %v, want limited", l.rate)
	}
	for i := 0; l.rate != 0; i++ {
		if i > 200 {
			t.Fatalf("rate %v after 200 successes: the limiter does not recover", l.rate)
		}
		l.observe(false)
	}
	r := &aimdLimiter{}
	for i := range 300 {
		r.observe(i%10 < 3)
	}
	if r.rate != 0 {
		t.Errorf("30%% random throttling limited the client to %v/s", r.rate)
	}
}

// Truncated bodies and timeouts are retried; AccessDenied is not.
func TestRetryableExtra(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("deserialization failed: %w", io.ErrUnexpectedEOF), true},
		{errors.New("failed to decode response body, XML syntax error on line 1: unexpected EOF"), true},
		{errors.New("net/http: timeout awaiting response headers"), true},
		{&smithy.GenericAPIError{Code: "AccessDenied"}, false},
	}
	for _, c := range cases {
		if got := retryableExtra.IsErrorRetryable(c.err).Bool(); got != c.want {
			t.Errorf("%v: retryable = %v, want %v", c.err, got, c.want)
		}
	}
}
