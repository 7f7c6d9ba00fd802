package finding

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// The spill codec: a result as a compact record, every reported field in a
// fixed order (Tags, which only suppression reads and no report carries,
// are left out: suppressions are applied before results are spilled).
// Strings are a uvarint length and the bytes; a slice is a uvarint count
// plus one (0 keeps a nil slice nil); an optional value is a 0 or 1 byte
// and then the value. TestCodecCoversEveryField fills every field of
// Result and Evidence by reflection, so a field added without its place
// here fails the tests.

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(ss))+1)
	for _, s := range ss {
		b = appendString(b, s)
	}
	return b
}

func appendInt(b []byte, p *int) []byte {
	if p == nil {
		return append(b, 0)
	}
	return binary.AppendVarint(append(b, 1), int64(*p))
}

// appendRecord appends r's record.
func appendRecord(b []byte, r *Result) ([]byte, error) {
	for _, s := range [...]string{r.RuleID, string(r.Status), string(r.Severity), r.AccountID, r.ResourceType,
		r.ResourceARN, r.ResourceName, r.Message, r.Fingerprint, r.MuteReason} {
		b = appendString(b, s)
	}
	b = appendStrings(b, r.MissingInputs)
	e := r.Evidence
	if e == nil {
		return append(b, 0), nil
	}
	b = append(b, 1)
	b = appendString(b, e.Policy)
	b = appendString(b, e.Statement)
	b = appendStrings(b, e.Actions)
	b = appendString(b, e.KeyID)
	if e.Date == nil {
		b = append(b, 0)
	} else {
		t, err := e.Date.MarshalBinary() // keeps the offset the JSON shows
		if err != nil {
			return nil, fmt.Errorf("result %s %s: evidence date: %w", r.RuleID, r.ResourceARN, err)
		}
		b = appendString(append(b, 1), string(t))
	}
	b = appendInt(b, e.AgeDays)
	b = appendInt(b, e.Threshold)
	b = appendStrings(b, e.Principals)
	b = binary.AppendVarint(b, int64(e.PrincipalsTotal))
	return appendStrings(b, e.Path), nil
}

var errCorrupt = errors.New("spilled results: corrupt record")

// recordReader decodes records. Short strings that repeat across results
// (rule, status, severity, account, type) come from intern, so that a
// materialised list shares them.
type recordReader struct {
	b      []byte
	err    error
	intern map[string]string
}

func (d *recordReader) uvarint() uint64 { return readVarint(d, binary.Uvarint) }
func (d *recordReader) varint() int64   { return readVarint(d, binary.Varint) }

// readVarint takes one varint off the record, or fails it.
func readVarint[T uint64 | int64](d *recordReader, read func([]byte) (T, int)) T {
	v, n := read(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *recordReader) fail() {
	if d.err == nil {
		d.err = errCorrupt
	}
	d.b = nil
}

func (d *recordReader) bytes() []byte {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	s := d.b[:n]
	d.b = d.b[n:]
	return s
}

func (d *recordReader) string() string { return string(d.bytes()) }

func (d *recordReader) shared() string {
	b := d.bytes()
	if s, ok := d.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	d.intern[s] = s
	return s
}

func (d *recordReader) strings() []string {
	n := d.uvarint()
	if n == 0 {
		return nil
	}
	if n-1 > uint64(len(d.b)) { // each string takes a byte at least
		d.fail()
		return nil
	}
	out := make([]string, n-1)
	for i := range out {
		out[i] = d.string()
	}
	return out
}

func (d *recordReader) flag() bool {
	if len(d.b) == 0 {
		d.fail()
		return false
	}
	f := d.b[0]
	d.b = d.b[1:]
	if f > 1 {
		d.fail()
	}
	return f == 1
}

func (d *recordReader) int() *int {
	if !d.flag() {
		return nil
	}
	v := int(d.varint())
	return &v
}

// record decodes one record into r.
func (d *recordReader) record(rec []byte, r *Result) error {
	d.b, d.err = rec, nil
	*r = Result{RuleID: d.shared(), Status: Status(d.shared()), Severity: Severity(d.shared()), AccountID: d.shared(),
		ResourceType: d.shared(), ResourceARN: d.string(), ResourceName: d.string(), Message: d.string(),
		Fingerprint: d.string(), MuteReason: d.string()}
	r.MissingInputs = d.strings()
	if d.flag() {
		e := &Evidence{Policy: d.string(), Statement: d.string(), Actions: d.strings(), KeyID: d.string()}
		if d.flag() {
			var t time.Time
			if err := t.UnmarshalBinary(d.bytes()); err != nil {
				d.fail()
			}
			e.Date = &t
		}
		e.AgeDays, e.Threshold = d.int(), d.int()
		e.Principals = d.strings()
		e.PrincipalsTotal = int(d.varint())
		e.Path = d.strings()
		r.Evidence = e
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail()
	}
	return d.err
}
