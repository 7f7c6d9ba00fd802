package rules_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/scan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

func TestRoleUnused(t *testing.T) {
	mk := func(created int, lastUsed *time.Time) func(b *snapshot.Builder) {
		return func(b *snapshot.Builder) {
			r := b.Role("r", ec2Trust)
			r.CreatedAt = daysAgo(created)
			if lastUsed != nil {
				r.LastUsed = &snapshot.RoleLastUsed{Date: *lastUsed}
			}
		}
	}
	runCases(t, &rules.RoleUnused, []ruleCase{
		{name: "last used 100 days ago", res: "r", want: rules.Fail, contains: "100 days", setup: mk(400, daysAgoP(100))},
		{name: "used 10 days ago", res: "r", want: rules.Pass, setup: mk(400, daysAgoP(10))},
		{name: "never used, created 200 days ago", res: "r", want: rules.Fail, contains: "no recorded use", setup: mk(200, nil)},
		{name: "never used, created 10 days ago", res: "r", want: rules.Pass, setup: mk(10, nil)},
		{name: "threshold from the config", res: "r", want: rules.Pass, setup: mk(400, daysAgoP(100)), cfg: func(c *rules.Config) { c.RoleUnusedDays = 180 }},
		{name: "service-linked roles are skipped", want: rules.Pass, setup: func(b *snapshot.Builder) {
			r := b.Role("AWSServiceRoleForX", ec2Trust)
			r.Path, r.CreatedAt = "/aws-service-role/x.amazonaws.com/", daysAgo(900)
		}},
	})
}

func TestRoleSessionDurationLong(t *testing.T) {
	mk := func(seconds int) func(b *snapshot.Builder) {
		return func(b *snapshot.Builder) { b.Role("r", ec2Trust).MaxSessionDuration = seconds }
	}
	runCases(t, &rules.RoleSessionDurationLong, []ruleCase{
		{name: "12 hours", res: "r", want: rules.Fail, contains: "12 hours", setup: mk(43200)},
		{name: "4 hours", res: "r", want: rules.Pass, setup: mk(14400)},
		{name: "4 hours 30", res: "r", want: rules.Fail, contains: "sessions of 4 hours 30 minutes, more than 4 hours", setup: mk(16200)},
		// AWS always reports a duration, so 0 means the role list did not
		// cover the role: never a PASS.
		{name: "missing from the role list is unknown", res: "r", want: rules.Unknown, contains: "roles.json", setup: mk(0)},
		{name: "threshold from the config", res: "r", want: rules.Pass, setup: mk(43200), cfg: func(c *rules.Config) { c.RoleMaxSessionHours = 12 }},
	})
	// Without the role list at all the whole rule is UNKNOWN for the account.
	b := snapshot.NewBuilder(acct, refNow).Without(snapshot.InputRoleDetails)
	b.Role("r", `{"Version":"2012-10-17","Statement":[]}`).MaxSessionDuration = 43200
	out, err := scan.Run(context.Background(), b.Build(), scan.Options{Rules: []*rules.Rule{&rules.RoleSessionDurationLong}})
	if err != nil {
		t.Fatal(err)
	}
	if out.Results.Len() != 1 || out.Results.Slice()[0].Status != rules.Unknown || !strings.Contains(out.Results.Slice()[0].Message, "iam:ListRoles") {
		t.Fatalf("without role details: %+v", out.Results)
	}
}
