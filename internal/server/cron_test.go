package server

import (
	"strings"
	"testing"
	"time"
)

func TestCronNext(t *testing.T) {
	base := time.Date(2026, 11, 30, 23, 47, 30, 0, time.UTC) // a Monday
	cases := []struct{ expr, want string }{
		{"* * * * *", "2026-11-30T23:48:00Z"},
		{"0 * * * *", "2026-12-01T00:00:00Z"},
		{"*/15 * * * *", "2026-12-01T00:00:00Z"},
		{"50 23 * * *", "2026-11-30T23:50:00Z"},
		{"0 */6 * * *", "2026-12-01T00:00:00Z"},
		{"30 9 * * 1-5", "2026-12-01T09:30:00Z"},
		{"0 0 1 * *", "2026-12-01T00:00:00Z"},
		{"0 0 * * 0", "2026-12-06T00:00:00Z"},
		{"0 0 * * 7", "2026-12-06T00:00:00Z"},
		{"0 12 15 1 *", "2027-01-15T12:00:00Z"},
		{"0 0 29 2 *", "2028-02-29T00:00:00Z"},
		{"5,10 1-3/2 * * *", "2026-12-01T01:05:00Z"},
		// Both day fields restricted: either matches (the 1st, or a Friday).
		{"0 0 1 * 5", "2026-12-01T00:00:00Z"},
		{"0 8 13 * 5", "2026-12-04T08:00:00Z"},
	}
	for _, c := range cases {
		s, err := ParseSchedule(c.expr)
		if err != nil {
			t.Errorf("%q: %v", c.expr, err)
			continue
		}
		if got := s.Next(base).Format(time.RFC3339); got != c.want {
			t.Errorf("%q: next %s, want %s", c.expr, got, c.want)
		}
	}
	never, _ := ParseCron("0 0 31 2 *")
	if got := never.Next(base); !got.IsZero() {
		t.Errorf("Feb 31: %v", got)
	}
}

func TestScheduleErrors(t *testing.T) {
	for expr, want := range map[string]string{
		"":              "empty schedule",
		"soon":          "not an interval",
		"10ms":          "at least 1s",
		"* * * *":       "want 5 fields",
		"60 * * * *":    "minute: \"60\" is outside 0-59",
		"* 24 * * *":    "hour",
		"* * 0 * *":     "day of month",
		"* * * 13 *":    "month",
		"* * * * 8":     "day of week",
		"*/0 * * * *":   "bad step",
		"a * * * *":     "bad value",
		"5-1 * * * *":   "outside",
		"* * * JAN *":   "bad value",
		"1-x * * * *":   "bad range",
		"@daily":        "not an interval",
		"*/5 * * * * *": "want 5 fields",
	} {
		_, err := ParseSchedule(expr)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err %v, want %q", expr, err, want)
		}
	}
	s, err := ParseSchedule("15m")
	if err != nil || s.Next(time.Unix(0, 0)).Sub(time.Unix(0, 0)) != 15*time.Minute || s.String() != "every 15 minutes" {
		t.Fatalf("interval: %v %v", s, err)
	}
}

func FuzzParseCron(f *testing.F) {
	for _, s := range []string{"* * * * *", "*/5 1-3 1,15 * 1-5", "0 0 31 2 *", "7-7/3 * * * 0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		c, err := ParseCron(expr)
		if err != nil {
			return
		}
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		if n := c.Next(base); !n.IsZero() && !n.After(base) {
			t.Fatalf("%q: next %v not after %v", expr, n, base)
		}
	})
}
