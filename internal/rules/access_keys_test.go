package rules_test

import (
	"context"
	"testing"

	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/scan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

func TestAccessKeyNotRotated(t *testing.T) {
	b := snapshot.NewBuilder("123456789012", t0)
	b.User("old", ago(1000)).AccessKey(ago(731), agoP(1))
	b.User("exactly-90", ago(1000)).AccessKey(ago(90), agoP(1))
	b.User("day-91", ago(1000)).AccessKey(ago(91), agoP(1))
	b.User("old-inactive", ago(1000)).InactiveAccessKey(ago(500))
	b.User("one-of-two", ago(1000)).AccessKey(ago(10), nil).AccessKey(ago(200), nil)
	b.User("none", ago(1000))
	check(t, run(t, &rules.AccessKeyNotRotated, b.Build()), map[string]want{
		"old":          {rules.Fail, "access key 1 is 731 days old (created 2022-05-01)"},
		"exactly-90":   {rules.Pass, "at most 90 days"},
		"day-91":       {rules.Fail, "91 days old"},
		"old-inactive": {rules.Pass, "no active access key"},
		"one-of-two":   {rules.Fail, "access key 2 is 200 days old"},
		"none":         {rules.Pass, "no active access key"},
	})
}

func TestAccessKeyNotRotatedAsOfAndConfig(t *testing.T) {
	b := snapshot.NewBuilder("123456789012", t0)
	b.User("u", ago(1000)).AccessKey(ago(50), agoP(1))
	s := b.Build()
	// 50 days old at t0: passes at 90 days, fails at a 30-day limit, and
	// fails at 90 days when measured 60 days later with --as-of.
	cases := []struct {
		ctx  rules.Context
		want rules.Status
	}{
		{rules.Context{Config: rules.Defaults()}, rules.Pass},
		{rules.Context{Config: rules.Config{AccessKeyMaxAgeDays: 30, UnusedCredentialDays: 45}}, rules.Fail},
		{rules.Context{Config: rules.Defaults(), AsOf: t0.AddDate(0, 0, 60)}, rules.Fail},
	}
	for i, c := range cases {
		out, err := scan.Run(context.Background(), s, scan.Options{Rules: []*rules.Rule{&rules.AccessKeyNotRotated}, Context: c.ctx})
		if err != nil {
			t.Fatal(err)
		}
		if got := out.Results.Slice()[0].Status; got != c.want {
			t.Errorf("case %d: %s, want %s (%s)", i, got, c.want, out.Results.Slice()[0].Message)
		}
	}
}

func TestAccessKeyUnused(t *testing.T) {
	b := snapshot.NewBuilder("123456789012", t0)
	b.User("used-yesterday", ago(1000)).AccessKey(ago(500), agoP(1))
	b.User("used-45-days-ago", ago(1000)).AccessKey(ago(500), agoP(45))
	b.User("used-44-days-ago", ago(1000)).AccessKey(ago(500), agoP(44))
	b.User("never-used-old", ago(1000)).AccessKey(ago(60), nil)
	b.User("never-used-new", ago(1000)).AccessKey(ago(10), nil)
	b.User("inactive-stale", ago(1000)).InactiveAccessKey(ago(500))
	check(t, run(t, &rules.AccessKeyUnused, b.Build()), map[string]want{
		"used-yesterday":   {rules.Pass, "used in the last 45 days"},
		"used-45-days-ago": {rules.Fail, "last used 45 days ago"},
		"used-44-days-ago": {rules.Pass, "used in the last 45 days"},
		"never-used-old":   {rules.Fail, "never been used in 60 days"},
		"never-used-new":   {rules.Pass, "used in the last 45 days"},
		"inactive-stale":   {rules.Pass, "no active access key"},
	})
}

func TestUserMultipleActiveKeys(t *testing.T) {
	runCases(t, &rules.UserMultipleActiveKeys, []ruleCase{
		{name: "two active", setup: func(b *snapshot.Builder) {
			b.User("svc", daysAgo(400)).AccessKey(daysAgo(300), daysAgoP(1)).AccessKey(daysAgo(20), daysAgoP(1))
		}, res: "svc", want: rules.Fail},
		{name: "one active one inactive", setup: func(b *snapshot.Builder) {
			b.User("svc", daysAgo(400)).AccessKey(daysAgo(300), daysAgoP(1)).InactiveAccessKey(daysAgo(20))
		}, res: "svc", want: rules.Pass},
		{name: "none", setup: func(b *snapshot.Builder) { b.User("ann", daysAgo(400)) }, res: "ann", want: rules.Pass},
	})
}

func TestAccessKeyCreatedAtSetup(t *testing.T) {
	runCases(t, &rules.AccessKeyCreatedAtSetup, []ruleCase{
		{name: "key with user, never used", setup: func(b *snapshot.Builder) {
			b.User("ann", daysAgo(100)).Password(daysAgo(100), daysAgoP(1)).AccessKey(daysAgo(100), nil)
		}, res: "ann", want: rules.Fail},
		{name: "key with user, used", setup: func(b *snapshot.Builder) {
			b.User("ann", daysAgo(100)).Password(daysAgo(100), daysAgoP(1)).AccessKey(daysAgo(100), daysAgoP(3))
		}, res: "ann", want: rules.Pass},
		{name: "key created later", setup: func(b *snapshot.Builder) {
			b.User("ann", daysAgo(100)).Password(daysAgo(100), daysAgoP(1)).AccessKey(daysAgo(50), nil)
		}, res: "ann", want: rules.Pass},
		{name: "no console password", setup: func(b *snapshot.Builder) { b.User("svc", daysAgo(100)).AccessKey(daysAgo(100), nil) }, res: "svc", want: rules.Pass},
	})
}
