package apply_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/remediate/apply"
	"github.com/iamspect/iamspect/internal/remediate/plan"
	"github.com/iamspect/iamspect/internal/remediate/render"
	"github.com/iamspect/iamspect/internal/sandbox"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// The sh rendering, run with the AWS CLI against a fresh sandbox, leaves
// the same state as fix apply does.
func TestShellScriptMatchesApply(t *testing.T) {
	bin, err := exec.LookPath("aws")
	if err != nil {
		t.Skipf("AWS CLI not found on PATH (%v): skipping; install it with apt-get install awscli", err)
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skipf("no sh: %v", err)
	}
	_ = bin
	// fix apply, both stages, on one sandbox.
	e := setup(t, nil)
	for _, stage := range []string{plan.StageDeactivate, plan.StageDelete} {
		if _, err := apply.Apply(context.Background(), e.plan, e.opts(true, stage)); err != nil && !errors.Is(err, apply.ErrRefused) {
			t.Fatal(err)
		}
	}
	applied, err := e.srv.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	// The script, on a fresh one.
	fresh := setup(t, nil)
	script := filepath.Join(t.TempDir(), "plan.sh")
	var buf bytes.Buffer
	if err := render.Shell(&buf, e.plan); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(script, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, sh, script, "all")
	home := t.TempDir()
	// AWS_ENDPOINT_URL is passed on as --endpoint-url by the script, for
	// CLI versions that ignore the variable.
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "AWS_ENDPOINT_URL=" + fresh.url,
		"AWS_ACCESS_KEY_ID=" + sandbox.DummyAccessKeyID, "AWS_SECRET_ACCESS_KEY=" + sandbox.DummySecretAccessKey,
		"AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=us-east-1", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_PAGER=", "AWS_MAX_ATTEMPTS=2"}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sh plan.sh all: %v\n%s\n--- script ---\n%s", err, out, buf.String())
	}
	scripted, err := fresh.srv.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	a, b := stateJSON(t, applied), stateJSON(t, scripted)
	if !bytes.Equal(a, b) {
		t.Fatalf("the script's final state differs from fix apply's:\napply: %d bytes\nscript: %d bytes", len(a), len(b))
	}
	if bytes.Equal(a, stateJSON(t, demo.Snapshot())) {
		t.Fatal("neither changed anything")
	}
}

func stateJSON(t *testing.T, s *snapshot.Snapshot) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := s.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
