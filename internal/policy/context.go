package policy

import (
	"strconv"
	"strings"
	"time"
)

// Request is one authorisation question.
type Request struct {
	// Principal is the caller: an IAM user or role ARN, an assumed-role
	// session ARN, an account ID, or a service / federated principal. Empty
	// means "some principal" (see Evaluate).
	Principal string
	// Action is "service:Action"; case does not matter.
	Action string
	// Resource is the target ARN. "*" is literal: only statements that cover
	// every resource match it. Empty means "some resource" (see Evaluate).
	Resource string
	// Context holds the request's condition keys (case-insensitive) and their
	// values. A key not listed is unknown, unless ClosedContext is set or the
	// key is in Absent; then it is known to be missing from the request.
	Context       map[string][]string
	Absent        []string
	ClosedContext bool
	// Now is the evaluation time (the scan's reference time, never the
	// wall clock). When set, aws:CurrentTime and aws:EpochTime take it as
	// their value unless Context gives them, and aws:TokenIssueTime, whose
	// exact value no snapshot can know, is bounded by it (see timeBound):
	// a date condition the bound decides is decided.
	Now time.Time

	// prepared is the condition context built by Prepare.
	prepared *evalContext
}

// Prepare returns the request with its condition context built once, so
// that copies of it that change only Action and Resource skip that work when
// evaluated — what a caller asking many questions for one principal wants.
// Principal, Context, Absent and ClosedContext must not change afterwards
// (Context's map included).
func (r Request) Prepare() Request {
	r.prepared = nil
	r.prepared = newEvalContext(&r)
	return r
}

// evalContext returns the prepared context, or builds one.
func (r *Request) evalContext() *evalContext {
	if r.prepared != nil {
		return r.prepared
	}
	return newEvalContext(r)
}

type keyState uint8

const (
	keyUnknown keyState = iota
	keyAbsent
	keyPresent
)

// evalContext is the request context with lower-case keys, built once per
// request. Keys derived from the principal ARN are added when the caller did
// not give them.
type evalContext struct {
	values map[string][]string
	absent map[string]bool
	closed bool
	// token bounds aws:TokenIssueTime when its value is not known
	// (hasToken).
	token    timeBound
	hasToken bool
}

func newEvalContext(r *Request) *evalContext {
	c := &evalContext{closed: r.ClosedContext}
	if len(r.Context) > 0 {
		c.values = make(map[string][]string, len(r.Context)+3)
		for k, v := range r.Context {
			c.values[strings.ToLower(k)] = v
		}
	}
	if len(r.Absent) > 0 {
		c.absent = make(map[string]bool, len(r.Absent))
		for _, k := range r.Absent {
			c.absent[strings.ToLower(k)] = true
		}
	}
	if !r.Now.IsZero() {
		now := r.Now.UTC()
		c.derive("aws:currenttime", now.Format(time.RFC3339))
		c.derive("aws:epochtime", strconv.FormatInt(now.Unix(), 10))
		if _, set := c.values[keyTokenIssueTime]; !set && !c.absent[keyTokenIssueTime] {
			c.token, c.hasToken = tokenIssueBound(r, now), true
		}
	}
	if a, ok := SplitARN(r.Principal); ok {
		c.derive("aws:principalarn", r.Principal)
		c.derive("aws:principalaccount", a.Account)
		if a.Service == "iam" && strings.HasPrefix(a.Resource, "user/") {
			c.derive("aws:username", a.Resource[strings.LastIndexByte(a.Resource, '/')+1:])
		}
	}
	return c
}

func (c *evalContext) derive(key, value string) {
	if _, set := c.values[key]; set || c.absent[key] {
		return
	}
	if c.values == nil {
		c.values = map[string][]string{}
	}
	c.values[key] = []string{value}
}

// lookup returns a key's values and whether they are known. The key may be in
// any case.
func (c *evalContext) lookup(key string) ([]string, keyState) {
	if c == nil {
		return nil, keyUnknown
	}
	return c.lookupLower(strings.ToLower(key))
}

// lookupLower is lookup for a key already in lower case.
func (c *evalContext) lookupLower(k string) ([]string, keyState) {
	if c == nil {
		return nil, keyUnknown
	}
	if v, ok := c.values[k]; ok {
		return v, keyPresent
	}
	if c.closed || c.absent[k] {
		return nil, keyAbsent
	}
	return nil, keyUnknown
}

// tri is a three-valued truth: a condition on a key the request does not
// reveal is neither true nor false.
type tri uint8

const (
	triFalse tri = iota
	triTrue
	triUnknown
)
