package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/iamspect/iamspect/internal/collect"
	"github.com/iamspect/iamspect/internal/engine"
	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/remediate/apply"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/securityhub"
)

// Exit codes. They are decided here and nowhere else (docs/output.md).
const (
	// ExitOK: the scan is complete and nothing fails at or above --fail-on.
	ExitOK = 0
	// ExitFindings: some result fails at or above --fail-on.
	ExitFindings = 1
	// ExitUsage: bad flags or unreadable input; nothing was scanned.
	ExitUsage = 2
	// ExitIncomplete: the scan has gaps, UNKNOWN results or rule errors,
	// and --allow-incomplete was not given.
	ExitIncomplete = 3
	// ExitFailure: iamspect itself failed (the report could not be
	// written, an internal error): not the input's fault, not a verdict.
	ExitFailure = 4
	// ExitPartialDelivery: the report was written, but Security Hub
	// (--security-hub) accepted only some of its findings.
	ExitPartialDelivery = 6
	// ExitInterrupted and ExitTerminated: SIGINT and SIGTERM stopped the
	// run (128 + the signal number, as shells report it).
	ExitInterrupted = 128 + int(syscall.SIGINT)
	ExitTerminated  = 128 + int(syscall.SIGTERM)
	// ExitUnreachable: the AWS endpoint could not be reached or did not
	// answer (collect.ErrEndpointUnreachable); nothing was scanned.
	ExitUnreachable = 5
)

// usageError marks errors caused by the command line or its input files.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usage wraps err as a usage or input error (exit 2).
func usage(err error) error {
	if err == nil {
		return nil
	}
	return usageError{err}
}

// exitStatus carries a non-error exit code out of a command (1 or 3).
type exitStatus struct{ code int }

func (e exitStatus) Error() string { return "exit status" }

// signalled is the cancellation cause when a signal stops the run.
type signalled struct{ sig os.Signal }

func (s signalled) Error() string { return "interrupted by " + s.sig.String() }

// codeFor maps a command's error to the process exit code and the message
// to print ("" for none). A cancelled run whose context names a signal
// exits 130 or 143 whatever error the cancellation surfaced as.
func codeFor(ctx context.Context, err error) (int, string) {
	if err == nil {
		return ExitOK, ""
	}
	var st exitStatus
	if errors.As(err, &st) {
		return st.code, ""
	}
	var sig signalled
	if errors.As(context.Cause(ctx), &sig) {
		code := ExitInterrupted
		if sig.sig == syscall.SIGTERM {
			code = ExitTerminated
		}
		return code, fmt.Sprintf("%s; stopped before the command finished: no report written (fix apply and rollback resume from their journal when run again)", sig.Error())
	}
	if errors.Is(err, collect.ErrEndpointUnreachable) {
		return ExitUnreachable, oneLine(err.Error())
	}
	if de, ok := securityhub.IsDeliveryError(err); ok && de.Partial {
		return ExitPartialDelivery, "error: " + oneLine(err.Error())
	}
	// fix apply/rollback: a plan refused as a whole is the input's fault;
	// refused actions are a verdict, like failing findings.
	var pe *apply.PlanError
	if errors.As(err, &pe) {
		return ExitUsage, oneLine(err.Error())
	}
	if errors.Is(err, apply.ErrRefused) {
		return ExitFindings, oneLine(err.Error())
	}
	var ue usageError
	var ie *engine.InputError
	if errors.As(err, &ue) || errors.As(err, &ie) {
		return ExitUsage, oneLine(err.Error())
	}
	return ExitFailure, "error: " + oneLine(err.Error())
}

// report prints the message for an exit code, if any.
func reportExit(stderr io.Writer, msg string) {
	if msg != "" {
		fmt.Fprintf(stderr, "iamspect: %s\n", msg)
	}
}

// scanExitCode decides the exit code of a finished scan.
func scanExitCode(r *report.Report, failOn finding.Severity, allowIncomplete bool) int {
	if !r.Summary.Complete && !allowIncomplete {
		return ExitIncomplete
	}
	if failOn == "" {
		return ExitOK
	}
	for _, res := range r.Results.All() {
		if res.Status == finding.Fail && res.Severity.Rank() >= failOn.Rank() {
			return ExitFindings
		}
	}
	return ExitOK
}
