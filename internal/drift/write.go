package drift

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
)

// Side names one of the two reports compared.
type Side struct {
	Path        string    `json:"path"`
	GeneratedAt time.Time `json:"generated_at"`
	ToolVersion string    `json:"tool_version,omitempty"`
}

// SideOf describes a report read from path.
func SideOf(path string, r *report.Report) Side {
	return Side{Path: path, GeneratedAt: r.GeneratedAt, ToolVersion: r.Tool.Version}
}

// Summary counts the diff.
type Summary struct {
	New           int                      `json:"new"`
	Resolved      int                      `json:"resolved"`
	Unchanged     int                      `json:"unchanged"`
	Unverified    int                      `json:"unverified"`
	NewBySeverity map[finding.Severity]int `json:"new_by_severity"`
}

// Summarize counts the diff.
func (d *Diff) Summarize() Summary {
	s := Summary{New: len(d.New), Resolved: len(d.Resolved), Unchanged: len(d.Unchanged), Unverified: len(d.Unverified),
		NewBySeverity: map[finding.Severity]int{}}
	for _, r := range d.New {
		s.NewBySeverity[r.Severity]++
	}
	return s
}

// SchemaVersion is the version of the diff JSON document.
const SchemaVersion = "1.0"

// Document is the JSON form of a diff (iamspect diff --format json).
type Document struct {
	SchemaVersion string  `json:"schema_version"`
	Old           Side    `json:"old"`
	New           Side    `json:"new"`
	Summary       Summary `json:"summary"`
	Findings      *Diff   `json:"findings"`
}

// WriteJSON writes the diff as a Document.
func WriteJSON(w io.Writer, d *Diff, old, cur Side) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(Document{SchemaVersion: SchemaVersion, Old: old, New: cur, Summary: d.Summarize(), Findings: d})
}

// Line is the one-line summary: "2 new (1 critical, 1 high), 1 resolved,
// 40 unchanged, 0 unverified".
func (s Summary) Line() string {
	var sev []string
	for _, v := range finding.Severities {
		if n := s.NewBySeverity[v]; n > 0 {
			sev = append(sev, fmt.Sprintf("%d %s", n, v))
		}
	}
	newPart := fmt.Sprintf("%d new", s.New)
	if len(sev) > 0 {
		newPart += " (" + strings.Join(sev, ", ") + ")"
	}
	return fmt.Sprintf("%s, %d resolved, %d unchanged, %d unverified", newPart, s.Resolved, s.Unchanged, s.Unverified)
}

// WriteTable writes the diff for people: new, resolved and unverified
// findings one per line, unchanged ones counted (listed with
// showUnchanged), then the summary line.
func WriteTable(w io.Writer, d *Diff, old, cur Side, showUnchanged bool) error {
	ew := &errWriter{w: w}
	ew.printf("Comparing %s (%s) with %s (%s)\n", old.Path, stamp(old.GeneratedAt), cur.Path, stamp(cur.GeneratedAt))
	section := func(title string, rs []finding.Result, now []finding.Status) {
		ew.printf("\n%s (%d)\n", title, len(rs))
		for i, r := range rs {
			suffix := ""
			if now != nil {
				suffix = "  [now " + nowWord(now[i]) + "]"
			}
			ew.printf("  %-8s  %s  %s%s\n", strings.ToUpper(string(r.Severity)), r.RuleID, resource(r), suffix)
			if r.Message != "" {
				ew.printf("            %s\n", r.Message)
			}
		}
	}
	section("NEW", d.New, nil)
	rs, now := split(d.Resolved)
	section("RESOLVED", rs, now)
	if len(d.Unverified) > 0 {
		rs, now := split(d.Unverified)
		section("UNVERIFIED: failing before, could not be checked now", rs, now)
	}
	if showUnchanged {
		section("UNCHANGED", d.Unchanged, nil)
	} else {
		ew.printf("\nUNCHANGED (%d): still failing (--show-unchanged lists them)\n", len(d.Unchanged))
	}
	ew.printf("\n%s\n", d.Summarize().Line())
	return ew.err
}

// markdownRows bounds each markdown section, to stay within a pull-request
// comment's 65,536 characters.
const markdownRows = 100

// WriteMarkdown writes the diff for a pull-request comment or a GitHub
// step summary.
func WriteMarkdown(w io.Writer, d *Diff, old, cur Side) error {
	ew := &errWriter{w: w}
	s := d.Summarize()
	ew.printf("### iamspect: what changed\n\n**%s**\n\n", mdEscape(s.Line()))
	ew.printf("Compared `%s` (%s) with `%s` (%s).\n", mdCode(old.Path), stamp(old.GeneratedAt), mdCode(cur.Path), stamp(cur.GeneratedAt))
	table := func(title string, rs []finding.Result, now []finding.Status) {
		if len(rs) == 0 {
			return
		}
		ew.printf("\n#### %s (%d)\n\n", title, len(rs))
		if now != nil {
			ew.printf("| Severity | Rule | Account | Resource | Now |\n|---|---|---|---|---|\n")
		} else {
			ew.printf("| Severity | Rule | Account | Resource | Message |\n|---|---|---|---|---|\n")
		}
		for i, r := range rs {
			if i == markdownRows {
				ew.printf("\n_%d more not shown; `iamspect diff --format json` lists them all._\n", len(rs)-markdownRows)
				break
			}
			last := mdEscape(r.Message)
			if now != nil {
				last = nowWord(now[i])
			}
			ew.printf("| %s | `%s` | %s | %s | %s |\n", r.Severity, mdCode(r.RuleID), r.AccountID, mdEscape(nonEmpty(r.ResourceName, r.ResourceARN)), last)
		}
	}
	table("New findings", d.New, nil)
	rs, now := split(d.Resolved)
	table("Resolved", rs, now)
	rs, now = split(d.Unverified)
	table("Could not be checked now (were failing)", rs, now)
	return ew.err
}

func split(cs []report.ChangedResult) ([]finding.Result, []finding.Status) {
	rs := make([]finding.Result, len(cs))
	now := make([]finding.Status, len(cs))
	for i, c := range cs {
		rs[i], now[i] = c.Result, c.Now
	}
	return rs, now
}

func nowWord(s finding.Status) string {
	if s == "" {
		return "gone"
	}
	return string(s)
}

func resource(r finding.Result) string {
	if r.ResourceARN != "" {
		return r.ResourceARN
	}
	return r.AccountID
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "unknown time"
	}
	return t.UTC().Format(time.RFC3339)
}

func nonEmpty(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// mdEscape keeps a value inside one table cell and free of markup.
func mdEscape(s string) string {
	r := strings.NewReplacer("\\", "\\\\", "|", "\\|", "\n", " ", "\r", " ", "<", "&lt;", ">", "&gt;",
		"*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]")
	return r.Replace(s)
}

// mdCode keeps a value inside a code span.
func mdCode(s string) string {
	return strings.NewReplacer("`", "'", "\n", " ", "|", "\\|").Replace(s)
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
