package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
)

// NormalizePolicyDocument returns a policy document as decoded, compact JSON
// text. AWS hands documents out in two forms: the CLI prints them as JSON
// objects, while the raw API (and SDKs) return them as URL-encoded JSON
// strings. A string holding plain JSON text is accepted too. The result must
// be a JSON object; key order and the values are kept as they were.
func NormalizePolicyDocument(raw json.RawMessage) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, errors.New("policy document is missing")
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, errors.New("policy document is not a valid JSON string")
		}
		text := strings.TrimSpace(s)
		if !strings.HasPrefix(text, "{") {
			// RFC 3986 encoding, as AWS documents it: "+" is a literal plus,
			// so PathUnescape rather than QueryUnescape.
			dec, err := url.PathUnescape(text)
			if err != nil {
				return nil, errors.New("policy document is a string but neither JSON nor valid URL-encoded JSON")
			}
			text = strings.TrimSpace(dec)
		}
		raw = []byte(text)
	}
	if len(raw) == 0 || raw[0] != '{' {
		return nil, errors.New("policy document is not a JSON object (expected {\"Version\": ..., \"Statement\": ...})")
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, errors.New("policy document is not valid JSON: " + err.Error())
	}
	return buf.Bytes(), nil
}

// normalizeDecoded is NormalizePolicyDocument for a document encoding/json
// has just decoded into a json.RawMessage of its own: such a document is
// valid JSON, so an object only needs its insignificant spaces dropped,
// which is done in place (json.Compact would validate it again and copy
// it). Other forms take NormalizePolicyDocument's path.
func normalizeDecoded(raw json.RawMessage) (json.RawMessage, error) {
	if len(raw) == 0 || raw[0] != '{' {
		return NormalizePolicyDocument(raw)
	}
	return compactValid(raw), nil
}

// compactValid removes the spaces outside strings of valid JSON text in
// place: what json.Compact does to valid JSON.
func compactValid(b []byte) []byte {
	w := 0
	for r := 0; r < len(b); r++ {
		switch c := b[r]; c {
		case ' ', '\t', '\n', '\r':
			continue
		case '"':
			end := stringEnd(b, r+1)
			w += copy(b[w:], b[r:end])
			r = end - 1
		default:
			b[w] = c
			w++
		}
	}
	return b[:w]
}

// stringEnd returns the index just past the closing quote of the JSON
// string whose content starts at i (len(b) when it is not closed).
func stringEnd(b []byte, i int) int {
	for {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return len(b)
		}
		i += j
		k := i
		for k > 0 && b[k-1] == '\\' {
			k--
		}
		if (i-k)%2 == 0 {
			return i + 1
		}
		i++
	}
}
