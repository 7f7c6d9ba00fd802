package importer

import (
	"bytes"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// The authorization details of a large account are tens of MB of JSON that
// the plain decoder reads five times over (kind detection, entry counting,
// decoding, the check for the lists, document compaction). A file as the
// AWS CLI writes it is instead cut into its list entries in one pass, which
// also counts them, and the entries are decoded on every CPU (authz_parallel.go).
// Anything this pass does not expect — a key not spelled as AWS does, a
// repeated or unknown key, a null page, escapes in keys — sends the file
// to the plain decoder, whose answers (and error messages) are the
// reference.

// authzSpans is one page cut into the raw entries of its lists.
type authzSpans struct {
	lists       [4][][]byte // users, groups, roles, policies: the raw entries
	present     [4]bool     // the list's key is in the page
	null        [4]bool     // the list is JSON null
	isTruncated []byte      // raw values, nil when absent
	marker      []byte
}

// The lists of a page, in the order of authzKeys.
const (
	listUsers = iota
	listGroups
	listRoles
	listPolicies
)

// entryLimits bounds the entries the split keeps: beyond them one of AWS's
// quotas may be exceeded, and the plain decoder's count says which. The
// policies are bounded by the smaller of the two policy quotas, since
// telling AWS managed from customer policies needs their ARNs.
var entryLimits = [4]int{snapshot.QuotaUsers.Limit(), snapshot.QuotaGroups.Limit(), snapshot.QuotaRoles.Limit(),
	min(snapshot.QuotaCustomerPolicies.Limit(), snapshot.QuotaAWSPolicies.Limit())}

// splitAuthz cuts data (a page, or a JSON array of pages) into entries;
// false when the data is not shaped exactly as the AWS CLI writes it.
func splitAuthz(data []byte) ([]*authzSpans, bool) {
	s := splitter{b: data}
	var pages []*authzSpans
	var counts [4]int
	page := func() bool {
		p, ok := s.page(&counts)
		pages = append(pages, p)
		return ok
	}
	if s.peek() == '[' {
		s.i++
		if s.peek() == ']' {
			return nil, false
		}
		for {
			if !page() {
				return nil, false
			}
			if s.eat(']') {
				break
			}
			if !s.eat(',') {
				return nil, false
			}
		}
	} else if !page() {
		return nil, false
	}
	s.space()
	return pages, s.i == len(s.b)
}

// splitter reads JSON text structurally; whatever it hands out as a value
// is checked by encoding/json when decoded.
type splitter struct {
	b []byte
	i int
}

func (s *splitter) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next byte after spaces, or 0 at the end.
func (s *splitter) peek() byte {
	s.space()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// eat consumes c if it is the next byte after spaces.
func (s *splitter) eat(c byte) bool {
	if s.peek() == c {
		s.i++
		return true
	}
	return false
}

// key reads an object key and its colon; keys with escapes are refused.
func (s *splitter) key() (string, bool) {
	if !s.eat('"') {
		return "", false
	}
	end := bytes.IndexByte(s.b[s.i:], '"')
	if end < 0 {
		return "", false
	}
	k := s.b[s.i : s.i+end]
	if bytes.IndexByte(k, '\\') >= 0 {
		return "", false
	}
	s.i += end + 1
	return string(k), s.eat(':')
}

// value skips one value and returns its text, up to the comma, bracket or
// brace that follows it.
func (s *splitter) value() ([]byte, bool) {
	s.space()
	start, depth := s.i, 0
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '"':
			s.i = stringEnd(s.b, s.i+1)
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return s.b[start:s.i], s.i > start
			}
			depth--
			if depth == 0 {
				s.i++
				return s.b[start:s.i], true
			}
		case ',':
			if depth == 0 {
				return s.b[start:s.i], s.i > start
			}
		}
		s.i++
	}
	return s.b[start:s.i], depth == 0 && s.i > start
}

// page reads one page object, adding its entries to counts.
func (s *splitter) page(counts *[4]int) (*authzSpans, bool) {
	p := &authzSpans{}
	if !s.eat('{') {
		return p, false
	}
	seen := map[string]bool{}
	for !s.eat('}') {
		if len(seen) > 0 && !s.eat(',') {
			return p, false
		}
		k, ok := s.key()
		if !ok || seen[k] {
			return p, false
		}
		seen[k] = true
		switch k {
		case "IsTruncated":
			p.isTruncated, ok = s.value()
		case "Marker":
			p.marker, ok = s.value()
		default:
			ok = s.list(p, k, counts)
		}
		if !ok {
			return p, false
		}
	}
	return p, p.present != [4]bool{}
}

// list reads the list named k (one of authzKeys) into p.
func (s *splitter) list(p *authzSpans, k string, counts *[4]int) bool {
	l := -1
	for i, name := range authzKeys {
		if k == name {
			l = i
		}
	}
	if l < 0 {
		return false
	}
	p.present[l] = true
	if !s.eat('[') {
		v, ok := s.value()
		p.null[l] = ok && string(bytes.TrimRight(v, " \t\n\r")) == "null"
		return p.null[l]
	}
	p.lists[l] = [][]byte{}
	if s.eat(']') {
		return true
	}
	for {
		if counts[l]++; counts[l] > entryLimits[l] {
			return false
		}
		v, ok := s.value()
		if !ok {
			return false
		}
		p.lists[l] = append(p.lists[l], v)
		if s.eat(']') {
			return true
		}
		if !s.eat(',') {
			return false
		}
	}
}
