package githuboidc

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// Mapping says which IAM user a repository secret holds the key of.
type Mapping struct {
	Repo, Secret, AccountID, UserName string
	// OwnerID and RepoID are GitHub's numeric IDs (optional), for the
	// ID-based subject form.
	OwnerID, RepoID string
	Line            int
}

// ReadMapping reads a --mapping CSV: repo,secret,account_id,user_name and
// optionally owner_id,repo_id (header first).
func ReadMapping(path string) ([]Mapping, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseMapping(f, path)
}

var acctRe = regexp.MustCompile(`^[0-9]{12}$`)

// ParseMapping parses a --mapping CSV.
func ParseMapping(r io.Reader, name string) ([]Mapping, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	want := []string{"repo", "secret", "account_id", "user_name"}
	if len(head) < 4 || len(head) > 6 {
		return nil, fmt.Errorf("%s line 1: header must be repo,secret,account_id,user_name[,owner_id,repo_id]", name)
	}
	for i, w := range want {
		if strings.ToLower(strings.TrimSpace(head[i])) != w {
			return nil, fmt.Errorf("%s line 1: column %d must be %s", name, i+1, w)
		}
	}
	var out []Mapping
	for n := 2; ; n++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if len(rec) != len(head) {
			return nil, fmt.Errorf("%s line %d: %d fields, the header has %d", name, n, len(rec), len(head))
		}
		m := Mapping{Repo: strings.TrimSpace(rec[0]), Secret: strings.TrimSpace(rec[1]), AccountID: strings.TrimSpace(rec[2]), UserName: strings.TrimSpace(rec[3]), Line: n}
		if len(rec) == 6 {
			m.OwnerID, m.RepoID = strings.TrimSpace(rec[4]), strings.TrimSpace(rec[5])
		}
		switch {
		case !validRepoName(m.Repo):
			return nil, fmt.Errorf("%s line %d: repo %q is not OWNER/REPO", name, n, m.Repo)
		case m.Secret == "":
			return nil, fmt.Errorf("%s line %d: secret is empty", name, n)
		case !acctRe.MatchString(m.AccountID):
			return nil, fmt.Errorf("%s line %d: account_id %q is not a 12-digit account ID", name, n, m.AccountID)
		case m.UserName == "":
			return nil, fmt.Errorf("%s line %d: user_name is empty", name, n)
		}
		out = append(out, m)
	}
	return out, nil
}

// genericWords carry no hint of whose key a secret holds.
var genericWords = map[string]bool{"AWS": true, "ACCESS": true, "KEY": true, "ID": true, "SECRET": true, "SESSION": true, "TOKEN": true, "KEYID": true}

// mapSecret finds the IAM user a secret holds the key of: the mapping
// file, else a guess from names, tags and where the key was last used.
func mapSecret(s *snapshot.Snapshot, r *Repo, secret string, uses []KeyUse, mapping []Mapping) (Target, bool) {
	for _, m := range mapping {
		if m.Repo == r.Name && m.Secret == secret {
			a := s.Account(m.AccountID)
			if a == nil || a.User(m.UserName) == nil {
				return Target{}, false
			}
			return Target{AccountID: m.AccountID, UserName: m.UserName, Why: fmt.Sprintf("mapping file line %d", m.Line)}, true
		}
	}
	svcs, regions := r.jobServices(uses)
	var hints []string
	for _, w := range strings.FieldsFunc(strings.ToUpper(secret), func(c rune) bool { return c == '_' || c == '-' }) {
		if !genericWords[w] {
			hints = append(hints, strings.ToLower(w))
		}
	}
	type cand struct {
		a     *snapshot.Account
		u     *snapshot.User
		score int
		why   []string
	}
	var best []cand
	for _, a := range s.Accounts {
		for _, usr := range a.Users {
			if len(usr.ActiveAccessKeys()) == 0 || usr.HasConsolePassword() {
				continue
			}
			c := cand{a: a, u: usr}
			name := strings.ToLower(usr.Name)
			for _, h := range hints {
				if strings.Contains(name, h) {
					c.score += 3
					c.why = append(c.why, "the secret's name has "+strings.ToUpper(h)+", the user's name "+usr.Name)
				}
			}
			if len(hints) == 0 {
				for _, t := range usr.Tags {
					v := strings.ToLower(t.Value)
					if strings.Contains(v, "github") || v == "ci" || strings.Contains(v, "actions") {
						c.score += 2
						c.why = append(c.why, "tag "+t.Key+"="+t.Value)
					}
				}
				for _, w := range []string{"ci", "github", "deploy", "actions"} {
					if slices.Contains(strings.FieldsFunc(name, func(c rune) bool { return c == '-' || c == '_' || c == '.' }), w) {
						c.score++
						c.why = append(c.why, "the user's name has "+w)
						break
					}
				}
			}
			// Where the key was last used: a service the job calls, a
			// region it configures.
			if k := lastUsedKey(usr); k != nil && c.score > 0 {
				if k.LastUsedService != "" && svcs[strings.ToLower(k.LastUsedService)] {
					c.score++
					c.why = append(c.why, "its key was last used with "+k.LastUsedService+", which the job calls")
				}
				if k.LastUsedRegion != "" && regions[k.LastUsedRegion] {
					c.score++
					c.why = append(c.why, "in "+k.LastUsedRegion+", the job's region")
				}
			}
			if c.score == 0 {
				continue
			}
			switch {
			case len(best) == 0 || c.score > best[0].score:
				best = []cand{c}
			case c.score == best[0].score:
				best = append(best, c)
			}
		}
	}
	if len(best) != 1 {
		return Target{}, false
	}
	c := best[0]
	return Target{AccountID: c.a.ID, UserName: c.u.Name, Guess: true, Why: "guess: " + strings.Join(c.why, "; ")}, true
}

// lastUsedKey is the user's most recently used active key.
func lastUsedKey(u *snapshot.User) *snapshot.AccessKey {
	var best *snapshot.AccessKey
	for i := range u.AccessKeys {
		k := &u.AccessKeys[i]
		if !k.Active() || k.LastUsed == nil {
			continue
		}
		if best == nil || k.LastUsed.After(*best.LastUsed) {
			best = k
		}
	}
	return best
}

var (
	reAWSCommand = regexp.MustCompile(`\baws\s+(?:--[a-z-]+\s+\S+\s+)*([a-z0-9-]+)\s`)
	reRegion     = regexp.MustCompile(`\b[a-z]{2}(?:-gov)?-[a-z]+-[0-9]\b`)
)

// jobServices reads the AWS services the uses' workflows call —
// aws CLI commands, ECR logins and pushes — and the regions it names.
func (r *Repo) jobServices(uses []KeyUse) (map[string]bool, map[string]bool) {
	svcs, regions := map[string]bool{}, map[string]bool{}
	files := map[string]bool{}
	for _, u := range uses {
		files[u.File] = true
	}
	for _, wf := range r.Workflows {
		if !files[wf.Path] {
			continue
		}
		text := string(wf.Src)
		for _, m := range reAWSCommand.FindAllStringSubmatch(text, -1) {
			svc := m[1]
			switch svc {
			case "configure", "sts":
				continue
			case "deploy":
				svc = "codedeploy"
			}
			svcs[svc] = true
		}
		if strings.Contains(text, "amazon-ecr-login") || strings.Contains(text, ".dkr.ecr.") {
			svcs["ecr"] = true
		}
		for _, m := range reRegion.FindAllString(text, -1) {
			regions[m] = true
		}
	}
	return svcs, regions
}
