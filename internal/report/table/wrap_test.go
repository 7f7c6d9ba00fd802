package table

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/rules"
)

func TestWrap(t *testing.T) {
	got := wrap("one two three four five six", 4, 2, 12)
	if want := "one two\n  three four\n  five six"; got != want {
		t.Errorf("wrap = %q, want %q", got, want)
	}
	// A word longer than the line keeps a line of its own, unsplit.
	long := "arn:aws:iam::123456789012:role/a-very-long-role-name-indeed"
	got = wrap("target "+long+" ok", 0, 2, 20)
	if want := "target\n  " + long + "\n  ok"; got != want {
		t.Errorf("wrap = %q, want %q", got, want)
	}
}

// Issue 9 item 13: a long finding no longer prints as one 1,900-character
// line: every line of the table stays within the width, words intact.
func TestLongMessagesAreWrapped(t *testing.T) {
	msg := strings.Repeat("Role build-runner can escalate its privileges to administrator with iam-001 (policy \"build-runner-policy\" Statement[2]). ", 16)
	r := &report.Report{Results: []rules.Result{{RuleID: "privilege-escalation", Status: rules.Fail, Severity: rules.High,
		ResourceName: "build-runner", Message: msg}}}
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
