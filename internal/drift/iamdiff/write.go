package iamdiff

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// JSONVersion is the version of WriteJSON's document.
const JSONVersion = "1"

// WriteJSON writes the delta as one JSON document: its version, the two
// snapshots' collection times, counts, changes and what was not compared.
func WriteJSON(w io.Writer, d Delta) error {
	doc := struct {
		Version string `json:"version"`
		Delta
		Summary map[Change]int `json:"summary"`
	}{JSONVersion, d, map[Change]int{Added: d.Count(Added), Removed: d.Count(Removed), Changed: d.Count(Changed)}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

var sign = map[Change]string{Added: "+", Removed: "-", Changed: "~"}

// WriteTable writes the delta for a terminal: one line per item, policy
// document differences indented under it, then what was not compared.
func WriteTable(w io.Writer, d Delta) error {
	fmt.Fprintf(w, "IAM drift from %s to %s: %d added, %d removed, %d changed\n",
		stamp(d.OldCollectedAt), stamp(d.NewCollectedAt), d.Count(Added), d.Count(Removed), d.Count(Changed))
	if len(d.Changes) > 0 {
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ACCOUNT\tCHANGE\tKIND\tRESOURCE\tDETAIL")
		for _, it := range d.Changes {
			detail := it.Detail
			for _, f := range it.Fields {
				if f.Old == "" && it.Change == Added {
					continue
				}
				detail = strings.TrimSpace(fmt.Sprintf("%s %s: %s → %s", detail, f.Field, orNone(f.Old), orNone(f.New)))
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", it.AccountID, it.Change, it.Kind, it.Resource, detail)
			for _, pc := range it.Document {
				fmt.Fprintf(tw, "\t\t\t  %s %s\t%s\n", sign[pc.Change], orRoot(pc.Path), value(pc))
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(d.NotCompared) > 0 {
		fmt.Fprintln(w, "\nNot compared (an input missing from a snapshot):")
		for _, n := range d.NotCompared {
			fmt.Fprintf(w, "  %s %s: missing in %s\n", n.AccountID, n.Input, n.MissingIn)
		}
	}
	return nil
}

func value(pc PathChange) string {
	j := func(v any) string {
		b, _ := json.Marshal(v)
		return string(b)
	}
	switch pc.Change {
	case Added:
		return j(pc.New)
	case Removed:
		return j(pc.Old)
	}
	return j(pc.Old) + " → " + j(pc.New)
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "?"
	}
	return t.UTC().Format(time.RFC3339)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func orRoot(p string) string {
	if p == "" {
		return "(document)"
	}
	return p
}
