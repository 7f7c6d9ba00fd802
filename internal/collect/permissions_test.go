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
	for action := range called {
		if action == "sts:GetCallerIdentity" { // needs no permission
			continue
		}
		if !slices.Contains(doc, action) {
			t.Errorf("the collector calls %s, which docs/permissions.md does not allow", action)
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
