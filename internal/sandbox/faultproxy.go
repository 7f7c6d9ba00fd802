package sandbox

import (
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
)

// FaultOptions say which network faults a FaultProxy injects, each as a
// fraction (0-1) of requests. Faults are decided per request from a seeded
// random source.
type FaultOptions struct {
	// StallRate: the connection is accepted and the request read, but no
	// answer ever comes (until the client gives up).
	StallRate float64
	// ResetRate: the connection is reset (TCP RST) without an answer.
	ResetRate float64
	// TruncateRate: the answer's headers and status are sent with the full
	// Content-Length, then the body stops halfway and the connection closes.
	TruncateRate float64
	// Stall, when set, stalls every request it returns true for, whatever
	// the rates.
	Stall func(*http.Request) bool
	Seed  int64
}

// FaultProxy is an http.Handler in front of another (the sandbox, or an
// httputil.ReverseProxy to one) that stalls, resets and truncates
// responses, to test a client's timeouts and retries. Stats counts the
// faults injected.
type FaultProxy struct {
	next http.Handler
	opts FaultOptions

	mu    sync.Mutex
	rng   *rand.Rand
	stats map[string]int
}

// NewFaultProxy returns a proxy that answers through next, injecting faults.
func NewFaultProxy(next http.Handler, opts FaultOptions) *FaultProxy {
	return &FaultProxy{next: next, opts: opts, stats: map[string]int{},
		rng: rand.New(rand.NewPCG(uint64(opts.Seed), 0x6661_756c_7473))}
}

// Stats returns how many requests got each fault ("stall", "reset",
// "truncate") and how many were passed through ("ok").
func (p *FaultProxy) Stats() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]int, len(p.stats))
	for k, v := range p.stats {
		out[k] = v
	}
	return out
}

func (p *FaultProxy) decide(r *http.Request) string {
	if p.opts.Stall != nil && p.opts.Stall(r) {
		return "stall"
	}
	p.mu.Lock()
	x := p.rng.Float64()
	p.mu.Unlock()
	switch o := p.opts; {
	case x < o.StallRate:
		return "stall"
	case x < o.StallRate+o.ResetRate:
		return "reset"
	case x < o.StallRate+o.ResetRate+o.TruncateRate:
		return "truncate"
	}
	return "ok"
}

// ServeHTTP answers through the next handler, or injects a fault.
func (p *FaultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fault := p.decide(r)
	p.mu.Lock()
	p.stats[fault]++
	p.mu.Unlock()
	switch fault {
	case "stall":
		// Read the request to the end, so that the server notices when the
		// client gives up and hangs up (which ends the request's context).
		_, _ = io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
		return
	case "reset":
		p.next.ServeHTTP(httptest.NewRecorder(), r) // the server did the work; the answer is lost
		reset(w)
		return
	case "truncate":
		rec := httptest.NewRecorder()
		p.next.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body[:len(body)/2])
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		// Ending the handler with fewer bytes than Content-Length makes the
		// server close the connection; aborting makes sure of it.
		panic(http.ErrAbortHandler)
	}
	p.next.ServeHTTP(w, r)
}

// reset closes the request's connection with a TCP RST.
func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
