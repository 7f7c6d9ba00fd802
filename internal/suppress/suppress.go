// Package suppress mutes accepted findings. A suppression file lists
// entries (rule, account, resource, tags) with a reason and an optional
// expiry; FAIL results they match become MUTED with the reason. iamspect's
// own YAML format and Prowler's mutelist format are both read.
//
// Expiry is judged against the scan's reference time (--as-of, else the
// snapshot's collection time), never the wall clock, so re-scanning an old
// snapshot gives the same answer. An entry with "expires: 2026-12-31"
// applies through the end of that day (UTC).
package suppress

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/iamspect/iamspect/internal/policy"
	"github.com/iamspect/iamspect/internal/rules"
)

// Entry is one suppression.
type Entry struct {
	Rule     string            `json:"rule"`
	Account  string            `json:"account,omitempty"`
	Resource string            `json:"resource,omitempty"`
	Tags     map[string]string `json:"tags,omitempty"`
	Reason   string            `json:"reason"`
	// Expires is the last day the entry applies (nil = never expires).
	Expires *time.Time `json:"expires,omitempty"`
	// File and Line locate the entry for messages.
	File string `json:"file"`
	Line int    `json:"line"`

	resource *regexp.Regexp
	// aliasOf lists the rule IDs a Conformity rule ID (IAM-024) stands for.
	aliasOf []string
	matched int
}

// Where names the entry's place in its file.
func (e *Entry) Where() string { return fmt.Sprintf("%s:%d", e.File, e.Line) }

// Set is a loaded suppression file ready to apply at one reference time.
type Set struct {
	Entries []*Entry
	// Warnings are non-fatal problems found while reading (for example
	// Prowler checks with no iamspect equivalent).
	Warnings []string
	at       time.Time
	applied  int
}

// At sets the reference time expiry is judged against.
func (s *Set) At(t time.Time) *Set { s.at = t; return s }

// Expired reports whether the entry no longer applies at t.
func (e *Entry) Expired(t time.Time) bool {
	return e.Expires != nil && !t.Before(e.Expires.Add(24*time.Hour))
}

// Apply mutes r when it is a FAIL matched by an unexpired entry; the first
// matching entry's reason is used. It is safe to use as scan.Options.Suppress.
func (s *Set) Apply(r *rules.Result) {
	if s == nil || r.Status != rules.Fail {
		return
	}
	for _, e := range s.Entries {
		if e.Expired(s.at) || !e.Matches(r) {
			continue
		}
		e.matched++
		if r.Status == rules.Fail {
			r.Status = rules.Muted
			r.MuteReason = e.Reason
			s.applied++
		}
	}
}

// Matches reports whether the entry covers the result.
func (e *Entry) Matches(r *rules.Result) bool {
	if !Glob(e.Rule, r.RuleID) && !slices.Contains(e.aliasOf, r.RuleID) {
		return false
	}
	if e.Account != "" && !Glob(e.Account, r.AccountID) {
		return false
	}
	if e.Resource != "" && !e.matchResource(r) {
		return false
	}
	for k, v := range e.Tags {
		got, ok := r.Tags[k]
		if !ok || !Glob(v, got) {
			return false
		}
	}
	return true
}

func (e *Entry) matchResource(r *rules.Result) bool {
	if e.resource != nil {
		return e.resource.MatchString(r.ResourceARN) || e.resource.MatchString(r.ResourceName)
	}
	return Glob(e.Resource, r.ResourceARN) || Glob(e.Resource, r.ResourceName)
}

// resolveAlias records the rules a Conformity ID in Rule stands for.
func (e *Entry) resolveAlias() {
	for _, r := range rules.ByAlias(e.Rule) {
		e.aliasOf = append(e.aliasOf, r.ID)
	}
}

// compileResource prepares a /regex/ resource pattern.
func (e *Entry) compileResource() error {
	e.resolveAlias()
	if len(e.Resource) >= 2 && strings.HasPrefix(e.Resource, "/") && strings.HasSuffix(e.Resource, "/") {
		re, err := regexp.Compile(e.Resource[1 : len(e.Resource)-1])
		if err != nil {
			return fmt.Errorf("resource %s: %w", e.Resource, err)
		}
		e.resource = re
	}
	return nil
}

// Summary is what a report says about suppressions.
type Summary struct {
	File string `json:"file,omitempty"`
	// Applied counts the results muted.
	Applied int `json:"applied"`
	// Expired lists entries past their expiry date: they no longer mute anything.
	Expired []*Entry `json:"expired,omitempty"`
	// Unused lists unexpired entries that matched no failing result (stale
	// or mistyped: remove or fix them).
	Unused   []*Entry `json:"unused,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
}

// Summarize reports applied, expired and unused entries after Apply ran
// over a scan's results.
func (s *Set) Summarize(file string) *Summary {
	sum := &Summary{File: file, Applied: s.applied, Warnings: s.Warnings}
	for _, e := range s.Entries {
		switch {
		case e.Expired(s.at):
			sum.Expired = append(sum.Expired, e)
		case e.matched == 0:
			sum.Unused = append(sum.Unused, e)
		}
	}
	return sum
}

// Glob matches s against a pattern where * matches any run of characters
// (including "/" and ":") and ? one character, case-sensitively. A pattern
// without wildcards must equal s. It is the policy language's matcher.
func Glob(pattern, s string) bool { return policy.MatchWildcard(pattern, s) }
