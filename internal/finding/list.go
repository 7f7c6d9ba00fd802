package finding

import (
	"bytes"
	"encoding/json"
	"iter"
)

// List is a scan's results in report order. A small scan's list is a slice
// in memory. An organisation's is spilled (Spool): its results wait in an
// unlinked temporary file as one sorted run per account, and every pass
// over the list merges the runs again, so that what a scan holds does not
// grow with the number of accounts.
//
// Read a list with All (one pass, in order) or Len; Slice materialises it.
type List struct {
	mem []Result
	sp  *spilled
}

// ListOf is the list of rs, in memory, in the order given.
func ListOf(rs []Result) List { return List{mem: rs} }

// Len is the number of results.
func (l List) Len() int {
	if l.sp != nil {
		return l.sp.n
	}
	return len(l.mem)
}

// Spilled reports whether the list is read back from a temporary file.
func (l List) Spilled() bool { return l.sp != nil }

// All yields the results in order with their positions. A spilled list
// decodes each result afresh on each pass, so changing a yielded result
// changes nothing; to change a list in memory, use Slice.
func (l List) All() iter.Seq2[int, Result] {
	if l.sp != nil {
		return l.sp.all
	}
	return func(yield func(int, Result) bool) {
		for i := range l.mem {
			if !yield(i, l.mem[i]) {
				return
			}
		}
	}
}

// Slice returns the results as one slice: the list's own for a list in
// memory (a change to it is a change to the list), a new one read back for
// a spilled list.
func (l List) Slice() []Result {
	if l.sp == nil {
		return l.mem
	}
	out := make([]Result, 0, l.sp.n)
	for _, r := range l.sp.all {
		out = append(out, r)
	}
	return out
}

// Close releases a spilled list's temporary file; the list must not be read
// afterwards. Closing a list in memory does nothing.
func (l List) Close() error {
	if l.sp == nil {
		return nil
	}
	return l.sp.closeFile()
}

// MarshalJSON writes the results as a JSON array ([] when there are none).
// HTML characters are left as they are: the encoder calling MarshalJSON
// escapes them or not, as it was told.
func (l List) MarshalJSON() ([]byte, error) {
	rs := l.Slice()
	if rs == nil {
		rs = []Result{}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rs); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// UnmarshalJSON reads a JSON array of results into a list in memory.
func (l *List) UnmarshalJSON(b []byte) error {
	var rs []Result
	if err := json.Unmarshal(b, &rs); err != nil {
		return err
	}
	*l = List{mem: rs}
	return nil
}

// Batches yields the results in order as runs of up to n: views of the
// list's own slice in memory, fresh slices read back for a spilled list.
func (l List) Batches(n int) iter.Seq[[]Result] {
	n = max(n, 1)
	return func(yield func([]Result) bool) {
		if l.sp == nil {
			for lo := 0; lo < len(l.mem); lo += n {
				if !yield(l.mem[lo:min(lo+n, len(l.mem))]) {
					return
				}
			}
			return
		}
		run := make([]Result, 0, n)
		for _, r := range l.sp.all {
			if run = append(run, r); len(run) == n {
				if !yield(run) {
					return
				}
				run = make([]Result, 0, n)
			}
		}
		if len(run) > 0 {
			yield(run)
		}
	}
}
