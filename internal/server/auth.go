package server

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// Tokens holds the SHA-256 hashes of the API's bearer tokens; the tokens
// themselves are dropped once hashed.
type Tokens struct {
	hashes [][sha256.Size]byte
}

// LoadTokens reads the tokens named by the auth settings.
func LoadTokens(a Auth, dir string) (*Tokens, error) {
	t := &Tokens{}
	if a.TokensFile != "" {
		path := a.TokensFile
		if !filepath.IsAbs(path) && dir != "" {
			path = filepath.Join(dir, path)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("auth: tokens_file: %w", err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line != "" && !strings.HasPrefix(line, "#") {
				t.add(line)
			}
		}
	}
	if a.TokensEnv != "" {
		v, ok := os.LookupEnv(a.TokensEnv)
		if !ok {
			return nil, fmt.Errorf("auth: tokens_env: the environment variable %s is not set", a.TokensEnv)
		}
		for _, tok := range strings.Split(v, ",") {
			if tok = strings.TrimSpace(tok); tok != "" {
				t.add(tok)
			}
		}
	}
	return t, nil
}

func (t *Tokens) add(tok string) { t.hashes = append(t.hashes, sha256.Sum256([]byte(tok))) }

// Enabled says whether any token is configured.
func (t *Tokens) Enabled() bool { return t != nil && len(t.hashes) > 0 }

// Valid compares the token's hash with every configured hash in constant
// time (no early exit, so timing tells nothing about which matched).
func (t *Tokens) Valid(tok string) bool {
	if !t.Enabled() || tok == "" {
		return false
	}
	h := sha256.Sum256([]byte(tok))
	ok := 0
	for i := range t.hashes {
		ok |= subtle.ConstantTimeCompare(h[:], t.hashes[i][:])
	}
	return ok == 1
}

// sessionCookie carries a token for the dashboard (set by /login).
const sessionCookie = "iamspect_token"

// tokenOf finds the request's token: "Authorization: Bearer", else the
// dashboard's cookie.
func tokenOf(r *http.Request) string {
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		return strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// requireAuth lets through health checks, the login page and its assets;
// everything else needs a valid token when tokens are configured.
func (s *Server) requireAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if !s.tokens.Enabled() || p == "/healthz" || p == "/readyz" || p == "/login" || strings.HasPrefix(p, "/assets/") {
			next.ServeHTTP(w, r)
			return
		}
		if s.tokens.Valid(tokenOf(r)) {
			next.ServeHTTP(w, r)
			return
		}
		if strings.HasPrefix(p, "/api/") || p == "/metrics" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="iamspect"`)
			writeJSON(w, http.StatusUnauthorized, apiError{Error: "a valid bearer token is required"})
			return
		}
		http.Redirect(w, r, "/login", http.StatusSeeOther)
	})
}

// Tokens reads the configuration's tokens (a relative tokens_file is
// relative to the configuration file).
func (c *Config) Tokens() (*Tokens, error) { return LoadTokens(c.Auth, c.dir) }
