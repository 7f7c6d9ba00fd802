// Package awsenv keeps the machine's AWS settings out of a test binary: a
// test must never reach real AWS (nor the instance metadata service). Calls
// go to a closed loopback port and no credentials are found, unless a test
// points AWS_ENDPOINT_URL at a loopback sandbox.
package awsenv

import (
	"os"
	"path/filepath"
	"strings"
)

// Isolate clears every AWS_ variable, points the SDK's config and
// credentials files into a fresh temporary folder, disables the metadata
// service and sends calls to 127.0.0.1:9. Call it from TestMain; the
// returned function removes the folder.
func Isolate() (cleanup func()) {
	dir, err := os.MkdirTemp("", "iamspect-awsenv")
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
	return func() { os.RemoveAll(dir) }
}
