package rules

import (
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestThresholdTable(t *testing.T) {
	keys := map[string]bool{}
	for _, th := range Thresholds() {
		if keys[th.Key] {
			t.Errorf("%s declared twice", th.Key)
		}
		keys[th.Key] = true
		if th.Min < 1 || th.Default < th.Min || th.Default > th.Max || th.Unit == "" || th.Description == "" || len(th.Rules) == 0 {
			t.Errorf("%s: incomplete or inconsistent: %+v", th.Key, th)
		}
		for _, id := range th.Rules {
			if ByID(id) == nil {
				t.Errorf("%s: used by %s, which is not a rule", th.Key, id)
			}
		}
		if err := th.Check(th.Min - 1); th.Min > 1 && err == nil {
			t.Errorf("%s: %d accepted", th.Key, th.Min-1)
		}
		if err := th.Check(th.Max + 1); err == nil || !strings.Contains(err.Error(), th.Key) {
			t.Errorf("%s: %d: %v", th.Key, th.Max+1, err)
		}
	}
	// Each threshold owns one Config field, and every numeric field has one.
	var c Config
	for i, th := range Thresholds() {
		th.Set(&c, 1000+i)
	}
	for i, th := range Thresholds() {
		if th.Get(c) != 1000+i {
			t.Errorf("%s shares its field with another threshold", th.Key)
		}
	}
	v := reflect.ValueOf(c)
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.Int && f.Int() < 1000 {
			t.Errorf("Config.%s is in no threshold", v.Type().Field(i).Name)
		}
	}
	d := Defaults()
	if d.AccessKeyMaxAgeDays != 90 || d.UnusedCredentialDays != 45 || (Config{}).WithDefaults().RoleMaxSessionHours != 4 {
		t.Errorf("defaults = %+v", d)
	}
	if err := d.Validate(); err != nil {
		t.Error(err)
	}
	if err := (Config{RoleMaxSessionHours: 13}).Validate(); err == nil || !strings.Contains(err.Error(), "role_max_session_hours: 13 is outside 1..12 hours") {
		t.Errorf("err = %v", err)
	}
}

var placeholder = regexp.MustCompile(`\{\{([a-z_]+)\}\}`)

func ruleTexts(r *Rule) []string {
	return []string{r.Title, r.Description, r.Remediation.Summary, r.Remediation.Console, r.Remediation.CLI, r.Remediation.Terraform}
}

// Rule texts name thresholds only as {{key}} of a known threshold listing
// the rule, and rendering leaves no placeholder behind.
func TestRuleTextPlaceholders(t *testing.T) {
	for _, r := range Catalog() {
		for _, text := range ruleTexts(r) {
			for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
				th, ok := ThresholdByKey(m[1])
				if !ok {
					t.Errorf("%s: {{%s}} is not a threshold", r.ID, m[1])
				} else if !slices.Contains(th.Rules, r.ID) {
					t.Errorf("%s names {{%s}}, whose Rules do not list it", r.ID, m[1])
				}
			}
		}
		for _, text := range ruleTexts(r.WithThresholds(Config{})) {
			if strings.Contains(text, "{{") {
				t.Errorf("%s: unrendered placeholder in %q", r.ID, text)
			}
		}
	}
}

// Texts give the configured value, not the default.
func TestRuleTextsUseConfiguredValues(t *testing.T) {
	c := Defaults()
	c.AccessKeyMaxAgeDays, c.MinPasswordLength, c.PermissionSetMaxSessionHours = 30, 20, 6
	cases := []struct {
		rule *Rule
		want string
		text func(*Rule) string
	}{
		{&AccessKeyNotRotated, "every 30 days", func(r *Rule) string { return r.Description }},
		{&PasswordPolicyMinLength, "to 20 or more", func(r *Rule) string { return r.Remediation.Summary }},
		{&PasswordPolicyMinLength, "--minimum-password-length 20 ", func(r *Rule) string { return r.Remediation.CLI }},
		{&PasswordPolicyMinLength, "minimum_password_length = 20", func(r *Rule) string { return r.Remediation.Terraform }},
		{&PasswordPolicyMissing, "at least 20 characters", func(r *Rule) string { return r.Remediation.Summary }},
		{&PermissionSetSessionLong, "at most PT6H", func(r *Rule) string { return r.Remediation.Summary }},
	}
	for _, tc := range cases {
		got := tc.text(tc.rule.WithThresholds(c))
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q does not say %q", tc.rule.ID, got, tc.want)
		}
		if strings.Contains(tc.text(tc.rule), tc.want) {
			t.Errorf("%s: the catalogue's own text was changed", tc.rule.ID)
		}
	}
}

// docs/configuration.md documents exactly the table: the example file and
// the reference table.
func TestConfigurationDocMatchesTable(t *testing.T) {
	data, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	var yamlLines, rows []string
	for _, th := range Thresholds() {
		yamlLines = append(yamlLines, fmt.Sprintf("  %s: %d", th.Key, th.Default))
		ids := make([]string, len(th.Rules))
		for i, id := range th.Rules {
			ids[i] = "`" + id + "`"
		}
		rows = append(rows, fmt.Sprintf("| `thresholds.%s` | %d | %d to %d %s | %s | %s |",
			th.Key, th.Default, th.Min, th.Max, th.Unit, strings.Join(ids, ", "), th.Description))
	}
	_, rest, _ := strings.Cut(doc, "```yaml\nthresholds:\n")
	block, _, _ := strings.Cut(rest, "\n\n")
	var got []string
	for _, l := range strings.Split(block, "\n") {
		k, _, _ := strings.Cut(l, "#")
		got = append(got, strings.TrimRight(k, " "))
	}
	if !slices.Equal(got, yamlLines) {
		t.Errorf("docs/configuration.md example thresholds:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(yamlLines, "\n"))
	}
	var docRows []string
	for _, l := range strings.Split(doc, "\n") {
		if strings.HasPrefix(l, "| `thresholds.") {
			docRows = append(docRows, l)
		}
	}
	if !slices.Equal(docRows, rows) {
		t.Errorf("docs/configuration.md threshold table differs from rules.Thresholds(); want:\n%s", strings.Join(rows, "\n"))
	}
}
