package cli

import (
	"os"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/rules"
)

// The README lists the rules and promises two set-up commands; keep both true.
func TestReadmeListsEveryRuleAndTheSetupCommands(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, r := range rules.Catalog() {
		if !strings.Contains(readme, "`"+r.ID+"`") {
			t.Errorf("README does not list rule %s", r.ID)
		}
	}
	for _, cmd := range []string{"go run ./cmd/iamspect demo", "./test.sh"} {
		if !strings.Contains(readme, cmd) {
			t.Errorf("README lacks the set-up command %q", cmd)
		}
	}
	// The two-file example waits for the credential report: before
	// generate-credential-report says COMPLETE, get-credential-report
	// answers ReportInProgress and the file would hold nothing.
	_, twoFiles, _ := strings.Cut(readme, "Or with the two files that matter most:")
	twoFiles, _, _ = strings.Cut(twoFiles, "iamspect scan --authz-details")
	if !strings.Contains(twoFiles, `generate-credential-report --query State --output text)" = COMPLETE`) {
		t.Error("README's two-file example does not wait until generate-credential-report says COMPLETE")
	}
	ci, err := os.ReadFile("../../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ci), "\n./test.sh\n") {
		t.Error(".ci/run does not run the README's test command ./test.sh")
	}
	script, err := os.ReadFile("../../test.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []string{"gofmt -l", "go vet ./...", "staticcheck", "golangci-lint", "go test \"$@\" ./..."} {
		if !strings.Contains(string(script), step) {
			t.Errorf("test.sh does not run %q", step)
		}
	}
}
