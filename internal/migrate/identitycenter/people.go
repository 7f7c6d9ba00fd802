// Package identitycenter plans the move of the people among an account's
// (or organisation's) IAM users to IAM Identity Center: Identity Store users
// and groups, permission sets derived from each user's effective identity
// policies (deduplicated, within AWS's limits), account assignments, and a
// later clean-up of the old users; with a proof, computed by iamspect's
// policy engine, of what each person would lose or gain.
package identitycenter

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// Person is one human identity, with the IAM users it had in each account.
type Person struct {
	// Key identifies the person across accounts (the e-mail, else the
	// normalised user name).
	Key         string
	UserName    string // Identity Center user name
	Email       string
	GivenName   string
	FamilyName  string
	DisplayName string
	// Users are the person's IAM users, one per account at most.
	Users []AccountUser
	// Why says why the users were taken for a person.
	Why []string
	// FromPeopleFile marks identities the --people file gave.
	FromPeopleFile bool
}

// AccountUser is an IAM user in an account.
type AccountUser struct {
	Account *snapshot.Account
	User    *snapshot.User
}

// Workload is an IAM user that is not a person: it goes to a role (or
// OIDC federation), not to Identity Center.
type Workload struct {
	AccountID string `json:"account_id"`
	UserName  string `json:"user_name"`
	Why       string `json:"why"`
	Route     string `json:"route"`
}

// PeopleEntry is one row of the --people file.
type PeopleEntry struct {
	AccountID, UserName                       string
	Email, GivenName, FamilyName, DisplayName string
	Line                                      int
}

// peopleHeader is the --people file's header (required, in this order).
var peopleHeader = []string{"account_id", "user_name", "email", "given_name", "family_name", "display_name"}

// maxPeopleRows bounds the --people file (5,000 users per account is IAM's
// quota; an organisation file beyond a million rows is not a people file).
const maxPeopleRows = 1_000_000

// ReadPeople reads a --people CSV file.
func ReadPeople(path string) ([]PeopleEntry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParsePeople(f, path)
}

var accountRe = regexp.MustCompile(`^[0-9]{12}$`)

// ParsePeople reads the CSV account_id,user_name,email,given_name,
// family_name,display_name (header first). Rows with the same e-mail are
// one person.
func ParsePeople(r io.Reader, name string) ([]PeopleEntry, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(peopleHeader)
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for i, h := range head {
		if strings.TrimSpace(strings.ToLower(h)) != peopleHeader[i] {
			return nil, fmt.Errorf("%s line 1: header must be %s", name, strings.Join(peopleHeader, ","))
		}
	}
	var out []PeopleEntry
	seen := map[string]int{}
	for n := 2; ; n++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if len(out) >= maxPeopleRows {
			return nil, fmt.Errorf("%s: more than %d rows", name, maxPeopleRows)
		}
		e := PeopleEntry{AccountID: strings.TrimSpace(rec[0]), UserName: strings.TrimSpace(rec[1]), Email: strings.TrimSpace(rec[2]),
			GivenName: strings.TrimSpace(rec[3]), FamilyName: strings.TrimSpace(rec[4]), DisplayName: strings.TrimSpace(rec[5]), Line: n}
		switch {
		case !accountRe.MatchString(e.AccountID):
			return nil, fmt.Errorf("%s line %d: account_id %q is not a 12-digit account ID", name, n, e.AccountID)
		case e.UserName == "":
			return nil, fmt.Errorf("%s line %d: user_name is empty", name, n)
		case e.Email == "" || !strings.Contains(e.Email, "@"):
			return nil, fmt.Errorf("%s line %d: email %q is not an e-mail address", name, n, e.Email)
		}
		k := e.AccountID + "/" + e.UserName
		if prev, dup := seen[k]; dup {
			return nil, fmt.Errorf("%s line %d: %s in %s is already on line %d", name, n, e.UserName, e.AccountID, prev)
		}
		seen[k] = n
		out = append(out, e)
	}
	return out, nil
}

// personPaths are IAM paths people are commonly kept under.
var personPaths = []string{"/staff/", "/people/", "/users/", "/employees/", "/humans/", "/engineers/", "/external/", "/contractors/"}

// personName matches user names shaped like a person's: first.last,
// first_last, first-last (letters only), or an e-mail address.
var personName = regexp.MustCompile(`^[A-Za-z]{2,}[._-][A-Za-z]{2,}$|^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$`)

// workloadWords mark user names and tags of programs.
var workloadWords = []string{"ci", "cd", "deploy", "backup", "bot", "svc", "service", "sync", "mirror", "pipeline", "jenkins", "github", "gitlab", "terraform", "automation", "job", "app", "api", "system", "robot"}

// classify says whether a user is a person and why (heuristics in
// docs/migration.md): a console password, MFA, or a person-shaped name,
// path or tag — unless the name or tags say program.
func classify(u *snapshot.User) (person bool, why string) {
	var reasons []string
	if u.HasConsolePassword() {
		reasons = append(reasons, "has a console password")
	}
	if (u.MFAActive != nil && *u.MFAActive) || len(u.MFADevices) > 0 {
		reasons = append(reasons, "has an MFA device")
	}
	if workloadish(u) && len(reasons) == 0 {
		return false, "its name or tags say it is a program (" + u.Name + ")"
	}
	if personName.MatchString(u.Name) && !workloadish(u) {
		reasons = append(reasons, "its name looks like a person's")
	}
	for _, p := range personPaths {
		if strings.HasPrefix(u.Path, p) {
			if !workloadish(u) {
				reasons = append(reasons, "its path is "+p)
			}
			break
		}
	}
	for _, t := range u.Tags {
		if k := strings.ToLower(t.Key); (k == "email" || k == "mail") && strings.Contains(t.Value, "@") {
			reasons = append(reasons, "it has an e-mail tag")
		}
	}
	if len(reasons) > 0 {
		return true, strings.Join(reasons, ", ")
	}
	if len(u.ActiveAccessKeys()) > 0 {
		return false, "it has access keys and no console password or MFA (a workload)"
	}
	return false, "no sign of a person (no console password, MFA, person-like name, path or tag)"
}

func workloadish(u *snapshot.User) bool {
	words := strings.FieldsFunc(strings.ToLower(u.Name), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for _, w := range words {
		if slices.Contains(workloadWords, w) {
			return true
		}
	}
	for _, t := range u.Tags {
		k, v := strings.ToLower(t.Key), strings.ToLower(t.Value)
		if (k == "purpose" || k == "type" || k == "kind") && (strings.Contains(v, "github") || strings.Contains(v, "ci") || strings.Contains(v, "service") || strings.Contains(v, "automation")) {
			return true
		}
	}
	return strings.HasPrefix(u.Path, "/service/") || strings.HasPrefix(u.Path, "/system/")
}

// FindPeople splits the snapshot's users into people and workloads. A
// --people entry makes a user a person and names the identity; users with
// the same e-mail (or, without a file, the same normalised name) in several
// accounts are one person.
func FindPeople(s *snapshot.Snapshot, entries []PeopleEntry) ([]*Person, []Workload, []string) {
	byUser := map[string]PeopleEntry{}
	for _, e := range entries {
		byUser[e.AccountID+"/"+e.UserName] = e
	}
	var warnings []string
	matched := map[string]bool{}
	people := map[string]*Person{}
	var order []string
	var workloads []Workload
	for _, a := range s.Accounts {
		for _, u := range a.Users {
			e, listed := byUser[a.ID+"/"+u.Name]
			var p *Person
			if listed {
				matched[a.ID+"/"+u.Name] = true
				key := strings.ToLower(e.Email)
				if p = people[key]; p == nil {
					p = &Person{Key: key, UserName: e.Email, Email: e.Email, GivenName: e.GivenName, FamilyName: e.FamilyName,
						DisplayName: e.DisplayName, FromPeopleFile: true}
					people[key] = p
					order = append(order, key)
				}
				p.Why = appendUniq(p.Why, fmt.Sprintf("%s in %s is listed in the people file", u.Name, a.ID))
			} else {
				isPerson, why := classify(u)
				if !isPerson {
					if len(entries) > 0 && why != "" {
						why += "; not in the people file"
					}
					route := "role"
					if len(u.ActiveAccessKeys()) > 0 {
						route = "role or OIDC federation (iamspect migrate github-oidc for CI keys)"
					}
					if len(u.ServiceCredentials) > 0 || len(u.SSHKeys) > 0 {
						route = "keep (service-specific credentials or CodeCommit SSH keys) or a role"
					}
					workloads = append(workloads, Workload{AccountID: a.ID, UserName: u.Name, Why: why, Route: route})
					continue
				}
				email := tagEmail(u)
				key := strings.ToLower(email)
				if key == "" {
					key = normalName(u.Name)
				}
				if p = people[key]; p == nil {
					given, family := splitName(u.Name)
					p = &Person{Key: key, Email: email, GivenName: given, FamilyName: family}
					p.UserName = email
					if p.UserName == "" {
						p.UserName = u.Name
					}
					p.DisplayName = strings.TrimSpace(given + " " + family)
					people[key] = p
					order = append(order, key)
				}
				p.Why = appendUniq(p.Why, fmt.Sprintf("%s in %s %s", u.Name, a.ID, why))
			}
			for _, x := range p.Users {
				if x.Account.ID == a.ID {
					warnings = append(warnings, fmt.Sprintf("person %s has two IAM users in %s (%s and %s): both get the same access", p.UserName, a.ID, x.User.Name, u.Name))
				}
			}
			p.Users = append(p.Users, AccountUser{Account: a, User: u})
		}
	}
	for _, e := range entries {
		if !matched[e.AccountID+"/"+e.UserName] {
			warnings = append(warnings, fmt.Sprintf("people file line %d: no IAM user %s in account %s", e.Line, e.UserName, e.AccountID))
		}
	}
	out := make([]*Person, 0, len(order))
	for _, k := range order {
		out = append(out, people[k])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].UserName < out[j].UserName })
	return out, workloads, warnings
}

func appendUniq(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

func tagEmail(u *snapshot.User) string {
	for _, t := range u.Tags {
		if k := strings.ToLower(t.Key); (k == "email" || k == "mail") && strings.Contains(t.Value, "@") {
			return t.Value
		}
	}
	if strings.Contains(u.Name, "@") {
		return u.Name
	}
	return ""
}

// normalName is a user name without its e-mail domain, lower case, with
// separators unified: alice.martin, Alice_Martin and alice-martin@x are one.
func normalName(n string) string {
	n, _, _ = strings.Cut(strings.ToLower(n), "@")
	return strings.NewReplacer("_", ".", "-", ".").Replace(n)
}

// splitName guesses a given and family name from first.last; Identity
// Center requires both.
func splitName(n string) (string, string) {
	n, _, _ = strings.Cut(n, "@")
	parts := strings.FieldsFunc(n, func(r rune) bool { return r == '.' || r == '_' || r == '-' })
	title := func(s string) string {
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + s[1:]
	}
	switch len(parts) {
	case 0:
		return n, n
	case 1:
		return title(parts[0]), title(parts[0])
	}
	return title(parts[0]), title(strings.Join(parts[1:], " "))
}
