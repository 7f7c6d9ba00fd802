package table

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/rules"
)

func TestWrap(t *testing.T) {
	got := wrap("one two three four five six", 4, 2, 12)
	if want := "one two\n  three four\n  five six"; got != want {
		t.Errorf("wrap = %q, want %q", got, want)
	}
	// A word that fits a line of its own moves there whole.
	got = wrap("target arn:aws:iam::1:role/r ok", 0, 2, 40)
	if want := "target arn:aws:iam::1:role/r ok"; got != want {
		t.Errorf("wrap = %q, want %q", got, want)
	}
	// A word longer than a line (a long ARN) is broken after a '/' or ':'
	// near the line's end, or at the width when there is none.
	long := "arn:aws:iam::123456789012:role/service-role/a-very-long-role-name-indeed-and-more"
	got = wrap("target "+long+" ok", 0, 2, 40)
	if want := "target arn:aws:iam::123456789012:role/\n  service-role/a-very-long-role-name-\n  indeed-and-more ok"; got != want {
		t.Errorf("wrap = %q, want %q", got, want)
	}
	if got := wrap(strings.Repeat("x", 90), 0, 4, 40); got != strings.Repeat("x", 40)+"\n    "+strings.Repeat("x", 36)+"\n    "+strings.Repeat("x", 14) {
		t.Errorf("wrap = %q", got)
	}
}

func TestLineWidth(t *testing.T) {
	for in, want := range map[int]int{0: DefaultWidth, -3: DefaultWidth, 10: 80, 80: 80, 90: 90, 200: 200, 500: MaxWidth} {
		if got := lineWidth(in); got != want {
			t.Errorf("lineWidth(%d) = %d, want %d", in, got, want)
		}
	}
}

// Issue 9 item 13: a long finding no longer prints as one 1,900-character
// line: every line of the table stays within the width, words intact.
func TestLongMessagesAreWrapped(t *testing.T) {
	msg := strings.Repeat("Role build-runner can escalate its privileges to administrator with iam-001 (policy \"build-runner-policy\" Statement[2]). ", 16)
	r := &report.Report{Results: finding.ListOf([]rules.Result{{RuleID: "privilege-escalation", Status: rules.Fail, Severity: rules.High,
		ResourceName: "build-runner", Message: msg}})}
	var b bytes.Buffer
	if err := Write(&b, r, Options{}); err != nil {
		t.Fatal(err)
	}
	var lines int
	for _, l := range strings.Split(b.String(), "\n") {
		if n := utf8.RuneCountInString(l); n > DefaultWidth {
			t.Errorf("line of %d runes: %q", n, l)
		}
		if strings.HasPrefix(l, "        ") {
			lines++
		}
	}
	if lines < 15 {
		t.Errorf("message wrapped into %d continuation lines:\n%s", lines, b.String())
	}
	flat := strings.Join(strings.Fields(b.String()), " ")
	if !strings.Contains(flat, strings.TrimSpace(strings.Join(strings.Fields(msg), " "))) {
		t.Error("wrapping changed the message's words")
	}
}
