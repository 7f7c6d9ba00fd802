package access

import (
	"fmt"
	"strings"

	"github.com/iamspect/iamspect/internal/wording"

	"github.com/iamspect/iamspect/internal/iamdata"
	"github.com/iamspect/iamspect/internal/policy"
)

// ResolveAction checks the action of a who-can question against the
// catalogue of IAM actions and returns its canonical name. An action IAM
// does not define is an error suggesting the closest names ("iam:PassRol":
// did you mean iam:PassRole?), since every answer about it would be about
// administrators only. A wildcard is resolved when it matches one action;
// otherwise it is an error listing what it matches: who-can answers for
// one action at a time, and asking about the literal pattern would list
// only the principals whose policies grant "*".
func ResolveAction(action string) (string, error) {
	svc, name, ok := strings.Cut(action, ":")
	if !ok || svc == "" || name == "" {
		return "", fmt.Errorf("%q is not an action: want service:Action, such as iam:PassRole", action)
	}
	if !iamdata.KnownService(svc) {
		if s := closest(strings.ToLower(svc), iamdata.Services(), func(s string) string { return s }); len(s) > 0 {
			return "", fmt.Errorf("unknown service %q in %q: did you mean %s?", svc, action, wording.Or(s))
		}
		return "", fmt.Errorf("unknown service %q in %q", svc, action)
	}
	if strings.ContainsAny(name, "*?") {
		acts := policy.ExpandActions(action)
		switch {
		case len(acts) == 1:
			return acts[0].String(), nil
		case len(acts) == 0:
			return "", fmt.Errorf("%q matches no action of %s", action, svc)
		}
		names := make([]string, 0, 8)
		for i, a := range acts {
			if i == 8 {
				names = append(names, fmt.Sprintf("and %d more", len(acts)-8))
				break
			}
			names = append(names, a.String())
		}
		return "", fmt.Errorf("%q matches %d actions (%s): who-can answers for one action at a time, ask about each", action, len(acts), strings.Join(names, ", "))
	}
	if a, ok := iamdata.Lookup(action); ok {
		return a.String(), nil
	}
	acts := iamdata.ServiceActions(svc)
	if s := closest(strings.ToLower(action), acts, func(a iamdata.Action) string { return strings.ToLower(a.String()) }); len(s) > 0 {
		return "", fmt.Errorf("%s is not an action of %s: did you mean %s?", action, svc, wording.Or(s))
	}
	return "", fmt.Errorf("%s is not an action of %s", action, svc)
}

// closest returns the names (at most three) nearest to want by edit
// distance, within a third of its length.
func closest[T any](want string, list []T, key func(T) string) []string {
	limit := max(2, len(want)/3)
	best := limit + 1
	var out []string
	for _, v := range list {
		k := key(v)
		d := editDistance(want, strings.ToLower(k), best)
		if d > limit {
			continue
		}
		name := k
		if a, ok := any(v).(iamdata.Action); ok {
			name = a.String()
		}
		switch {
		case d < best:
			best, out = d, []string{name}
		case d == best && len(out) < 3:
			out = append(out, name)
		}
	}
	return out
}

// editDistance is the Levenshtein distance, or a value above limit once it
// is certain to exceed it.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c = 1 + min(prev[j-1], prev[j], cur[j-1])
			}
			cur[j] = c
			low = min(low, c)
		}
		if low > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
