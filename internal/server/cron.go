package server

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/iamspect/iamspect/internal/wording"
)

// Schedule says when a target is scanned next.
type Schedule interface {
	// Next is the first time strictly after t.
	Next(t time.Time) time.Time
	String() string
}

// ParseSchedule reads an interval ("15m", "6h", at least 1s) or a cron
// expression of five fields, "minute hour day-of-month month day-of-week",
// evaluated in UTC.
func ParseSchedule(s string) (Schedule, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("empty schedule: want an interval like 15m or a cron expression like \"0 */6 * * *\"")
	}
	if len(strings.Fields(s)) == 1 {
		d, err := time.ParseDuration(s)
		if err != nil {
			return nil, fmt.Errorf("schedule %q: not an interval (like 15m, 6h) nor a five-field cron expression", s)
		}
		if d < time.Second {
			return nil, fmt.Errorf("schedule %q: the interval must be at least 1s", s)
		}
		return every(d), nil
	}
	return ParseCron(s)
}

// every is a fixed interval.
type every time.Duration

func (e every) Next(t time.Time) time.Time { return t.Add(time.Duration(e)) }
func (e every) String() string             { return "every " + wording.Duration(time.Duration(e)) }

// Cron is a parsed cron expression: a bit set per field.
type Cron struct {
	expr                       string
	minute, hour, dom, mon, dw uint64
	// domAny and dowAny record a "*" day field: when both day fields are
	// restricted, a day matching either one matches (as cron does).
	domAny, dowAny bool
}

type cronField struct {
	name     string
	min, max int
}

var cronFields = []cronField{{"minute", 0, 59}, {"hour", 0, 23}, {"day of month", 1, 31}, {"month", 1, 12}, {"day of week", 0, 7}}

// ParseCron parses "m h dom mon dow". Each field is "*", a number, a range
// "a-b", a step "*/n" or "a-b/n", or a comma-separated list of those. Day
// of week 0 and 7 are Sunday. Names (JAN, MON) and macros (@daily) are not
// supported.
func ParseCron(expr string) (*Cron, error) {
	fs := strings.Fields(expr)
	if len(fs) != 5 {
		return nil, fmt.Errorf("cron %q: want 5 fields (minute hour day-of-month month day-of-week), got %d", expr, len(fs))
	}
	c := &Cron{expr: expr}
	sets := []*uint64{&c.minute, &c.hour, &c.dom, &c.mon, &c.dw}
	for i, f := range fs {
		set, err := parseCronField(f, cronFields[i])
		if err != nil {
			return nil, fmt.Errorf("cron %q: %s: %w", expr, cronFields[i].name, err)
		}
		*sets[i] = set
	}
	if c.dw&(1<<7) != 0 {
		c.dw |= 1 // 7 is Sunday too
	}
	c.domAny, c.dowAny = fs[2] == "*", fs[4] == "*"
	return c, nil
}

func parseCronField(f string, spec cronField) (uint64, error) {
	var set uint64
	for _, part := range strings.Split(f, ",") {
		rng, stepS, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepS)
			if err != nil || n < 1 {
				return 0, fmt.Errorf("bad step %q", stepS)
			}
			step = n
		}
		lo, hi := spec.min, spec.max
		switch {
		case rng == "*":
		case strings.Contains(rng, "-"):
			a, b, _ := strings.Cut(rng, "-")
			var err1, err2 error
			lo, err1 = strconv.Atoi(a)
			hi, err2 = strconv.Atoi(b)
			if err1 != nil || err2 != nil {
				return 0, fmt.Errorf("bad range %q", rng)
			}
		default:
			n, err := strconv.Atoi(rng)
			if err != nil {
				return 0, fmt.Errorf("bad value %q", rng)
			}
			lo, hi = n, n
			if hasStep {
				hi = spec.max
			}
		}
		if lo < spec.min || hi > spec.max || lo > hi {
			return 0, fmt.Errorf("%q is outside %d-%d", part, spec.min, spec.max)
		}
		for v := lo; v <= hi; v += step {
			set |= 1 << uint(v)
		}
	}
	return set, nil
}

func (c *Cron) String() string { return "cron " + c.expr }

func (c *Cron) dayMatches(t time.Time) bool {
	dom := c.dom&(1<<uint(t.Day())) != 0
	dow := c.dw&(1<<uint(t.Weekday())) != 0
	switch {
	case c.domAny && c.dowAny:
		return true
	case c.domAny:
		return dow
	case c.dowAny:
		return dom
	}
	return dom || dow
}

// Next returns the first matching minute after t (in UTC), or the zero
// time when none comes within five years (as for "0 0 31 2 *").
func (c *Cron) Next(t time.Time) time.Time {
	t = t.UTC().Truncate(time.Minute).Add(time.Minute)
	limit := t.AddDate(5, 0, 0)
	for t.Before(limit) {
		switch {
		case c.mon&(1<<uint(t.Month())) == 0:
			t = time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC)
		case !c.dayMatches(t):
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, time.UTC)
		case c.hour&(1<<uint(t.Hour())) == 0:
			t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour()+1, 0, 0, 0, time.UTC)
		case c.minute&(1<<uint(t.Minute())) == 0:
			t = t.Add(time.Minute)
		default:
			return t
		}
	}
	return time.Time{}
}
