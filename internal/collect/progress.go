package collect

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/iamspect/iamspect/internal/wording"
)

// progress draws one status line ("\r...") on a terminal: accounts and
// inputs done, and API calls so far. A nil *progress draws nothing, so
// callers never check.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	counter  *Counter
	total    int
	done_    int
	accounts map[string]bool
	last     time.Time
	drawn    bool
}

// newProgress returns nil when w is nil (not a terminal): no output at all.
func newProgress(w io.Writer, c *Counter) *progress {
	if w == nil {
		return nil
	}
	return &progress{w: w, counter: c, accounts: map[string]bool{}}
}

func (p *progress) add(account string, tasks int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.accounts[account] = true
	p.total += tasks
	p.draw(false)
}

func (p *progress) done(string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done_++
	p.draw(false)
}

// draw rewrites the line at most ten times a second.
func (p *progress) draw(force bool) {
	if !force && time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	calls := 0
	if p.counter != nil {
		calls = p.counter.Total("")
	}
	fmt.Fprintf(p.w, "\r\x1b[Kiamspect: collecting %s: %d/%d inputs, %s", wording.Count(len(p.accounts), "account"), p.done_, p.total, wording.Count(calls, "API call"))
	p.drawn = true
}

// finish clears the line so the report starts on a clean line.
func (p *progress) finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
