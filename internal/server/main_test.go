package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain keeps the machine's AWS settings out of the tests: a live target
// reaches only a loopback sandbox that a test points AWS_ENDPOINT_URL at.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "iamspect-server-test")
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
	os.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
