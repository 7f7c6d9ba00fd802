package collect

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/iamdata"
	"github.com/iamspect/iamspect/internal/sandbox"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// docPolicyActions reads the actions of the policy in docs/permissions.md.
func docPolicyActions(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile("../../docs/permissions.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "```json\n")
	block, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("no ```json block in docs/permissions.md")
	}
	var pol struct {
		Statement []struct {
			Action any
		}
	}
	if err := json.Unmarshal([]byte(block), &pol); err != nil {
		t.Fatalf("docs/permissions.md policy: %v", err)
	}
	var out []string
	for _, st := range pol.Statement {
		switch a := st.Action.(type) {
		case string:
			out = append(out, a)
		case []any:
			for _, v := range a {
				out = append(out, v.(string))
			}
		}
	}
	return out
}

// Every action the collector calls is in the documented policy (and
// exists), and the policy lists nothing the collector does not call.
func TestPermissionsDocCoversCalls(t *testing.T) {
	served := consistent(demo.Snapshot())
	_, _, c := collectSandbox(t, served, sandbox.Options{}, demoOptions(served))
	doc := docPolicyActions(t)
	called := c.Calls()
	registered := snapshot.AllAPIs()
	for action := range called {
		if action == "sts:GetCallerIdentity" { // needs no permission
			continue
		}
		if !slices.Contains(doc, action) {
			t.Errorf("the collector calls %s, which docs/permissions.md does not allow", action)
		}
		if !slices.Contains(registered, action) && action != "sts:AssumeRole" {
			t.Errorf("the collector calls %s, which no input of the registry (snapshot.Specs) declares", action)
		}
	}
	for _, a := range registered {
		if called[a] == 0 && !optionalCalls[a] {
			t.Errorf("the registry declares %s, which the demo collection never called", a)
		}
	}
	for _, a := range doc {
		if _, ok := iamdata.Lookup(a); !ok {
			t.Errorf("docs/permissions.md: %s is not an IAM action", a)
		}
		if called[a] == 0 && !optionalCalls[a] {
			t.Errorf("docs/permissions.md allows %s, which the demo collection never called", a)
		}
	}
}

// optionalCalls are documented but not made for the demo organisation.
var optionalCalls = map[string]bool{}

// Every input of the registry has a live collector, and every collector
// collects a registered input.
func TestEveryInputHasACollector(t *testing.T) {
	for _, in := range snapshot.Inputs() {
		c, ok := collectors[in]
		if !ok {
			t.Errorf("input %s has no collector task in collect.collectors", in)
			continue
		}
		if (c.stage == stageAccount) != (c.fetch != nil) {
			t.Errorf("input %s: a per-account collector needs a fetch, others have none", in)
		}
	}
	for in := range collectors {
		if !in.Known() {
			t.Errorf("collect.collectors has a task for %s, which the registry does not declare", in)
		}
	}
	// The tasks are built for an account, in registry order.
	o := &Options{}
	o.defaults()
	tasks := accountTasks(&accountEnv{o: o, iam: &iamCollector{o: o}})
	var got []snapshot.Input
	for _, tk := range tasks {
		if tk.fetch == nil {
			t.Errorf("%s: nil fetch", tk.input)
		}
		got = append(got, tk.input)
	}
	var want []snapshot.Input
	for _, in := range snapshot.Inputs() {
		if collectors[in].stage == stageAccount {
			want = append(want, in)
		}
	}
	if !slices.Equal(got, want) || len(got) < 13 {
		t.Errorf("tasks %v, want %v", got, want)
	}
}
