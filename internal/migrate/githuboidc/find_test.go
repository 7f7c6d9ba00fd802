package githuboidc

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const corpus = "testdata/northwind-web"

// expectedLines reads the corpus's "# expect-key" markers: every line that
// hands a static key to a job, by file.
func expectedLines(t *testing.T) map[string][]int {
	t.Helper()
	out := map[string][]int{}
	err := filepath.WalkDir(corpus, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(corpus, path)
		sc := bufio.NewScanner(bytes.NewReader(src))
		for n := 1; sc.Scan(); n++ {
			if strings.Contains(sc.Text(), "# expect-key") {
				out[filepath.ToSlash(rel)] = append(out[filepath.ToSlash(rel)], n)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func loadCorpus(t *testing.T) *Repo {
	t.Helper()
	r, err := LoadRepo(corpus, "northwind/web")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) > 0 {
		t.Fatalf("problems: %v", r.Problems)
	}
	return r
}

func TestCorpusSize(t *testing.T) {
	r := loadCorpus(t)
	if n := len(r.Workflows) + len(r.Actions); n < 12 {
		t.Fatalf("corpus has %d workflow and action files, want at least 12", n)
	}
}

func TestFindsEveryStaticKeyUseWithItsLine(t *testing.T) {
	r := loadCorpus(t)
	uses, _ := r.Scan()
	got := map[string][]int{}
	for _, u := range uses {
		got[u.File] = append(got[u.File], u.Line)
	}
	for f := range got {
		sort.Ints(got[f])
	}
	want := expectedLines(t)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("key uses by file and line:\n got %v\nwant %v", got, want)
	}
	kinds := map[string]bool{}
	for _, u := range uses {
		kinds[u.Kind] = true
		if len(u.Secrets) == 0 && u.Expression != "inherit" {
			t.Errorf("%s:%d: no secret resolved from %q", u.File, u.Line, u.Expression)
		}
		if len(u.Triggers) == 0 {
			t.Errorf("%s:%d: no trigger", u.File, u.Line)
		}
	}
	for _, k := range []string{KindConfigureAction, KindEnv, KindConfigureSet, KindReusableCall, KindCompositeCall} {
		if !kinds[k] {
			t.Errorf("no use of kind %s found", k)
		}
	}
}

func TestUseDetails(t *testing.T) {
	r := loadCorpus(t)
	uses, oidc := r.Scan()
	find := func(file string, line int) KeyUse {
		for _, u := range uses {
			if u.File == file && u.Line == line {
				return u
			}
		}
		t.Fatalf("no use at %s:%d", file, line)
		return KeyUse{}
	}
	m := find(".github/workflows/matrix.yml", 21)
	if !m.Matrix || strings.Join(m.Secrets, ",") != "PROD_AWS_ACCESS_KEY_ID,STAGING_AWS_ACCESS_KEY_ID" ||
		strings.Join(m.Environments, ",") != "production,staging" {
		t.Errorf("matrix use: %+v", m)
	}
	w := find(".github/workflows/env-workflow.yml", 4)
	if w.Level != "workflow" || w.Kind != KindEnv || w.Triggers[0] != "push" {
		t.Errorf("workflow env use: %+v", w)
	}
	s := find(".github/workflows/configure-set.yml", 10)
	if s.Kind != KindConfigureSet || s.Secrets[0] != "BACKUP_KEY_ID" || s.Field != "aws_access_key_id" {
		t.Errorf("configure set use: %+v", s)
	}
	c := find(".github/workflows/composite-call.yml", 13)
	if c.Via != ".github/actions/aws-login/action.yml" {
		t.Errorf("composite use: %+v", c)
	}
	rc := find(".github/workflows/call-reusable.yml", 11)
	if rc.Kind != KindReusableCall || rc.Via != "./.github/workflows/reusable-deploy.yml" || rc.Refs[0] != "refs/heads/release/**" {
		t.Errorf("reusable call: %+v", rc)
	}
	if in := find(".github/workflows/reusable-deploy.yml", 20); !in.Reusable {
		t.Errorf("use inside a reusable workflow not marked: %+v", in)
	}
	if len(oidc) != 1 || oidc[0].Role != "arn:aws:iam::111122223333:role/github-actions-deploy" || oidc[0].Line != 14 {
		t.Errorf("OIDC uses: %+v", oidc)
	}
}

func TestPatchesParseAndDropEveryKey(t *testing.T) {
	r := loadCorpus(t)
	before, _ := r.Scan()
	var secrets []string
	for _, u := range before {
		secrets = append(secrets, u.Secrets...)
	}
	const role = "arn:aws:iam::111122223333:role/github-northwind-web"
	patches := r.Patch(func(string, string) string { return role })
	if len(patches) < 10 {
		t.Fatalf("%d patched files", len(patches))
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(corpus)); err != nil {
		t.Fatal(err)
	}
	for _, p := range patches {
		if err := os.WriteFile(filepath.Join(dir, p.File), p.New, 0o644); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(strings.ReplaceAll(string(p.New), "secrets: inherit # expect-key", ""), "# expect-key") {
			t.Errorf("%s still has a key line:\n%s", p.File, p.New)
		}
		if !strings.HasPrefix(p.Diff, "--- a/"+p.File+"\n+++ b/"+p.File+"\n@@ ") {
			t.Errorf("%s: diff header: %.80q", p.File, p.Diff)
		}
	}
	patched, err := LoadRepo(dir, "northwind/web")
	if err != nil {
		t.Fatal(err)
	}
	if len(patched.Problems) > 0 {
		t.Fatalf("patched files do not parse: %v", patched.Problems)
	}
	uses, oidc := patched.Scan()
	if len(uses) > 0 {
		t.Errorf("patched workflows still use keys: %+v", uses)
	}
	if len(oidc) < 6 {
		t.Errorf("only %d OIDC steps after patching", len(oidc))
	}
	for _, wf := range patched.Workflows {
		for _, j := range wf.Jobs {
			if !jobAssumes(patched, j) {
				continue
			}
			perms := j.Permissions
			if perms == nil {
				perms = wf.Permissions
			}
			if v := get(perms, "id-token"); v == nil || v.Value != "write" {
				t.Errorf("%s job %s assumes a role without id-token: write", wf.Path, j.ID)
			}
		}
		if ReferencesSecret(wf.Src, secrets) {
			t.Errorf("%s still references a key secret:\n%s", wf.Path, wf.Src)
		}
	}
	// git apply takes the diffs against the original corpus.
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not on PATH: diffs not checked with git apply")
	}
	orig := t.TempDir()
	if err := os.CopyFS(orig, os.DirFS(corpus)); err != nil {
		t.Fatal(err)
	}
	for _, p := range patches {
		cmd := exec.Command("git", "apply", "--unsafe-paths", "--directory=.", "-")
		cmd.Dir = orig
		cmd.Stdin = strings.NewReader(p.Diff)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("git apply %s: %v\n%s\n%s", p.File, err, out, p.Diff)
			continue
		}
		got, _ := os.ReadFile(filepath.Join(orig, p.File))
		if strings.TrimSuffix(string(got), "\n") != strings.TrimSuffix(string(p.New), "\n") {
			t.Errorf("%s: git apply gives\n%s\nwant\n%s", p.File, got, p.New)
		}
	}
}

// jobAssumes reports whether a job assumes a role (a configure step, a
// composite action or a reusable workflow that does).
func jobAssumes(r *Repo, j *Job) bool {
	for _, s := range j.Steps {
		if isConfigureAction(s.Uses) || strings.HasPrefix(s.Uses, "./") {
			return true
		}
	}
	return j.Uses != ""
}

// Without --repo, OWNER/REPO comes from the checkout's origin remote.
func TestRepoFromOrigin(t *testing.T) {
	for url, want := range map[string]string{
		"https://github.com/northwind/web.git": "northwind/web",
		"git@github.com:northwind/api.git":     "northwind/api",
		"ssh://git@github.com/o/r":             "o/r",
	} {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, ".git"), 0o755); err != nil {
			t.Fatal(err)
		}
		cfg := "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = https://github.com/other/fork.git\n[remote \"origin\"]\n\turl = " + url + "\n"
		if err := os.WriteFile(filepath.Join(dir, ".git", "config"), []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := LoadRepo(dir, "")
		if err != nil || r.Name != want {
			t.Errorf("%s: %v %v", url, r, err)
		}
	}
	dir := t.TempDir()
	if _, err := LoadRepo(dir, ""); err == nil {
		t.Error("a checkout without .git/config and no --repo was accepted")
	}
	if _, err := LoadRepo(dir, "owner/*"); err == nil {
		t.Error("a wildcard repository was accepted")
	}
}
