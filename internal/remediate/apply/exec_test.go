package apply

import (
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/remediate/plan"
)

// The applier dispatches only operations of the plan registry, and every
// operation it runs has a postcondition, so that an interrupted call can be
// recognised as done on resume (DeleteVirtualMFADevice excepted: the device
// leaves no trace to read).
func TestDispatchMatchesRegistry(t *testing.T) {
	for key := range ops {
		svc, name, _ := strings.Cut(key, ":")
		if plan.Lookup(svc, name) == nil {
			t.Errorf("the applier runs %s, which the plan registry does not declare", key)
		}
		c := &plan.Call{Service: svc, Operation: name}
		if len(postconditions(c)) == 0 && key != "iam:DeleteVirtualMFADevice" && key != "iam:RemoveRoleFromInstanceProfile" {
			t.Errorf("%s has no postcondition", key)
		}
	}
}
