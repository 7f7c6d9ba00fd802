// Package yamlstrict decodes user-written YAML files (suppressions, config)
// strictly — unknown keys are errors, so a typo never silently disables an
// entry — and words yaml.v3's errors for the person who wrote the file.
package yamlstrict

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Decode decodes data into v, rejecting keys v does not declare. An empty
// document is not an error. Errors keep yaml's "line N:" prefix.
func Decode(data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return Clean(err)
	}
	return nil
}

var (
	unknownField = regexp.MustCompile(`field (\S+) not found in type \S+`)
	goType       = regexp.MustCompile(`into (\[\]|map\[string\])?[a-z]+\.[A-Za-z]+`)
)

// Clean rewrites yaml's messages, which name Go types, into what the file's
// author can act on: "line 3: unknown key "resouce"".
func Clean(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) || len(te.Errors) == 0 {
		return err
	}
	msgs := make([]string, len(te.Errors))
	for i, m := range te.Errors {
		m = unknownField.ReplaceAllString(m, `unknown key "$1"`)
		m = goType.ReplaceAllString(m, "into this field")
		msgs[i] = m
	}
	return errors.New(strings.Join(msgs, "; "))
}
