// Package config reads iamspect's YAML configuration file (--config): the
// thresholds rules use. The keys under `thresholds:` are those of the rules'
// threshold table (rules.Thresholds), with its limits. Unknown keys are errors
// that name the file and line, so a typo never silently leaves a default in
// place.
package config

import (
	"fmt"
	"os"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/yamlstrict"
)

// File is the configuration file's shape.
//
//	thresholds:
//	  access_key_max_age_days: 90
//	  ...
//	known_accounts: ["444455556666"]
type File struct {
	// Thresholds maps rules.Threshold keys to values (zero or absent =
	// default); read by thresholdsFrom.
	Thresholds    yaml.Node `yaml:"thresholds"`
	KnownAccounts []string  `yaml:"known_accounts"`
}

var accountID = regexp.MustCompile(`^\d{12}$`)

// Load reads a configuration file and returns the rules configuration, with
// defaults for everything the file leaves out.
func Load(path string) (rules.Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return rules.Config{}, err
	}
	cfg, err := Parse(data)
	if err != nil {
		return rules.Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// Parse decodes configuration YAML; errors carry "line N".
func Parse(data []byte) (rules.Config, error) {
	var f File
	if err := yamlstrict.Decode(data, &f); err != nil {
		return rules.Config{}, err
	}
	c := rules.Config{KnownAccounts: f.KnownAccounts}
	if err := thresholdsFrom(&f.Thresholds, &c); err != nil {
		return rules.Config{}, err
	}
	if err := c.Validate(); err != nil {
		return rules.Config{}, err
	}
	for _, id := range c.KnownAccounts {
		if !accountID.MatchString(id) {
			return rules.Config{}, fmt.Errorf("known_accounts: %q is not a 12-digit AWS account ID (quote IDs so YAML keeps leading zeros)", id)
		}
	}
	return c.WithDefaults(), nil
}

// thresholdsFrom sets the thresholds the `thresholds:` mapping names.
func thresholdsFrom(n *yaml.Node, c *rules.Config) error {
	switch {
	case n.Kind == 0, n.Kind == yaml.ScalarNode && n.Tag == "!!null":
		return nil
	case n.Kind != yaml.MappingNode:
		return fmt.Errorf("line %d: thresholds must be a mapping of names to numbers", n.Line)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		t, ok := rules.ThresholdByKey(k.Value)
		if !ok {
			return fmt.Errorf("line %d: unknown key %q in thresholds (known: %s)", k.Line, k.Value, knownKeys())
		}
		if seen[t.Key] {
			return fmt.Errorf("line %d: thresholds.%s is set twice", k.Line, t.Key)
		}
		seen[t.Key] = true
		var val int
		if err := v.Decode(&val); err != nil || v.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: thresholds.%s: %q is not a whole number of %s", v.Line, t.Key, v.Value, t.Unit)
		}
		t.Set(c, val)
	}
	return nil
}

func knownKeys() string {
	var keys []string
	for _, t := range rules.Thresholds() {
		keys = append(keys, t.Key)
	}
	return strings.Join(keys, ", ")
}
