package rules_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/scan"
)

// Ctrl-C during a long analysis: the scan returns context.Canceled soon
// after the cancellation, not when the analysis would have finished.
func TestScanCancelledDuringLongAnalysis(t *testing.T) {
	if testing.Short() {
		t.Skip("large account")
	}
	s := genLargeAccount(t, 600, 2000)
	rs := []*rules.Rule{rules.ByID("privilege-escalation"), rules.ByID("principal-admin-access")}
	// How long the whole analysis takes uncancelled.
	start := time.Now()
	if _, err := scan.Run(context.Background(), s, scan.Options{Rules: rs}); err != nil {
		t.Fatal(err)
	}
	full := time.Since(start)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := scan.Run(ctx, s, scan.Options{Rules: rs})
		done <- err
	}()
	time.Sleep(full / 5)
	cancel()
	cancelled := time.Now()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled scan: err %v, want context.Canceled", err)
		}
		if d := time.Since(cancelled); d > full/2 && d > 200*time.Millisecond {
			t.Errorf("cancelled scan returned %s after the cancellation (the full analysis takes %s)", d, full)
		}
		t.Logf("full analysis %s, returned %s after the cancellation", full, time.Since(cancelled))
	case <-time.After(2 * time.Second):
		t.Fatalf("cancelled scan still running 2 s after the cancellation (the full analysis takes %s)", full)
	}
}
