// Package sandbox is a wire-level fake of the AWS APIs iamspect reads, served
// from a snapshot. The real SDK (or the AWS CLI) talks to it over HTTP as it
// would to AWS: IAM and STS over the Query protocol, Organizations, IAM
// Identity Center and the Identity Store over JSON 1.1, and IAM Access
// Analyzer over REST-JSON. It answers with the snapshot's data, pages like
// AWS, and can inject throttling, server errors, latency and access denials.
//
// One server serves a whole multi-account snapshot: the default credentials
// act in the organisation's management account (or the first account), and
// sts:AssumeRole into another account of the snapshot returns session
// credentials that act in that account. See docs/sandbox.md.
package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// Options tunes the server's behaviour.
type Options struct {
	// ThrottleRate is the fraction of requests answered with a throttling
	// error (IAM/STS: Throttling; Organizations: TooManyRequestsException;
	// others: ThrottlingException).
	ThrottleRate float64
	// FailRate is the fraction of requests answered with HTTP 500
	// InternalFailure or 503 ServiceUnavailable.
	FailRate float64
	// Latency is added to each request.
	Latency time.Duration
	// Deny lists actions ("iam:GenerateCredentialReport", globs like
	// "sso:*") answered with AccessDenied.
	Deny []string
	// Throttle lists actions (globs as in Deny) always answered with the
	// service's throttling error, so that a client's retries run out.
	Throttle []string
	// Rate, when positive, throttles like AWS does: a token bucket per
	// account and API refilled at Rate requests a second and holding at
	// most Burst tokens (default: Rate rounded up, at least 1). A request
	// that finds the bucket empty gets the service's throttling error with
	// a Retry-After header (whole seconds until a token is back, at least 1).
	Rate  float64
	Burst int
	// ReportDelay, when positive, is how long the credential report takes
	// to generate after the first GenerateCredentialReport of an account
	// (iam_credreport.go); zero answers ReportInProgress once instead.
	ReportDelay time.Duration
	// Seed makes the fault rates deterministic.
	Seed int64
	// StateFile, when set, receives the served state (a snapshot) after
	// every write, so that a restarted sandbox can serve it again
	// (LoadState).
	StateFile string
}

// Dummy credentials printed by Env. They are not secret: the sandbox accepts
// any credentials and checks no signatures.
const (
	DummyAccessKeyID     = "AKIAIAMSPECTSANDBOX1"
	DummySecretAccessKey = "iamspect-sandbox-dummy-secret-key"
	DefaultRegion        = "us-east-1"
)

// Server is an http.Handler that fakes the AWS APIs.
type Server struct {
	snap        *snapshot.Snapshot
	opts        Options
	defaultAcct *snapshot.Account

	mu       sync.Mutex
	rng      *rand.Rand
	stats    map[string]int
	reports  map[string]*reportState // by account ID
	sessions map[string]session      // by access key ID
	seq      uint64                  // request counter, for request IDs
	buckets  map[string]*bucket      // by account ID and API, with Rate

	securityHub hubStore // securityhub.go

	// state guards snap against the write APIs (state.go).
	state      sync.RWMutex
	owned      bool // snap is the server's own copy
	writes     int
	persistErr error
}

// New returns a server for the snapshot. The snapshot must not be modified
// while the server runs; the server's write APIs change a copy of it.
func New(s *snapshot.Snapshot, opts Options) (*Server, error) {
	if s == nil || len(s.Accounts) == 0 {
		return nil, errors.New("sandbox: the snapshot has no accounts")
	}
	if opts.ThrottleRate < 0 || opts.FailRate < 0 || opts.ThrottleRate+opts.FailRate > 1 {
		return nil, fmt.Errorf("sandbox: throttle rate %v and fail rate %v must be >= 0 and add up to at most 1",
			opts.ThrottleRate, opts.FailRate)
	}
	if opts.Latency < 0 {
		return nil, fmt.Errorf("sandbox: negative latency %v", opts.Latency)
	}
	for _, d := range append(append([]string{}, opts.Deny...), opts.Throttle...) {
		if err := validPattern(d); err != nil {
			return nil, err
		}
	}
	if opts.Rate < 0 || opts.Burst < 0 {
		return nil, fmt.Errorf("sandbox: negative rate %v or burst %d", opts.Rate, opts.Burst)
	}
	srv := &Server{
		snap: s, opts: opts,
		rng:      rand.New(rand.NewPCG(uint64(opts.Seed), 0x6961_6d73_7065_6374)),
		stats:    map[string]int{},
		reports:  map[string]*reportState{},
		sessions: map[string]session{},
		buckets:  map[string]*bucket{},
	}
	srv.defaultAcct = s.Accounts[0]
	if s.Organization != nil {
		if a := s.Account(s.Organization.ManagementAccount); a != nil {
			srv.defaultAcct = a
		}
	}
	return srv, nil
}

// Env returns the environment (NAME=value lines) that points the AWS SDKs and
// CLI at a sandbox listening on url.
func Env(url string) []string {
	return []string{
		"AWS_ENDPOINT_URL=" + url,
		"AWS_ACCESS_KEY_ID=" + DummyAccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + DummySecretAccessKey,
		"AWS_REGION=" + DefaultRegion,
		// AWS CLI v1 reads only this one.
		"AWS_DEFAULT_REGION=" + DefaultRegion,
	}
}

// ServeHTTP answers one AWS API request, or GET /_sandbox/stats.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/_sandbox/stats":
		s.serveStats(w, r)
		return
	case "/_sandbox/snapshot":
		s.serveSnapshot(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		http.Error(w, "request body unreadable or too large", http.StatusRequestEntityTooLarge)
		return
	}
	c := &call{w: w, r: r, body: body, reqID: s.requestID()}
	if err := c.identify(); err != nil {
		c.writeError(err)
		return
	}
	s.count(c.key())
	if s.opts.Latency > 0 {
		t := time.NewTimer(s.opts.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if e := s.inject(c); e != nil {
		c.writeError(e)
		return
	}
	unlock, e := s.lockState(c)
	if e != nil {
		c.writeError(e)
		return
	}
	defer unlock()
	if e := s.authenticate(c); e != nil {
		c.writeError(e)
		return
	}
	s.resolve(c)
	if e := s.rateLimit(c); e != nil {
		c.writeError(e)
		return
	}
	if e := s.authorize(c); e != nil {
		c.writeError(e)
		return
	}
	h := c.handler
	out, e := h(s, c)
	if e != nil {
		c.writeError(e)
		return
	}
	c.writeResult(out)
}

// maxBody bounds request bodies: Security Hub's BatchImportFindings takes
// the largest (6 MB, securityhub.go); the other APIs take small inputs.
const maxBody = hubMaxRequestBytes + 1<<20

func (s *Server) requestID() string {
	s.mu.Lock()
	s.seq++
	n := s.seq
	s.mu.Unlock()
	return fmt.Sprintf("5a4d5b1e-%04x-4000-8000-%012x", n>>48&0xffff, n&0xffffffffffff)
}

func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encode response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(data)
}
