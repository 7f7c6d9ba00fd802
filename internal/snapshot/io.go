package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// MaxFileSize bounds how much of a snapshot file is read: a guard against
// hostile or accidental multi-gigabyte inputs.
const MaxFileSize = 512 << 20

// Write encodes the snapshot as indented JSON, at this build's
// SchemaVersion (the shape of the types is that version's, whatever version
// the snapshot was read from).
func (s *Snapshot) Write(w io.Writer) error {
	out := *s
	out.SchemaVersion = SchemaVersion
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(&out)
}

// Decode reads a snapshot of any version this build knows (see migrate.go)
// and returns it at SchemaVersion. A snapshot of this or an older minor
// version is decoded strictly: an unknown field is an error, so a misread
// never passes silently. One of a newer minor version (from a newer
// iamspect) is decoded leniently: the fields this build does not know are
// ignored, as the versioning policy promises they are optional. Another
// major version is refused with an error naming it.
func Decode(r io.Reader) (*Snapshot, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("snapshot is larger than %d MiB", MaxFileSize>>20)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("empty file: expected an iamspect snapshot (JSON object with schema_version)")
	}
	var probe struct {
		SchemaVersion *string `json:"schema_version"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, describeDecodeError(data, err, false)
	}
	if probe.SchemaVersion == nil {
		return nil, errors.New("not an iamspect snapshot: no schema_version field (did you mean --authz-details or --from?)")
	}
	v, newer, err := checkVersion(*probe.SchemaVersion)
	if err != nil {
		return nil, err
	}
	if err := precheckQuotas(data); err != nil {
		return nil, err // far beyond AWS's quotas: refused before decoding
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if !newer {
		dec.DisallowUnknownFields()
	}
	var s Snapshot
	if err := dec.Decode(&s); err != nil {
		return nil, describeDecodeError(data, err, !newer)
	}
	for i, a := range s.Accounts {
		if a == nil || a.ID == "" {
			return nil, fmt.Errorf("accounts[%d]: missing id", i)
		}
		if err := a.CheckQuotas(); err != nil {
			return nil, fmt.Errorf("account %s: %w", a.ID, err)
		}
	}
	if !newer {
		if err := migrate(&s, v); err != nil {
			return nil, err
		}
	}
	s.SchemaVersion = SchemaVersion
	s.InternDocuments()
	return &s, nil
}

// Load reads a snapshot file.
func Load(path string) (*Snapshot, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > MaxFileSize {
		// Refused before reading anything.
		return nil, fmt.Errorf("%s: snapshot is %d MiB, larger than %d MiB", path, st.Size()>>20, MaxFileSize>>20)
	}
	s, err := Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// describeJSONError adds a line and column to JSON syntax and type errors.
func describeJSONError(data []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 {
		return err
	}
	line, col := LineCol(data, off)
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

// LineCol converts a byte offset into a 1-based line and column.
func LineCol(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line = 1 + bytes.Count(data[:off], []byte("\n"))
	col = int(off) - bytes.LastIndexByte(data[:off], '\n')
	return line, col
}
