package snapshot_test

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/snapshot"
)

func TestRegistryEntriesAreComplete(t *testing.T) {
	seen := map[snapshot.Input]bool{}
	action := regexp.MustCompile(`^[a-z-]+:[A-Z][A-Za-z]+$`)
	for _, s := range snapshot.Specs() {
		if seen[s.Input] {
			t.Errorf("%s declared twice", s.Input)
		}
		seen[s.Input] = true
		if len(s.APIs) == 0 {
			t.Errorf("%s: no API", s.Input)
		}
		for _, a := range s.APIs {
			if !action.MatchString(a) {
				t.Errorf("%s: %q is not service:Action", s.Input, a)
			}
		}
		if s.Flag != "" && len(s.Files) == 0 {
			t.Errorf("%s: a flag but no file", s.Input)
		}
		// Every command writes one of the input's files, and the main file
		// is written by a command.
		wrote := map[string]bool{}
		for _, c := range s.Export {
			if c.Command == "" || c.Description == "" {
				t.Errorf("%s: incomplete export command %+v", s.Input, c)
			}
			// The export script's helpers (cli/export_commands.go) run
			// every AWS CLI call: save and save_unless write files, value
			// reads IDs for loops.
			if !strings.Contains(c.Command, "save ") && !strings.Contains(c.Command, "save_unless ") && !strings.Contains(c.Command, "value ") {
				t.Errorf("%s: %q calls no AWS CLI command through the script's helpers", s.Input, c.Command)
			}
			if strings.Contains(c.Command, "aws ") || strings.Contains(c.Command, "> ") {
				t.Errorf("%s: %q calls the AWS CLI or writes a file directly, not through save", s.Input, c.Command)
			}
			if c.File != "" {
				if !slices.Contains(s.Files, c.File) {
					t.Errorf("%s: export command writes %s, not one of %v", s.Input, c.File, s.Files)
				}
				wrote[c.File] = true
			}
		}
		if len(s.Files) > 0 && !wrote[s.Files[0]] {
			t.Errorf("%s: no export command writes %s", s.Input, s.Files[0])
		}
		if len(s.Files) == 0 && len(s.Export) > 0 {
			t.Errorf("%s: export commands but no file to read", s.Input)
		}
	}
	if len(seen) != 16 {
		t.Errorf("%d inputs in the registry, want 16 (update this count with the docs when adding one)", len(seen))
	}
}

func TestInputForFile(t *testing.T) {
	cases := map[string]snapshot.Input{
		"authz-details.json":        snapshot.InputAuthorizationDetails,
		"AUTHZ-DETAILS-10.json":     snapshot.InputAuthorizationDetails,
		"credential-report.csv":     snapshot.InputCredentialReport,
		"oidc-providers.json":       snapshot.InputOIDCProviders,
		"oidc-provider-github.json": snapshot.InputOIDCProviders,
		"roles.json":                snapshot.InputRoleDetails,
	}
	for name, want := range cases {
		if got, ok := snapshot.InputForFile(name); !ok || got != want {
			t.Errorf("%s: %q %v, want %q", name, got, ok, want)
		}
	}
	for _, name := range []string{"authz-details-.json", "README", "oidc-provider.json", "roles.json.bak"} {
		if got, ok := snapshot.InputForFile(name); ok {
			t.Errorf("%s matched %s", name, got)
		}
	}
}

func readDoc(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile("../../docs/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// tableRows returns the cells of the rows of the first Markdown table after
// the heading line that starts with heading.
func tableRows(t *testing.T, doc, heading string) [][]string {
	t.Helper()
	_, rest, ok := strings.Cut(doc, "\n"+heading)
	if !ok {
		t.Fatalf("no heading %q", heading)
	}
	var rows [][]string
	inTable := false
	for _, line := range strings.Split(rest, "\n") {
		if !strings.HasPrefix(line, "|") {
			if inTable {
				break
			}
			continue
		}
		inTable = true
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if strings.HasPrefix(cells[0], "---") {
			continue
		}
		rows = append(rows, cells)
	}
	return rows[1:] // the header
}

var backticked = regexp.MustCompile("`([^`]+)`")

// docs/permissions.md lists exactly the registry's actions in its policy
// and one row per input naming each of the input's actions.
func TestPermissionsDocMatchesRegistry(t *testing.T) {
	doc := readDoc(t, "permissions.md")
	_, rest, _ := strings.Cut(doc, "```json\n")
	block, _, _ := strings.Cut(rest, "```")
	var pol struct {
		Statement []struct {
			Sid    string
			Action any
		}
	}
	if err := json.Unmarshal([]byte(block), &pol); err != nil {
		t.Fatalf("policy: %v", err)
	}
	var actions []string
	for _, st := range pol.Statement {
		if st.Sid != "IamspectReadOnly" {
			continue
		}
		for _, a := range st.Action.([]any) {
			actions = append(actions, a.(string))
		}
	}
	want := snapshot.AllAPIs()
	slices.Sort(want)
	slices.Sort(actions)
	if !slices.Equal(actions, want) {
		t.Errorf("docs/permissions.md policy actions:\n %v\nregistry:\n %v", actions, want)
	}

	rows := tableRows(t, doc, "## Where each call is made")
	var inputs []string
	for _, r := range rows {
		in := snapshot.Input(r[0])
		inputs = append(inputs, r[0])
		spec, ok := in.Spec()
		if !ok {
			t.Errorf("docs/permissions.md: %s is not an input", r[0])
			continue
		}
		for _, a := range spec.APIs {
			_, name, _ := strings.Cut(a, ":")
			if !strings.Contains(r[1], a) && !strings.Contains(r[1], "`"+name+"`") {
				t.Errorf("docs/permissions.md: the %s row does not name %s", in, a)
			}
		}
	}
	assertSameInputs(t, "docs/permissions.md", inputs, snapshot.Inputs())
}

// docs/import.md's file table lists exactly the registry's files.
func TestImportDocMatchesRegistry(t *testing.T) {
	rows := tableRows(t, readDoc(t, "import.md"), "## Importing")
	var inputs []string
	for _, r := range rows {
		in := snapshot.Input(strings.Trim(r[len(r)-1], "`"))
		inputs = append(inputs, string(in))
		spec, _ := in.Spec()
		var files []string
		for _, m := range backticked.FindAllStringSubmatch(r[0], -1) {
			files = append(files, m[1])
		}
		if !slices.Equal(files, spec.Files) {
			t.Errorf("docs/import.md: %s files %v, registry %v", in, files, spec.Files)
		}
	}
	var want []snapshot.Input
	for _, s := range snapshot.Specs() {
		if len(s.Files) > 0 {
			want = append(want, s.Input)
		}
	}
	assertSameInputs(t, "docs/import.md", inputs, want)
}

// docs/snapshot.md names every input.
func TestSnapshotDocListsInputs(t *testing.T) {
	doc := readDoc(t, "snapshot.md")
	_, rest, _ := strings.Cut(doc, "Each account lists the inputs it holds in `collected`:")
	para, _, _ := strings.Cut(rest, "\n\n\n")
	para, _, _ = strings.Cut(strings.TrimLeft(para, "\n"), "\n\n")
	var got []string
	for _, m := range backticked.FindAllStringSubmatch(para, -1) {
		got = append(got, m[1])
	}
	assertSameInputs(t, "docs/snapshot.md", got, snapshot.Inputs())
}

func assertSameInputs(t *testing.T, where string, got []string, want []snapshot.Input) {
	t.Helper()
	var w []string
	for _, in := range want {
		w = append(w, string(in))
	}
	slices.Sort(got)
	slices.Sort(w)
	if !slices.Equal(got, w) {
		t.Errorf("%s lists inputs %v, registry %v", where, got, w)
	}
}
