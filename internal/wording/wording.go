// Package wording writes counts and durations the way people write them:
// "1 day", "2 days", "12 hours", "1 hour 30 minutes" — never "1 days" or
// Go's "12h0m0s". It is a leaf: rules, reports and the CLI all use it, so
// every message counts the same way.
package wording

import (
	"strconv"
	"strings"
	"time"
)

// Count returns n and noun, pluralised by adding "s" ("1 member account",
// "3 member accounts"). Nouns with another plural use CountAs.
func Count(n int, noun string) string {
	return CountAs(n, noun, noun+"s")
}

// CountAs returns n with one (n == 1 or -1) or many ("1 policy", "2 policies").
func CountAs(n int, one, many string) string {
	return strconv.Itoa(n) + " " + Noun(n, one, many)
}

// Noun returns one or many for a count of n, without the number, for
// sentences that name the items instead ("in account 1111", "in accounts
// 1111 and 2222").
func Noun(n int, one, many string) string {
	if n == 1 || n == -1 {
		return one
	}
	return many
}

// Days returns "1 day" or "N days".
func Days(n int) string { return Count(n, "day") }

// Duration writes d in days, hours, minutes and seconds, largest first and
// omitting zero parts: "12 hours", "1 hour 30 minutes", "36 hours". Hours
// are not folded into days below 48 hours, because AWS states session
// limits in hours. Sub-second parts are dropped; zero is "0 seconds".
func Duration(d time.Duration) string {
	neg := d < 0
	if neg {
		d = -d
	}
	d = d.Truncate(time.Second)
	if d == 0 {
		return "0 seconds"
	}
	var parts []string
	if d >= 48*time.Hour {
		days := int(d / (24 * time.Hour))
		parts = append(parts, Days(days))
		d -= time.Duration(days) * 24 * time.Hour
	}
	for _, u := range []struct {
		unit time.Duration
		noun string
	}{{time.Hour, "hour"}, {time.Minute, "minute"}, {time.Second, "second"}} {
		if n := int(d / u.unit); n > 0 {
			parts = append(parts, Count(n, u.noun))
			d -= time.Duration(n) * u.unit
		}
	}
	s := strings.Join(parts, " ")
	if neg {
		return "minus " + s
	}
	return s
}
