package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
)

var accountIDRe = regexp.MustCompile(`^[0-9]{12}$`)

// Validate checks a plan against this build's schema: known kind, stages,
// services, operations and parameters (the registry), check kinds, unique
// action IDs, dependencies that exist and come earlier, and accounts that
// the plan lists. It returns the first problem as a *FieldError.
func (pl *Plan) Validate() error {
	bad := func(path, format string, a ...any) error {
		return &FieldError{Path: path, Msg: fmt.Sprintf(format, a...)}
	}
	if pl.SchemaVersion == "" {
		return bad("schema_version", "missing")
	}
	if _, err := checkVersion(pl.SchemaVersion); err != nil {
		return bad("schema_version", "%v", err)
	}
	if !slices.Contains(Kinds(), pl.Kind) {
		return bad("kind", "%q is not a plan kind (%v)", pl.Kind, Kinds())
	}
	accounts := map[string]bool{}
	for i, a := range pl.Accounts {
		if !accountIDRe.MatchString(a.ID) {
			return bad(fmt.Sprintf("accounts[%d].id", i), "%q is not a 12-digit account ID", a.ID)
		}
		accounts[a.ID] = true
	}
	ids := map[string]int{}
	for i := range pl.Actions {
		a := &pl.Actions[i]
		at := func(f string) string { return fmt.Sprintf("actions[%d].%s", i, f) }
		if a.ID == "" {
			return bad(at("id"), "missing")
		}
		if j, dup := ids[a.ID]; dup {
			return bad(at("id"), "%q is also the ID of actions[%d]", a.ID, j)
		}
		ids[a.ID] = i
		if StageIndex(a.Stage) < 0 {
			return bad(at("stage"), "%q is not a stage (%v)", a.Stage, Stages())
		}
		if !accounts[a.AccountID] {
			return bad(at("account_id"), "%q is not among the plan's accounts", a.AccountID)
		}
		for k, r := range a.Resolves {
			if r.RuleID == "" || r.Fingerprint == "" {
				return bad(fmt.Sprintf("actions[%d].resolves[%d]", i, k), "needs rule_id and fingerprint")
			}
		}
		if a.Call == nil && len(a.Console) == 0 && a.NeedsInput == "" {
			return bad(at("call"), "an action needs a call, console steps or needs_input")
		}
		if a.Call != nil {
			if err := validateCall(a.Call); err != nil {
				return bad(at("call"), "%v", err)
			}
		}
		if a.Inverse != nil {
			if err := validateCall(a.Inverse); err != nil {
				return bad(at("inverse"), "%v", err)
			}
		}
		if a.Inverse != nil && !a.Reversible {
			return bad(at("reversible"), "false, but the action has an inverse")
		}
		if a.Stage == StageManual && a.Call != nil {
			return bad(at("stage"), "a manual action has no call")
		}
		if a.Precond != nil {
			for k, c := range a.Precond.Checks {
				if err := checkKnown(c); err != nil {
					return bad(fmt.Sprintf("actions[%d].precondition.checks[%d]", i, k), "%v", err)
				}
			}
		}
		for k, d := range a.DependsOn {
			j, ok := ids[d]
			if !ok {
				return bad(fmt.Sprintf("actions[%d].depends_on[%d]", i, k), "%q is not an earlier action", d)
			}
			_ = j
		}
	}
	return nil
}

// validateCall checks a call against the registry: a known operation,
// known parameters of the right type, every required one present.
func validateCall(c *Call) error {
	op := Lookup(c.Service, c.Operation)
	if op == nil {
		if !slices.Contains(Services(), c.Service) {
			return fmt.Errorf("service %q is not one a plan may call (%v)", c.Service, Services())
		}
		return fmt.Errorf("%s:%s is not an operation a plan may call", c.Service, c.Operation)
	}
	var params map[string]json.RawMessage
	if len(bytes.TrimSpace(c.Params)) == 0 || string(bytes.TrimSpace(c.Params)) == "null" {
		params = map[string]json.RawMessage{}
	} else if err := json.Unmarshal(c.Params, &params); err != nil {
		return fmt.Errorf("params of %s is not a JSON object", c.Operation)
	}
	known := map[string]Param{}
	for _, p := range op.Params {
		known[p.Name] = p
		if _, ok := params[p.Name]; p.Required && !ok {
			return fmt.Errorf("%s needs parameter %s", c.Operation, p.Name)
		}
	}
	for name, raw := range params {
		p, ok := known[name]
		if !ok {
			return fmt.Errorf("%s has no parameter %s", c.Operation, name)
		}
		if err := checkType(p, raw); err != nil {
			return fmt.Errorf("%s parameter %s: %w", c.Operation, name, err)
		}
	}
	return nil
}

func checkType(p Param, raw json.RawMessage) error {
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return err
	}
	switch p.Type {
	case TString:
		s, ok := v.(string)
		if !ok {
			return errors.New("not a string")
		}
		if len(p.Enum) > 0 && !slices.Contains(p.Enum, s) {
			return fmt.Errorf("%q is not one of %v", s, p.Enum)
		}
		if s == "" {
			return errors.New("empty")
		}
	case TPolicy:
		s, ok := v.(string)
		if !ok {
			return errors.New("not a policy document string")
		}
		var doc map[string]any
		if json.Unmarshal([]byte(s), &doc) != nil {
			return errors.New("not a JSON policy document")
		}
	case TInt:
		n, ok := v.(json.Number)
		if !ok {
			return errors.New("not a number")
		}
		if _, err := n.Int64(); err != nil {
			return errors.New("not an integer")
		}
	case TBool:
		if _, ok := v.(bool); !ok {
			return errors.New("not true or false")
		}
	case TObject:
		if _, ok := v.(map[string]any); !ok {
			return errors.New("not an object")
		}
	case TArray:
		if _, ok := v.([]any); !ok {
			return errors.New("not an array")
		}
	}
	return nil
}
