package server

import (
	"os"
	"testing"

	"github.com/iamspect/iamspect/internal/testutil/awsenv"
)

// TestMain keeps the machine's AWS settings out of the tests: a live target
// reaches only a loopback sandbox that a test points AWS_ENDPOINT_URL at.
func TestMain(m *testing.M) {
	cleanup := awsenv.Isolate()
	code := m.Run()
	cleanup()
	os.Exit(code)
}
