package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/iamspect/iamspect/internal/drift/iamdiff"
	"github.com/iamspect/iamspect/internal/server"
	"github.com/iamspect/iamspect/internal/store"
)

// storeDrift is the second form of 'iamspect drift': --target NAME compares
// two scans in the history store of 'iamspect serve' (their stored
// snapshots, with iamdiff as for two files, and their findings).
type storeDrift struct {
	so       storeOptions
	target   string
	from, to int64
}

func (o *storeDrift) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.target, "target", "", "instead of two files, compare two scans of this serve target `NAME` in the history store (--db or --config)")
	fs.Int64Var(&o.from, "from", 0, "with --target: the older scan's `ID` (default: the successful scan before --to)")
	fs.Int64Var(&o.to, "to", 0, "with --target: the newer scan's `ID` (default: the latest successful scan)")
	o.so.AddFlags(fs)
	o.so.AddConfigFlag(fs)
}

// storeFlags are the flags that only apply with --target.
var storeFlags = []string{"from", "to", "db", "config"}

// validate checks the flags of the form in use.
func (o *storeDrift) validate(fs *pflag.FlagSet, args []string, path string) error {
	if o.target != "" {
		if len(args) != 0 {
			return usage(fmt.Errorf("%s --target compares two scans in the store: it takes no files, got %d", path, len(args)))
		}
		return nil
	}
	for _, n := range storeFlags {
		if fs.Changed(n) {
			return usage(fmt.Errorf("--%s applies with --target (two scans in the store), not to two files", n))
		}
	}
	if len(args) != 2 {
		return usage(fmt.Errorf("%s takes two snapshot files, OLD and NEW (or --target NAME for two scans in the store), got %d", path, len(args)))
	}
	return nil
}

// load computes the drift between the two scans.
func (o *storeDrift) load(ctx context.Context) (*server.Drift, error) {
	st, err := o.so.openForReading(ctx)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	d, err := server.DriftBetween(ctx, st, o.target, o.from, o.to)
	if errors.Is(err, store.ErrNotFound) || server.IsBadRequest(err) {
		return nil, usage(err)
	}
	return d, err
}

// writeStoreDrift renders a drift between scans as JSON (the API's
// document) or as a table: the scans, the IAM drift as for two files, then
// the findings that became new or were resolved.
func writeStoreDrift(w io.Writer, d *server.Drift, format string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(d)
	}
	fmt.Fprintf(w, "%s: scan %d (%s) → scan %d (%s)\n", d.Target, d.From.ID, day(d.From.FinishedAt), d.To.ID, day(d.To.FinishedAt))
	if err := iamdiff.WriteTable(w, d.IAM); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nFindings: %d new, %d resolved\n", len(d.Findings.New), len(d.Findings.Resolved))
	for _, r := range d.Findings.New {
		fmt.Fprintf(w, "  new       %-8s %s %s\n", strings.ToUpper(string(r.Severity)), r.RuleID, r.ResourceName)
	}
	for _, r := range d.Findings.Resolved {
		fmt.Fprintf(w, "  resolved  %-8s %s %s\n", strings.ToUpper(string(r.Severity)), r.RuleID, r.ResourceName)
	}
	return nil
}
