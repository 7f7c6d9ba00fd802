package suppress

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/yamlstrict"
)

// Load reads a suppression file in iamspect's format or Prowler's mutelist
// format. Errors name the file and line.
func Load(path string) (*Set, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(data, path)
}

// Parse decodes a suppression file; file is used in messages.
func Parse(data []byte, file string) (*Set, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(root.Content) == 0 {
		return &Set{}, nil
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: line %d: want a mapping with a suppressions: list (or a Prowler Mutelist:)", file, doc.Line)
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value == "Mutelist" {
			s, err := parseProwler(data, doc, file)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			return s, nil
		}
	}
	s, err := parseNative(data, doc, file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return s, nil
}

type nativeFile struct {
	Suppressions []nativeEntry `yaml:"suppressions"`
}

type nativeEntry struct {
	Rule     string            `yaml:"rule"`
	Account  string            `yaml:"account"`
	Resource string            `yaml:"resource"`
	Tags     map[string]string `yaml:"tags"`
	Reason   string            `yaml:"reason"`
	Expires  string            `yaml:"expires"`
	// All acknowledges a rule pattern that matches every rule ("*"): such
	// an entry mutes the whole catalogue, so it must say so.
	All bool `yaml:"all"`
}

var accountPattern = regexp.MustCompile(`^[0-9*?]{1,12}$`)

func parseNative(data []byte, doc *yaml.Node, file string) (*Set, error) {
	var f nativeFile
	if err := yamlstrict.Decode(data, &f); err != nil {
		return nil, err
	}
	lines := entryLines(doc)
	cat := rules.Catalog()
	s := &Set{}
	var errs []error
	for i, ne := range f.Suppressions {
		line := 0
		if i < len(lines) {
			line = lines[i]
		}
		e := &Entry{Rule: ne.Rule, Account: ne.Account, Resource: ne.Resource, Tags: ne.Tags,
			Reason: strings.TrimSpace(ne.Reason), File: file, Line: line}
		errs = append(errs, checkRule(cat, line, e.Rule, ne.All))
		if e.Reason == "" {
			errs = append(errs, fmt.Errorf("line %d: suppression of %q has no reason: say why the finding is accepted", line, e.Rule))
		}
		if e.Account != "" && !accountPattern.MatchString(e.Account) {
			errs = append(errs, fmt.Errorf("line %d: account %q is not an account ID or glob (quote IDs in YAML)", line, e.Account))
		}
		if ne.Expires != "" {
			t, err := time.Parse("2006-01-02", ne.Expires)
			if err != nil {
				errs = append(errs, fmt.Errorf("line %d: expires %q: want a date like 2026-12-31", line, ne.Expires))
			} else {
				e.Expires = &t
			}
		}
		if err := e.compileResource(); err != nil {
			errs = append(errs, fmt.Errorf("line %d: %w", line, err))
		}
		s.Entries = append(s.Entries, e)
	}
	return s, errors.Join(errs...)
}

// checkRule refuses a rule pattern that names no rule (as --rules does,
// with a suggestion), and one that matches every rule unless the entry says
// all: true.
func checkRule(cat []*rules.Rule, line int, pattern string, all bool) error {
	switch {
	case pattern == "":
		return fmt.Errorf("line %d: suppression without a rule (a rule ID or glob; \"*\" with all: true for every rule)", line)
	case rules.CheckPattern(cat, pattern) != nil:
		return fmt.Errorf("line %d: %w", line, rules.CheckPattern(cat, pattern))
	case rules.MatchesAll(cat, pattern) && !all:
		return fmt.Errorf("line %d: rule %q matches every rule, so the entry would mute the whole catalogue: add all: true to the entry if that is meant", line, pattern)
	case all && !rules.MatchesAll(cat, pattern):
		return fmt.Errorf("line %d: all: true, but rule %q does not match every rule: remove all: true", line, pattern)
	}
	return nil
}

// entryLines returns the line of each item of the suppressions list.
func entryLines(doc *yaml.Node) []int {
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value == "suppressions" && doc.Content[i+1].Kind == yaml.SequenceNode {
			var out []int
			for _, item := range doc.Content[i+1].Content {
				out = append(out, item.Line)
			}
			return out
		}
	}
	return nil
}

// Prowler mutelist:
//
//	Mutelist:
//	  Accounts:
//	    "123456789012":        # or "*"
//	      Checks:
//	        "iam_user_mfa_enabled_console_access":   # Prowler check, iamspect rule ID, or "*"
//	          Regions: ["*"]
//	          Resources: ["user-1", "svc-.*"]        # regular expressions, as in Prowler
//	          Tags: ["owner=data-team"]
type prowlerFile struct {
	Mutelist struct {
		Accounts map[string]struct {
			Checks map[string]prowlerCheck `yaml:"Checks"`
		} `yaml:"Accounts"`
	} `yaml:"Mutelist"`
}

type prowlerCheck struct {
	Regions     []string       `yaml:"Regions"`
	Resources   []string       `yaml:"Resources"`
	Tags        []string       `yaml:"Tags"`
	Description string         `yaml:"Description"`
	Exceptions  map[string]any `yaml:"Exceptions"`
}

func parseProwler(data []byte, doc *yaml.Node, file string) (*Set, error) {
	var f prowlerFile
	if err := yamlstrict.Decode(data, &f); err != nil {
		return nil, err
	}
	lines := prowlerLines(doc)
	s := &Set{}
	var errs []error
	accounts := sortedKeys(f.Mutelist.Accounts)
	for _, acct := range accounts {
		checks := f.Mutelist.Accounts[acct].Checks
		for _, check := range sortedKeys(checks) {
			c := checks[check]
			line := lines[acct+"\x00"+check]
			if len(c.Exceptions) > 0 {
				errs = append(errs, fmt.Errorf("line %d: Prowler Exceptions are not supported; write separate entries instead", line))
				continue
			}
			ruleIDs, ok := prowlerRules(check)
			if !ok {
				s.Warnings = append(s.Warnings, fmt.Sprintf("%s:%d: Prowler check %q has no iamspect equivalent; entry ignored", file, line, check))
				continue
			}
			reason := strings.TrimSpace(c.Description)
			if reason == "" {
				reason = "Prowler mutelist entry for " + check
			}
			tags := map[string]string{}
			for _, t := range c.Tags {
				k, v, _ := strings.Cut(t, "=")
				tags[k] = v
			}
			if len(tags) == 0 {
				tags = nil
			}
			account := acct
			if account == "*" {
				account = ""
			}
			resources := c.Resources
			if len(resources) == 0 {
				resources = []string{"*"}
			}
			for _, id := range ruleIDs {
				for _, res := range resources {
					e := &Entry{Rule: id, Account: account, Tags: tags, Reason: reason, File: file, Line: line}
					if res != "*" && res != ".*" {
						e.Resource = "/" + res + "/"
						if err := e.compileResource(); err != nil {
							errs = append(errs, fmt.Errorf("line %d: %w", line, err))
							continue
						}
					}
					s.Entries = append(s.Entries, e)
				}
			}
		}
	}
	return s, errors.Join(errs...)
}

// prowlerLines maps "account\x00check" to the check's line.
func prowlerLines(doc *yaml.Node) map[string]int {
	out := map[string]int{}
	get := func(n *yaml.Node, key string) *yaml.Node {
		for i := 0; n != nil && i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1]
			}
		}
		return nil
	}
	accts := get(get(doc, "Mutelist"), "Accounts")
	for i := 0; accts != nil && i+1 < len(accts.Content); i += 2 {
		checks := get(accts.Content[i+1], "Checks")
		for j := 0; checks != nil && j+1 < len(checks.Content); j += 2 {
			out[accts.Content[i].Value+"\x00"+checks.Content[j].Value] = checks.Content[j].Line
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// prowlerChecks maps Prowler's IAM check names to iamspect rule IDs.
var prowlerChecks = map[string][]string{
	"iam_user_mfa_enabled_console_access":                          {"iam-user-console-without-mfa"},
	"iam_user_hardware_mfa_enabled":                                {"iam-user-no-hardware-mfa"},
	"iam_root_mfa_enabled":                                         {"root-mfa-disabled"},
	"iam_root_hardware_mfa_enabled":                                {"root-no-hardware-mfa"},
	"iam_no_root_access_key":                                       {"root-access-keys"},
	"iam_avoid_root_usage":                                         {"root-recently-used"},
	"iam_rotate_access_key_90_days":                                {"iam-access-key-not-rotated"},
	"iam_user_accesskey_unused":                                    {"iam-access-key-unused"},
	"iam_user_console_access_unused":                               {"iam-console-password-unused"},
	"iam_user_two_active_access_key":                               {"iam-user-multiple-active-keys"},
	"iam_user_no_setup_initial_access_key":                         {"iam-access-key-created-at-setup"},
	"iam_policy_attached_only_to_group_or_roles":                   {"iam-user-direct-policies"},
	"iam_password_policy_minimum_length_14":                        {"password-policy-min-length"},
	"iam_password_policy_reuse_24":                                 {"password-policy-reuse"},
	"iam_password_policy_uppercase":                                {"password-policy-complexity"},
	"iam_password_policy_lowercase":                                {"password-policy-complexity"},
	"iam_password_policy_number":                                   {"password-policy-complexity"},
	"iam_password_policy_symbol":                                   {"password-policy-complexity"},
	"iam_password_policy_expires_passwords_within_90_days_or_less": {"password-policy-expiry"},
	"iam_support_role_created":                                     {"support-role-missing"},
	"iam_no_expired_server_certificates_stored":                    {"server-certificate-expired"},
	"iam_check_saml_providers_sts":                                 {"federation-not-configured"},
	"accessanalyzer_enabled":                                       {"access-analyzer-disabled"},
	"iam_aws_attached_policy_no_administrative_privileges":         {"policy-admin-attached"},
	"iam_customer_attached_policy_no_administrative_privileges":    {"policy-admin-attached"},
	"iam_inline_policy_no_administrative_privileges":               {"policy-admin-attached"},
}

var ruleIDPattern = regexp.MustCompile(`^[a-z0-9*?]+(-[a-z0-9*?]+)*$`)

// prowlerRules maps a Prowler check name (or an iamspect rule ID or glob)
// to rule ID patterns.
func prowlerRules(check string) ([]string, bool) {
	if ids, ok := prowlerChecks[check]; ok {
		return slices.Clone(ids), true
	}
	if check == "*" || len(rules.ByAlias(check)) > 0 || (ruleIDPattern.MatchString(check) && !strings.Contains(check, "_")) {
		return []string{check}, true
	}
	return nil, false
}
