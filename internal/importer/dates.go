package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// timeLayouts are the date forms seen in real AWS output: the CLI's ISO form
// with an offset or Z, and the space-separated form some Python tools write.
// time.Parse accepts fractional seconds after the seconds field in all of them.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02T15:04:05", // no zone: AWS times are UTC
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05Z0700", // +0000 without a colon
	"2006-01-02 15:04:05Z0700",
}

// ParseTime parses an AWS date in any of the forms above and returns it in UTC.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date (expected e.g. 2021-03-13T18:42:09+00:00)", s)
}

// Time is an AWS date in JSON. It accepts the string forms ParseTime knows,
// epoch seconds, and null; the zero value means absent.
type Time struct{ time.Time }

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*t = Time{}
		return nil
	}
	if len(b) > 0 && (b[0] == '-' || (b[0] >= '0' && b[0] <= '9')) {
		// Epoch seconds, as JSON-protocol AWS APIs and some exporters write them.
		var secs float64
		if err := json.Unmarshal(b, &secs); err != nil || secs < 0 || secs > 1e11 {
			return dateError(b)
		}
		whole := int64(secs)
		t.Time = time.Unix(whole, int64((secs-float64(whole))*1e9)).UTC()
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return dateError(b)
	}
	if s == "" {
		*t = Time{}
		return nil
	}
	v, err := ParseTime(s)
	if err != nil {
		return dateError(b)
	}
	t.Time = v
	return nil
}

// timeType marks date errors so jsonError can word them.
var timeType = reflect.TypeFor[time.Time]()

// dateError is returned as an UnmarshalTypeError so that encoding/json adds
// the field path; Offset -1 says the position is unknown.
func dateError(b []byte) error {
	return &json.UnmarshalTypeError{Value: abbrev(b), Type: timeType, Offset: -1}
}

// MarshalJSON writes the date as RFC 3339, or null when absent.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.Time.UTC().Format(time.RFC3339Nano))
}

// Ptr returns a pointer to the time, or nil when absent.
func (t Time) Ptr() *time.Time {
	if t.IsZero() {
		return nil
	}
	v := t.Time
	return &v
}

// abbrev shortens raw input quoted in error messages.
func abbrev(b []byte) string {
	const max = 40
	s := string(b)
	if len(s) > max {
		s = s[:max] + "..."
	}
	return s
}
