package table

import (
	"strings"
	"unicode/utf8"
)

const (
	// DefaultWidth is the line width messages are wrapped to when
	// Options.Width is 0 (and when the output is not a terminal).
	DefaultWidth = 100
	// MaxWidth bounds Options.Width: on a very wide terminal, lines longer
	// than this are hard to read, and no line of the table exceeds it.
	MaxWidth = 200
	// minWidth keeps a narrow terminal readable, and commands such as
	// "iamspect rules show ID" on one line: text wraps at this width at
	// least, whatever the terminal says.
	minWidth = 80
)

// lineWidth is the width to wrap at: w within minWidth..MaxWidth, or
// DefaultWidth when unset.
func lineWidth(w int) int {
	switch {
	case w <= 0:
		return DefaultWidth
	case w < minWidth:
		return minWidth
	case w > MaxWidth:
		return MaxWidth
	}
	return w
}

// wrap breaks text into lines of at most width runes, the first starting
// at column first (what precedes it on its line), the others indented by
// indent spaces. Existing line breaks are kept. A word longer than a whole
// line (a long ARN) is broken, after a '/', ':' or '-' near the end of the
// line, so that no line is longer than the width.
func wrap(text string, first, indent, width int) string {
	if width <= 0 {
		width = DefaultWidth
	}
	if indent > width/2 {
		indent = width / 2
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
			case col+1+n > width && col > indent && (n <= width-indent || width-col-1 < minBreak):
				// The word fits a line of its own, or too little of it
				// would fit here: start a new line.
				b.WriteString("\n" + pad)
				col = indent
			default:
				b.WriteByte(' ')
				col++
			}
			// Break a word that does not fit on a line of its own.
			for col+n > width && n > width-indent {
				head, rest := breakWord(w, max(width-col, 1))
				b.WriteString(head + "\n" + pad)
				w, col = rest, indent
				n = utf8.RuneCountInString(w)
			}
			b.WriteString(w)
			col += n
		}
	}
	return b.String()
}

// minBreak is the least room worth starting a broken word in.
const minBreak = 10

// breakWord splits w after at most limit runes, after the last '/', ':' or
// '-' in the second half of that span if there is one.
func breakWord(w string, limit int) (string, string) {
	runes := []rune(w)
	if len(runes) <= limit {
		return w, ""
	}
	cut := limit
	for i := limit - 1; i >= limit/2; i-- {
		if runes[i] == '/' || runes[i] == ':' || runes[i] == '-' {
			cut = i + 1
			break
		}
	}
	return string(runes[:cut]), string(runes[cut:])
}
