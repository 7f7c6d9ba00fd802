package sandbox

import (
	"encoding/base64"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Timestamps as the Query protocol writes them (ISO 8601, UTC).
func ts(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// tsp formats an optional time; "" is omitted by omitempty.
func tsp(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return ts(*t)
}

// xmlTag is a Tag as IAM writes it.
type xmlTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

// list returns a Query list parameter (Name.member.1, Name.member.2, ...).
func (c *call) list(name string) []string {
	type kv struct {
		n int
		v string
	}
	var items []kv
	prefix := name + ".member."
	for k, vs := range c.form {
		if !strings.HasPrefix(k, prefix) || len(vs) == 0 {
			continue
		}
		n, err := strconv.Atoi(k[len(prefix):])
		if err != nil {
			continue
		}
		items = append(items, kv{n, vs[0]})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].n < items[j].n })
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.v
	}
	return out
}

// urlEncodeDoc URL-encodes a policy document as IAM returns it.
func urlEncodeDoc(doc []byte) string {
	if len(doc) == 0 {
		return ""
	}
	return strings.ReplaceAll(url.QueryEscape(string(doc)), "+", "%20")
}

// Default page sizes, as AWS uses them.
const (
	iamPageSize = 100
	iamMaxItems = 1000
)

// paginate returns one page of items from an opaque token and a page size
// (0 = the default). Tokens are bound to the action that issued them.
func paginate[T any](c *call, items []T, token string, size, def, limit int) ([]T, string, *apiError) {
	if size == 0 {
		size = def
	}
	if size < 1 || size > limit {
		return nil, "", c.validation("page size " + itoa(size) + " must be between 1 and " + itoa(limit))
	}
	start := 0
	if token != "" {
		n, ok := decodeToken(c.key(), token)
		if !ok || n > len(items) {
			if c.service == svcOrganizations {
				return nil, "", &apiError{Status: 400, Code: "InvalidInputException", Message: "You specified an invalid value for nextToken."}
			}
			return nil, "", c.validation("invalid pagination token")
		}
		start = n
	}
	end := min(start+size, len(items))
	next := ""
	if end < len(items) {
		next = encodeToken(c.key(), end)
	}
	return items[start:end], next, nil
}

func encodeToken(key string, off int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("iamspect-sandbox/" + key + "/" + strconv.Itoa(off)))
}

func decodeToken(key, token string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return 0, false
	}
	rest, ok := strings.CutPrefix(string(b), "iamspect-sandbox/"+key+"/")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil && n >= 0
}

// iamPage pages an IAM list with Marker and MaxItems.
func iamPage[T any](c *call, items []T) ([]T, iamPaging, *apiError) {
	size := 0
	if v := c.form.Get("MaxItems"); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil:
			return nil, iamPaging{}, c.validation("1 validation error detected: Value '" + v + "' at 'maxItems' failed to satisfy constraint: Member must be an integer")
		case n < 1:
			return nil, iamPaging{}, c.validation("1 validation error detected: Value '" + v + "' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1")
		case n > iamMaxItems:
			return nil, iamPaging{}, c.validation("1 validation error detected: Value '" + v + "' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to " + itoa(iamMaxItems))
		}
		size = n
	}
	page, next, e := paginate(c, items, c.form.Get("Marker"), size, iamPageSize, iamMaxItems)
	return page, iamPaging{IsTruncated: next != "", Marker: next}, e
}

// iamPaging is the tail of a paginated IAM result.
type iamPaging struct {
	IsTruncated bool   `xml:"IsTruncated"`
	Marker      string `xml:"Marker,omitempty"`
}
