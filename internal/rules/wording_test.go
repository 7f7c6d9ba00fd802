package rules_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/scan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

var (
	// oneMany catches "1 days", "1 member accounts", "1 keys": a count of one
	// with a plural noun (up to two words before it: "1 active access keys").
	oneMany = regexp.MustCompile(`(^|[\s(])1 ([a-z-]+ ){0,2}(days|hours|minutes|seconds|accounts|keys|members|passwords|characters|principals|roles|users|groups|policies|methods|hops|actions|errors|warnings|statements|certificates|providers)\b`)
	// goDuration catches time.Duration's own syntax ("12h0m0s", "1h30m0s").
	goDuration = regexp.MustCompile(`\b\d+h\d+m\d+(\.\d+)?s\b|\b\d+m\d+(\.\d+)?s\b`)
)

// Every message of every rule, on the demo and a generated organisation, at
// the default thresholds and at each threshold's smallest and largest value
// (so "the limit is 1 day" is exercised), and every rule text rendered at
// them, counts like a person: no "1 days", no "12h0m0s".
func TestMessagesCountLikePeople(t *testing.T) {
	configs := map[string]rules.Config{"default": rules.Defaults(), "min": {}, "max": {}}
	lo, hi := configs["min"], configs["max"]
	for _, th := range rules.Thresholds() {
		th.Set(&lo, th.Min)
		th.Set(&hi, th.Max)
	}
	configs["min"], configs["max"] = lo, hi
	snaps := map[string]*snapshot.Snapshot{"demo": demo.Snapshot(), "organization": demo.Organization(4)}
	checked := 0
	for cname, cfg := range configs {
		for _, r := range rules.Catalog() {
			rr := r.WithThresholds(cfg)
			for _, text := range []string{rr.Title, rr.Description, rr.Remediation.Summary, rr.Remediation.Console} {
				checkWording(t, cname+" "+r.ID+" text", text)
			}
		}
		for sname, s := range snaps {
			out, err := scan.Run(context.Background(), s, scan.Options{Context: rules.Context{Config: cfg}})
			if err != nil {
				t.Fatal(err)
			}
			for _, res := range out.Results.Slice() {
				checkWording(t, cname+" "+sname+" "+res.RuleID+" on "+res.ResourceName, res.Message)
				checked++
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d messages checked", checked)
	}
}

func checkWording(t *testing.T, where, text string) {
	t.Helper()
	if m := oneMany.FindString(text); m != "" {
		t.Errorf("%s: %q counts one in the plural: %s", where, m, text)
	}
	if m := goDuration.FindString(text); m != "" {
		t.Errorf("%s: %q is Go duration syntax: %s", where, m, text)
	}
}

// The patterns catch what they are for.
func TestWordingPatterns(t *testing.T) {
	for _, bad := range []string{"the limit is 1 days.", "its 1 member accounts keep", "has 1 active access keys", "a session of 12h0m0s", "1h30m0s"} {
		if !oneMany.MatchString(bad) && !goDuration.MatchString(bad) {
			t.Errorf("%q not caught", bad)
		}
	}
	for _, good := range []string{"the limit is 1 day.", "11 days", "2.1 days", "1 active access key", "12 hours", "access key 1 has", "at most 1 hour"} {
		if oneMany.MatchString(good) || goDuration.MatchString(good) {
			t.Errorf("%q wrongly caught", good)
		}
	}
}
