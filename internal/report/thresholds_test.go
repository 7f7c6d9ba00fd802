package report_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/scan"
)

// A report's rule texts give the thresholds the scan ran with.
func TestReportRemediationUsesConfiguredThreshold(t *testing.T) {
	s := demo.Snapshot()
	for _, tc := range []struct {
		min  int
		want string
	}{{0, "to 14 or more"}, {20, "to 20 or more"}} {
		var rc rules.Context
		rc.Config.MinPasswordLength = tc.min
		out, err := scan.Run(context.Background(), s, scan.Options{Rules: []*rules.Rule{&rules.PasswordPolicyMinLength}, Context: rc})
		if err != nil {
			t.Fatal(err)
		}
		rep := report.New(s, out, "test", time.Unix(0, 0), time.Time{})
		if len(rep.Rules) != 1 || !strings.Contains(rep.Rules[0].Remediation.Summary, tc.want) {
			t.Errorf("min_password_length %d: rules = %+v, want %q", tc.min, rep.Rules, tc.want)
		}
	}
}
