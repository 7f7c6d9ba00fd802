package sandbox

import (
	"flag"
	"os"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the list of served actions in docs/sandbox.md")

const (
	docPath     = "../../docs/sandbox.md"
	beginServed = "<!-- actions:begin (generated: go test ./internal/sandbox -run TestServedActionsDoc -update) -->\n"
	endServed   = "<!-- actions:end -->"
)

// actionsMarkdown lists every action the sandbox answers (Actions, from the
// one registry of handlers), by service, reads apart from writes, with the
// input without which the action is AccessDenied (gateOf).
func actionsMarkdown() string {
	type key struct{ service, kind, gate string }
	groups := map[key][]string{}
	var keys []key
	for _, a := range Actions() {
		service, action, _ := strings.Cut(a, ":")
		k := key{service, "read", "—"}
		if isWrite(service, action) || service == svcSecurityHub && action == "BatchImportFindings" {
			k.kind = "write"
		}
		if in, ok := gateOf(service, action); ok {
			k.gate = "`" + string(in) + "`"
		}
		if groups[k] == nil {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], "`"+action+"`")
	}
	slices.SortFunc(keys, func(a, b key) int {
		return strings.Compare(a.service+" "+a.kind+" "+a.gate, b.service+" "+b.kind+" "+b.gate)
	})
	var b strings.Builder
	b.WriteString("| service | kind | AccessDenied unless the account collected | actions |\n|---|---|---|---|\n")
	for _, k := range keys {
		b.WriteString("| " + k.service + " | " + k.kind + " | " + k.gate + " | " + strings.Join(groups[k], ", ") + " |\n")
	}
	return b.String()
}

// TestServedActionsDoc keeps docs/sandbox.md's list of served actions in
// step with the handlers.
func TestServedActionsDoc(t *testing.T) {
	data, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	i, j := strings.Index(doc, beginServed), strings.Index(doc, endServed)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the served-actions markers", docPath)
	}
	want := doc[:i+len(beginServed)] + actionsMarkdown() + doc[j:]
	if want == doc {
		return
	}
	if !*update {
		t.Fatalf("the list of served actions in %s is stale: run go test ./internal/sandbox -run TestServedActionsDoc -update", docPath)
	}
	if err := os.WriteFile(docPath, []byte(want), 0o644); err != nil {
		t.Fatal(err)
	}
}
