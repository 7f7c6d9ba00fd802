package apply

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/iamspect/iamspect/internal/remediate/plan"
)

// Journal events.
const (
	EvBegin          = "begin"   // an apply run starts (plan hash, stage)
	EvStart          = "start"   // written and synced before the call
	EvDone           = "done"    // after a successful call (or a confirmed effect)
	EvFailed         = "failed"  // the call failed; the run stopped
	EvRefused        = "refused" // precondition, guard rail or needs-input
	EvRollbackStart  = "rollback-start"
	EvRollbackDone   = "rollback-done"
	EvRollbackFailed = "rollback-failed"
)

// Entry is one line of the journal (JSON Lines, append-only).
type Entry struct {
	Time       time.Time  `json:"time"`
	Event      string     `json:"event"`
	PlanSHA256 string     `json:"plan_sha256,omitempty"`
	ActionID   string     `json:"action_id,omitempty"`
	Stage      string     `json:"stage,omitempty"`
	AccountID  string     `json:"account_id,omitempty"`
	Title      string     `json:"title,omitempty"`
	Call       *plan.Call `json:"call,omitempty"`
	Reversible bool       `json:"reversible,omitempty"`
	Inverse    *plan.Call `json:"inverse,omitempty"`
	// StateBefore holds what each precondition check read just before the call.
	StateBefore map[string]string `json:"state_before,omitempty"`
	RequestID   string            `json:"request_id,omitempty"`
	Error       string            `json:"error,omitempty"`
	Note        string            `json:"note,omitempty"`
	// Outputs are the response's fields of a done call that later
	// actions refer to (plan.Ref; migration plans, migrate_ops.go).
	Outputs map[string]string `json:"outputs,omitempty"`
}

// Journal appends entries, syncing each to disk before returning.
type Journal struct {
	path string
	f    *os.File
}

// OpenJournal opens (creating) the journal for appending.
func OpenJournal(path string) (*Journal, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	// One writer at a time: two applies of one plan would both run an
	// action the journal does not yet show done.
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &PlanError{fmt.Errorf("journal %s is in use by another fix apply or rollback", path)}
		}
		return nil, fmt.Errorf("journal %s: lock: %w", path, err)
	}
	return &Journal{path: path, f: f}, nil
}

// Append writes one entry and fsyncs it.
func (j *Journal) Append(e Entry) error {
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if _, err := j.f.Write(b); err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("journal %s: sync: %w", j.path, err)
	}
	return nil
}

// Close closes the file.
func (j *Journal) Close() error { return j.f.Close() }

// MaxJournalBytes bounds a journal read back.
const MaxJournalBytes = 256 << 20

// ReadJournal reads every entry. A last line cut short (the process was
// killed while writing it) is ignored; a malformed line elsewhere is an
// error naming its line.
func ReadJournal(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxJournalBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxJournalBytes {
		return nil, fmt.Errorf("%s: more than %d bytes", path, MaxJournalBytes)
	}
	var out []Entry
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	line := 0
	complete := len(data) == 0 || data[len(data)-1] == '\n'
	lines := bytes.Count(data, []byte{'\n'})
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			if !complete && line == lines+1 {
				break // torn last write
			}
			return nil, fmt.Errorf("%s: line %d: %v", path, line, err)
		}
		out = append(out, e)
	}
	return out, sc.Err()
}

// state is what the journal says about each action.
type state struct {
	done     map[string]Entry // action ID → its done entry
	inflight map[string]Entry // started, neither done nor failed
	started  map[string]bool  // a call of this journal was made (or begun)
	rolled   map[string]bool  // rolled back
	lastDone map[string]time.Time
	planSHA  string
}

func summarize(es []Entry) state {
	st := state{done: map[string]Entry{}, inflight: map[string]Entry{}, started: map[string]bool{}, rolled: map[string]bool{}, lastDone: map[string]time.Time{}}
	for _, e := range es {
		switch e.Event {
		case EvBegin:
			if st.planSHA == "" {
				st.planSHA = e.PlanSHA256
			}
		case EvStart:
			st.inflight[e.ActionID] = e
			st.started[e.ActionID] = true
		case EvDone:
			delete(st.inflight, e.ActionID)
			st.done[e.ActionID] = e
			if e.Time.After(st.lastDone[e.Stage]) {
				st.lastDone[e.Stage] = e.Time
			}
		case EvFailed:
			delete(st.inflight, e.ActionID)
		case EvRollbackDone:
			st.rolled[e.ActionID] = true
		}
	}
	return st
}
