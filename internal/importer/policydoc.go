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
