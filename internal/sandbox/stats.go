package sandbox

import (
	"maps"
	"net/http"
)

func (s *Server) count(key string) {
	s.mu.Lock()
	s.stats[key]++
	s.mu.Unlock()
}

// Stats returns the number of requests received per API ("iam:ListUsers"),
// including those answered with an injected fault or AccessDenied.
func (s *Server) Stats() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.stats)
}

func (s *Server) serveStats(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	writeJSON(w, 200, "application/json", s.Stats())
}
