package jsonreport

import (
	"io"
	"runtime"
	"sync"

	"github.com/iamspect/iamspect/internal/finding"
)

// batchSize is the results one worker encodes into one buffer: about
// 45 KB of JSON for a typical result of 700 bytes, up to about 0.5 MB when
// each lists a hundred principals. Larger batches did not encode faster
// and made the buffers in flight grow (95 MB allocated a 312 MB report at
// 512 results, 18 MB at 64).
const batchSize = 64

// batch is one run of results to encode, and where its bytes come back.
type batch struct {
	rs    []finding.Result
	first bool
	done  chan encoded
}

type encoded struct {
	buf *[]byte
	err error
}

// writeBatches encodes the results in batches on every CPU and writes the
// batches in order. At most two batches per worker wait for the writer,
// so about three buffers per worker exist whatever the number of results.
func writeBatches(w io.Writer, rs finding.List) error {
	workers := min(runtime.GOMAXPROCS(0), (rs.Len()+batchSize-1)/batchSize)
	if workers <= 1 {
		return writeSerially(w, rs)
	}
	free := make(chan *[]byte, 3*workers) // buffers written, for reuse
	inOrder := make(chan batch, 2*workers)
	todo := make(chan batch)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { feed(rs, inOrder, todo, stop) })
	for range workers {
		wg.Go(func() {
			for b := range todo {
				var buf *[]byte
				select {
				case buf = <-free:
				default:
					buf = new([]byte)
				}
				var err error
				*buf, err = appendBatch((*buf)[:0], b.rs, b.first)
				b.done <- encoded{buf, err}
			}
		})
	}
	err := drain(w, inOrder, free)
	close(stop)
	wg.Wait()
	return err
}

// feed queues the batches: first in order for the writer, then for the
// workers, until every batch is queued or the writer stops. A spilled list
// is read back here, one batch at a time.
func feed(rs finding.List, inOrder, todo chan<- batch, stop <-chan struct{}) {
	defer close(todo)
	defer close(inOrder)
	first := true
	for run := range rs.Batches(batchSize) {
		b := batch{rs: run, first: first, done: make(chan encoded, 1)}
		first = false
		select {
		case inOrder <- b:
		case <-stop:
			return
		}
		select {
		case todo <- b:
		case <-stop:
			return
		}
	}
}

// drain writes the batches in order as they are encoded, and stops at the
// first error.
func drain(w io.Writer, inOrder <-chan batch, free chan<- *[]byte) error {
	for b := range inOrder {
		e := <-b.done
		if e.err != nil {
			return e.err
		}
		if _, err := w.Write(*e.buf); err != nil {
			return err
		}
		select {
		case free <- e.buf:
		default:
		}
	}
	return nil
}

// writeSerially is writeBatches on one CPU.
func writeSerially(w io.Writer, rs finding.List) error {
	var buf []byte
	first := true
	for run := range rs.Batches(batchSize) {
		var err error
		if buf, err = appendBatch(buf[:0], run, first); err != nil {
			return err
		}
		first = false
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}
