package cli

import (
	"errors"

	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/rules"
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

// codeFor maps a command's error to the process exit code.
func codeFor(err error) int {
	if err == nil {
		return ExitOK
	}
	var st exitStatus
	if errors.As(err, &st) {
		return st.code
	}
	return ExitUsage
}

// scanExitCode decides the exit code of a finished scan.
func scanExitCode(r *report.Report, failOn rules.Severity, allowIncomplete bool) int {
	if !r.Summary.Complete && !allowIncomplete {
		return ExitIncomplete
	}
	if failOn == "" {
		return ExitOK
	}
	for _, res := range r.Results {
		if res.Status == rules.Fail && res.Severity.Rank() >= failOn.Rank() {
			return ExitFindings
		}
	}
	return ExitOK
}
