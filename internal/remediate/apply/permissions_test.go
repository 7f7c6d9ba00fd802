package apply_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/remediate/apply"
	"github.com/iamspect/iamspect/internal/remediate/plan"
)

// docFixPolicy reads the write-capable policy of docs/remediation.md.
func docFixPolicy(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../../../docs/remediation.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "need a separate, write-capable policy")
	_, rest, ok2 := strings.Cut(rest, "```json\n")
	block, _, ok3 := strings.Cut(rest, "```")
	if !ok || !ok2 || !ok3 {
		t.Fatal("docs/remediation.md: no write-capable policy block")
	}
	var pol struct{ Statement []struct{ Action any } }
	if err := json.Unmarshal([]byte(block), &pol); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, st := range pol.Statement {
		switch a := st.Action.(type) {
		case string:
			out = append(out, a)
		case []any:
			for _, x := range a {
				out = append(out, x.(string))
			}
		}
	}
	return out
}

// The documented policy lists every operation the applier can call and
// every call an apply and a rollback of the demo plan made — and no more.
func TestPermissionsDocCoversApply(t *testing.T) {
	doc := docFixPolicy(t)
	for _, op := range plan.Operations() {
		if op.Service != "iam" {
			continue
		}
		c := &plan.Call{Service: "iam", Operation: op.Name}
		if apply.Supported(c) && !slices.Contains(doc, "iam:"+op.Name) {
			t.Errorf("fix apply can call iam:%s, which docs/remediation.md does not allow", op.Name)
		}
	}
	e := setup(t, nil)
	for _, stage := range []string{plan.StageDeactivate, plan.StageDelete} {
		if _, err := apply.Apply(context.Background(), e.plan, e.opts(true, stage)); err != nil && !errors.Is(err, apply.ErrRefused) {
			t.Fatal(err)
		}
	}
	if _, err := apply.Rollback(context.Background(), e.opts(true, "")); err != nil {
		t.Fatal(err)
	}
	for action := range e.srv.Stats() {
		if action == "sts:GetCallerIdentity" {
			continue
		}
		if !slices.Contains(doc, action) {
			t.Errorf("fix apply/rollback called %s, which docs/remediation.md does not allow", action)
		}
	}
	for _, a := range doc {
		if !strings.HasPrefix(a, "iam:") {
			continue
		}
		c := &plan.Call{Service: "iam", Operation: strings.TrimPrefix(a, "iam:")}
		if !apply.Supported(c) && e.srv.Stats()[a] == 0 && !apply.ReadsChecks(a) {
			t.Errorf("docs/remediation.md allows %s, which fix apply never calls", a)
		}
	}
}
