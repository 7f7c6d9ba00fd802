package jsonreport

import (
	"encoding/json"
	"reflect"
	"strconv"
	"time"

	"github.com/iamspect/iamspect/internal/finding"
)

// The results list's layout in the indented report: a result's members sit
// six spaces in, its evidence's members eight, their list items ten.
const (
	resultClose   = "\n    }"
	memberIndent  = "\n      "
	nestedIndent  = "\n        "
	nestedItem    = "\n          "
	evidenceClose = "\n      }"
)

// appendResult appends one result as encoding/json's indented encoding
// (prefix "    ", indent "  ", HTML escaping off) writes it, without the
// reflection and the second, indenting pass: the report's results are most
// of its bytes. Field order and omitempty follow finding.Result's tags;
// TestAppendResultEqualsEncodingJSON holds the two together.
func appendResult(b []byte, r *finding.Result) ([]byte, error) {
	b = append(b, '{')
	b = appendMember(b, memberIndent, "rule_id", r.RuleID, true)
	b = appendMember(b, memberIndent, "status", string(r.Status), false)
	b = appendMember(b, memberIndent, "severity", string(r.Severity), false)
	b = appendMember(b, memberIndent, "account_id", r.AccountID, false)
	b = appendMember(b, memberIndent, "resource_type", r.ResourceType, false)
	b = appendMember(b, memberIndent, "resource_arn", r.ResourceARN, false)
	b = appendMember(b, memberIndent, "resource_name", r.ResourceName, false)
	b = appendMember(b, memberIndent, "message", r.Message, false)
	b = appendMember(b, memberIndent, "fingerprint", r.Fingerprint, false)
	if r.Evidence != nil {
		var err error
		if b, err = appendEvidence(b, r.Evidence); err != nil {
			return nil, err
		}
	}
	if len(r.MissingInputs) > 0 {
		b = appendList(b, memberIndent, nestedIndent, "missing_inputs", r.MissingInputs, false)
	}
	if r.MuteReason != "" {
		b = appendMember(b, memberIndent, "mute_reason", r.MuteReason, false)
	}
	return append(b, resultClose...), nil
}

// appendEvidence appends the "evidence" member: an object of the fields
// set, "{}" when none is.
func appendEvidence(b []byte, e *finding.Evidence) ([]byte, error) {
	b = append(b, ",\n      \"evidence\": {"...)
	start := len(b) // nothing appended since: the next member is the first
	if e.Policy != "" {
		b = appendMember(b, nestedIndent, "policy", e.Policy, len(b) == start)
	}
	if e.Statement != "" {
		b = appendMember(b, nestedIndent, "statement", e.Statement, len(b) == start)
	}
	if len(e.Actions) > 0 {
		b = appendList(b, nestedIndent, nestedItem, "actions", e.Actions, len(b) == start)
	}
	if e.KeyID != "" {
		b = appendMember(b, nestedIndent, "key_id", e.KeyID, len(b) == start)
	}
	if e.Date != nil {
		// time.Time's own MarshalJSON, as encoding/json calls it: RFC 3339
		// with nanoseconds, and the same error for years beyond 9999.
		date, err := e.Date.MarshalJSON()
		if err != nil {
			return nil, &json.MarshalerError{Type: reflect.TypeFor[*time.Time](), Err: err}
		}
		b = appendKey(b, nestedIndent, "date", len(b) == start)
		b = append(b, date...)
	}
	if e.AgeDays != nil {
		b = appendKey(b, nestedIndent, "age_days", len(b) == start)
		b = strconv.AppendInt(b, int64(*e.AgeDays), 10)
	}
	if e.Threshold != nil {
		b = appendKey(b, nestedIndent, "threshold", len(b) == start)
		b = strconv.AppendInt(b, int64(*e.Threshold), 10)
	}
	if len(e.Principals) > 0 {
		b = appendList(b, nestedIndent, nestedItem, "principals", e.Principals, len(b) == start)
	}
	if e.PrincipalsTotal != 0 {
		b = appendKey(b, nestedIndent, "principals_total", len(b) == start)
		b = strconv.AppendInt(b, int64(e.PrincipalsTotal), 10)
	}
	if len(e.Path) > 0 {
		b = appendList(b, nestedIndent, nestedItem, "path", e.Path, len(b) == start)
	}
	if len(b) == start {
		return append(b, '}'), nil
	}
	return append(b, evidenceClose...), nil
}

// appendKey appends `"key": ` on its own line, after a comma unless it is
// the object's first member.
func appendKey(b []byte, indent, key string, first bool) []byte {
	if !first {
		b = append(b, ',')
	}
	b = append(b, indent...)
	b = append(b, '"')
	b = append(b, key...)
	return append(b, "\": "...)
}

// appendMember appends a string member.
func appendMember(b []byte, indent, key, value string, first bool) []byte {
	return appendString(appendKey(b, indent, key, first), value)
}

// appendList appends a member holding a non-empty list of strings, one
// item a line.
func appendList(b []byte, indent, item, key string, values []string, first bool) []byte {
	b = appendKey(b, indent, key, first)
	b = append(b, '[')
	for i, v := range values {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, item...)
		b = appendString(b, v)
	}
	b = append(b, indent...)
	return append(b, ']')
}
