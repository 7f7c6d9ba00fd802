package sandbox

import (
	"slices"
	"testing"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// Every action of every registered input has a handler, and every handler
// serves a registered input or is listed, with its reason, in otherActions.
func TestHandlersMatchRegistry(t *testing.T) {
	served := Actions()
	registered := snapshot.AllAPIs()
	for _, s := range snapshot.Specs() {
		for _, a := range s.APIs {
			if !slices.Contains(served, a) {
				t.Errorf("input %s: the sandbox has no handler for %s", s.Input, a)
			}
		}
	}
	for _, a := range served {
		_, other := otherActions[a]
		inRegistry := slices.Contains(registered, a)
		if !inRegistry && !other {
			t.Errorf("the sandbox serves %s, which no registered input declares (add it to the registry, or to otherActions with a reason)", a)
		}
		if inRegistry && other {
			t.Errorf("%s is in the registry and in otherActions", a)
		}
	}
	for a, why := range otherActions {
		if !slices.Contains(served, a) {
			t.Errorf("otherActions names %s, which has no handler", a)
		}
		if why == "" {
			t.Errorf("otherActions: %s without a reason", a)
		}
	}
}
