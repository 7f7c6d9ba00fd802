package collect

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Retries (docs/permissions.md, "Throttling, retries and timeouts"):
//
//   - Backoff is exponential with full jitter: before retry n the client
//     waits a random time in [0, min(MaxBackoff, baseBackoff·2^n)). A
//     Retry-After header (seconds) is a floor, still capped by MaxBackoff.
//   - Throttling, server errors, connection errors, attempt timeouts and
//     truncated response bodies are retried.
//   - A client-side limiter per API client starts unlimited; while at
//     least 75% of its last 16 attempts are throttled it halves its rate (at
//     most once per limiterCutEvery), and otherwise each success raises the
//     rate by a tenth, until it is unlimited again.

// baseBackoff is the ceiling of the wait before the first retry, halved:
// retry n waits up to baseBackoff·2^n (100 ms, 200 ms, 400 ms, ... 20 s).
const baseBackoff = 50 * time.Millisecond

// jitterBackoff is exponential backoff with full jitter.
type jitterBackoff struct {
	max time.Duration
	mu  sync.Mutex
	rng *rand.Rand
}

func newJitterBackoff(maxBackoff time.Duration) *jitterBackoff {
	return &jitterBackoff{max: maxBackoff, rng: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))}
}

// BackoffDelay implements retry.BackoffDelayer.
func (b *jitterBackoff) BackoffDelay(attempt int, err error) (time.Duration, error) {
	ceiling := b.max
	if attempt < 30 {
		ceiling = min(b.max, baseBackoff<<attempt)
	}
	b.mu.Lock()
	d := time.Duration(b.rng.Int64N(int64(ceiling) + 1))
	b.mu.Unlock()
	if ra := retryAfter(err); ra > d {
		d = ra
	}
	return min(d, b.max), nil
}

// retryAfter returns the Retry-After of a failed response (delay-seconds
// form), or 0.
func retryAfter(err error) time.Duration {
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.Response == nil {
		return 0
	}
	v := strings.TrimSpace(re.Response.Header.Get("Retry-After"))
	if v == "" {
		return 0
	}
	secs, perr := strconv.ParseFloat(v, 64)
	if perr != nil || secs < 0 || secs > 3600 {
		return 0
	}
	return time.Duration(secs * float64(time.Second))
}

// retryableExtra retries what the SDK's defaults do not: truncated bodies
// (a response that ends early fails to deserialise with "unexpected EOF")
// and attempts that timed out while reading the body.
var retryableExtra = retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
	switch {
	case err == nil:
		return aws.UnknownTernary
	case errors.Is(err, io.ErrUnexpectedEOF), strings.Contains(err.Error(), "unexpected EOF"):
		return aws.TrueTernary
	case isTimeout(err):
		return aws.TrueTernary
	}
	return aws.UnknownTernary
})

// isTimeout reports whether err is an attempt that ran out of time (the
// HTTP client's timeouts), not the caller's context ending.
func isTimeout(err error) bool {
	var te interface{ Timeout() bool }
	if errors.As(err, &te) && te.Timeout() {
		return true
	}
	return strings.Contains(err.Error(), "Client.Timeout") || strings.Contains(err.Error(), "timeout awaiting response headers")
}

// isConnectionError reports whether err means the endpoint could not be
// reached or did not answer: refused, reset, unresolvable, or timed out.
func isConnectionError(err error) bool {
	if err == nil {
		return false
	}
	var dns *net.DNSError
	var op *net.OpError
	if errors.As(err, &dns) || errors.As(err, &op) || isTimeout(err) {
		return true
	}
	var re *smithyhttp.RequestSendError
	if errors.As(err, &re) {
		return true
	}
	return containsAny(err.Error(), "connection refused", "connection reset", "no such host")
}

// limitedRetryer is the standard retryer with a client-side limiter in front
// of every attempt.
type limitedRetryer struct {
	aws.RetryerV2
	lim *aimdLimiter
}

func (r *limitedRetryer) GetAttemptToken(ctx context.Context) (func(error) error, error) {
	if err := r.lim.wait(ctx); err != nil {
		return nil, err
	}
	release, err := r.RetryerV2.GetAttemptToken(ctx)
	if err != nil {
		return nil, err
	}
	return func(opErr error) error {
		r.lim.observe(opErr != nil && retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(opErr).Bool())
		return release(opErr)
	}, nil
}

// aimdLimiter paces attempts: unlimited until most recent attempts are
// throttled, then a token rate that halves (at most every limiterCutEvery)
// while at least 75% of the last limiterWindow attempts were throttled,
// and grows by a tenth with each success while fewer were, until it is
// unlimited again. Throttling that comes and goes at random (which slowing
// down cannot cure) does not slow the client; throttling because the client
// is too fast does.
type aimdLimiter struct {
	mu      sync.Mutex
	rate    float64 // attempts per second; 0 = unlimited
	tokens  float64
	last    time.Time
	lastCut time.Time
	recent  [limiterWindow]bool // last outcomes, true = throttled
	n       int                 // outcomes seen
}

const (
	limiterWindow   = 16
	limiterStart    = 20.0  // the first cut sets this rate
	limiterMin      = 1.0   // the slowest pace
	limiterFree     = 200.0 // above this the limiter lets go
	limiterCutEvery = 500 * time.Millisecond
)

// wait blocks until an attempt may start, or ctx ends.
func (l *aimdLimiter) wait(ctx context.Context) error {
	l.mu.Lock()
	if l.rate == 0 {
		l.mu.Unlock()
		return nil
	}
	now := time.Now()
	l.tokens = min(1, l.tokens+now.Sub(l.last).Seconds()*l.rate)
	l.last = now
	l.tokens--
	var d time.Duration
	if l.tokens < 0 {
		d = time.Duration(-l.tokens / l.rate * float64(time.Second))
	}
	l.mu.Unlock()
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// observe records an attempt's outcome and adjusts the rate.
func (l *aimdLimiter) observe(throttled bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recent[l.n%limiterWindow] = throttled
	l.n++
	k := 0
	for _, t := range l.recent {
		if t {
			k++
		}
	}
	busy := l.n >= limiterWindow/2 && 4*k >= 3*min(l.n, limiterWindow)
	now := time.Now()
	switch {
	case busy && l.rate == 0:
		l.rate, l.tokens, l.last, l.lastCut = limiterStart, 0, now, now
	case busy && now.Sub(l.lastCut) >= limiterCutEvery:
		l.rate = max(limiterMin, l.rate/2)
		l.lastCut = now
	case !throttled && !busy && l.rate > 0:
		l.rate *= 1.1
		if l.rate > limiterFree {
			l.rate = 0
		}
	}
}

// firstCallRetryer gives up on connection errors after a few attempts, so
// that an unreachable endpoint is reported in seconds; throttling and
// server errors keep the full retry count.
type firstCallRetryer struct {
	aws.RetryerV2
	mu        sync.Mutex
	connFails int
}

const firstCallConnAttempts = 3

func (r *firstCallRetryer) IsErrorRetryable(err error) bool {
	if isConnectionError(err) {
		r.mu.Lock()
		r.connFails++
		n := r.connFails
		r.mu.Unlock()
		if n >= firstCallConnAttempts {
			return false
		}
	}
	return r.RetryerV2.IsErrorRetryable(err)
}

// RetryDelay keeps the first call's waits short (at most a second).
func (r *firstCallRetryer) RetryDelay(attempt int, err error) (time.Duration, error) {
	d, e := r.RetryerV2.RetryDelay(attempt, err)
	return min(d, time.Second), e
}

// httpClient is the HTTP client of live collection: bounded connection,
// response-header and whole-attempt times, so that an endpoint that accepts
// a connection and never answers costs one attempt timeout, which is
// retried.
func httpClient(o ConfigOptions) aws.HTTPClient {
	connect, header, attempt := o.ConnectTimeout, o.ResponseTimeout, o.AttemptTimeout
	if connect <= 0 {
		connect = 5 * time.Second
	}
	if header <= 0 {
		header = 30 * time.Second
	}
	if attempt <= 0 {
		attempt = 2 * time.Minute
	}
	return newBuildableClient(connect, header, attempt)
}

func newBuildableClient(connect, header, attempt time.Duration) *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().
		WithTimeout(attempt).
		WithDialerOptions(func(d *net.Dialer) { d.Timeout = connect }).
		WithTransportOptions(func(tr *http.Transport) {
			tr.TLSHandshakeTimeout = connect
			tr.ResponseHeaderTimeout = header
			// An --org collection sends every account's calls to the same
			// few endpoints, up to --parallel² at a time: with the SDK's 10
			// idle connections per host, most calls opened a new one (7,000
			// sockets in TIME_WAIT after 1,000 accounts at --parallel 32).
			tr.MaxIdleConns = maxIdleConns
			tr.MaxIdleConnsPerHost = maxIdleConns
		})
}

// maxIdleConns bounds the connections kept open for reuse, per host and in
// all (file descriptors, under the usual limit of 1,024).
const maxIdleConns = 256

// firstCallAttemptTimeout bounds each attempt of the first call
// (sts:GetCallerIdentity answers in milliseconds), so that an endpoint that
// accepts connections and never answers is reported in seconds.
var firstCallAttemptTimeout = 5 * time.Second

// attemptDeadline is a per-attempt deadline, inserted after the retry
// middleware: an attempt that runs out of time fails with a timeout, which
// is retried, while the caller's context goes on.
func attemptDeadline(d time.Duration) func(*middleware.Stack) error {
	mw := middleware.FinalizeMiddlewareFunc("iamspectAttemptDeadline", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
		actx, cancel := context.WithTimeout(ctx, d)
		defer cancel()
		out, md, err := next.HandleFinalize(actx, in)
		if err != nil && actx.Err() != nil && ctx.Err() == nil {
			err = &attemptTimeoutError{d: d, err: err}
		}
		return out, md, err
	})
	return func(st *middleware.Stack) error { return st.Finalize.Insert(mw, "Retry", middleware.After) }
}

// attemptTimeoutError is an attempt that ran out of its time. It does not
// unwrap: the error inside says the (attempt's) context was canceled, which
// the retryer would take for the caller giving up.
type attemptTimeoutError struct {
	d   time.Duration
	err error
}

func (e *attemptTimeoutError) Error() string {
	return "no answer within " + e.d.String() + ": " + e.err.Error()
}
func (e *attemptTimeoutError) Timeout() bool { return true }
