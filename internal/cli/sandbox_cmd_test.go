package cli

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for one writer and one reader.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestSandboxCommandServesAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	code := make(chan int, 1)
	go func() {
		code <- Run(ctx, []string{"sandbox", "--addr", "127.0.0.1:0", "--deny", "sso:*"}, &stdout, &stderr)
	}()
	url := printedEndpoint(t, &stdout, &stderr)
	for _, want := range []string{"export AWS_ACCESS_KEY_ID=", "export AWS_SECRET_ACCESS_KEY=", "export AWS_REGION=us-east-1", "export AWS_DEFAULT_REGION=us-east-1"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q: %s", want, stdout.String())
		}
	}
	resp, err := http.Get(url + "/_sandbox/stats")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("stats: %s", resp.Status)
	}
	cancel()
	select {
	case c := <-code:
		if c != ExitOK {
			t.Fatalf("exit %d; stderr %s", c, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sandbox did not stop on cancel")
	}
}

// Listening on every interface (0.0.0.0) prints an endpoint a client can
// use — 127.0.0.1, not 0.0.0.0 or [::] (Go reports a dual-stack listener
// as [::]) — keeps the warning, and the endpoint works.
func TestSandboxCommandUnspecifiedAddress(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	code := make(chan int, 1)
	go func() { code <- Run(ctx, []string{"sandbox", "--addr", "0.0.0.0:0"}, &stdout, &stderr) }()
	url := printedEndpoint(t, &stdout, &stderr)
	if !strings.HasPrefix(url, "http://127.0.0.1:") || strings.HasSuffix(url, ":0") {
		t.Fatalf("endpoint %q, want http://127.0.0.1:PORT", url)
	}
	if !strings.Contains(stderr.String(), "beyond this machine") || !strings.Contains(stderr.String(), "(listening on ") {
		t.Errorf("stderr lacks the warning or the listening address: %s", stderr.String())
	}
	resp, err := http.Get(url + "/_sandbox/stats")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cancel()
	if c := <-code; c != ExitOK {
		t.Fatalf("exit %d; stderr %s", c, stderr.String())
	}
}

func TestClientURL(t *testing.T) {
	for _, tc := range []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4zero, Port: 4566}, "http://127.0.0.1:4566"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 8080}, "http://127.0.0.1:8080"},
		{&net.TCPAddr{Port: 80}, "http://127.0.0.1:80"},
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 4566}, "http://127.0.0.1:4566"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 4566}, "http://[::1]:4566"},
		{&net.TCPAddr{IP: net.IPv4(10, 1, 2, 3), Port: 9}, "http://10.1.2.3:9"},
	} {
		if got := clientURL(tc.addr); got != tc.want {
			t.Errorf("clientURL(%v) = %q, want %q", tc.addr, got, tc.want)
		}
	}
}

// printedEndpoint waits for the sandbox's export AWS_ENDPOINT_URL line.
func printedEndpoint(t *testing.T, stdout, stderr *lockedBuffer) string {
	t.Helper()
	var url string
	for deadline := time.Now().Add(5 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for _, line := range strings.Split(stdout.String(), "\n") {
			if v, ok := strings.CutPrefix(line, "export AWS_ENDPOINT_URL="); ok {
				url = v
			}
		}
	}
	if url == "" {
		t.Fatalf("no endpoint printed; stdout %q stderr %q", stdout.String(), stderr.String())
	}
	return url
}

func TestSandboxCommandBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"sandbox", "--throttle-rate", "2"},
		{"sandbox", "--snapshot", "/nonexistent/snap.json"},
		{"sandbox", "--addr", "not-an-address"},
	} {
		var stdout, stderr bytes.Buffer
		if code := Run(context.Background(), args, &stdout, &stderr); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d (stderr %s)", args, code, ExitUsage, stderr.String())
		}
	}
}
