package rules_test

import (
	"testing"

	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/snapshot"
)

func TestUserDirectPolicies(t *testing.T) {
	runCases(t, &rules.UserDirectPolicies, []ruleCase{
		{name: "managed", setup: func(b *snapshot.Builder) {
			b.User("svc", daysAgo(10)).User.AttachedPolicies = []snapshot.PolicyRef{{Name: "P", ARN: "arn:aws:iam::123456789012:policy/P"}}
		}, res: "svc", want: rules.Fail},
		{name: "inline", setup: func(b *snapshot.Builder) {
			b.User("svc", daysAgo(10)).User.InlinePolicies = []snapshot.InlinePolicy{{Name: "x", Document: snapshot.RawJSON(`{}`)}}
		}, res: "svc", want: rules.Fail, contains: "inline policy x"},
		{name: "groups only", setup: func(b *snapshot.Builder) { b.User("ann", daysAgo(10)).User.Groups = []string{"G"} }, res: "ann", want: rules.Pass},
		{name: "no authz details", setup: func(b *snapshot.Builder) { b.User("ann", daysAgo(10)); b.Without(snapshot.InputAuthorizationDetails) }, want: rules.Unknown},
	})
}
