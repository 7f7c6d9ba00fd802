package finding

import (
	"bufio"
	"cmp"
	"container/heap"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
)

// Spool writes a scan's results to an unlinked temporary file, one sorted
// run at a time (an account's results, or the organisation rules'), and
// turns them into a List whose passes merge the runs in report order. It
// is how an organisation scan keeps its memory from growing with the
// number of accounts.
//
// The file is removed from its directory as soon as it is created: nothing
// is left behind when the process ends, however it ends, and no other
// process can open it by name. Results hold no secrets (no key material,
// no passwords), only what the report itself will show.
type Spool struct {
	f    *os.File
	w    *bufio.Writer
	size int64
	runs []run
	n    int
	rec  []byte
}

// run is one sorted stretch of the file.
type run struct {
	off, size int64
	n         int
}

// NewSpool creates the spool's file in dir (the system's temporary
// directory when dir is empty).
func NewSpool(dir string) (*Spool, error) {
	f, err := os.CreateTemp(dir, "iamspect-results-*")
	if err != nil {
		return nil, fmt.Errorf("spilling results: %w", err)
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, fmt.Errorf("spilling results: %w", err)
	}
	return &Spool{f: f, w: bufio.NewWriterSize(f, 256<<10)}, nil
}

// Add sorts rs into report order (Sort, stable) and writes them as one
// run. Runs are merged in the order they were added when results tie.
func (s *Spool) Add(rs []Result) error {
	if len(rs) == 0 {
		return nil
	}
	Sort(rs)
	r := run{off: s.size, n: len(rs)}
	for i := range rs {
		var err error
		s.rec, err = appendRecord(s.rec[:0], &rs[i])
		if err != nil {
			return err
		}
		var head [binary.MaxVarintLen64]byte
		h := binary.PutUvarint(head[:], uint64(len(s.rec)))
		if _, err := s.w.Write(head[:h]); err != nil {
			return fmt.Errorf("spilling results: %w", err)
		}
		if _, err := s.w.Write(s.rec); err != nil {
			return fmt.Errorf("spilling results: %w", err)
		}
		r.size += int64(h + len(s.rec))
	}
	s.size += r.size
	s.n += len(rs)
	s.runs = append(s.runs, r)
	return nil
}

// List flushes the spool and returns its results as a list; the spool
// must not be added to afterwards. The file is closed with List.Close, or
// when the list is no longer reachable.
func (s *Spool) List() (List, error) {
	if err := s.w.Flush(); err != nil {
		s.f.Close()
		return List{}, fmt.Errorf("spilling results: %w", err)
	}
	sp := &spilled{f: s.f, runs: s.runs, n: s.n}
	runtime.AddCleanup(sp, func(f *os.File) { f.Close() }, s.f)
	return List{sp: sp}, nil
}

// Discard closes the spool's file without making a list.
func (s *Spool) Discard() { s.f.Close() }

// spilled is a list read back from a spool's file.
type spilled struct {
	f    *os.File
	runs []run
	n    int
	once sync.Once
}

func (sp *spilled) closeFile() (err error) {
	sp.once.Do(func() { err = sp.f.Close() })
	return err
}

// runBuffer is what each run's reader buffers: 1,000 accounts read 8 MB
// at a time.
const runBuffer = 8 << 10

// all merges the runs: a heap of one cursor per run, ordered as Sort
// orders results, ties going to the earlier run. A read error on the
// process's own temporary file is not something a report can go on
// without, so it panics rather than yield a shorter list.
func (sp *spilled) all(yield func(int, Result) bool) {
	intern := map[string]string{}
	h := make(cursors, 0, len(sp.runs))
	for i, r := range sp.runs {
		c := &cursor{run: i, left: r.n, in: bufio.NewReaderSize(io.NewSectionReader(sp.f, r.off, r.size), runBuffer),
			dec: recordReader{intern: intern}}
		if c.next() {
			h = append(h, c)
		}
	}
	heap.Init(&h)
	for i := 0; len(h) > 0; i++ {
		c := h[0]
		if !yield(i, c.cur) {
			return
		}
		if c.next() {
			heap.Fix(&h, 0)
		} else {
			heap.Pop(&h)
		}
	}
}

// cursor reads one run.
type cursor struct {
	run  int
	left int
	in   *bufio.Reader
	dec  recordReader
	buf  []byte
	cur  Result
}

// next reads the run's next result into cur; false at the run's end.
func (c *cursor) next() bool {
	if c.left == 0 {
		return false
	}
	c.left--
	n, err := binary.ReadUvarint(c.in)
	if err == nil && n > 1<<30 {
		err = errCorrupt
	}
	if err == nil {
		if uint64(cap(c.buf)) < n {
			c.buf = make([]byte, n)
		}
		c.buf = c.buf[:n]
		_, err = io.ReadFull(c.in, c.buf)
	}
	if err == nil {
		err = c.dec.record(c.buf, &c.cur)
	}
	if err != nil {
		panic(fmt.Errorf("reading back the spilled results: %w", err))
	}
	return true
}

// cursors is a heap in Sort's order.
type cursors []*cursor

func (h cursors) Len() int { return len(h) }
func (h cursors) Less(i, j int) bool {
	return cmp.Or(Compare(&h[i].cur, &h[j].cur), cmp.Compare(h[i].run, h[j].run)) < 0
}
func (h cursors) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *cursors) Push(x any)   { *h = append(*h, x.(*cursor)) }
func (h *cursors) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}
