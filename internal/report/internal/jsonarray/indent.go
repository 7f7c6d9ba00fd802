package jsonarray

import "bytes"

// appendIndented appends src, compact JSON as encoding/json writes it (no
// white space outside strings), laid out exactly as json.Indent(dst, src,
// prefix, indent) lays it out: a line per member and element, "{}" and
// "[]" kept when empty, ": " after keys. encoding/json's Indent runs its
// validating scanner over every byte, which took most of the time of the
// OCSF and ASFF writers; here only structure bytes are looked at and
// strings are copied whole.
func appendIndented(dst, src []byte, prefix, indent string) []byte {
	depth := 0
	for i := 0; i < len(src); i++ {
		switch c := src[i]; c {
		case '"':
			end := i + 1 + stringLen(src[i+1:])
			dst = append(dst, src[i:end]...)
			i = end - 1
		case '{', '[':
			dst = append(dst, c)
			if i+1 < len(src) && (src[i+1] == '}' || src[i+1] == ']') {
				dst = append(dst, src[i+1])
				i++
				continue
			}
			depth++
			dst = newline(dst, prefix, indent, depth)
		case '}', ']':
			depth--
			dst = newline(dst, prefix, indent, depth)
			dst = append(dst, c)
		case ',':
			dst = newline(append(dst, c), prefix, indent, depth)
		case ':':
			dst = append(dst, ':', ' ')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// stringLen is the length of a string's rest after its opening quote,
// closing quote included.
func stringLen(s []byte) int {
	n := 0
	for {
		k := bytes.IndexAny(s[n:], `"\`)
		if k < 0 {
			return len(s)
		}
		if s[n+k] == '"' {
			return n + k + 1
		}
		n += k + 2 // a backslash and the byte it escapes
	}
}

func newline(dst []byte, prefix, indent string, depth int) []byte {
	dst = append(dst, '\n')
	dst = append(dst, prefix...)
	for range depth {
		dst = append(dst, indent...)
	}
	return dst
}
