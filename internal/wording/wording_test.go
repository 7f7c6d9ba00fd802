package wording

import (
	"testing"
	"time"
)

func TestCount(t *testing.T) {
	cases := []struct {
		got, want string
	}{
		{Count(0, "day"), "0 days"},
		{Count(1, "day"), "1 day"},
		{Count(2, "member account"), "2 member accounts"},
		{Count(1, "member account"), "1 member account"},
		{CountAs(1, "policy", "policies"), "1 policy"},
		{CountAs(3, "policy", "policies"), "3 policies"},
		{Days(-1), "-1 day"},
		{Days(400), "400 days"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestDuration(t *testing.T) {
	cases := map[time.Duration]string{
		0:                                "0 seconds",
		time.Second:                      "1 second",
		90 * time.Second:                 "1 minute 30 seconds",
		time.Hour:                        "1 hour",
		12 * time.Hour:                   "12 hours",
		90 * time.Minute:                 "1 hour 30 minutes",
		36 * time.Hour:                   "36 hours",
		49 * time.Hour:                   "2 days 1 hour",
		72 * time.Hour:                   "3 days",
		-2 * time.Hour:                   "minus 2 hours",
		time.Hour + 500*time.Millisecond: "1 hour",
	}
	for d, want := range cases {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestNoun(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{{0, "accounts"}, {1, "account"}, {-1, "account"}, {2, "accounts"}} {
		if got := Noun(tc.n, "account", "accounts"); got != tc.want {
			t.Errorf("Noun(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}
