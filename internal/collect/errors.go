package collect

import (
	"context"
	"errors"
	"net"
	"strings"

	"github.com/aws/smithy-go"
)

// Reason is a one-line explanation of a failed call for a gap: the AWS
// error code and message, or what went wrong on the network. AWS error
// messages name the caller and the action, never credentials.
func Reason(err error) string {
	var api smithy.APIError
	switch {
	case errors.As(err, &api):
		msg := api.ErrorMessage()
		if msg == "" {
			return api.ErrorCode()
		}
		return oneLine(api.ErrorCode() + ": " + msg)
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return oneLine("unreachable: " + ne.Error())
	}
	var ie *inputsErr
	if errors.As(err, &ie) {
		return Reason(ie.err)
	}
	var pe *APIError
	if errors.As(err, &pe) {
		return oneLine(pe.Err.Error())
	}
	return oneLine(err.Error())
}

// ErrorCode returns the AWS error code of err, or "".
func ErrorCode(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}

// gapCode is the error code a gap records: the AWS error code, else
// "Timeout" for a call or account budget that ran out of time, else
// "ConnectionError" when the endpoint could not be reached.
func gapCode(err error) string {
	if c := ErrorCode(err); c != "" {
		return c
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return "Timeout"
	case isConnectionError(err):
		return "ConnectionError"
	}
	return ""
}

// hasCode reports whether err is an AWS error with one of the codes.
func hasCode(err error, codes ...string) bool {
	c := ErrorCode(err)
	for _, want := range codes {
		if c == want {
			return true
		}
	}
	return false
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 400 {
		s = s[:400] + "..."
	}
	return s
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
