package collect

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/iamspect/iamspect/internal/sandbox"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// startSandbox serves snap over loopback HTTP.
func startSandbox(t testing.TB, snap *snapshot.Snapshot, opts sandbox.Options) (*sandbox.Server, string) {
	t.Helper()
	srv, err := sandbox.New(snap, opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts.URL
}

// TestMain keeps the developer's AWS settings (profiles, endpoints,
// credentials) out of the tests, which talk only to loopback sandboxes.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "iamspect-collect-test")
	if err != nil {
		panic(err)
	}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			os.Unsetenv(k)
		}
	}
	os.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	os.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// sandboxOptions returns collection options that talk to the sandbox at url
// with dummy credentials, fast retries and fast credential report polling.
func sandboxOptions(t testing.TB, url string, c *Counter, mode aws.RetryMode) Options {
	t.Helper()
	cfg, err := LoadConfig(context.Background(), ConfigOptions{
		Region: "us-east-1", BaseEndpoint: url, RetryMode: mode,
		Credentials: credentials.NewStaticCredentialsProvider(sandbox.DummyAccessKeyID, sandbox.DummySecretAccessKey, ""),
		MaxBackoff:  20 * time.Millisecond, Counter: c,
	})
	if err != nil {
		t.Fatal(err)
	}
	return Options{Config: cfg, Counter: c, CredentialReportPoll: time.Millisecond, CredentialReportWait: 10 * time.Second,
		Now: func() time.Time { return time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) }}
}

// collectSandbox collects from a sandbox serving snap, with the standard
// retryer (see collectSandboxMode).
func collectSandbox(t testing.TB, snap *snapshot.Snapshot, sbOpts sandbox.Options, mod func(*Options)) (*snapshot.Snapshot, *sandbox.Server, *Counter) {
	t.Helper()
	return collectSandboxMode(t, snap, sbOpts, aws.RetryModeStandard, mod)
}

// collectSandboxMode collects with the given retry mode (the adaptive mode
// adds the client-side limiter of retry.go).
func collectSandboxMode(t testing.TB, snap *snapshot.Snapshot, sbOpts sandbox.Options, mode aws.RetryMode, mod func(*Options)) (*snapshot.Snapshot, *sandbox.Server, *Counter) {
	t.Helper()
	srv, url := startSandbox(t, snap, sbOpts)
	c := NewCounter()
	o := sandboxOptions(t, url, c, mode)
	if mod != nil {
		mod(&o)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	got, err := Collect(ctx, o)
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	return got, srv, c
}
