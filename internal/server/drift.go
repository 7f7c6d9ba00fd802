package server

import (
	"context"
	"net/http"
	"strconv"

	"github.com/iamspect/iamspect/internal/drift"
	"github.com/iamspect/iamspect/internal/drift/iamdiff"
	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/store"
)

// Drift is what changed between two successful scans of a target: IAM
// state (iamdiff.Compare of their stored snapshots, as 'iamspect drift
// OLD.json NEW.json' shows it) and findings (by fingerprint, as 'iamspect
// diff').
type Drift struct {
	Target   string        `json:"target"`
	From     *store.Scan   `json:"from"`
	To       *store.Scan   `json:"to"`
	IAM      iamdiff.Delta `json:"iam"`
	Findings *drift.Diff   `json:"findings"`
}

// DriftBetween compares two scans; with from or to zero, the target's
// latest successful scan and the one before it.
func DriftBetween(ctx context.Context, st store.Store, target string, from, to int64) (*Drift, error) {
	if from == 0 || to == 0 {
		ok, err := succeeded(ctx, st, target, 2)
		if err != nil {
			return nil, err
		}
		if to == 0 && len(ok) > 0 {
			to = ok[0].ID
		}
		if from == 0 {
			for _, sc := range ok {
				if sc.ID < to {
					from = sc.ID
					break
				}
			}
		}
		if from == 0 || to == 0 {
			return nil, badRequest{"drift needs two successful scans of the target"}
		}
	}
	a, err := st.Scan(ctx, from)
	if err != nil {
		return nil, err
	}
	b, err := st.Scan(ctx, to)
	if err != nil {
		return nil, err
	}
	if a.Target != target || b.Target != target {
		return nil, badRequest{"both scans must be of the target"}
	}
	d := &Drift{Target: target, From: a, To: b}
	if d.IAM, err = iamChanges(ctx, st, from, to); err != nil {
		return nil, err
	}
	ra, err := st.Results(ctx, from)
	if err != nil {
		return nil, err
	}
	rb, err := st.Results(ctx, to)
	if err != nil {
		return nil, err
	}
	d.Findings = drift.Compare(&report.Report{Results: finding.ListOf(ra)}, &report.Report{Results: finding.ListOf(rb)})
	return d, nil
}

// succeeded keeps the successful scans among the target's latest n*25.
func succeeded(ctx context.Context, st store.Store, target string, n int) ([]store.Scan, error) {
	scans, err := st.Scans(ctx, target, n*25, 0)
	if err != nil {
		return nil, err
	}
	var out []store.Scan
	for _, sc := range scans {
		if sc.Status == store.StatusSucceeded {
			out = append(out, sc)
		}
	}
	return out, nil
}

// iamChanges compares the snapshots of two scans.
func iamChanges(ctx context.Context, st store.Store, from, to int64) (iamdiff.Delta, error) {
	a, err := st.Snapshot(ctx, from)
	if err != nil {
		return iamdiff.Delta{}, err
	}
	b, err := st.Snapshot(ctx, to)
	if err != nil {
		return iamdiff.Delta{}, err
	}
	return iamdiff.Compare(a, b), nil
}

// driftOf is DriftBetween with a small cache (stored snapshots never change;
// the cache is emptied when it holds more than maxDriftCache pairs).
func (s *Server) driftOf(ctx context.Context, target string, from, to int64) (*Drift, error) {
	key := [2]int64{from, to}
	if from != 0 && to != 0 {
		s.driftMu.Lock()
		d, ok := s.drift[key]
		s.driftMu.Unlock()
		if ok && d.Target == target {
			return d, nil
		}
	}
	d, err := DriftBetween(ctx, s.st, target, from, to)
	if err == nil {
		s.driftMu.Lock()
		if len(s.drift) >= maxDriftCache {
			clear(s.drift)
		}
		s.drift[[2]int64{d.From.ID, d.To.ID}] = d
		s.driftMu.Unlock()
	}
	return d, err
}

const maxDriftCache = 64

func (s *Server) apiDrift(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if s.byName[name] == nil {
		s.fail(w, ErrUnknownTarget)
		return
	}
	var ids [2]int64
	for i, k := range []string{"from", "to"} {
		if v := r.URL.Query().Get(k); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 {
				s.fail(w, badRequest{k + ": want a scan id"})
				return
			}
			ids[i] = n
		}
	}
	d, err := s.driftOf(r.Context(), name, ids[0], ids[1])
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, 200, d)
}
