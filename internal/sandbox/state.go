package sandbox

import (
	"bytes"
	"fmt"
	"net/http"
	"os"

	"github.com/iamspect/iamspect/internal/outfile"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// The served state. Reads run under the read lock and writes under the write
// lock (ServeHTTP); the first write replaces the snapshot New was given with
// a deep copy, so the caller's snapshot is never changed.

// lockState takes the state lock for the call; the returned function
// releases it.
func (s *Server) lockState(c *call) (func(), *apiError) {
	if isWrite(c.service, c.action) {
		s.state.Lock()
		if !s.owned {
			cp, err := cloneSnapshot(s.snap)
			if err != nil {
				s.state.Unlock()
				return nil, &apiError{Status: 500, Code: "ServiceFailure", Message: "sandbox: copy state: " + err.Error()}
			}
			s.snap, s.owned = cp, true
			s.defaultAcct = s.snap.Account(s.defaultAcct.ID)
		}
		return s.afterWrite, nil
	}
	s.state.RLock()
	return s.state.RUnlock, nil
}

func (s *Server) resolve(c *call) {
	if c.acct != nil {
		if a := s.snap.Account(c.acct.ID); a != nil {
			c.acct = a
		}
	}
}

// afterWrite persists the state (Options.StateFile) and releases the lock.
func (s *Server) afterWrite() {
	defer s.state.Unlock()
	s.writes++
	if s.opts.StateFile != "" {
		if err := s.persist(); err != nil {
			s.persistErr = err
		}
	}
}

func (s *Server) persist() error {
	return outfile.Write(s.opts.StateFile, 0o600, s.snap.Write)
}

func cloneSnapshot(in *snapshot.Snapshot) (*snapshot.Snapshot, error) {
	var buf bytes.Buffer
	if err := in.Write(&buf); err != nil {
		return nil, err
	}
	return snapshot.Decode(&buf)
}

// Snapshot returns a copy of the current served state.
func (s *Server) Snapshot() (*snapshot.Snapshot, error) {
	s.state.RLock()
	defer s.state.RUnlock()
	return cloneSnapshot(s.snap)
}

// PersistError is the last error writing Options.StateFile, if any.
func (s *Server) PersistError() error {
	s.state.RLock()
	defer s.state.RUnlock()
	return s.persistErr
}

// serveSnapshot answers GET /_sandbox/snapshot with the current state.
func (s *Server) serveSnapshot(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	s.state.RLock()
	var buf bytes.Buffer
	err := s.snap.Write(&buf)
	s.state.RUnlock()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(buf.Bytes())
}

// LoadState reads a state file written by an earlier run (Options.StateFile),
// or returns nil, nil when there is none.
func LoadState(path string) (*snapshot.Snapshot, error) {
	if _, err := os.Stat(path); os.IsNotExist(err) {
		return nil, nil
	}
	s, err := snapshot.Load(path)
	if err != nil {
		return nil, fmt.Errorf("sandbox state file: %w", err)
	}
	return s, nil
}
