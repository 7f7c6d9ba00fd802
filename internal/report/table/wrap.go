package table

import (
	"strings"
	"unicode/utf8"
)

// DefaultWidth is the line width messages are wrapped to when
// Options.Width is 0.
const DefaultWidth = 100

// wrap breaks text into lines of at most width runes, the first starting
// at column first (what precedes it on its line), the others indented by
// indent spaces. Words are never split: a word longer than a line (a long
// ARN) gets a line of its own. Existing line breaks are kept.
func wrap(text string, first, indent, width int) string {
	if width <= 0 {
		width = DefaultWidth
	}
	pad := strings.Repeat(" ", indent)
	var b strings.Builder
	col := first
	for i, para := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteString("\n" + pad)
			col = indent
		}
		start := true
		for _, w := range strings.Fields(para) {
			n := utf8.RuneCountInString(w)
			switch {
			case start:
				start = false
			case col+1+n > width && col > indent:
				b.WriteString("\n" + pad)
				col = indent
			default:
				b.WriteByte(' ')
				col++
			}
			b.WriteString(w)
			col += n
		}
	}
	return b.String()
}
