package collect

import (
	"context"
	"net/http/httptest"
	"path/filepath"
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

// isolateEnv keeps the developer's AWS settings out of the tests.
func isolateEnv(t testing.TB) {
	t.Helper()
	dir := t.TempDir()
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
		"AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_STS", "AWS_ROLE_ARN",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_REGION", "AWS_DEFAULT_REGION"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// sandboxOptions returns collection options that talk to the sandbox at url
// with dummy credentials, fast retries and fast credential report polling.
func sandboxOptions(t testing.TB, url string, c *Counter) Options {
	t.Helper()
	isolateEnv(t)
	cfg, err := LoadConfig(context.Background(), ConfigOptions{
		Region: "us-east-1", BaseEndpoint: url,
		Credentials: credentials.NewStaticCredentialsProvider(sandbox.DummyAccessKeyID, sandbox.DummySecretAccessKey, ""),
		MaxBackoff:  20 * time.Millisecond, Counter: c,
	})
	if err != nil {
		t.Fatal(err)
	}
	return Options{Config: cfg, Counter: c, CredentialReportPoll: time.Millisecond, CredentialReportWait: 10 * time.Second,
		Now: func() time.Time { return time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) }}
}

func collectSandbox(t testing.TB, snap *snapshot.Snapshot, sbOpts sandbox.Options, mod func(*Options)) (*snapshot.Snapshot, *sandbox.Server, *Counter) {
	t.Helper()
	srv, url := startSandbox(t, snap, sbOpts)
	c := NewCounter()
	o := sandboxOptions(t, url, c)
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

var _ = aws.String
