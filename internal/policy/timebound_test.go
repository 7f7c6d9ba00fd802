package policy

import (
	"testing"
	"time"
)

// Source: IAM UG, "AWS global condition context keys": aws:TokenIssueTime is
// present only when the caller uses temporary credentials; STS UG: role
// sessions last at most 12 hours, session and federation tokens at most 36.
func TestTokenIssueTimeBoundedByEvaluationTime(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	const (
		role = "arn:aws:iam::123456789012:role/deployer"
		user = "arn:aws:iam::123456789012:user/alice"
	)
	cond := func(op, v string) string {
		return D(S("Allow", A("iam:PutRolePolicy"), R("*"), C(`{"`+op+`":{"aws:TokenIssueTime":"`+v+`"}}`)))
	}
	cases := []struct {
		name, doc, principal string
		want                 Decision
	}{
		{"issued before a date long past: never for a role", cond("DateLessThan", "2020-01-01T00:00:00Z"), role, ImplicitDeny},
		{"issued before a date long past: never for a user either (no token or a recent one)", cond("DateLessThan", "2020-01-01T00:00:00Z"), user, ImplicitDeny},
		{"issued before a date 13 hours ago: never for a role session", cond("DateLessThan", "2026-11-22T23:00:00Z"), role, ImplicitDeny},
		{"issued before a date 13 hours ago: a 36-hour user token may be", cond("DateLessThan", "2026-11-22T23:00:00Z"), user, ConditionallyAllowed},
		{"issued after a date long past: every role session", cond("DateGreaterThan", "2020-01-01T00:00:00Z"), role, Allowed},
		{"issued after a date long past: a user may have no token", cond("DateGreaterThan", "2020-01-01T00:00:00Z"), user, ConditionallyAllowed},
		{"issued after a future date: not now", cond("DateGreaterThan", "2027-01-01T00:00:00Z"), role, ImplicitDeny},
		{"issued within the last hour: unknown", cond("DateGreaterThan", "2026-11-23T11:00:00Z"), role, ConditionallyAllowed},
		{"equal to a date long past: never", cond("DateEquals", "2020-01-01T00:00:00Z"), role, ImplicitDeny},
		{"not equal to a date long past: always", cond("DateNotEquals", "2020-01-01T00:00:00Z"), role, Allowed},
		{"not equal for a user: no token also passes", cond("DateNotEquals", "2020-01-01T00:00:00Z"), user, Allowed},
		{"IfExists before a past date: a user's long-term key passes", cond("DateLessThanIfExists", "2020-01-01T00:00:00Z"), user, ConditionallyAllowed},
		{"epoch seconds work too", cond("DateLessThan", "1577836800"), role, ImplicitDeny},
		{"aws:CurrentTime in the past", D(S("Allow", A("iam:PutRolePolicy"), R("*"), C(`{"DateLessThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}`))), role, ImplicitDeny},
		{"aws:EpochTime in the future", D(S("Allow", A("iam:PutRolePolicy"), R("*"), C(`{"NumericLessThan":{"aws:EpochTime":"4102444800"}}`))), role, Allowed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, err := Parse([]byte(c.doc))
			if err != nil {
				t.Fatal(err)
			}
			set := NewSet(doc)
			got := set.Evaluate(&Request{Principal: c.principal, Action: "iam:PutRolePolicy", Resource: role, Now: now})
			if got.Decision != c.want {
				t.Errorf("decision %s, want %s (%s)", got.Decision, c.want, got.Explain())
			}
			// Without an evaluation time nothing is bounded.
			if got := set.Evaluate(&Request{Principal: c.principal, Action: "iam:PutRolePolicy", Resource: role}); got.Decision != ConditionallyAllowed {
				t.Errorf("without Now: %s, want ConditionallyAllowed", got.Decision)
			}
		})
	}
}
