package cli

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/iamspect/iamspect/internal/compliance"
	"github.com/iamspect/iamspect/internal/config"
	"github.com/iamspect/iamspect/internal/engine"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/suppress"
)

// ruleOptions select rules, set thresholds, mute accepted findings and ask
// for a compliance report.
type ruleOptions struct {
	include      []string
	exclude      []string
	severity     string
	frameworks   []string
	suppressions string
	configFile   string
	compliance   string

	// Set by Validate.
	selected []*rules.Rule
	cfg      rules.Config
	supp     *suppress.Set
	fw       *compliance.Framework
}

func (o *ruleOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringSliceVar(&o.include, "rules", nil, "run only these rule `IDS` (comma-separated; globs like 'root-*' allowed)")
	fs.StringSliceVar(&o.exclude, "exclude-rules", nil, "skip these rule `IDS` (comma-separated; globs allowed)")
	fs.StringVar(&o.severity, "severity", "", "run rules of this `SEVERITY` or worse (e.g. high), or of exactly the listed ones (e.g. critical,low)")
	fs.StringSliceVar(&o.frameworks, "framework", nil, "run only rules mapped to this `FRAMEWORK` ("+frameworkNames()+")")
	fs.StringVar(&o.suppressions, "suppressions", "", "mute accepted findings listed in this YAML `FILE` (iamspect format or a Prowler mutelist; see docs/suppressions.md)")
	fs.StringVar(&o.configFile, "config", "", "read thresholds from this YAML `FILE` (see docs/configuration.md)")
	fs.StringVar(&o.compliance, "compliance", "", "add a per-control report for this `FRAMEWORK` ("+frameworkNames()+")")
}

func frameworkNames() string {
	var names []string
	for _, f := range rules.Frameworks {
		names = append(names, string(f))
	}
	return strings.Join(names, ", ")
}

// Validate resolves the selection and loads the config and suppression files.
func (o *ruleOptions) Validate() error {
	var errs []error
	sel, err := selectRules(rules.Catalog(), o.include, o.exclude, o.severity, o.frameworks)
	if err != nil {
		errs = append(errs, err)
	}
	o.selected = sel
	o.cfg = rules.Defaults()
	if o.configFile != "" {
		if o.cfg, err = config.Load(o.configFile); err != nil {
			errs = append(errs, fmt.Errorf("--config %w", err))
		}
	}
	if o.suppressions != "" {
		if o.supp, err = suppress.Load(o.suppressions); err != nil {
			errs = append(errs, fmt.Errorf("--suppressions %w", err))
		}
	}
	if o.compliance != "" {
		f, ok := compliance.Get(rules.Framework(o.compliance))
		if !ok {
			errs = append(errs, fmt.Errorf("--compliance %q: unknown framework (known: %s)", o.compliance, frameworkNames()))
		} else {
			o.fw = &f
		}
	}
	return usage(errors.Join(errs...))
}

// engineOptions turns the flags into the engine's options.
func (o *ruleOptions) engineOptions(asOf time.Time) engine.Options {
	return engine.Options{Rules: o.selected, Config: o.cfg, AsOf: asOf,
		Suppressions: o.supp, SuppressionsFile: o.suppressions, Compliance: o.fw, Clock: now}
}

// selectRules applies --rules, --exclude-rules, --severity and --framework.
func selectRules(cat []*rules.Rule, include, exclude []string, severity string, frameworks []string) ([]*rules.Rule, error) {
	var errs []error
	for _, p := range append(slices.Clone(include), exclude...) {
		if err := rules.CheckPattern(cat, p); err != nil {
			errs = append(errs, err)
		}
	}
	sevs, err := parseSeverities(severity)
	if err != nil {
		errs = append(errs, err)
	}
	for _, f := range frameworks {
		if !slices.Contains(rules.Frameworks, rules.Framework(f)) {
			errs = append(errs, fmt.Errorf("--framework %q: unknown framework (known: %s)", f, frameworkNames()))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	matchAny := func(ps []string, id string) bool {
		return slices.ContainsFunc(ps, func(p string) bool { return rules.MatchPattern(strings.TrimSpace(p), id) })
	}
	var out []*rules.Rule
	for _, r := range cat {
		if len(include) > 0 && !matchAny(include, r.ID) || matchAny(exclude, r.ID) {
			continue
		}
		if sevs != nil && !sevs(r.Severity) {
			continue
		}
		if len(frameworks) > 0 && !slices.ContainsFunc(frameworks, func(f string) bool { return len(r.Frameworks[rules.Framework(f)]) > 0 }) {
			continue
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, errors.New("the rule selection (--rules, --exclude-rules, --severity, --framework) leaves no rule to run")
	}
	return out, nil
}

// parseSeverities: one severity means "this or worse"; a list means exactly those.
func parseSeverities(s string) (func(rules.Severity) bool, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	var set []rules.Severity
	for _, p := range parts {
		sev, err := rules.ParseSeverity(p)
		if err != nil {
			return nil, fmt.Errorf("--severity: %w", err)
		}
		set = append(set, sev)
	}
	if len(set) == 1 {
		min := set[0].Rank()
		return func(v rules.Severity) bool { return v.Rank() >= min }, nil
	}
	return func(v rules.Severity) bool { return slices.Contains(set, v) }, nil
}
