package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/remediate/plan"
)

func TestMigrateIdentityCenterDemo(t *testing.T) {
	out := filepath.Join(t.TempDir(), "plan.json")
	code, stdout, stderr := runCLI(t, "migrate", "identity-center", "--demo", "-o", out)
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "6 people, 3 workload users, 4 permission sets") {
		t.Errorf("stderr: %s", stderr)
	}
	p, err := plan.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if p.Kind != plan.KindMigrateIdentityCenter || p.RequiresAcceptDifferences {
		t.Errorf("plan kind %s, accept %v", p.Kind, p.RequiresAcceptDifferences)
	}
	code, stdout, _ = runCLI(t, "migrate", "identity-center", "--demo", "-f", "sh")
	if code != 0 || !strings.HasPrefix(stdout, "#!/bin/sh") || !strings.Contains(stdout, "aws sso-admin create-account-assignment") {
		t.Errorf("sh: exit %d\n%.300s", code, stdout)
	}
}

func TestMigrateGitHubOIDCDemo(t *testing.T) {
	wf := filepath.Join("..", "migrate", "githuboidc", "testdata", "northwind-web")
	mapping := filepath.Join("..", "migrate", "githuboidc", "testdata", "mapping.csv")
	code, stdout, stderr := runCLI(t, "migrate", "github-oidc", "--demo", "--workflows", wf, "--repo", "northwind/web", "--mapping", mapping, "-f", "markdown")
	if code != 0 || !strings.Contains(stdout, "# iamspect migrate-github-oidc plan") || !strings.Contains(stdout, "```diff") {
		t.Fatalf("exit %d\n%s\n%.500s", code, stderr, stdout)
	}
	if !strings.Contains(stderr, "22 static key uses, 2 roles, 12 patched files") {
		t.Errorf("stderr: %s", stderr)
	}
}

func TestMigrateUsage(t *testing.T) {
	for _, args := range [][]string{
		{"migrate", "github-oidc", "--demo"},
		{"migrate", "identity-center", "--demo", "-f", "xml"},
		{"migrate", "identity-center", "--demo", "--people", "/nonexistent.csv"},
		{"migrate", "github-oidc", "--demo", "--workflows", "a", "--workflows", "b", "--repo", "o/r"},
	} {
		if code, _, _ := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
