package rules

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// daysBetween returns whole days from then to now (negative if then is later).
func daysBetween(then, now time.Time) int {
	return int(math.Floor(now.Sub(then).Hours() / 24))
}

// day formats a time as a date for messages.
func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

// plural returns "1 key" / "2 keys".
func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// userResult builds a result about an IAM user.
func (r *Rule) userResult(status Status, a *snapshot.Account, u *snapshot.User, format string, args ...any) Result {
	res := r.Result(status, a.ID, TypeUser, u.ARN, u.Name, format, args...)
	res.Tags = tagMap(u.Tags)
	return res
}

// rootResult builds a result about the root user.
func (r *Rule) rootResult(status Status, a *snapshot.Account, format string, args ...any) Result {
	return r.Result(status, a.ID, TypeRoot, a.RootARN(), "<root_account>", format, args...)
}

// accountResult builds an account-level result.
func (r *Rule) accountResult(status Status, a *snapshot.Account, format string, args ...any) Result {
	name := a.ID
	if a.Alias != "" {
		name = a.Alias
	}
	return r.Result(status, a.ID, TypeAccount, a.RootARN(), name, format, args...)
}

// joinList renders items as "a, b and c".
func joinList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// inputNames lists inputs by name for Result.MissingInputs.
func inputNames(ins ...snapshot.Input) []string {
	out := make([]string, len(ins))
	for i, in := range ins {
		out[i] = string(in)
	}
	return out
}

// tagMap turns a resource's tags into the map results carry for
// suppression matching.
func tagMap(tags []snapshot.Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}
