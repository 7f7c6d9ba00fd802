package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// The inputs below are written by the export script as several files each:
// one per entity (a user, a region, a permission set, an OU) with the
// entity in the name, as `aws ... > ssh-public-keys-alice.json` writes them.
// entitySet holds one input's files, read, by registry pattern.
type entitySet struct {
	input snapshot.Input
	byPat map[string][]entityFile
}

// entityFile is one such file: its path, the '*' part of its name and its
// content.
type entityFile struct {
	path string
	key  string
	data []byte
}

// newEntitySet sorts files (already read) by the registry pattern of in
// that their names match.
func newEntitySet(in snapshot.Input, files []entityFile) *entitySet {
	spec, _ := in.Spec()
	s := &entitySet{input: in, byPat: map[string][]entityFile{}}
	for _, f := range files {
		base := filepath.Base(f.path)
		for _, pat := range spec.Files {
			if snapshot.MatchFileName(pat, strings.ToLower(base)) {
				prefix, suffix, _ := strings.Cut(pat, "*")
				f.key = base[len(prefix) : len(base)-len(suffix)]
				s.byPat[pat] = append(s.byPat[pat], f)
				break
			}
		}
	}
	return s
}

func (s *entitySet) empty() bool { return s == nil || len(s.byPat) == 0 }

// one returns the file of a fixed-name pattern, or nil.
func (s *entitySet) one(pat string) *entityFile {
	if fs := s.byPat[pat]; len(fs) > 0 {
		return &fs[0]
	}
	return nil
}

// entity returns the file of pattern pat for the entity key (names are
// matched without regard to case, as IAM names are), or nil.
func (s *entitySet) entity(pat, key string) *entityFile {
	for i, f := range s.byPat[pat] {
		if strings.EqualFold(f.key, key) {
			return &s.byPat[pat][i]
		}
	}
	return nil
}

// need is entity, failing with the file the export should have written.
func (s *entitySet) need(pat, key, why string) (*entityFile, error) {
	if f := s.entity(pat, key); f != nil {
		return f, nil
	}
	name := strings.Replace(pat, "*", key, 1)
	return nil, &InputError{Msg: fmt.Sprintf("%s is missing (%s); run the export again: a partial export would hide what it left out", name, why)}
}

// decode decodes the file as the JSON output of a CLI call with the member
// key, naming the file in errors.
func (f *entityFile) decode(key, call string, v any) error {
	return withFile(f.path, decodeListing(f.data, key, call, v))
}

// decodeListing decodes the JSON output of an AWS CLI call (call, e.g.
// "aws iam list-ssh-public-keys") that must have the member key.
func decodeListing(data []byte, key, call string, v any) error {
	expected := "the output of `" + call + "` (a JSON object with " + key + ")"
	t := bytes.TrimSpace(trimBOM(data))
	if len(t) == 0 {
		return &InputError{Msg: "empty file; expected " + expected}
	}
	if code, ok := awsErrorCode(t); ok {
		return &InputError{Msg: "the file holds an AWS CLI error (" + code + ") instead of " + expected + ": " + firstLine(t)}
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(t, &top); err != nil {
		return jsonError(t, err, expected)
	}
	if _, ok := top[key]; !ok {
		return &InputError{Msg: "no " + key + " member; expected " + expected}
	}
	if err := json.Unmarshal(t, v); err != nil {
		return jsonError(t, err, expected)
	}
	return nil
}

var awsErrorRE = regexp.MustCompile(`An error occurred \(([A-Za-z0-9.]+)\)`)

// awsErrorCode returns the error code of a file holding an AWS CLI error
// message ("An error occurred (NoSuchEntity) when calling ...").
func awsErrorCode(t []byte) (string, bool) {
	if len(t) == 0 || t[0] == '{' || t[0] == '[' {
		return "", false
	}
	m := awsErrorRE.FindSubmatch(t[:min(len(t), 400)])
	if m == nil {
		return "", false
	}
	return string(m[1]), true
}

func trimmed(b []byte) []byte { return bytes.TrimSpace(trimBOM(b)) }
