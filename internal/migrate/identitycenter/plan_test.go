package identitycenter

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/remediate/plan"
)

var fixedNow = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

func TestDemoPlan(t *testing.T) {
	s := demo.Snapshot()
	res, err := Plan(s, Options{Now: fixedNow, SourceType: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Plan.Validate(); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range res.People {
		names = append(names, p.UserName)
	}
	t.Logf("people: %v", names)
	for _, w := range res.Workloads {
		t.Logf("workload: %+v", w)
	}
	for _, ps := range res.PermissionSets {
		t.Logf("ps %s: %v %v inline=%d accts=%v", ps.Name, ps.AWSManaged, ps.Customer, len(ps.Inline), ps.Accounts())
	}
	for _, d := range res.Plan.Differences {
		t.Logf("diff: %+v", d)
	}
	if os.Getenv("SHOW") != "" {
		b, _ := json.MarshalIndent(res.Plan, "", "  ")
		t.Log(string(b))
	}
	_ = strings.Join
	_ = plan.StageCreate
}
